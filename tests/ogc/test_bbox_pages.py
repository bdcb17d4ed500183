"""Pages in a bounding box chosen by walking ids with their stored boxes (app/core/boxes.py; issue 17).

The walk must give exactly the pages the spatial index gave. (Its plan, an index-only scan of
ix_carriers_page under the page's LIMIT, is shown in bench/RESULTS.md: a plan test here chose
other join orders depending on which tests ran before it, so it is not part of the suite.)
"""

import dataclasses
import json

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app.carriers import queries as carriers
from app.carriers.models import Carrier
from app.carriers.schemas import CarrierQuery
from app.core.auth import ANONYMOUS, Principal
from app.core.listing import bbox_filter
from app.ogc.crs import DEFAULT
from app.ogc.items import Shape, page_select, parameters
from app.ogc.params import ItemsParams
from tests.support.apps import public_layers

LAYERS = public_layers()
STAFF = Principal("user:officer", role="officer")
URLS = ("http://t/?after=", "", "http://t/?before=", "")


def _boxes(db: Session) -> list[tuple[float, float, float, float]]:
    """The box of all carriers, a box around the busiest park, a tiny one, and one over nothing."""
    w, s, e, n = db.execute(
        select(
            func.ST_XMin(func.ST_Extent(Carrier.geom)),
            func.ST_YMin(func.ST_Extent(Carrier.geom)),
            func.ST_XMax(func.ST_Extent(Carrier.geom)),
            func.ST_YMax(func.ST_Extent(Carrier.geom)),
        )
    ).one()
    x, y = db.execute(
        text("SELECT ST_X(location), ST_Y(location) FROM carriers GROUP BY park_id, location ORDER BY park_id LIMIT 1")
    ).one()
    return [(w, s, e, n), (x - 0.02, y - 0.02, x + 0.02, y + 0.02), (x - 0.001, y - 0.001, x + 0.001, y + 0.001), (0, 0, 1, 1)]


def _page(db: Session, layer_id: str, user: Principal, box: tuple[float, ...], walk: bool, **more: object) -> dict:
    layer = LAYERS[layer_id] if walk else dataclasses.replace(LAYERS[layer_id], box=None)
    p = ItemsParams(limit=7, bbox=box, crs=DEFAULT, **more)
    body = db.execute(page_select(Shape.of(layer, user, p)), parameters(p, "http://t/self", URLS)).scalar_one()
    return json.loads(body)


@pytest.mark.parametrize("layer_id", ["land", "factories"])
@pytest.mark.parametrize("who", ["public", "staff"])
def test_walked_pages_equal_the_spatial_index_pages(db: Session, layer_id: str, who: str) -> None:
    user = ANONYMOUS if who == "public" else STAFF
    shown = 0
    for box in _boxes(db):
        page = _page(db, layer_id, user, box, walk=True)
        assert page == _page(db, layer_id, user, box, walk=False), box
        shown += page["numberReturned"]
        if page["numberReturned"] == 7:  # the next page, by key, too
            after = page["features"][-1]["id"]
            assert _page(db, layer_id, user, box, True, after=after) == _page(db, layer_id, user, box, False, after=after)
    assert shown > 7  # not only empty pages


def test_rest_carriers_in_a_box_are_those_the_spatial_index_finds(db: Session) -> None:
    for box in _boxes(db):
        q = CarrierQuery(bbox=",".join(map(str, box)))
        walked = set(db.execute(carriers.filtered(q, ANONYMOUS).with_only_columns(Carrier.id)).scalars())
        indexed = set(
            db.execute(carriers.visible(ANONYMOUS).where(bbox_filter(Carrier.geom, box)).with_only_columns(Carrier.id)).scalars()
        )
        assert walked == indexed, box
