"""Candidates for a gap (招商候选): the enterprises outside an area that work in a chain link, to
court for it. Ranked as officers weigh them: 链主 first, then revenue, then size (employees), then
the nearest to the area; each says whether it is already on the list of that link and area."""

from typing import Any, Self

from pydantic import Field, model_validator
from sqlalchemy import Numeric, Select, and_, any_, cast, func, literal, select
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import Session

from app.chains.areas import KEY_COLUMN, area_columns, key_literal, require_area
from app.chains.models import ChainLink
from app.chains.schemas import AreaParams
from app.core.errors import FieldProblem, InvalidInput
from app.core.listing import EMPTY_JSON_ARRAY, json_object
from app.enterprises.models import Enterprise, EnterpriseLink, EnterpriseTag
from app.regions.models import Region
from app.targets.models import Target

LEADER = EnterpriseTag.CHAIN_LEADER.value


class CandidateQuery(AreaParams):
    link: int = Field(description="产业链环节 id")
    limit: int = Field(default=50, ge=1, le=200, description="最多返回的候选企业数")

    @model_validator(mode="after")
    def _area_given(self) -> Self:
        if self.area() is None:
            raise FieldProblem(
                "give the area: region, park or cluster", "请指定招商区域：region、park 或 cluster", field="region"
            )
        return self


def candidates(session: Session, q: CandidateQuery) -> Select[Any]:
    """The ranked candidates as one JSON array."""
    area_key = q.area()
    assert area_key is not None  # checked by CandidateQuery
    kind, key = area_key
    require_area(session, kind, key)
    if session.get(ChainLink, q.link) is None:
        raise InvalidInput.one("link", f"unknown chain link {q.link}", f"未知的产业链环节 {q.link}")
    area = select(*area_columns(kind, key_literal(kind, key))).subquery("area")
    inside = and_(
        Enterprise.is_local,
        (Enterprise.region_adcode == any_(area.c.counties)) | (Enterprise.park_id == any_(area.c.parks)),
    )
    leader = Enterprise.tags.any(LEADER)  # type: ignore[arg-type]  # ARRAY's any(value) at run time
    metres = func.ST_Distance(func.geography(Enterprise.location), func.geography(func.ST_PointOnSurface(area.c.geom)))
    distance_km = func.round(cast(metres / 1000, Numeric), 1)
    same_list = (
        select(Target.id)
        .where(
            Target.enterprise_id == Enterprise.id,
            Target.link_id == q.link,
            getattr(Target, KEY_COLUMN[kind]) == key_literal(kind, key),
        )
        .limit(1)
        .scalar_subquery()
    )
    ranked = (
        select(
            json_object(
                {
                    "id": Enterprise.id,
                    "name": Enterprise.name,
                    "uscc": Enterprise.uscc,
                    "is_local": Enterprise.is_local,
                    "region_name": select(Region.name).where(Region.adcode == Enterprise.region_adcode).scalar_subquery(),
                    "tags": Enterprise.tags,
                    "chain_leader": leader,
                    "revenue_yi": Enterprise.revenue_yi,
                    "employees": Enterprise.employees,
                    "distance_km": distance_km,
                    "target_id": same_list,
                    "is_demo": Enterprise.is_demo,
                }
            ).label("item"),
            func.row_number()
            .over(
                order_by=(
                    leader.desc(),
                    Enterprise.revenue_yi.desc().nulls_last(),
                    Enterprise.employees.desc().nulls_last(),
                    distance_km,
                    Enterprise.id,
                )
            )
            .label("rank"),
        )
        .select_from(Enterprise)
        .join(EnterpriseLink, EnterpriseLink.enterprise_id == Enterprise.id)
        .join(area, literal(True))
        .where(EnterpriseLink.link_id == q.link, ~inside)
        .subquery("ranked")
    )
    agg = func.json_agg(aggregate_order_by(ranked.c.item, ranked.c.rank))
    return select(func.coalesce(agg, EMPTY_JSON_ARRAY)).where(ranked.c.rank <= q.limit)
