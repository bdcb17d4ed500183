"""Gaps recorded by hand (人工记录的短板): reads and writes, for staff only."""

from typing import Any

from geoalchemy2 import Geometry
from sqlalchemy import Select, and_, cast, func, null, select
from sqlalchemy.orm import Session

from app.chains.areas import area_keys, area_of, area_scope, require_area, stored_area
from app.chains.models import Chain, ChainGap, ChainLink, Priority
from app.chains.schemas import GapIn, GapRecordQuery
from app.core.auth import Principal, require_staff
from app.core.codes import sql_rank
from app.core.crud import assign, other_holder
from app.core.errors import Conflict, InvalidInput
from app.core.listing import OutputSpec
from app.core.provenance import provenance_fields
from app.targets.models import Target

WHAT = ("recorded gap", "短板记录")
AREA = ("region_adcode", "park_id", "cluster_id")


def same_list(model: Any) -> Any:
    """Targets on the list of the link and area `model` (a gap row or a pairs subquery) names."""
    return and_(Target.link_id == model.link_id, *[getattr(Target, k).is_not_distinct_from(getattr(model, k)) for k in AREA])


_chain_id = select(ChainLink.chain_id).where(ChainLink.id == ChainGap.link_id).scalar_subquery()
FIELDS: dict[str, Any] = {
    "id": ChainGap.id,
    "chain_id": _chain_id,
    "chain_name": select(Chain.name)
    .join(ChainLink, ChainLink.chain_id == Chain.id)
    .where(ChainLink.id == ChainGap.link_id)
    .scalar_subquery(),
    "link_id": ChainGap.link_id,
    "link_name": select(ChainLink.name).where(ChainLink.id == ChainGap.link_id).scalar_subquery(),
    "gap_class": ChainGap.gap_class,
    "priority": ChainGap.priority,
    "reason": ChainGap.reason,
    **area_of(ChainGap),
    **area_keys(ChainGap),
    "target_count": select(func.count()).where(same_list(ChainGap)).scalar_subquery(),
    **provenance_fields(ChainGap),
}
# Drawn by /gaps, which also measures coverage: a bare record has no geometry of its own.
OUTPUT = OutputSpec(
    id=ChainGap.id,
    fields=FIELDS,
    geometry=cast(null(), Geometry),
    sortable={"id": ChainGap.id, "priority": sql_rank(ChainGap.priority, Priority), "updated_at": ChainGap.updated_at},
    version=ChainGap.row_version,
)


def visible(user: Principal) -> Select[Any]:
    require_staff(user)
    return select(ChainGap)


def filtered(q: GapRecordQuery, user: Principal) -> Select[Any]:
    stmt = visible(user)
    for column, value in (
        (_chain_id, q.chain),
        (ChainGap.link_id, q.link),
        (ChainGap.gap_class, q.gap_class),
        (ChainGap.priority, q.priority),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    return stmt


_SCALARS = ("link_id", "gap_class", "priority", "reason", *AREA, "source", "as_of", "is_demo", "published")


def save(session: Session, data: GapIn, gap: ChainGap | None = None) -> int:
    if session.get(ChainLink, data.link_id) is None:
        raise InvalidInput.one("link_id", f"unknown chain link {data.link_id}", f"未知的产业链环节 {data.link_id}")
    require_area(session, *stored_area(data))
    same = select(ChainGap.id).where(
        ChainGap.link_id == data.link_id, *[getattr(ChainGap, k).is_not_distinct_from(getattr(data, k)) for k in AREA]
    )
    if (taken := other_holder(session, same, gap)) is not None:
        raise Conflict(
            f"a gap of link {data.link_id} in this area is already recorded (gap {taken})",
            f"该环节在此区域的短板已有记录（短板 {taken}）",
        )
    gap = assign(session, gap or ChainGap(), data, _SCALARS)
    session.flush()
    return gap.id


# Where a recorded gap lies decides who may write it; its targets stay (targets.gap_id is set null).
scope_of = area_scope
