"""Target lists: the stage machine move by move, the history it keeps, filters, and that nobody
without the officer token sees any of it. Signing itself (it creates a project): tests/projects/."""

import csv
import io
from collections.abc import Iterator
from datetime import date, timedelta
from itertools import product

import pytest
from sqlalchemy import text

from tests.support.chains import created, delete, enterprise_body, patch

STAGES = ["lead", "contacted", "visit", "negotiating", "signed", "dropped"]
# Every legal move, written out: forward in the funnel (a skip confirmed, with a reason), drop while
# open, reopen as lead. Signing goes through POST /targets/{id}/signing, with the signing data.
LEGAL = {
    ("lead", "contacted"),
    ("lead", "visit"),
    ("lead", "negotiating"),
    ("lead", "signed"),
    ("lead", "dropped"),
    ("contacted", "visit"),
    ("contacted", "negotiating"),
    ("contacted", "signed"),
    ("contacted", "dropped"),
    ("visit", "negotiating"),
    ("visit", "signed"),
    ("visit", "dropped"),
    ("negotiating", "signed"),
    ("negotiating", "dropped"),
    ("dropped", "lead"),
}
REASON = "测试原因"


@pytest.fixture(scope="module")
def hq(client, admin) -> Iterator[dict]:
    """An external enterprise in Shenzhen to put on lists."""
    with created(
        client, admin, "/api/v1/enterprises", enterprise_body([114.06, 22.54], is_local=False, name="测试目标企业")
    ) as made:
        yield made


@pytest.fixture(scope="module")
def ganzhou_park(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT min(id) FROM parks WHERE region_adcode LIKE '3607%'")).scalar_one()


def _move(client, admin, target_id: int, to: str, park_id: int | None = None):
    """The move, confirmed and with a reason (a skip needs both); signing with its data."""
    if to == "signed":
        body = {"name": "测试签约项目", "signed_on": date.today().isoformat(), "investment_wan": 5000, "park_id": park_id}
        return client.post(
            f"/api/v1/targets/{target_id}/signing", json={**body, "confirm_skip": True, "reason": REASON}, headers=admin
        )
    body = {"to": to, "confirm_skip": True, "reason": REASON}
    return client.post(f"/api/v1/targets/{target_id}/transitions", json=body, headers=admin)


@pytest.fixture(scope="module")
def targets(engine, hq) -> Iterator[list[int]]:
    made: list[int] = []
    yield made
    # Signed targets and their projects cannot be deleted through the API, by design: clean up behind its back.
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM projects WHERE enterprise_id = :e"), {"e": hq["id"]})
        conn.execute(text("DELETE FROM targets WHERE enterprise_id = :e"), {"e": hq["id"]})


def _target(client, admin, hq: dict, targets: list[int], link_id: int, **fields) -> dict:
    body = {
        "enterprise_id": hq["id"],
        "link_id": link_id,
        "region_adcode": "360700",
        "source": "test suite",
        "owner": "测试科",
        **fields,
    }
    r = client.post("/api/v1/targets", json=body, headers=admin)
    assert r.status_code == 201, r.text
    targets.append(r.json()["id"])
    return r.json()


PAIRS = list(product(STAGES, STAGES))


@pytest.mark.parametrize(("frm", "to"), PAIRS, ids=[f"{a}-{b}" for a, b in PAIRS])
def test_every_move(client, admin, hq, targets, ganzhou_park, frm: str, to: str) -> None:
    link_id = PAIRS.index((frm, to)) + 1  # a link of its own: one enterprise per link and area
    target = _target(client, admin, hq, targets, link_id)
    assert target["stage"] == "lead"
    if frm != "lead":
        assert _move(client, admin, target["id"], frm, ganzhou_park).status_code in (200, 201)
    r = _move(client, admin, target["id"], to, ganzhou_park)
    if (frm, to) in LEGAL:
        assert r.status_code == (201 if to == "signed" else 200), r.text
        body = client.get(f"/api/v1/targets/{target['id']}", headers=admin).json()
        assert body["stage"] == to
        assert [(h["from_stage"], h["to_stage"]) for h in body["history"]][-1] == (frm, to)
        assert (body["signed_at"] is not None) == (to == "signed")
        assert body["drop_reason"] == (REASON if to == "dropped" else None)
        assert body["history"][-1]["reason"] == REASON
    else:
        assert r.status_code == 409, r.text
        error = r.json()["error"]
        assert error["code"] == "conflict" and "→" in error["message"] and "→" in error["message_zh"]
        assert client.get(f"/api/v1/targets/{target['id']}", headers=admin).json()["stage"] == frm


def test_signed_back_to_lead_says_why(client, admin, hq, targets, ganzhou_park) -> None:
    target = _target(client, admin, hq, targets, 40)
    assert _move(client, admin, target["id"], "signed", ganzhou_park).status_code == 201
    error = _move(client, admin, target["id"], "lead").json()["error"]
    assert "签约 signed → 线索 lead" in error["message"] and "final" in error["message"]
    assert "签约 → 线索" in error["message_zh"]


def test_history_keeps_who_and_when(client, admin, hq, targets) -> None:
    target = _target(client, admin, hq, targets, 41)
    for to in ("contacted", "visit", "dropped", "lead"):
        assert _move(client, admin, target["id"], to).status_code == 200
    history = client.get(f"/api/v1/targets/{target['id']}", headers=admin).json()["history"]
    assert [(h["from_stage"], h["to_stage"]) for h in history] == [
        (None, "lead"),
        ("lead", "contacted"),
        ("contacted", "visit"),
        ("visit", "dropped"),
        ("dropped", "lead"),
    ]
    assert {h["changed_by"] for h in history} == {"user:admin"}
    assert [h["reason"] for h in history][1:] == [REASON] * 4
    times = [h["changed_at"] for h in history]
    assert times == sorted(times)


def test_dropping_needs_a_reason(client, admin, hq, targets) -> None:
    target = _target(client, admin, hq, targets, 42)
    r = client.post(f"/api/v1/targets/{target['id']}/transitions", json={"to": "dropped"}, headers=admin)
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "reason"
    r = client.post(f"/api/v1/targets/{target['id']}/transitions", json={"to": "won"}, headers=admin)
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "to"


def test_the_stage_is_not_patched(client, admin, hq, targets) -> None:
    target = _target(client, admin, hq, targets, 43)
    r = patch(client, admin, f"/api/v1/targets/{target['id']}", {"stage": "signed"})
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "stage"
    r = patch(client, admin, f"/api/v1/targets/{target['id']}", {"owner": "招商二科", "priority": "high"})
    assert r.status_code == 200 and (r.json()["owner"], r.json()["priority"], r.json()["stage"]) == ("招商二科", "high", "lead")


def test_one_stage_at_a_time_unless_a_skip_is_confirmed(client, admin, hq, targets) -> None:
    target = _target(client, admin, hq, targets, 44)
    path = f"/api/v1/targets/{target['id']}/transitions"
    r = client.post(path, json={"to": "visit"}, headers=admin)
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "confirm_skip"
    assert "接洽" in r.json()["error"]["details"][0]["problem_zh"]
    r = client.post(path, json={"to": "visit", "confirm_skip": True}, headers=admin)
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "reason"
    assert client.get(f"/api/v1/targets/{target['id']}", headers=admin).json()["stage"] == "lead"
    assert client.post(path, json={"to": "contacted"}, headers=admin).status_code == 200
    r = client.post(path, json={"to": "negotiating", "confirm_skip": True, "reason": "一次会谈即进入洽谈"}, headers=admin)
    assert r.status_code == 200 and r.json()["history"][-1]["reason"] == "一次会谈即进入洽谈"
    r = client.post(path, json={"to": "signed"}, headers=admin)
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "to"
    assert "/signing" in r.json()["error"]["details"][0]["problem"]


def test_a_signed_target_is_kept(client, admin, hq, targets, ganzhou_park) -> None:
    target = _target(client, admin, hq, targets, 46)
    assert _move(client, admin, target["id"], "signed", ganzhou_park).status_code == 201
    assert delete(client, admin, f"/api/v1/targets/{target['id']}").status_code == 409


@pytest.mark.parametrize(
    ("change", "field", "status"),
    [
        ({"enterprise_id": 99_999}, "enterprise_id", 422),
        ({"link_id": 99_999}, "link_id", 422),
        ({"link_id": None}, "link_id", 422),
        ({"region_adcode": None}, "region_adcode", 422),
        ({"park_id": 1}, "park_id", 422),
        ({"region_adcode": "369999"}, "region_adcode", 422),
        ({"intended_park_id": 99_999}, "intended_park_id", 422),
        ({"gap_id": 99_999}, "gap_id", 422),
        ({"next_action_date": "next week"}, "next_action_date", 422),
    ],
)
def test_bad_targets_are_named(client, admin, hq, change: dict, field: str, status: int) -> None:
    body = {"enterprise_id": hq["id"], "link_id": 47, "region_adcode": "360700", "source": "test suite", **change}
    r = client.post("/api/v1/targets", json=body, headers=admin)
    assert r.status_code == status, r.text
    assert r.json()["error"]["details"][0]["field"] == field


def test_a_local_enterprise_is_not_a_target(client, admin) -> None:
    local = client.get("/api/v1/enterprises", params={"is_local": "true", "limit": 1}).json()["items"][0]
    r = client.post(
        "/api/v1/targets",
        json={"enterprise_id": local["id"], "link_id": 1, "region_adcode": "360700", "source": "test suite"},
        headers=admin,
    )
    assert r.status_code == 422 and "外地企业" in r.json()["error"]["details"][0]["problem_zh"]


def test_one_enterprise_once_per_list(client, admin, hq, targets) -> None:
    _target(client, admin, hq, targets, 48)
    body = {"enterprise_id": hq["id"], "link_id": 48, "region_adcode": "360700", "source": "test suite"}
    assert client.post("/api/v1/targets", json=body, headers=admin).status_code == 409
    assert client.post("/api/v1/targets", json={**body, "region_adcode": "360100"}, headers=admin).status_code == 201


def test_the_intended_park_lies_in_the_area(client, admin, hq, targets, ganzhou_park, engine) -> None:
    """As the enterprise drawer offers it: a park of 赣州 for a target of 赣州, not one of 南昌."""
    with engine.connect() as conn:
        nanchang_park = conn.execute(text("SELECT min(id) FROM parks WHERE region_adcode LIKE '3601%'")).scalar_one()
    body = {"enterprise_id": hq["id"], "link_id": 52, "region_adcode": "360700", "source": "test suite"}
    r = client.post("/api/v1/targets", json={**body, "intended_park_id": nanchang_park}, headers=admin)
    assert r.status_code == 422, r.text
    (detail,) = r.json()["error"]["details"]
    assert (detail["field"], detail["problem_zh"]) == (
        "intended_park_id",
        f"园区 {nanchang_park} 不在该目标的招商区域（赣州市）内",
    )
    made = _target(client, admin, hq, targets, 52, intended_park_id=ganzhou_park)
    assert made["intended_park_id"] == ganzhou_park


def test_a_target_on_a_recorded_gap_takes_its_link_and_area(client, admin, hq, targets) -> None:
    gap = {"link_id": 49, "cluster_id": 1, "reason": "测试", "source": "test suite"}
    with created(client, admin, "/api/v1/gap_records", gap) as record:
        target = _target(client, admin, hq, targets, None, gap_id=record["id"], region_adcode=None)
        assert (target["link_id"], target["cluster_id"], target["region_adcode"]) == (49, 1, None)
        assert target["area_name"] == "赣州市稀土新材料及应用集群"
        assert client.get("/api/v1/gap_records/" + str(record["id"]), headers=admin).json()["target_count"] == 1
        assert [t["id"] for t in client.get("/api/v1/targets", params={"gap": record["id"]}, headers=admin).json()["items"]] == [
            target["id"]
        ]
        conflicting = {"enterprise_id": hq["id"], "gap_id": record["id"], "link_id": 50, "source": "test suite"}
        r = client.post("/api/v1/targets", json=conflicting, headers=admin)
        assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "link_id"


@pytest.fixture(scope="module")
def demo_targets(client, admin) -> list[dict]:
    return [t for t in client.get("/api/v1/targets", params={"limit": 10_000}, headers=admin).json()["items"] if t["is_demo"]]


def _ids(client, admin, **params) -> set[int]:
    r = client.get("/api/v1/targets", params={"limit": 10_000, "is_demo": "true", **params}, headers=admin)
    assert r.status_code == 200, r.text
    return {t["id"] for t in r.json()["items"]}


def test_filters(client, admin, demo_targets) -> None:
    assert len(demo_targets) == 50
    today = date.today()
    expect = lambda pred: {t["id"] for t in demo_targets if pred(t)}  # noqa: E731
    for stage in STAGES:
        assert _ids(client, admin, stage=stage) == expect(lambda t, stage=stage: t["stage"] == stage)
    assert _ids(client, admin, chain=3) == expect(lambda t: t["chain_id"] == 3)
    assert _ids(client, admin, owner="招商一科") == expect(lambda t: t["owner"] == "招商一科")
    assert _ids(client, admin, priority="high") == expect(lambda t: t["priority"] == "high")
    overdue = expect(
        lambda t: (
            t["next_action_date"] is not None
            and date.fromisoformat(t["next_action_date"]) < today
            and t["stage"] not in ("signed", "dropped")
        )
    )
    assert _ids(client, admin, overdue="true") == overdue and overdue
    assert _ids(client, admin, overdue="false") == expect(lambda t: True) - overdue
    assert all(t["overdue"] == (t["id"] in overdue) for t in demo_targets)
    assert len({t["stage"] for t in demo_targets}) == 6


def test_sorting_by_stage_and_date(client, admin) -> None:
    items = client.get("/api/v1/targets", params={"sort": "stage", "limit": 10_000}, headers=admin).json()["items"]
    assert [STAGES.index(t["stage"]) for t in items] == sorted(STAGES.index(t["stage"]) for t in items)
    items = client.get("/api/v1/targets", params={"sort": "next_action_date", "limit": 10_000}, headers=admin).json()["items"]
    dates = [t["next_action_date"] for t in items if t["next_action_date"]]
    assert dates == sorted(dates)


def test_the_target_layer(client, admin, db) -> None:
    layer = client.get("/api/v1/targets", params={"f": "geojson", "limit": 10_000, "is_demo": "true"}, headers=admin).json()
    assert len(layer["features"]) == 50
    lons, lats = zip(*(feature["geometry"]["coordinates"] for feature in layer["features"]), strict=True)
    # Headquarters outside Jiangxi: against the province's own boundary (a box around it holds Xiamen).
    inside = db.execute(
        text(
            "SELECT count(*) FROM regions, unnest(CAST(:lons AS float8[]), CAST(:lats AS float8[])) AS p(lon, lat) "
            "WHERE level = 'province' AND ST_Intersects(geom, ST_SetSRID(ST_MakePoint(lon, lat), 4326))"
        ),
        {"lons": list(lons), "lats": list(lats)},
    ).scalar_one()
    assert inside == 0
    for feature in layer["features"]:
        park = feature["properties"]["intended_park_location"]
        assert park is None or park["type"] == "Point"


OFFICER_ONLY = [
    ("get", "/api/v1/targets", {}),
    ("get", "/api/v1/targets", {"f": "geojson"}),
    ("get", "/api/v1/targets/1", {}),
    ("get", "/api/v1/targets/1", {"f": "geojson"}),
    ("get", "/api/v1/targets/export", {"format": "xlsx"}),
    ("get", "/api/v1/targets/export", {"format": "csv"}),
    ("get", "/api/v1/gaps", {}),
    ("get", "/api/v1/gaps", {"f": "geojson"}),
    ("get", "/api/v1/gap_records", {}),
    ("get", "/api/v1/gap_records/1", {}),
    ("get", "/api/v1/chains/1/coverage", {}),
    ("post", "/api/v1/targets/1/transitions", {}),
]


@pytest.mark.parametrize(("method", "path", "params"), OFFICER_ONLY, ids=[f"{m} {p} {q}" for m, p, q in OFFICER_ONLY])
def test_nobody_else_sees_targets(client, demo_targets, method: str, path: str, params: dict) -> None:
    for headers in ({}, {"Authorization": "Bearer wrong"}):
        body = {"json": {"to": "signed"}} if method == "post" else {}
        r = getattr(client, method)(path, params=params, headers=headers, **body)
        assert r.status_code == 401, r.text
        assert not any(t["enterprise_name"] in r.text for t in demo_targets)


def test_public_lists_do_not_leak_targets(client, demo_targets) -> None:
    names = {t["enterprise_name"] for t in demo_targets}
    for params in ({}, {"f": "geojson"}, {"is_local": "false"}, {"q": "演示"}):
        r = client.get("/api/v1/enterprises", params={"limit": 10_000, **params})
        assert r.status_code == 200 and not any(n in r.text for n in names)
    for fmt in ("xlsx", "csv"):
        r = client.get("/api/v1/enterprises/export", params={"format": fmt})
        assert r.status_code == 200
    rows = list(
        csv.reader(io.StringIO(client.get("/api/v1/enterprises/export", params={"format": "csv"}).content.decode("utf-8-sig")))
    )
    assert rows[1:] and not any(row[0] in names for row in rows[1:]) and {row[2] for row in rows[1:]} == {"本地"}


def test_next_action_dates_are_checked(client, admin, hq, targets) -> None:
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    target = _target(client, admin, hq, targets, 51, next_action="回访", next_action_date=yesterday)
    assert target["overdue"] is True
    assert _move(client, admin, target["id"], "dropped").json()["overdue"] is False
