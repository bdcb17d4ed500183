"""The infrastructure layer: the shipped facilities, their REST / OGC / tile forms, the OSM loader, writes."""

import csv
from pathlib import Path

import mapbox_vector_tile
import pytest
import shapely
from sqlalchemy import select

from app.infrastructure.models import Facility
from app.loaders.infrastructure import load_osm
from tests.support.reference_files import GEODATA
from tests.support.tiles import tile_of

# What airportsdata 20260905 says for the five Jiangxi airports loaded from it (IATA, lon, lat).
AIRPORTSDATA = {
    "KHN": (115.9, 28.865),
    "JGS": (114.737, 26.8569),
    "KOW": (114.912, 25.8258),
    "JDZ": (117.176, 29.3386),
    "SQD": (117.96417, 28.37972),
}


def _items(client, path: str, **params) -> list[dict]:
    r = client.get(path, params={"limit": 1000, **params})
    assert r.status_code == 200, r.text
    return r.json()["items"]


def test_every_row_of_the_file_is_listed_with_its_source(client) -> None:
    with (GEODATA / "infrastructure.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    got = {f["name"]: f for f in _items(client, "/api/v1/facilities")}
    assert set(got) == {r["name"] for r in rows}
    for row in rows:
        assert got[row["name"]]["source"] == row["source"]
        assert got[row["name"]]["location_precision"] == row["location_precision"]
        assert got[row["name"]]["is_demo"] is False


def test_airports_are_where_airportsdata_puts_them(client) -> None:
    airports = {f["code"]: f for f in _items(client, "/api/v1/facilities", kind="airport")}
    assert set(airports) == {*AIRPORTSDATA, "JRJ", "YIC"}
    for code, (lon, lat) in AIRPORTSDATA.items():
        assert airports[code]["location"]["coordinates"] == [lon, lat]
        assert airports[code]["location_precision"] == "exact"
    # Yichun has no published coordinates: placed in its county, and saying so.
    assert airports["YIC"]["location_precision"] == "county"
    assert airports["YIC"]["region_adcode"] == "360902"


def test_the_layer_is_an_ogc_collection_and_a_tile_layer(client) -> None:
    r = client.get("/ogc/collections/facilities/items", params={"kind": "rail_station", "limit": 100})
    assert r.status_code == 200, r.text
    names = sorted(f["properties"]["name"] for f in r.json()["features"])
    assert names == sorted(["南昌西站", "抚州东站", "峡江站", "鄱阳站", "南昌站", "九江站", "萍乡北站", "上饶站"])
    assert "facilities" in {c["id"] for c in client.get("/ogc/collections").json()["collections"]}
    x, y = tile_of(115.9, 28.865, 9)
    tile = client.get(f"/tiles/facilities/9/{x}/{y}.mvt")
    assert tile.status_code == 200
    features = mapbox_vector_tile.decode(tile.content)["facilities"]["features"]
    assert "南昌昌北国际机场" in {f["properties"]["name"] for f in features}


OSM = """<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="test">
  <node id="1" lat="28.70" lon="115.85" version="1">
    <tag k="aeroway" v="aerodrome"/><tag k="name" v="测试机场"/><tag k="iata" v="TST"/></node>
  <node id="2" lat="28.71" lon="115.86" version="1"><tag k="railway" v="station"/></node>
  <node id="3" lat="31.23" lon="121.47" version="1"><tag k="railway" v="station"/><tag k="name" v="上海站"/></node>
  <node id="4" lat="28.72" lon="115.87" version="1">
    <tag k="highway" v="motorway_junction"/><tag k="name" v="测试出口"/><tag k="ref" v="12"/></node>
  <node id="10" lat="28.600" lon="115.800" version="1"/>
  <node id="11" lat="28.600" lon="115.810" version="1"/>
  <node id="12" lat="28.610" lon="115.810" version="1"/>
  <node id="13" lat="28.610" lon="115.800" version="1"/>
  <way id="100" version="1"><nd ref="10"/><nd ref="11"/><nd ref="12"/><nd ref="13"/><nd ref="10"/>
    <tag k="amenity" v="university"/><tag k="name" v="测试大学"/></way>
</osm>
"""


def test_the_osm_loader_reads_an_extract_through_gdal(db, tmp_path: Path) -> None:
    extract = tmp_path / "tiny.osm"
    extract.write_text(OSM, encoding="utf-8")
    try:
        counts = load_osm(db, extract)
        loaded = {f.osm_id: f for f in db.execute(select(Facility).where(Facility.osm_id.is_not(None))).scalars()}
        # Unnamed and outside-Jiangxi features are left out.
        assert counts == {"airport": 1, "expressway_exit": 1, "university": 1}
        assert {k: (f.kind, f.name, f.code) for k, f in loaded.items()} == {
            "node/1": ("airport", "测试机场", "TST"),
            "node/4": ("expressway_exit", "测试出口", "12"),
            "way/100": ("university", "测试大学", None),
        }
        campus = shapely.box(115.80, 28.60, 115.81, 28.61)
        assert campus.contains(shapely.from_wkb(bytes(loaded["way/100"].location.data)))
        # Loading again changes nothing.
        assert load_osm(db, extract) == counts
        assert db.execute(select(Facility).where(Facility.osm_id.is_not(None))).scalars().all().__len__() == 3
    finally:
        db.rollback()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "spaceport"}, "kind"),
        ({"location": {"type": "Point", "coordinates": [121.47, 31.23]}}, "location"),
        ({"name": ""}, "name"),
        ({"region_adcode": "360100"}, "region_adcode"),
    ],
)
def test_bad_facilities_are_refused_naming_the_field(client, admin, change: dict, field: str) -> None:
    body = {"kind": "port", "name": "测试码头", "location": {"type": "Point", "coordinates": [116.0, 29.7]}, "source": "test"}
    r = client.post("/api/v1/facilities", json={**body, **change}, headers=admin)
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err["details"][0]["field"] == field
    assert err["message"] and err["message_zh"]
