"""Chain gaps as an OGC collection and a tile layer: officers' data, read by staff and by API keys
given the `gaps` collection by name; for everyone else it does not exist."""

import json
from collections.abc import Iterator

import mapbox_vector_tile
import pytest
import shapely
from fastapi.testclient import TestClient

from tests.support.apps import state
from tests.support.chains import created, enterprise_body, point_in
from tests.support.tiles import tile_box, tile_of

GAP_URLS = (
    "/ogc/collections/{c}",
    "/ogc/collections/{c}/items",
    "/ogc/collections/{c}/queryables",
    "/ogc/collections/{c}/schema",
    "/ogc/collections/{c}/items/computed-1-region-360000",
    "/tiles/{c}/8/210/106.mvt",
    "/tiles/{c}.json",
)


@pytest.fixture(scope="module")
def gaps_key(client: TestClient, admin: dict[str, str]) -> Iterator[dict[str, str]]:
    r = client.post("/api/v1/admin/keys", headers=admin, json={"name": "partner-gaps", "collections": ["gaps"]})
    assert r.status_code == 201, r.text
    yield {"Authorization": f"Bearer {r.json()['key']}"}
    client.delete(f"/api/v1/admin/keys/{r.json()['id']}", headers=admin)


def _readers(callers, gaps_key) -> dict[str, dict[str, str]]:
    return {"officer": callers["officer_in"], "leader": callers["leader"], "admin": callers["admin"], "key": gaps_key}


def _all_items(client: TestClient, headers: dict[str, str], limit: int) -> list[dict]:
    """Every feature of the gaps collection, following the next links."""
    url: str | None = f"/ogc/collections/gaps/items?limit={limit}"
    features: list[dict] = []
    while url:
        r = client.get(url, headers=headers)
        assert r.status_code == 200, r.text
        features += r.json()["features"]
        url = next((lk["href"] for lk in r.json()["links"] if lk["rel"] == "next"), None)
    return features


def test_staff_and_a_gaps_key_read_the_same_gaps_as_the_gap_api(client, callers, admin, gaps_key):
    api = client.get("/api/v1/gaps", params={"f": "geojson", "limit": 1000, "count": "true"}, headers=admin).json()
    expected = {f["id"]: f for f in api["features"]}
    assert len(expected) == api["numberMatched"] > 20
    for who, headers in _readers(callers, gaps_key).items():
        listed = [c["id"] for c in client.get("/ogc/collections", headers=headers).json()["collections"]]
        assert "gaps" in listed, who
        if who == "key":
            assert listed == ["gaps"]
        assert client.get("/ogc/collections/gaps", headers=headers).json()["extent"]["spatial"]["bbox"]
        # Keyset paging over the string ids, in pages smaller than the layer.
        got = _all_items(client, headers, limit=len(expected) // 3)
        assert sorted(f["id"] for f in got) == sorted(expected), who
        for f in got:
            want = expected[f["id"]]
            assert f["properties"]["gap_class"] == want["properties"]["gap_class"]
            assert f["properties"]["enterprise_count"] == want["properties"]["enterprise_count"]
            assert shapely.equals_exact(
                shapely.from_geojson(json.dumps(f["geometry"])), shapely.from_geojson(json.dumps(want["geometry"])), 1e-6
            )
    first = next(iter(expected))
    one = client.get(f"/ogc/collections/gaps/items/{first}", headers=gaps_key)
    assert one.status_code == 200 and one.json()["id"] == first
    missing = client.get("/ogc/collections/gaps/items", params={"gap_class": "missing", "limit": 1000}, headers=admin)
    assert {f["id"] for f in missing.json()["features"]} == {
        i for i, f in expected.items() if f["properties"]["gap_class"] == "missing"
    }


@pytest.mark.parametrize("caller", ["anonymous", "key_write", "key_regions_only"])
def test_for_everyone_else_gaps_are_an_unknown_collection(client, callers, caller):
    """Anonymous callers and keys without `gaps` (a "*" key too) get the answer an unknown id gets."""
    headers = callers[caller]
    listed = [c["id"] for c in client.get("/ogc/collections", headers=headers).json()["collections"]]
    assert "gaps" not in listed
    for template in GAP_URLS:
        gap, unknown = (client.get(template.format(c=c), headers=headers) for c in ("gaps", "nowhere"))
        assert gap.status_code == unknown.status_code == 404, template
        # Word for word: the list of known collections in the message leaves gaps out too.
        assert gap.text.replace("gaps", "nowhere") == unknown.text, template
    assert "/collections/gaps" not in "".join(client.get("/ogc/api", headers=headers).json()["paths"])
    if caller != "key_regions_only":  # (that key may not read land)
        assert "gaps" not in mapbox_vector_tile.decode(client.get("/tiles/all/8/210/106.mvt", headers=headers).content)
        assert client.get("/tiles/land,gaps/8/210/106.mvt", headers=headers).status_code == 404


def test_gap_tiles_for_staff_hold_the_gaps_meeting_the_tile(client, admin, gaps_key):
    api = client.get("/api/v1/gaps", params={"f": "geojson", "limit": 1000}, headers=admin).json()["features"]
    z, (x, y) = 8, tile_of(115.9, 28.6, 8)  # Nanchang
    box = tile_box(z, x, y)
    expected = sorted(
        (f["properties"]["link_id"], f["properties"]["area_name"])
        for f in api
        if shapely.intersects(shapely.from_geojson(json.dumps(f["geometry"])), box)
    )
    assert expected
    for headers in (admin, gaps_key):
        r = client.get(f"/tiles/gaps/{z}/{x}/{y}.mvt", headers=headers)
        assert r.status_code == 200 and r.headers["cache-control"] == "private, no-cache"
        got = mapbox_vector_tile.decode(r.content)["gaps"]["features"]
        assert sorted((f["properties"]["link_id"], f["properties"]["area_name"]) for f in got) == expected
        assert {f["properties"]["gap_class"] for f in got} <= {"missing", "weak"}
    # Staff's multi-layer tile has the gaps beside the public layers.
    assert {"gaps", "land", "parks"} <= set(
        mapbox_vector_tile.decode(client.get(f"/tiles/all/{z}/{x}/{y}.mvt", headers=admin).content)
    )
    doc = client.get("/tiles/gaps.json", headers=admin).json()
    assert doc["vector_layers"][0]["fields"]["gap_class"] == "String"


def test_a_recorded_gap_shows_at_once_in_items_and_tiles(client, admin, db):
    """chain_gaps (and the other chain tables) bump the gap layer's data version (migration 0006)."""
    county = "360502"  # 渝水区, Xinyu: outside the counties the authz matrix records gaps in
    x, y = tile_of(*point_in(db, county), 8)
    items, tile = "/ogc/collections/gaps/items?limit=1000", f"/tiles/gaps/8/{x}/{y}.mvt"
    before = {u: client.get(u, headers=admin) for u in (items, tile)}
    body = {"link_id": 3, "region_adcode": county, "reason": "OGC 测试", "source": "test suite", "gap_class": "missing"}
    with created(client, admin, "/api/v1/gap_records", body) as gap:
        for url, old in before.items():
            now = client.get(url, headers={**admin, "If-None-Match": old.headers["etag"]})
            assert now.status_code == 200 and now.headers["etag"] != old.headers["etag"]
        ids = [f["id"] for f in client.get(items, headers=admin).json()["features"]]
        assert f"recorded-{gap['id']}" in ids
        drawn = mapbox_vector_tile.decode(client.get(tile, headers=admin).content)["gaps"]["features"]
        assert any(f["properties"]["link_id"] == 3 and f["properties"]["area_kind"] == "region" for f in drawn)
    assert f"recorded-{gap['id']}" not in [f["id"] for f in client.get(items, headers=admin).json()["features"]]


def test_enterprise_writes_bump_the_gap_layer_version(client, admin, db):
    versions = state(client).versions
    tables = state(client).layers["gaps"].tables
    assert {"enterprises", "enterprise_links", "chain_links", "chain_gaps", "targets"} <= set(tables)
    before = versions.version(tables)
    with created(client, admin, "/api/v1/enterprises", enterprise_body(point_in(db, "360121"), link_ids=[3])):
        assert versions.version(tables) > before
