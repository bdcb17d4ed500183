"""Nearest facilities: geodesic distances checked with pyproj, kept current by the writes, the KNN
index, and the distance and radius filters of the park and carrier lists."""

import pytest
from pyproj import Geod
from sqlalchemy import text

GEOD = Geod(ellps="WGS84")


def _all(client, path: str, **params) -> list[dict]:
    r = client.get(path, params={"limit": 1000, **params})
    assert r.status_code == 200, r.text
    return r.json()["items"]


def _km(a: list[float], b: list[float]) -> float:
    return GEOD.inv(a[0], a[1], b[0], b[1])[2] / 1000


def _facilities(client) -> list[dict]:
    return _all(client, "/api/v1/facilities")


def test_each_parks_nearest_facility_is_the_geodesic_nearest(client, db) -> None:
    facilities = _facilities(client)
    parks = _all(client, "/api/v1/parks")
    assert len(parks) > 50
    for park in parks:
        here = park["location"]["coordinates"]
        for kind in {f["kind"] for f in facilities}:
            by_km = sorted((_km(here, f["location"]["coordinates"]), f["id"]) for f in facilities if f["kind"] == kind)
            shown = park["distances"][kind]
            assert shown["facility_id"] == by_km[0][1], (park["name"], kind)
            assert shown["km"] == pytest.approx(by_km[0][0], abs=0.006)  # shown rounded to 10 m
    # The stored metres themselves agree with pyproj within 1 m.
    rows = db.execute(
        text(
            "SELECT ST_X(p.location), ST_Y(p.location), ST_X(f.location), ST_Y(f.location), d.distance_m "
            "FROM facility_distances d JOIN parks p ON p.id = d.subject_id JOIN facilities f ON f.id = d.facility_id "
            "WHERE d.subject = 'park'"
        )
    ).all()
    assert rows
    for plon, plat, flon, flat, metres in rows:
        assert GEOD.inv(plon, plat, flon, flat)[2] == pytest.approx(metres, abs=1.0)


def test_distances_follow_every_write_in_the_same_transaction(db) -> None:
    carrier_id, lon, lat = db.execute(
        text("SELECT id, ST_X(location), ST_Y(location) FROM carriers WHERE kind = 'factory' ORDER BY id LIMIT 1")
    ).one()

    def port() -> tuple[int, float]:
        return db.execute(
            text(
                "SELECT facility_id, distance_m FROM facility_distances "
                "WHERE subject = 'carrier' AND subject_id = :i AND kind = 'port'"
            ),
            {"i": carrier_id},
        ).one()

    try:
        before = port()
        # A published port 1 km east: now the nearest, at the geodesic distance.
        new = db.execute(
            text(
                "INSERT INTO facilities (kind, name, location, source, published) "
                "VALUES ('port', 'test port', ST_SetSRID(ST_MakePoint(:lon, :lat), 4326), 'test', true) RETURNING id"
            ),
            {"lon": lon + 0.0103, "lat": lat},
        ).scalar_one()
        facility, metres = port()
        assert facility == new
        assert metres == pytest.approx(GEOD.inv(lon, lat, lon + 0.0103, lat)[2], abs=1.0)
        # Unpublished, it no longer counts.
        db.execute(text("UPDATE facilities SET published = false WHERE id = :i"), {"i": new})
        assert port() == before
        db.execute(text("UPDATE facilities SET published = true WHERE id = :i"), {"i": new})
        # The carrier moves 0.1° north: measured anew from there.
        db.execute(
            text("UPDATE carriers SET geom = ST_Translate(geom, 0, 0.1) WHERE id = :i"),
            {"i": carrier_id},
        )
        assert port()[1] == pytest.approx(GEOD.inv(lon, lat + 0.1, lon + 0.0103, lat)[2], abs=1.0)
        # The port goes: back to the old nearest one.
        db.execute(text("UPDATE carriers SET geom = ST_Translate(geom, 0, -0.1) WHERE id = :i"), {"i": carrier_id})
        db.execute(text("DELETE FROM facilities WHERE id = :i"), {"i": new})
        assert port() == pytest.approx(before)
        # A deleted carrier leaves no distances behind.
        db.execute(text("DELETE FROM carriers WHERE id = :i"), {"i": carrier_id})
        assert (
            db.execute(
                text("SELECT count(*) FROM facility_distances WHERE subject = 'carrier' AND subject_id = :i"), {"i": carrier_id}
            ).scalar_one()
            == 0
        )
    finally:
        db.rollback()


def test_the_nearest_search_walks_the_knn_index(db) -> None:
    # The table is small enough that a scan wins today; with the scan priced out, the plan shows
    # the kind and the KNN order both served by the partial GiST index, as on a large OSM load.
    db.execute(text("SET LOCAL enable_seqscan = off"))
    plan = "\n".join(
        db.execute(
            text(
                "EXPLAIN SELECT id FROM facilities fc WHERE fc.published AND fc.kind = 'airport' "
                "ORDER BY fc.geog <-> ST_MakePoint(115.9, 28.7)::geography LIMIT 5"
            )
        ).scalars()
    )
    db.rollback()
    assert "ix_facilities_kind_geog_published" in plan
    assert "Order By: (geog <->" in plan


def test_distance_limits_filter_lists(client) -> None:
    carriers = _all(client, "/api/v1/carriers")
    near = {c["id"] for c in carriers if c["distances"]["airport"]["km"] <= 30 and c["distances"]["rail_station"]["km"] <= 60}
    got = _all(client, "/api/v1/carriers", max_km_to_airport=30, max_km_to_rail_station=60)
    assert 0 < len(near) < len(carriers)
    assert {c["id"] for c in got} == near
    # No expressway exit is shipped: a limit on it leaves nothing (unknown is not near).
    assert _all(client, "/api/v1/parks", max_km_to_expressway_exit=500) == []


def test_radius_search_equals_pyproj(client) -> None:
    centre = [115.89, 28.68]
    parks = _all(client, "/api/v1/parks")
    expected = {p["id"] for p in parks if _km(centre, p["location"]["coordinates"]) <= 25}
    got = _all(client, "/api/v1/parks", near="115.89,28.68", within_km=25)
    assert 0 < len(expected) < len(parks)
    assert {p["id"] for p in got} == expected


def test_the_map_measures_each_record_from_its_own_position(client) -> None:
    """The map page's radius and distance limits: carriers by their own point and distances, not their park's."""
    carriers = _all(client, "/api/v1/carriers")
    parks = {p["id"]: p["location"]["coordinates"] for p in _all(client, "/api/v1/parks")}
    assert len(carriers) < 1000  # all of them in one page
    far = max(carriers, key=lambda c: _km(c["location"]["coordinates"], parks[c["park_id"]]))
    centre = far["location"]["coordinates"]
    radius = {"near": f"{centre[0]},{centre[1]}", "within_km": 3}
    inside = {c["id"] for c in carriers if _km(centre, c["location"]["coordinates"]) <= 3}
    assert far["id"] in inside and _km(centre, parks[far["park_id"]]) > 3  # its park lies outside the ring
    assert {c["id"] for c in _all(client, "/api/v1/map/carriers", **radius)} == inside
    assert {p["id"] for p in _all(client, "/api/v1/map/parks", **radius)} == {
        i for i, at in parks.items() if _km(centre, at) <= 3
    }
    near_airport = {c["id"] for c in carriers if c["distances"]["airport"]["km"] <= 30 and c["kind"] == "land"}
    assert 0 < len(near_airport) < len(carriers)
    got = _all(client, "/api/v1/map/carriers", max_km_to_airport=30, kind="land")
    assert {c["id"] for c in got} == near_airport


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"max_km_to_airport": -1}, "max_km_to_airport"),
        ({"max_km_to_port": 5000}, "max_km_to_port"),
        ({"near": "115.9,28.7"}, "within_km"),
        ({"within_km": 5}, "near"),
        ({"near": "121.47,31.23", "within_km": 5}, "near"),
        ({"near": "abc", "within_km": 5}, "near"),
    ],
)
def test_bad_distance_parameters_name_the_field(client, params: dict, field: str) -> None:
    for path in ("/api/v1/parks", "/api/v1/carriers"):
        r = client.get(path, params=params)
        assert r.status_code == 422, r.text
        assert r.json()["error"]["details"][0]["field"] == field


KINDS = ("airport", "rail_station", "port", "expressway_exit", "freight_hub", "university")


def _carrier_rows_agree(db) -> None:
    """carrier_distances (migration 0024) holds exactly facility_distances' carrier metres, a row per carrier."""
    pivot = ", ".join(f"max(distance_m) FILTER (WHERE kind = '{k}')" for k in KINDS)
    expected = db.execute(
        text(f"SELECT subject_id, {pivot} FROM facility_distances WHERE subject = 'carrier' GROUP BY subject_id")
    ).all()
    got = db.execute(text(f"SELECT carrier_id, {', '.join(f'{k}_m' for k in KINDS)} FROM carrier_distances")).all()
    assert len(expected) > 10
    assert sorted(got) == sorted(expected)


def test_bulk_writes_leave_distances_to_one_rebuild_that_equals_the_triggers(db) -> None:
    moved, gone = db.execute(text("SELECT id FROM carriers ORDER BY id LIMIT 2")).scalars().all()
    snapshot = text("SELECT subject, subject_id, kind, facility_id, round(distance_m::numeric, 3) FROM facility_distances")

    def writes() -> None:
        db.execute(text("UPDATE carriers SET geom = ST_Translate(geom, 0.05, 0) WHERE id = :i"), {"i": moved})
        db.execute(text("DELETE FROM carriers WHERE id = :i"), {"i": gone})
        db.execute(
            text(
                "INSERT INTO facilities (id, kind, name, location, source, published) SELECT 990001, 'port', 'bulk test port', "
                "ST_Translate(location, 0.06, 0), 'test', true FROM carriers WHERE id = :i"
            ),
            {"i": moved},
        )

    try:
        writes()  # kept current statement by statement
        by_triggers = set(db.execute(snapshot).all())
        _carrier_rows_agree(db)
        assert db.execute(text("SELECT count(*) FROM carrier_distances WHERE carrier_id = :i"), {"i": gone}).scalar() == 0
    finally:
        db.rollback()
    try:
        before = set(db.execute(snapshot).all())
        db.execute(text("SELECT set_config('investmap.bulk', 'on', true)"))
        writes()
        assert set(db.execute(snapshot).all()) == before  # the triggers stood down
        assert db.execute(text("SELECT investmap_distances_rebuild()")).scalar_one() == len(by_triggers)
        assert set(db.execute(snapshot).all()) == by_triggers
        _carrier_rows_agree(db)
        assert ("carrier", moved, "port", 990001) in {r[:4] for r in by_triggers}
        assert not any(r[1] == gone and r[0] == "carrier" for r in by_triggers)
    finally:
        db.rollback()


def test_a_facility_load_measures_once_at_its_end_for_the_kinds_it_changed(db) -> None:
    from app.infrastructure.distances import facility_writes

    carrier, lon, lat = db.execute(text("SELECT id, ST_X(location), ST_Y(location) FROM carriers ORDER BY id LIMIT 1")).one()
    nearest = text("SELECT kind, facility_id FROM facility_distances WHERE subject = 'carrier' AND subject_id = :i")
    try:
        before = dict(db.execute(nearest, {"i": carrier}).all())
        with facility_writes(db):
            new = db.execute(
                text(
                    "INSERT INTO facilities (kind, name, location, source, published) "
                    "VALUES ('port', 'load test port', ST_SetSRID(ST_MakePoint(:lon, :lat), 4326), 'test', true) RETURNING id"
                ),
                {"lon": lon + 0.001, "lat": lat},
            ).scalar_one()
            assert dict(db.execute(nearest, {"i": carrier}).all()) == before  # deferred inside the load
        assert dict(db.execute(nearest, {"i": carrier}).all()) == {**before, "port": new}
    finally:
        db.rollback()
