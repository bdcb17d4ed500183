"""Writes: auth, create/patch/delete, and every kind of bad input refused with nothing written."""

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select, text

from app.carriers.models import Carrier
from app.parks.models import Park
from tests.support.records import if_match

XIAOLAN = [115.93, 28.52]  # inside 南昌县 (360121)
PARK = {
    "name": "测试园区 Test Park",
    "level": "provincial",
    "type": "industrial",
    "region_adcode": "360121",
    "location": {"type": "Point", "coordinates": XIAOLAN},
    "leading_industries": ["汽车零部件"],
    "source": "test suite",
}
PLOT = [[115.930, 28.520], [115.934, 28.520], [115.934, 28.523], [115.930, 28.523], [115.930, 28.520]]


def _count(db, model) -> int:
    db.expire_all()
    return db.execute(select(func.count()).select_from(model)).scalar_one()


@pytest.fixture
def park(client, admin) -> Iterator[dict]:
    r = client.post("/api/v1/parks", json=PARK, headers=admin)
    assert r.status_code == 201, r.text
    yield r.json()
    path = f"/api/v1/parks/{r.json()['id']}"
    if client.get(path, headers=admin).status_code == 200:
        client.delete(path, params={"cascade": "true"}, headers=if_match(client, path, admin))


def test_writes_need_credentials(client, db) -> None:
    before = _count(db, Park)
    r = client.post("/api/v1/parks", json=PARK)
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    assert client.post("/api/v1/parks", json=PARK, headers={"Authorization": "Bearer nope"}).status_code == 401
    assert _count(db, Park) == before


def test_create_read_patch_delete(client, admin, db) -> None:
    r = client.post("/api/v1/parks", json=PARK, headers=admin)
    assert r.status_code == 201
    created = r.json()
    assert r.headers["location"].endswith(f"/api/v1/parks/{created['id']}")
    assert created["location"] == {"type": "Point", "coordinates": XIAOLAN}
    assert created["published"] is False and created["region_name"] == "南昌县"
    # Unpublished: the public cannot see it, not even by id.
    assert client.get(f"/api/v1/parks/{created['id']}").status_code == 404
    assert created["name"] not in [p["name"] for p in client.get("/api/v1/parks", params={"limit": 1000}).json()["items"]]
    assert client.get(f"/api/v1/parks/{created['id']}", headers=admin).status_code == 200

    path = f"/api/v1/parks/{created['id']}"
    r = client.patch(path, json={"published": True, "approved_area_ha": 120.5}, headers=if_match(client, path, admin))
    assert r.status_code == 200, r.text
    assert r.json()["approved_area_ha"] == 120.5 and r.json()["leading_industries"] == ["汽车零部件"]
    assert client.get(f"/api/v1/parks/{created['id']}").json()["approved_area_ha"] == 120.5

    headers = if_match(client, path, admin)
    assert client.delete(path, headers=headers).status_code == 204
    assert client.get(path, headers=admin).status_code == 404
    assert client.delete(path, headers=headers).status_code == 404


def test_duplicate_name_is_a_conflict(client, admin, park) -> None:
    r = client.post("/api/v1/parks", json=PARK, headers=admin)
    assert r.status_code == 409
    assert "name" in r.json()["error"]["message"]


def _polygon_park(coords) -> dict:
    return {**PARK, "boundary": {"type": "Polygon", "coordinates": coords}}


BAD_PARKS = [
    pytest.param(
        _polygon_park([[[115.93, 28.52], [115.94, 28.53], [115.94, 28.52], [115.93, 28.53], [115.93, 28.52]]]),
        "boundary",
        "Self-intersection",
        "自相交",
        id="self-intersecting",
    ),
    pytest.param(
        _polygon_park([[[115.93, 28.52], [115.94, 28.52], [115.94, 28.53], [115.93, 28.53]]]),
        "boundary",
        "not closed",
        "未闭合",
        id="unclosed-ring",
    ),
    pytest.param(
        {**PARK, "boundary": {"type": "LineString", "coordinates": [[115.9, 28.5], [116, 28.6]]}},
        "boundary",
        "not allowed",
        "不允许",
        id="wrong-type",
    ),
    pytest.param(
        {**PARK, "location": {"type": "Point", "coordinates": [215.9, 28.5]}}, "location", "±180", "±180", id="out-of-range"
    ),
    pytest.param(
        {**PARK, "location": {"type": "Point", "coordinates": [28.52, 115.93]}},
        "location",
        "±180 / latitude ±90",
        "纬度",
        id="swapped-lat-lon",
    ),
    pytest.param(
        {**PARK, "location": {"type": "Point", "coordinates": [121.47, 31.23]}},
        "location",
        "far outside Jiangxi",
        "远在江西省",
        id="far-outside-jiangxi",
    ),
    pytest.param(_polygon_park([]), "boundary", "empty", "为空", id="empty"),
    pytest.param({**PARK, "colour": "red"}, "colour", "Extra inputs", "未知字段", id="unknown-field"),
    pytest.param({**PARK, "approved_area_ha": -5}, "approved_area_ha", "greater than 0", "数值过小", id="negative-area"),
    pytest.param(
        {**PARK, "region_adcode": "369999"}, "region_adcode", "unknown region", "未知的行政区划代码", id="unknown-adcode"
    ),
    pytest.param({**PARK, "region_adcode": "360100"}, "region_adcode", "expected a county", "应为 county", id="city-not-county"),
    pytest.param({**PARK, "region_adcode": "360702"}, "location", "is not in region 360702", "不在行政区", id="wrong-county"),
    pytest.param({**PARK, "cluster_ids": [99999]}, "cluster_ids", "unknown cluster", "未知的产业集群", id="unknown-cluster"),
    pytest.param({k: v for k, v in PARK.items() if k != "name"}, "name", "Field required", "缺少必填字段", id="missing-name"),
    pytest.param({**PARK, "name": "a\u0000b"}, "body", "cannot be stored", "无法保存", id="nul-byte"),
    pytest.param({**PARK, "approved_area_ha": 1e20}, "body", "cannot be stored", "无法保存", id="number-overflow"),
]


@pytest.mark.parametrize(("body", "field", "problem", "problem_zh"), BAD_PARKS)
def test_bad_park_input(client, admin, db, body: dict, field: str, problem: str, problem_zh: str) -> None:
    before = _count(db, Park)
    r = client.post("/api/v1/parks", json=body, headers=admin)
    assert r.status_code == 422, r.text
    detail = r.json()["error"]["details"][0]
    assert detail["field"] == field
    assert problem in detail["problem"] and problem_zh in detail["problem_zh"]
    assert _count(db, Park) == before


def test_geometry_errors_say_where(client, admin) -> None:
    body = _polygon_park([[[115.93, 28.52], [115.94, 28.53], [115.94, 28.52], [115.93, 28.53], [115.93, 28.52]]])
    detail = client.post("/api/v1/parks", json=body, headers=admin).json()["error"]["details"][0]
    assert detail["location"] == pytest.approx([115.935, 28.525])
    body = {**PARK, "location": {"type": "Point", "coordinates": [121.47, 31.23]}}
    assert client.post("/api/v1/parks", json=body, headers=admin).json()["error"]["details"][0]["location"] == [121.47, 31.23]


def test_patch_is_validated_as_a_whole(client, admin, park) -> None:
    path = f"/api/v1/parks/{park['id']}"
    r = client.patch(path, json={"nickname": "x"}, headers=if_match(client, path, admin))
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "nickname"
    r = client.patch(path, json={"region_adcode": "360702"}, headers=if_match(client, path, admin))
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "location"
    assert client.get(path, headers=admin).json()["region_adcode"] == "360121"
    assert client.patch("/api/v1/parks/987654", json={"name": "x"}, headers=admin).status_code == 404


def _plot(park_id: int, **extra) -> dict:
    return {
        "kind": "land",
        "name": "测试地块",
        "park_id": park_id,
        "source": "test suite",
        "geometry": {"type": "Polygon", "coordinates": [PLOT]},
    } | extra


def test_carrier_area_is_measured_or_converted(client, admin, park) -> None:
    measured = client.post("/api/v1/carriers", json=_plot(park["id"]), headers=admin).json()
    # 0.004° × 0.003° at 28.5° N ≈ 391.3 m × 332.5 m
    assert measured["area_m2"] == pytest.approx(130_000, rel=0.01)
    assert measured["area_mu"] == pytest.approx(measured["area_m2"] / 666.6667, abs=0.01)
    stated = client.post("/api/v1/carriers", json=_plot(park["id"], area_mu=150, plot_ratio={"min": 1.0}), headers=admin).json()
    assert stated["area_m2"] == pytest.approx(100_000, abs=0.01) and stated["area_ha"] == 10
    assert stated["plot_ratio"] == {"min": 1.0, "max": None}
    path = f"/api/v1/carriers/{stated['id']}"
    r = client.patch(path, json={"area_ha": 2, "plot_ratio": {"min": 1.0, "max": 2.5}}, headers=if_match(client, path, admin))
    assert r.status_code == 200, r.text
    assert r.json()["area_m2"] == 20_000 and r.json()["area_mu"] == 30 and r.json()["plot_ratio"]["max"] == 2.5


BAD_CARRIERS = [
    pytest.param({"plot_ratio": {"min": 3, "max": 1}}, "plot_ratio", "above max", "大于最大值", id="min-above-max"),
    pytest.param({"area_m2": -1}, "area_m2", "greater than 0", "数值过小", id="negative-area"),
    pytest.param({"area_m2": 1000, "area_mu": 2}, "area_mu", "one unit", "一种单位", id="two-units"),
    pytest.param(
        {"geometry": {"type": "Point", "coordinates": [115.93, 28.52]}},
        "geometry",
        "needs a Polygon",
        "应为 Polygon",
        id="plot-as-point",
    ),
    pytest.param({"park_id": 987654}, "park_id", "unknown park", "未知的园区", id="unknown-park"),
    pytest.param({"status": "sold"}, "status", "Input should be", "取值不在允许范围内", id="bad-status"),
]


@pytest.mark.parametrize(("extra", "field", "problem", "problem_zh"), BAD_CARRIERS)
def test_bad_carrier_input(client, admin, db, park, extra: dict, field: str, problem: str, problem_zh: str) -> None:
    before = _count(db, Carrier)
    r = client.post("/api/v1/carriers", json=_plot(park["id"]) | extra, headers=admin)
    assert r.status_code == 422, r.text
    detail = r.json()["error"]["details"][0]
    assert detail["field"] == field and problem in detail["problem"] and problem_zh in detail["problem_zh"]
    assert _count(db, Carrier) == before


def test_deleting_a_park_with_carriers_needs_cascade(client, admin, db, park) -> None:
    carrier = client.post("/api/v1/carriers", json=_plot(park["id"]), headers=admin).json()
    path = f"/api/v1/parks/{park['id']}"
    r = client.delete(path, headers=if_match(client, path, admin))
    assert r.status_code == 409 and "cascade" in r.json()["error"]["message"]
    assert client.get(f"/api/v1/carriers/{carrier['id']}", headers=admin).status_code == 200
    assert client.delete(path, params={"cascade": "true"}, headers=if_match(client, path, admin)).status_code == 204
    assert client.get(f"/api/v1/carriers/{carrier['id']}", headers=admin).status_code == 404


def test_database_refuses_what_the_api_would(db) -> None:
    """The constraints hold even for writers that bypass the API."""
    from sqlalchemy.exc import IntegrityError

    statements = [
        "UPDATE carriers SET plot_ratio_min = 3, plot_ratio_max = 1 WHERE id = (SELECT min(id) FROM carriers)",
        "UPDATE carriers SET area_m2 = -1 WHERE id = (SELECT min(id) FROM carriers)",
        "UPDATE parks SET boundary = ST_GeomFromText('MULTIPOLYGON(((0 0,1 1,1 0,0 1,0 0)))', 4326) "
        "WHERE id = (SELECT min(id) FROM parks)",
    ]
    for sql in statements:
        with pytest.raises(IntegrityError):
            db.execute(text(sql))
        db.rollback()
