"""Finding 11 of issue 9: a carrier lies within INVESTMAP_CARRIER_REGION_TOLERANCE_M of its park's
county (so inside its writer's scope, where the park is) and a plot is no larger than
INVESTMAP_CARRIER_MAX_PLOT_HA; otherwise 422 naming `geometry` and a coordinate outside."""

import pytest
from sqlalchemy import text

from app.core.settings import CarrierSettings
from tests.security.support import ZHANGGONG_POINT, Records, park_body, plot_body, square
from tests.support.apps import client_with
from tests.support.chains import patch

# A point between `near` and `far` metres outside 南昌县 (360121), and its distance to it.
_RING = text("""
SELECT ST_X(p), ST_Y(p), ST_Distance(p::geography, c.geom::geography)
FROM regions c, LATERAL (SELECT ST_PointOnSurface(ST_Difference(ST_Buffer(c.geom::geography, :far)::geometry,
                                                                 ST_Buffer(c.geom::geography, :near)::geometry)) p) s
WHERE c.adcode = '360121'
""")


def _outside(db, near: float, far: float) -> list[float]:
    db.rollback()
    lon, lat, distance = db.execute(_RING, {"near": near, "far": far}).one()
    assert near - 50 < distance < far + 50
    return [round(lon, 6), round(lat, 6)]


def _factory(park_id: int, point: list[float]) -> dict:
    return {
        "kind": "factory",
        "name": "第九号问题厂房",
        "park_id": park_id,
        "area_m2": 2000,
        "source": "issue 9 tests",
        "geometry": {"type": "Point", "coordinates": point},
    }


def _refused_at(r, county_in: str) -> list[float]:
    """The coordinate a bilingual 422 on `geometry` names."""
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    problem = error["details"][0]
    assert problem["field"] == "geometry" and error["message_zh"].startswith("输入有误")
    assert county_in in problem["problem"] and county_in in problem["problem_zh"]
    return problem["location"]


@pytest.fixture(scope="module")
def park(client, admin):
    with Records(client, admin) as rec:
        yield rec.make("/api/v1/parks", park_body())


def test_a_plot_in_another_city_is_refused_with_a_coordinate_there(client, callers, park) -> None:
    r = client.post("/api/v1/carriers", json=plot_body(park["id"], square(*ZHANGGONG_POINT)), headers=callers["key_write"])
    lon, lat = _refused_at(r, "360121")
    assert abs(lon - ZHANGGONG_POINT[0]) < 0.003 and abs(lat - ZHANGGONG_POINT[1]) < 0.003
    assert "km outside" in r.json()["error"]["details"][0]["problem"]
    assert client.get("/api/v1/regions/lookup", params={"lon": lon, "lat": lat}).json()["county"]["adcode"] == "360702"


def test_a_factory_in_another_city_is_refused(client, callers, park) -> None:
    r = client.post("/api/v1/carriers", json=_factory(park["id"], ZHANGGONG_POINT), headers=callers["officer_in"])
    assert _refused_at(r, "南昌县") == ZHANGGONG_POINT


def test_a_plot_covering_the_province_is_refused_for_its_size(client, admin, park) -> None:
    ring = [[113.7, 24.6], [118.4, 24.6], [118.4, 29.9], [113.7, 29.9], [113.7, 24.6]]
    r = client.post("/api/v1/carriers", json=plot_body(park["id"], ring), headers=admin)
    assert r.status_code == 422, r.text
    problem = r.json()["error"]["details"][0]
    assert problem["field"] == "geometry" and "one plot is at most 1,000 ha" in problem["problem"]
    assert "单个地块最大为 1,000 公顷" in problem["problem_zh"]
    lon, lat = problem["location"]
    assert 113.7 < lon < 118.4 and 24.6 < lat < 29.9


def test_the_tolerance_accepts_a_border_plot_and_is_a_setting(client, admin, db, park) -> None:
    near = _outside(db, 500, 1000)
    with Records(client, admin) as rec:
        rec.make("/api/v1/carriers", _factory(park["id"], near))
        far = _outside(db, 4000, 5000)
        assert _refused_at(client.post("/api/v1/carriers", json=_factory(park["id"], far), headers=admin), "南昌县") == far
        with client_with(carriers=CarrierSettings(region_tolerance_m=300)) as strict:
            r = strict.post("/api/v1/carriers", json=_factory(park["id"], near), headers=admin)
        assert _refused_at(r, "300") == near


def test_moving_a_plot_away_is_refused_and_nothing_changes(client, admin, callers, park) -> None:
    with Records(client, admin) as rec:
        plot = rec.make("/api/v1/carriers", plot_body(park["id"], square(115.93, 28.52)))
        path = f"/api/v1/carriers/{plot['id']}"
        moved = {"geometry": {"type": "Polygon", "coordinates": [square(*ZHANGGONG_POINT)]}}
        _refused_at(patch(client, callers["officer_in"], path, moved), "南昌县")
        assert client.get(path, headers=admin).json()["geometry"] == plot["geometry"]
