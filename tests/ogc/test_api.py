"""OGC API - Features under /ogc, against the real test database."""

import math
import re
import subprocess

import mapbox_vector_tile
import pytest
from sqlalchemy import text

from app.core.settings import settings
from app.geo.coords import wgs84_to_gcj02
from app.ogc.crs import GCJ02
from tests.support.apps import public_layers
from tests.support.records import if_match

LAYERS = public_layers()  # what the anonymous callers of these tests see

EPSG4490 = "http://www.opengis.net/def/crs/EPSG/0/4490"
EPSG3857 = "http://www.opengis.net/def/crs/EPSG/0/3857"


def _ids(db, sql: str, **params) -> list:
    return [r[0] for r in db.execute(text(sql), params)]


def _walk(client, url: str, params: dict | None = None) -> tuple[list, list[dict]]:
    """Follow next links to the end; returns (ids in order, pages)."""
    ids, pages = [], []
    r = client.get(url, params=params)
    while True:
        assert r.status_code == 200, r.text
        page = r.json()
        pages.append(page)
        ids += [f["id"] for f in page["features"]]
        assert page["numberReturned"] == len(page["features"])
        nxt = [link["href"] for link in page["links"] if link["rel"] == "next"]
        if not nxt:
            return ids, pages
        r = client.get(nxt[0])


def test_landing_links_resolve(client):
    r = client.get("/ogc")
    assert r.status_code == 200
    links = {link["rel"]: link for link in r.json()["links"]}
    assert {"self", "service-desc", "conformance", "data"} <= set(links)
    assert links["service-desc"]["type"] == "application/vnd.oai.openapi+json;version=3.0"
    for rel in ("service-desc", "conformance", "data"):
        assert client.get(links[rel]["href"]).status_code == 200


def test_conformance_declares_core_geojson_oas30(client):
    classes = client.get("/ogc/conformance").json()["conformsTo"]
    for part in ("core", "geojson", "oas30"):
        assert f"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/{part}" in classes


def test_openapi_is_3_0_and_publishes_the_limit_maximum(client):
    r = client.get("/ogc/api")
    assert r.headers["content-type"].startswith("application/vnd.oai.openapi+json")
    doc = r.json()
    assert doc["openapi"].startswith("3.0.")
    limit = doc["components"]["parameters"]["limit"]["schema"]
    assert limit["maximum"] == settings().api.max_limit and limit["minimum"] == 1
    params = doc["paths"]["/collections/parks/items"]["get"]["parameters"]
    assert {"$ref": "#/components/parameters/limit"} in params
    assert any(p.get("name") == "level" for p in params)


def test_collections_list_every_layer_with_extent_in_jiangxi(client):
    body = client.get("/ogc/collections").json()
    assert [c["id"] for c in body["collections"]] == list(LAYERS)
    for c in body["collections"]:
        w, s, e, n = c["extent"]["spatial"]["bbox"][0]
        assert 113 < w < e < 119 and 24 < s < n < 31, c["id"]
        assert "中" in c["description"] or any("\u4e00" <= ch <= "\u9fff" for ch in c["description"])
        rels = {link["rel"] for link in c["links"]}
        assert {"self", "items", "describedby"} <= rels


def test_paging_by_key_returns_every_visible_plot_once(client, db):
    expected = _ids(
        db,
        "SELECT c.id FROM carriers c JOIN parks p ON p.id = c.park_id "
        "WHERE c.kind = 'land' AND c.published AND p.published ORDER BY c.id",
    )
    ids, pages = _walk(client, "/ogc/collections/land/items", {"limit": 37})
    assert ids == expected
    assert len(pages) == math.ceil(len(expected) / 37)
    assert all("numberMatched" not in p for p in pages)  # land is large: counted only on request
    assert client.get("/ogc/collections/land/items", params={"limit": 1, "count": "true"}).json()["numberMatched"] == len(
        expected
    )


def test_prev_link_leads_back_to_the_previous_page(client):
    first = client.get("/ogc/collections/land/items", params={"limit": 5}).json()
    second = client.get(next(lk["href"] for lk in first["links"] if lk["rel"] == "next")).json()
    back = client.get(next(lk["href"] for lk in second["links"] if lk["rel"] == "prev")).json()
    assert [f["id"] for f in back["features"]] == [f["id"] for f in first["features"]]
    assert not any(lk["rel"] == "prev" for lk in first["links"])


def test_bbox_returns_exactly_the_plots_meeting_it(client, db):
    bbox = (115.7, 28.5, 116.1, 28.9)
    expected = _ids(
        db,
        "SELECT c.id FROM carriers c JOIN parks p ON p.id = c.park_id WHERE c.kind = 'land' "
        "AND c.published AND p.published AND ST_Intersects(c.geom, ST_MakeEnvelope(:w, :s, :e, :n, 4326)) "
        "ORDER BY c.id",
        w=bbox[0],
        s=bbox[1],
        e=bbox[2],
        n=bbox[3],
    )
    assert expected, "the demo data should have plots near Nanchang"
    ids, _ = _walk(client, "/ogc/collections/land/items", {"bbox": ",".join(map(str, bbox)), "limit": 1000})
    assert ids == expected


def test_property_and_datetime_filters(client, db):
    national = client.get("/ogc/collections/parks/items", params={"level": "national", "limit": 1000}).json()
    assert (
        national["numberMatched"]
        == len(national["features"])
        == db.execute(text("SELECT count(*) FROM parks WHERE level = 'national' AND published")).scalar()
    )
    assert {f["properties"]["level"] for f in national["features"]} == {"national"}
    standard = client.get("/ogc/collections/land/items", params={"is_standard_land": "true", "limit": 1000}).json()
    assert standard["features"] and all(f["properties"]["is_standard_land"] for f in standard["features"])
    day = db.execute(text("SELECT as_of FROM parks WHERE as_of IS NOT NULL AND published LIMIT 1")).scalar()
    dated = client.get("/ogc/collections/parks/items", params={"datetime": day.isoformat(), "limit": 1000}).json()
    assert (
        dated["numberMatched"]
        == db.execute(text("SELECT count(*) FROM parks WHERE as_of = :d AND published"), {"d": day}).scalar()
    )
    after = client.get("/ogc/collections/parks/items", params={"datetime": f"{day.isoformat()}/..", "limit": 1000}).json()
    assert all(f["properties"]["as_of"] >= day.isoformat() for f in after["features"])


def test_queryables_are_typed_json_schema(client):
    doc = client.get("/ogc/collections/land/queryables").json()
    assert doc["type"] == "object" and doc["$schema"].startswith("https://json-schema.org/")
    props = doc["properties"]
    assert props["area_m2"]["type"] == "number"
    assert props["lease_term_years"]["type"] == "integer"
    assert props["is_standard_land"]["type"] == "boolean"
    assert props["as_of"] == {"type": "string", "format": "date"}
    assert "plot_ratio_min" in props and "plot_ratio" not in props


def _first_plot(client) -> dict:
    return client.get("/ogc/collections/land/items", params={"limit": 1}).json()["features"][0]


@pytest.mark.parametrize("crs", [EPSG4490, EPSG3857, GCJ02])
def test_output_crs(client, crs):
    plot = _first_plot(client)
    r = client.get(f"/ogc/collections/land/items/{plot['id']}", params={"crs": crs})
    assert r.status_code == 200 and r.headers["content-crs"] == f"<{crs}>"
    got = r.json()["geometry"]["coordinates"][0]
    ring = plot["geometry"]["coordinates"][0]
    for (lon, lat), (a, b) in zip(ring, got, strict=True):
        if crs == EPSG4490:  # CGCS2000 is latitude first by its EPSG definition
            assert (a, b) == pytest.approx((lat, lon), abs=1e-6)
        elif crs == EPSG3857:
            x = math.radians(lon) * 6378137
            y = math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) * 6378137
            assert (a, b) == pytest.approx((x, y), abs=0.05)
        else:
            assert (a, b) == pytest.approx(wgs84_to_gcj02(lon, lat), abs=1e-9)
            assert abs(a - lon) > 1e-4  # the shift is hundreds of metres in Jiangxi


def test_single_feature_and_its_links(client):
    plot = _first_plot(client)
    r = client.get(f"/ogc/collections/land/items/{plot['id']}")
    assert r.headers["content-type"] == "application/geo+json"
    body = r.json()
    assert body["id"] == plot["id"] and body["geometry"] == plot["geometry"]
    assert {"self", "collection"} <= {lk["rel"] for lk in body["links"]}
    region = client.get("/ogc/collections/regions/items/360100").json()
    assert region["properties"]["name"] == "南昌市" and region["geometry"]["type"] == "MultiPolygon"


@pytest.mark.parametrize(
    ("url", "status", "field"),
    [
        ("/ogc/collections/land/items?bbox=115,28,116", 400, "bbox"),
        ("/ogc/collections/land/items?bbox=116,28,115,29", 400, "bbox"),
        ("/ogc/collections/land/items?limit=0", 400, "limit"),
        (f"/ogc/collections/land/items?limit={settings().api.max_limit + 1}", 400, "limit"),
        ("/ogc/collections/land/items?limit=ten", 400, "limit"),
        ("/ogc/collections/land/items?colour=red", 400, "colour"),
        ("/ogc/collections/land/items?lease_term_years=abc", 400, "lease_term_years"),
        ("/ogc/collections/land/items?datetime=2024-13-01", 400, "datetime"),
        ("/ogc/collections/land/items?crs=EPSG:9999", 400, "crs"),
        ("/ogc/collections/land/items?after=x", 400, "after"),
        ("/ogc/collections/nowhere/items", 404, None),
        ("/ogc/collections/nowhere", 404, None),
        ("/ogc/collections/land/items/999999999", 404, None),
        ("/ogc/collections/land/items/abc", 404, None),
        ("/ogc/collections/regions/items/999999", 404, None),
    ],
)
def test_bad_input_gets_an_ogc_exception(client, url, status, field):
    r = client.get(url)
    assert r.status_code == status, r.text
    body = r.json()
    assert body["code"] == ("InvalidParameterValue" if status == 400 else "NotFound")
    assert body["description"] and body["description_zh"]
    if field:
        assert body["error"]["details"][0]["field"] == field


def test_unpublished_records_stay_hidden_and_edits_show_at_once(client, admin):
    plot = _first_plot(client)
    url = f"/ogc/collections/land/items/{plot['id']}"
    tag = client.get(url).headers["etag"]
    assert client.get(url, headers={"If-None-Match": tag}).status_code == 304
    page_url = "/ogc/collections/land/items?limit=5"
    assert plot["id"] in [f["id"] for f in client.get(page_url).json()["features"]]  # now in the page cache
    path = f"/api/v1/carriers/{plot['id']}"
    assert client.patch(path, json={"published": False}, headers=if_match(client, path, admin)).status_code == 200
    try:
        assert client.get(url, headers={"If-None-Match": tag}).status_code == 404
        assert client.get(url, headers=admin).json()["properties"]["published"] is False
        assert plot["id"] not in [f["id"] for f in client.get(page_url).json()["features"]]
    finally:
        client.patch(path, json={"published": True}, headers=if_match(client, path, admin))
    again = client.get(url, headers={"If-None-Match": tag})
    assert again.status_code == 200 and again.headers["etag"] != tag


def test_an_api_key_reads_only_its_collections(client, callers, live_server):
    key = callers["key_regions_only"]  # a read key given "regions" only
    listed = [c["id"] for c in client.get("/ogc/collections", headers=key).json()["collections"]]
    assert listed == ["regions"]
    r = client.get("/ogc/collections/land/items", headers=key)
    assert r.status_code == 403 and r.json()["code"] == "Forbidden"
    assert client.get("/tiles/land/8/210/106.mvt", headers=key).status_code == 403
    assert set(mapbox_vector_tile.decode(client.get("/tiles/all/8/210/106.mvt", headers=key).content)) == {"regions"}
    # GDAL sends the key too, and then sees the one layer it was given.
    out = subprocess.run(
        [
            "ogrinfo",
            "-ro",
            "-q",
            f"OAPIF:{live_server}/ogc",
            "--config",
            "GDAL_HTTP_HEADERS",
            f"Authorization: {key['Authorization']}",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert re.findall(r"^\d+: (\w+) ", out.stdout, re.MULTILINE) == ["regions"], out.stderr


def test_internal_fields_only_for_staff(client, admin):
    """A park's contact people are internal, as in the REST API: not in public features or schema."""
    public = client.get("/ogc/collections/parks/items", params={"limit": 3}).json()["features"]
    staff = client.get("/ogc/collections/parks/items", params={"limit": 3}, headers=admin).json()["features"]
    assert all("contacts" not in f["properties"] for f in public)
    assert all("contacts" in f["properties"] for f in staff)
    assert "contacts" not in client.get("/ogc/collections/parks/schema").json()["properties"]["properties"]["properties"]
    assert (
        client.get("/ogc/collections/parks/items", params={"limit": 3}).headers["etag"]
        != client.get("/ogc/collections/parks/items", params={"limit": 3}, headers=admin).headers["etag"]
    )
