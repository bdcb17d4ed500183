"""Vector tiles decoded with an independent decoder (mapbox-vector-tile), checked against the database."""

import json
from collections import Counter

import jsonschema
import mapbox_vector_tile
import pytest
import shapely
from sqlalchemy import text

from tests.support.apps import public_layers
from tests.support.records import if_match
from tests.support.tiles import carriers, tile_box, tile_of

LAYERS = public_layers()  # what the anonymous callers of these tests see

# TileJSON 3.0.0 (github.com/mapbox/tilejson-spec, 3.0.0/README.md), the parts this service fills in.
TILEJSON_3 = {
    "type": "object",
    "required": ["tilejson", "tiles", "vector_layers"],
    "properties": {
        "tilejson": {"type": "string", "pattern": r"^3\.0\.\d+$"},
        "tiles": {"type": "array", "minItems": 1, "items": {"type": "string", "pattern": r"^https?://.*\{z\}.*\{x\}.*\{y\}"}},
        "vector_layers": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["id", "fields"],
                "properties": {
                    "id": {"type": "string"},
                    "description": {"type": "string"},
                    "minzoom": {"type": "integer", "minimum": 0, "maximum": 30},
                    "maxzoom": {"type": "integer", "minimum": 0, "maximum": 30},
                    "fields": {"type": "object", "additionalProperties": {"type": "string"}},
                },
            },
        },
        "bounds": {"type": "array", "minItems": 4, "maxItems": 4, "items": {"type": "number"}},
        "center": {"type": "array", "minItems": 3, "maxItems": 3, "items": {"type": "number"}},
        "minzoom": {"type": "integer", "minimum": 0, "maximum": 30},
        "maxzoom": {"type": "integer", "minimum": 0, "maximum": 30},
        "scheme": {"enum": ["xyz", "tms"]},
        "name": {"type": "string"},
        "description": {"type": "string"},
        "attribution": {"type": "string"},
        "version": {"type": "string", "pattern": r"^\d+\.\d+\.\d+"},
    },
}


def decode(client, url: str, **kw) -> dict:
    r = client.get(url, **kw)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/vnd.mapbox-vector-tile"
    return mapbox_vector_tile.decode(r.content)


@pytest.mark.parametrize(
    ("layer", "kind_sql", "z"),
    [("land", "c.kind = 'land'", 13), ("land", "c.kind = 'land'", 12), ("factories", "c.kind <> 'land'", 14)],
)
def test_detail_tile_holds_exactly_the_features_meeting_it(client, db, layer, kind_sql, z):
    ids, geoms, _ = carriers(db, kind_sql)
    # The tile holding the most feature centres: a dense one, with features crossing its edges.
    centres = [shapely.centroid(g) for g in geoms]
    x, y = Counter(tile_of(c.x, c.y, z) for c in centres).most_common(1)[0][0]
    box = tile_box(z, x, y)
    expected = {i for i, g in zip(ids, geoms, strict=True) if shapely.intersects(g, box)}
    assert expected, "the chosen tile should hold some features"
    got = decode(client, f"/tiles/{layer}/{z}/{x}/{y}.mvt")[layer]["features"]
    assert {f["id"] for f in got} == expected
    assert len(got) == len(expected)
    assert all("count" not in f["properties"] for f in got)


def test_overview_tile_counts_every_plot_whose_point_is_in_it(client, db):
    ids, _, points = carriers(db, "c.kind = 'land'")
    z, (x, y) = 8, tile_of(115.9, 28.6, 8)
    box = tile_box(z, x, y)
    inside = sum(1 for p in points if shapely.intersects(p, box))
    cells = decode(client, f"/tiles/land/{z}/{x}/{y}.mvt")["land"]["features"]
    assert inside > 0 and sum(f["properties"]["count"] for f in cells) == inside
    assert all(f["geometry"]["type"] == "Point" for f in cells)
    assert len(cells) < inside  # plots near one another share a cell


def test_parks_are_points_and_all_tile_has_every_layer(client, db):
    z, (x, y) = 8, tile_of(115.9, 28.6, 8)
    box = tile_box(z, x, y)
    rows = db.execute(text("SELECT id, ST_AsBinary(location) FROM parks WHERE published")).all()
    expected = {r[0] for r in rows if shapely.intersects(shapely.from_wkb(bytes(r[1])), box)}
    tile = decode(client, f"/tiles/all/{z}/{x}/{y}.mvt")
    assert {f["id"] for f in tile["parks"]["features"]} == expected
    assert {f["geometry"]["type"] for f in tile["parks"]["features"]} == {"Point"}
    for layer in LAYERS:  # the multi-layer tile is every layer's own tile, side by side
        assert tile.get(layer) == decode(client, f"/tiles/{layer}/{z}/{x}/{y}.mvt").get(layer)
    assert {"parks", "land", "factories", "clusters", "regions"} <= set(tile)
    assert {f["properties"]["name"] for f in tile["regions"]["features"]} >= {"江西省", "南昌市"}


@pytest.mark.parametrize("layer", [*LAYERS, "all"])
def test_tilejson_validates_and_points_at_working_tiles(client, layer):
    doc = client.get(f"/tiles/{layer}.json").json()
    jsonschema.validate(doc, TILEJSON_3)
    assert doc["tilejson"] == "3.0.0" and doc["minzoom"] <= doc["maxzoom"]
    w, s, e, n = doc["bounds"]
    assert 113 < w < e < 119 and 24 < s < n < 31
    ids = [v["id"] for v in doc["vector_layers"]]
    assert ids == (list(LAYERS) if layer == "all" else [layer])
    url = doc["tiles"][0].format(z=8, x=210, y=106)
    assert url.startswith("http://testserver/tiles/")
    assert set(mapbox_vector_tile.decode(client.get(url).content)) <= set(ids)


def test_land_fields_are_typed():
    from app.tiles.router import _fields

    assert _fields(LAYERS["land"])["area_m2"] == "Number"
    assert _fields(LAYERS["land"])["is_standard_land"] == "Boolean"
    assert _fields(LAYERS["land"])["name"] == "String"


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/tiles/land/23/0/0.mvt", 404),
        ("/tiles/land/-1/0/0.mvt", 404),
        ("/tiles/land/3/8/0.mvt", 404),
        ("/tiles/land/3/0/8.mvt", 404),
        ("/tiles/land/3/-1/0.mvt", 404),
        ("/tiles/clusters/14/0/0.mvt", 404),
        ("/tiles/nowhere/3/0/0.mvt", 404),
        ("/tiles/land/a/0/0.mvt", 400),
        ("/tiles/nowhere.json", 404),
    ],
)
def test_bad_tile_addresses_get_an_ogc_exception(client, url, status):
    r = client.get(url)
    assert r.status_code == status
    assert r.json()["code"] == ("NotFound" if status == 404 else "InvalidParameterValue")
    assert r.json()["description_zh"]


def test_an_edit_is_in_the_next_tile_and_never_served_stale(client, db, admin):
    ids, geoms, _ = carriers(db, "c.kind = 'land'")
    plot_id, geom = ids[0], geoms[0]
    z = 14
    x, y = tile_of(shapely.centroid(geom).x, shapely.centroid(geom).y, z)
    url = f"/tiles/land/{z}/{x}/{y}.mvt"

    def status_of_plot(**kw) -> str:
        return next(f for f in decode(client, url, **kw)["land"]["features"] if f["id"] == plot_id)["properties"]["status"]

    before = status_of_plot()
    first = client.get(url)
    assert client.get(url, headers={"If-None-Match": first.headers["etag"]}).status_code == 304
    assert first.headers["cache-control"] == "public, no-cache"
    new = "reserved" if before != "reserved" else "available"
    assert (
        client.patch(
            f"/api/v1/carriers/{plot_id}", json={"status": new}, headers=if_match(client, f"/api/v1/carriers/{plot_id}", admin)
        ).status_code
        == 200
    )
    try:
        assert status_of_plot() == new
        assert client.get(url, headers={"If-None-Match": first.headers["etag"]}).status_code == 200
    finally:
        client.patch(
            f"/api/v1/carriers/{plot_id}", json={"status": before}, headers=if_match(client, f"/api/v1/carriers/{plot_id}", admin)
        )
    assert status_of_plot() == before


def test_an_edit_in_one_process_reaches_the_cache_of_another(client, db, admin, live_server):
    """The live server is another process: its cached tile must change after a write made here,
    through the database's NOTIFY, without any request to it in between."""
    import time

    import httpx

    ids, geoms, _ = carriers(db, "c.kind = 'land'")
    plot_id, centre = ids[1], shapely.centroid(geoms[1])
    url = f"{live_server}/tiles/land/14/{'/'.join(map(str, tile_of(centre.x, centre.y, 14)))}.mvt"

    def status_there() -> str:
        tile = mapbox_vector_tile.decode(httpx.get(url).content)
        return next(f for f in tile["land"]["features"] if f["id"] == plot_id)["properties"]["status"]

    before = status_there()  # now cached by the live server
    new = "taken" if before != "taken" else "available"
    assert (
        client.patch(
            f"/api/v1/carriers/{plot_id}", json={"status": new}, headers=if_match(client, f"/api/v1/carriers/{plot_id}", admin)
        ).status_code
        == 200
    )
    try:
        deadline = time.monotonic() + 5
        while status_there() != new:
            assert time.monotonic() < deadline, "the other process kept serving the old tile"
            time.sleep(0.05)
    finally:
        client.patch(
            f"/api/v1/carriers/{plot_id}", json={"status": before}, headers=if_match(client, f"/api/v1/carriers/{plot_id}", admin)
        )


# The map page's filters: park criteria (level) and carrier criteria (status, area in 亩, price).
MAP_FILTERS = {"status": "available", "min_area": "20", "area_unit": "mu", "max_price": "60", "level": "national"}


def map_carriers(client, **filters) -> dict[int, dict]:
    """What the page's list shows for these filters: /api/v1/map/carriers, the whole province."""
    r = client.get("/api/v1/map/carriers", params={"f": "geojson", "limit": 10_000, **filters})
    assert r.status_code == 200, r.text
    return {f["id"]: f for f in r.json()["features"]}


def test_filtered_tiles_hold_what_the_map_list_holds(client, db):
    every, chosen = map_carriers(client), map_carriers(client, **MAP_FILTERS)
    assert 0 < len(chosen) < len(every) / 3
    ids, _, points = carriers(db, "true")
    point_of = dict(zip(ids, points, strict=True))
    plots = [f for f in chosen.values() if f["properties"]["kind"] == "land"]
    centre = shapely.centroid(shapely.from_geojson(json.dumps(plots[0]["geometry"])))
    for z in (13, 8):
        x, y = tile_of(centre.x, centre.y, z)
        box = tile_box(z, x, y)
        tile = decode(client, f"/tiles/land,factories/{z}/{x}/{y}.mvt", params=MAP_FILTERS)
        for layer, is_kind in (("land", lambda k: k == "land"), ("factories", lambda k: k != "land")):
            mine = [f for f in chosen.values() if is_kind(f["properties"]["kind"])]
            got = tile.get(layer, {"features": []})["features"]
            if z >= 12:
                meeting = {f["id"] for f in mine if shapely.intersects(shapely.from_geojson(json.dumps(f["geometry"])), box)}
                assert {f["id"] for f in got} == meeting
            else:  # grid cells: the counts add up to the matching carriers whose point is in the tile
                inside = sum(1 for f in mine if shapely.intersects(point_of[f["id"]], box))
                assert sum(f["properties"]["count"] for f in got) == inside
    unfiltered = decode(client, f"/tiles/land/{z}/{x}/{y}.mvt")["land"]["features"]
    assert sum(f["properties"]["count"] for f in tile["land"]["features"]) < sum(f["properties"]["count"] for f in unfiltered)


def test_filters_are_in_cache_keys_and_etags(client):
    url = "/tiles/land/13/{}/{}.mvt".format(*tile_of(115.9, 28.6, 13))
    plain, filtered = client.get(url), client.get(url, params={"status": "taken"})
    assert plain.headers["etag"] != filtered.headers["etag"]
    # The same filters, given again: the cached tile and its ETag, answered 304 when held.
    again = client.get(url, params={"status": "taken"}, headers={"If-None-Match": filtered.headers["etag"]})
    assert again.status_code == 304
    assert client.get(url, params={"status": "taken"}).content == filtered.content
    statuses = {
        f["properties"]["status"] for f in mapbox_vector_tile.decode(filtered.content).get("land", {}).get("features", [])
    }
    assert statuses <= {"taken"}


def test_unclipped_tiles_carry_whole_features(client, db):
    ids, geoms, _ = carriers(db, "c.kind = 'land'")
    z = 15
    # A plot crossing a tile's edge: its clipped form stops at the buffer, its whole form does not.
    for plot_id, geom in zip(ids, geoms, strict=True):  # noqa: B007 - the plot found is used after the loop
        x0, y0, x1, y1 = geom.bounds
        (ax, ay), (bx, by) = tile_of(x0, y1, z), tile_of(x1, y0, z)
        if (ax, ay) != (bx, by):
            break
    url = f"/tiles/land/{z}/{ax}/{ay}.mvt"

    def extent_of(**params) -> tuple[float, float, float, float]:
        tile = decode(client, url, params=params)["land"]
        feature = next(f for f in tile["features"] if f["id"] == plot_id)
        return shapely.geometry.shape(feature["geometry"]).bounds

    clipped, whole = extent_of(), extent_of(clip="false")
    assert max(clipped[2], clipped[3]) <= 4096 + 64 and min(clipped[:2]) >= -64
    assert max(whole[2], whole[3]) > 4096 + 64 or min(whole[:2]) < -64
    assert shapely.box(*clipped).within(shapely.box(*whole))


@pytest.mark.parametrize(
    ("url", "param"),
    [
        ("/tiles/parks/8/210/106.mvt?status=available", "status"),
        ("/tiles/all/8/210/106.mvt?level=national", "level"),
        ("/tiles/land/8/210/106.mvt?status=sold", "status"),
        ("/tiles/land/8/210/106.mvt?min_area=5&max_area=1", "min_area"),
        ("/tiles/land/8/210/106.mvt?colour=red", "colour"),
        ("/tiles/land,factories/8/210/106.mvt?clip=maybe", "clip"),
        ("/tiles/land.json?max_price=-1", "max_price"),
    ],
)
def test_bad_filters_get_an_ogc_exception_naming_the_parameter(client, url, param):
    r = client.get(url)
    assert r.status_code == 400, r.text
    body = r.json()
    assert body["code"] == "InvalidParameterValue" and body["description_zh"]
    assert param in {d["field"] for d in body["error"]["details"]}


def test_tilejson_keeps_the_filters_in_its_tile_urls(client):
    doc = client.get("/tiles/land,factories.json", params={"status": "available", "clip": "false"}).json()
    assert [v["id"] for v in doc["vector_layers"]] == ["land", "factories"]
    assert doc["tiles"][0].endswith("/tiles/land,factories/{z}/{x}/{y}.mvt?status=available&clip=false")
