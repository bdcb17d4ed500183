"""GET /api/v1/search?q=: what the map's search box suggests as one types.

One SQL statement ranks parks (full and short names) and regions (city and county names)
together and writes the JSON: exact matches first, then names that start with the text,
then names that contain it; national parks before provincial ones, cities before counties,
shorter names before longer ones. The public sees published parks only.

Besides the Chinese names, a record matches when every word typed lies in its search key (its
names in full pinyin, pinyin initials, English and English acronyms; app/core/romanise.py):
"nanchang etdz", "nc", "ganzhou kaifaqu", "Honggutan". The key has a trigram index.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from sqlalchemy import ColumnElement, Numeric, SQLColumnExpression, Text, case, cast, func, literal, or_, select, union_all
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import aliased

from app.core.auth import CurrentUser
from app.core.crud import collection_guard
from app.core.database import SessionDep
from app.core.errors import InvalidInput
from app.core.listing import EMPTY_JSON_ARRAY, geojson, json_object
from app.core.romanise import key_holds, tokens
from app.parks import queries as park_queries
from app.parks.models import Park
from app.regions.models import Region

router = APIRouter(tags=["search 搜索"])

MAX_SUGGESTIONS = 20


def _rank(q: str, key: SQLColumnExpression[Any], *names: SQLColumnExpression[Any]) -> ColumnElement[int]:
    """0 when a name (or a form of the key: Nanchang City, ncs) is the text, 1 when one starts with
    it, 2 otherwise (it contains it, or the key holds every word)."""
    lowered = func.lower(literal(q, Text))
    words = tokens(q)
    # The key's forms lie between bars, so "|form|" is a whole form and "|start" its beginning.
    whole = [key.like(f"%|{w}|%") for w in {"".join(words), " ".join(words)}] if words else []
    start = [key.like(f"%|{words[0]}%")] if words else []
    return case(
        (or_(*[func.lower(n) == lowered for n in names], *whole), 0),
        (or_(*[n.istartswith(q, autoescape=True) for n in names], *start), 1),
        else_=2,
    )


def _matches(q: str, key: SQLColumnExpression[Any], *names: SQLColumnExpression[Any]) -> ColumnElement[bool]:
    return or_(*[n.icontains(q, autoescape=True) for n in names], key_holds(key, q))


@router.get(
    "/search",
    summary="Search suggestions: parks, cities, counties / 搜索建议：园区、设区市、县区",
    dependencies=[collection_guard("parks")],
)
def search(
    session: SessionDep,
    user: CurrentUser,
    q: Annotated[str, Query(min_length=1, max_length=50, description="text typed so far / 已输入的文字")],
    limit: Annotated[int, Query(ge=1, le=MAX_SUGGESTIONS, description="suggestions / 建议条数")] = 8,
) -> Response:
    q = q.strip()
    if not q:
        raise InvalidInput.one("q", "type at least one character besides spaces", "请至少输入一个非空格字符")
    county, city = aliased(Region), aliased(Region)
    # The official English name too, where the park has one (English mode shows it).
    park_rank = _rank(q, Park.search_key, Park.name, Park.short_name, Park.name_en)
    level_order = case({"national": 0, "provincial": 1}, value=Park.level, else_=2)
    parks = (
        park_queries.visible(user)
        .outerjoin(county, county.adcode == Park.region_adcode)
        .outerjoin(city, city.adcode == county.parent_adcode)
        .where(_matches(q, Park.search_key, Park.name, Park.short_name, Park.name_en))
        .with_only_columns(
            park_rank.label("rank"),
            level_order.label("tier"),
            func.length(Park.name).label("len"),
            json_object(
                {
                    "kind": literal("park"),
                    "id": Park.id,
                    "name": Park.name,
                    "short_name": Park.short_name,
                    "name_en": Park.name_en,
                    "name_pinyin": Park.name_pinyin,
                    "level": Park.level,
                    "type": Park.type,
                    "region_adcode": Park.region_adcode,
                    "context": func.concat_ws(" · ", city.name, county.name),
                    "context_en": func.concat_ws(" · ", city.name_en, county.name_en),
                    "location": geojson(Park.location).op("->")(literal("coordinates")),
                }
            ).label("j"),
        )
    )
    parent = aliased(Region)
    regions = (
        select(
            _rank(q, Region.search_key, Region.name).label("rank"),
            # Cities (tier 0/1 like national parks) rank with the parks; counties after them.
            case((Region.level == "city", 0), (Region.level == "county", 2), else_=1).label("tier"),
            func.length(Region.name).label("len"),
            json_object(
                {
                    "kind": literal("region"),
                    "adcode": Region.adcode,
                    "name": Region.name,
                    "name_en": Region.name_en,
                    "level": Region.level,
                    "context": parent.name,
                    "context_en": parent.name_en,
                    "bbox": func.json_build_array(
                        *[
                            func.round(cast(f(Region.geom), Numeric), 4)
                            for f in (func.ST_XMin, func.ST_YMin, func.ST_XMax, func.ST_YMax)
                        ]
                    ),
                }
            ).label("j"),
        )
        .outerjoin(parent, parent.adcode == Region.parent_adcode)
        .where(Region.level != "province", _matches(q, Region.search_key, Region.name))
    )
    both = union_all(parks, regions).subquery("s")
    top = select(
        both.c.j, func.row_number().over(order_by=(both.c.rank, both.c.tier, both.c.len, cast(both.c.j, Text))).label("n")
    ).subquery("top")
    items = func.coalesce(func.json_agg(aggregate_order_by(top.c.j, top.c.n)).filter(top.c.n <= limit), EMPTY_JSON_ARRAY)
    body = session.execute(select(cast(json_object({"query": literal(q, Text), "items": items}), Text))).scalar_one()
    return Response(content=body, media_type="application/json")
