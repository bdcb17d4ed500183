"""The set-based import path: rows validated per distinct combination, geometries checked in
vectorised calls with the offending coordinate, and a write of more than BULK_ROWS records as a
bulk load (one audit entry, the overview grid recounted, the stored Features written)."""

import json

import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, MultiPolygon, Point, Polygon
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.exchange import staging
from app.exchange.geometry import carrier_shapes
from tests.support.gisfiles import Place, frame, park_place, squares

URL = "/api/v1/imports/carriers"


@pytest.fixture(scope="module")
def place(engine) -> Place:
    with Session(engine) as db:
        return park_place(db, "r.parent_adcode = '360100'")


def post(client, admin, gdf, park: int, **params):
    return client.post(
        URL,
        params={"park": park, "name": "rows.geojson", **params},
        content=gdf.to_json().encode(),
        headers={**admin, "Content-Type": "application/octet-stream"},
    )


def test_carrier_shapes_vectorised_and_one_by_one() -> None:
    square = Polygon([(0, 0), (1, 0), (1, 1), (0, 0)])
    geoms = np.array(
        [square, MultiPolygon([square]), MultiPolygon([square, shapely.affinity.translate(square, 3)]), Point(1, 2),
         LineString([(0, 0), (1, 0), (1, 1), (0, 0)]), Polygon(), None, Point(1, 2, 3)],
        dtype=object,
    )  # fmt: skip
    shapes, problems = carrier_shapes(geoms)
    assert [s.geom_type if s is not None else None for s in shapes] == [
        "Polygon", "Polygon", None, "Point", "Polygon", None, None, "Point"
    ]  # fmt: skip
    assert sorted(problems) == [2, 5, 6]
    assert problems[2].problem.startswith("a MultiPolygon of 2 parts")
    assert problems[5].problem == problems[6].problem == "the feature has no geometry"
    assert not shapes[7].has_z


def test_rows_sharing_a_broken_combination_each_get_the_problem(client, admin, place) -> None:
    points = [Point(place.lon + i * 0.001, place.lat) for i in range(3)]
    bowtie = Polygon([(place.lon, place.lat), (place.lon + 0.001, place.lat + 0.001),
                      (place.lon + 0.001, place.lat), (place.lon, place.lat + 0.001), (place.lon, place.lat)])  # fmt: skip
    far = squares(Place(place.park_id, place.adcode, 121.47, 31.23), 1)[0]  # Shanghai
    gdf = frame([*points, bowtie, far], "wgs84", code=["P-1", "P-2", "P-3", "P-4", "P-5"], name=["n", "n", "x" * 201, "b", "f"])
    r = post(client, admin, gdf, place.park_id)
    assert r.status_code == 200, r.text
    rows = {row["row"]: row["problems"] for row in r.json()["rows"]}
    # Points are factories, which need their floor area: one validation, each row told.
    assert [p["field"] for p in rows[1]] == [p["field"] for p in rows[2]] == ["area_m2"]
    assert rows[1][0]["row"] == 1 and rows[2][0]["row"] == 2
    # A name too long is validated alone and named.
    assert [p["field"] for p in rows[3]] == ["name"]
    bow = rows[4][0]
    assert bow["field"] == "geometry" and bow["problem"].startswith("invalid geometry: Self-intersection at")
    assert bow["location"] == pytest.approx([place.lon + 0.0005, place.lat + 0.0005])
    outside = rows[5][0]
    assert outside["field"] == "geometry" and "far outside Jiangxi" in outside["problem"]
    assert outside["location"] == [pytest.approx(121.47), pytest.approx(31.23)]
    assert r.json()["counts"]["error"] == 5


def test_a_bulk_write_keeps_one_audit_entry_the_grid_and_the_features(
    client, admin, db, place, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(staging, "BULK_ROWS", 2)
    plots = squares(Place(place.park_id, place.adcode, place.lon, place.lat - 0.003), 3, side_m=30)
    gdf = frame(plots, "gk39", 宗地编号=["BULK-1", "BULK-2", "BULK-3"])
    cells = "SELECT coalesce(sum(n), 0) FROM carrier_cells WHERE level = 6 AND total AND park_id = :p"
    before = db.execute(text(cells), {"p": place.park_id}).scalar_one()
    last_audit = db.execute(text("SELECT max(id) FROM audit_log")).scalar_one()
    db.rollback()  # the recount truncates the grid: no reader may hold it
    r = post(client, admin, gdf, place.park_id, commit="true")
    assert r.status_code == 200, r.text
    assert r.json()["counts"] == {"rows": 3, "create": 3, "update": 0, "unchanged": 0, "error": 0}
    db.expire_all()
    assert db.execute(text(cells), {"p": place.park_id}).scalar_one() == before + 3
    entries = db.execute(text("SELECT action, table_name, changes FROM audit_log WHERE id > :last"), {"last": last_audit}).all()
    assert [(a, t) for a, t, _ in entries] == [("import", "carriers")]
    ids = [row["id"] for row in r.json()["rows"]]
    features = db.execute(text("SELECT id, feature FROM carrier_features WHERE id = ANY(:ids)"), {"ids": ids}).all()
    assert sorted(i for i, _ in features) == sorted(ids)
    assert {json.loads(f)["properties"]["name"] for _, f in features} == {"BULK-1", "BULK-2", "BULK-3"}


def test_a_parks_mapping_is_saved_by_a_commit_and_reused(client, admin, place) -> None:
    plots = squares(Place(place.park_id, place.adcode, place.lon, place.lat - 0.006), 2, side_m=30)
    gdf = frame(plots, "wgs84", 地块号=["MAP-1", "MAP-2"], 宗地编号=["x", "y"])
    mapping = json.dumps({"地块号": "code", "宗地编号": ""})
    first = post(client, admin, gdf, place.park_id, commit="true", mapping=mapping)
    assert first.status_code == 200, first.text
    assert (first.json()["mapping_from"], first.json()["counts"]["create"]) == ("given", 2)
    again = post(client, admin, gdf, place.park_id).json()
    assert again["mapping_from"] == "saved" and again["mapping"] == {"code": "地块号"}
    assert again["counts"]["unchanged"] == 2
