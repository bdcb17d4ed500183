"""The stored Feature texts of carriers (app/carriers/features.py) against the dynamic pages they replace."""

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.datastructures import QueryParams

from app.carriers.models import Carrier, CarrierFeature
from app.core.auth import ANONYMOUS, Principal
from app.ogc import items
from app.ogc.params import parse_items
from tests.support.apps import public_layers
from tests.support.records import if_match

LAYERS = public_layers()

_URLS = ("https://x/self", ("https://x/?after=", "&limit=7", "https://x/?before=", "&limit=7"))
_STAMP = re.compile(r'"timeStamp" : "[^"]*"')


def _page(db: Session, layer: str, query: str, user: Principal = ANONYMOUS) -> str:
    p = parse_items(LAYERS[layer], user, QueryParams(query))
    return _STAMP.sub("", items.collection_bytes(db, LAYERS[layer], user, p, *_URLS).decode())


# A partner's write key: it also sees the unpublished carriers of its county (SQLAlchemy runs its pages).
_WRITE_KEY = Principal("partner key", role="partner", key_id=1, write_counties=frozenset({"360111"}))


@pytest.mark.parametrize("user", [ANONYMOUS, _WRITE_KEY], ids=["anonymous", "write-key"])
@pytest.mark.parametrize(
    "layer, query",
    [
        ("land", "limit=1000"),
        ("land", "limit=7&bbox=113,24,119,31"),
        ("land", "limit=7&count=true&status=available"),
        ("factories", "limit=1000"),
        ("factories", "limit=3&after=5"),
        ("land", "limit=4&before=100000"),
        ("land", "limit=5&bbox=0,0,1,1"),  # no features: "features" : []
    ],
)
def test_stored_pages_equal_the_dynamic_ones_byte_for_byte(db, monkeypatch, layer, query, user):
    stored = _page(db, layer, query, user)
    assert (
        items.stored_features(items.Shape.of(LAYERS[layer], user, parse_items(LAYERS[layer], user, QueryParams(query))))
        is not None
    )
    monkeypatch.setattr(items, "stored_features", lambda shape: None)
    items.page_select.cache_clear()
    items._compiled.cache_clear()
    try:
        dynamic = _page(db, layer, query, user)
    finally:
        items.page_select.cache_clear()
        items._compiled.cache_clear()
    assert stored == dynamic


def test_every_carrier_has_its_stored_feature(db):
    assert db.scalar(select(func.count()).select_from(CarrierFeature)) == db.scalar(select(func.count()).select_from(Carrier))


def test_edits_of_a_carrier_and_of_its_park_show_on_the_next_page(client: TestClient, admin, db):
    plot = client.get("/ogc/collections/land/items?limit=1").json()["features"][0]
    page = f"/ogc/collections/land/items?limit=1&bbox={','.join(map(str, _around(db, plot['id'])))}"

    def shown() -> dict:
        return next(f for f in client.get(page).json()["features"] if f["id"] == plot["id"])["properties"]

    carrier = f"/api/v1/carriers/{plot['id']}"
    park = f"/api/v1/parks/{plot['properties']['park_id']}"
    old_park_name = client.get(park).json()["name"]
    assert client.patch(carrier, json={"name": "改名地块"}, headers=if_match(client, carrier, admin)).status_code == 200
    assert client.patch(park, json={"name": "改名园区"}, headers=if_match(client, park, admin)).status_code == 200
    try:
        assert (shown()["name"], shown()["park_name"]) == ("改名地块", "改名园区")
    finally:
        client.patch(carrier, json={"name": plot["properties"]["name"]}, headers=if_match(client, carrier, admin))
        client.patch(park, json={"name": old_park_name}, headers=if_match(client, park, admin))
    assert (shown()["name"], shown()["park_name"]) == (plot["properties"]["name"], old_park_name)


def _around(db: Session, carrier_id: int) -> tuple[float, ...]:
    """A bbox of the carrier alone (its point on surface, slightly widened)."""
    x, y = db.execute(select(func.ST_X(Carrier.location), func.ST_Y(Carrier.location)).where(Carrier.id == carrier_id)).one()
    return (x - 1e-6, y - 1e-6, x + 1e-6, y + 1e-6)
