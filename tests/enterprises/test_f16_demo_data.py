"""Issue 16: demo data can never pass for real. Demo credit codes are valid but use the division
999999, which no registry issues (and only demo records may use it); no demo record leads a chain;
a chain's demo revenue stays under the real cluster figure beside it; coverage says how much of
what it counts is demo; and the public sees demo records only where the deployment asks."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from app.core.settings import DemoSettings
from app.enterprises.uscc import DEMO_DIVISION, demo_code, validate
from app.loaders.demo_enterprises import DEMO_CHAIN_REVENUE_YI, DEMO_REVENUE_SHARE
from tests.support.apps import client_with
from tests.support.chains import enterprise_body, new_uscc, point_in

RARE_EARTH_FIGURE_YI = 410.9  # the real 赣州 cluster's revenue (cluster_figures.csv, 2021)


def test_every_demo_enterprise_is_marked_in_code_name_and_tags(db) -> None:
    db.rollback()
    rows = db.execute(text("SELECT uscc, name, tags FROM enterprises WHERE is_demo")).all()
    assert len(rows) >= 500
    for code, name, tags in rows:
        assert code[2:8] == DEMO_DIVISION and validate(code) == code
        assert name.startswith("【演示 DEMO】")
        assert not {"chain_leader", "little_giant", "single_champion"} & set(tags)
    real_with_demo_code = db.execute(
        text("SELECT count(*) FROM enterprises WHERE NOT is_demo AND substr(uscc, 3, 6) = :d"), {"d": DEMO_DIVISION}
    ).scalar_one()
    assert real_with_demo_code == 0


def test_no_chain_adds_up_to_more_demo_revenue_than_its_cap(db) -> None:
    db.rollback()
    totals = dict(
        db.execute(
            text(
                "SELECT c.name, sum(DISTINCT_REV.revenue_yi) FROM ("
                "  SELECT DISTINCT e.id, e.revenue_yi, l.chain_id FROM enterprises e"
                "  JOIN enterprise_links el ON el.enterprise_id = e.id JOIN chain_links l ON l.id = el.link_id"
                "  WHERE e.is_demo AND e.is_local) DISTINCT_REV JOIN chains c ON c.id = DISTINCT_REV.chain_id GROUP BY c.name"
            )
        ).all()
    )
    assert totals["稀土新材料及应用产业链"] <= RARE_EARTH_FIGURE_YI * DEMO_REVENUE_SHARE
    assert all(float(total) <= DEMO_CHAIN_REVENUE_YI for name, total in totals.items() if name != "稀土新材料及应用产业链")


@pytest.mark.parametrize(
    ("code", "is_demo", "tags", "field"),
    [
        pytest.param(demo_code("T00000001"), False, [], "uscc", id="real-record-with-demo-code"),
        pytest.param(None, True, [], "uscc", id="demo-record-with-real-code"),
        pytest.param(demo_code("T00000002"), True, ["chain_leader"], "tags", id="demo-chain-leader"),
    ],
)
def test_the_api_refuses_what_could_pass_for_real(client, admin, db, code, is_demo, tags, field) -> None:
    body = enterprise_body(point_in(db, "360121"), uscc=code or new_uscc(), is_demo=is_demo, tags=tags)
    r = client.post("/api/v1/enterprises", json=body, headers=admin)
    assert r.status_code == 422, r.text
    detail = r.json()["error"]["details"][0]
    assert detail["field"] == field and ("演示" in detail["problem_zh"] or "链主" in detail["problem_zh"])


def test_the_database_refuses_a_real_record_with_a_demo_code(db) -> None:
    db.rollback()
    with pytest.raises(IntegrityError, match="ck_enterprises_demo_uscc"):
        db.execute(
            text(
                "INSERT INTO enterprises (name, uscc, location, is_local, region_adcode, source, is_demo) "
                "VALUES ('x', :code, ST_SetSRID(ST_MakePoint(115.9, 28.5), 4326), true, '360121', 'test', false)"
            ),
            {"code": demo_code("T00000003")},
        )
    db.rollback()


def test_coverage_says_how_much_is_demo(client, admin, db) -> None:
    db.rollback()
    chain_id = db.execute(text("SELECT id FROM chains WHERE name = '稀土新材料及应用产业链'")).scalar_one()
    body = client.get(f"/api/v1/chains/{chain_id}/coverage", params={"region": "360000"}, headers=admin).json()
    assert any(lk["demo_enterprise_count"] for lk in body["links"])
    for lk in body["links"]:
        assert 0 <= lk["demo_enterprise_count"] <= lk["enterprise_count"]
        assert 0 <= lk["demo_revenue_yi"] <= lk["revenue_yi"] + 1e-9
        assert lk["has_chain_leader"] is False or lk["demo_enterprise_count"] < lk["enterprise_count"]


def test_the_public_sees_no_demo_record_unless_the_deployment_asks(client, admin) -> None:
    # The suite's app shows demo records to the public, as `make run` does; this one is left at the default.
    shown = client.get("/api/v1/carriers", params={"is_demo": "true", "limit": 1, "count": "true"}).json()["count"]
    assert shown > 0
    with client_with(demo=DemoSettings()) as hidden:
        assert hidden.get("/api/v1/carriers", params={"is_demo": "true", "limit": 1, "count": "true"}).json()["count"] == 0
        assert hidden.get("/api/v1/enterprises", params={"is_demo": "true", "limit": 1, "count": "true"}).json()["count"] == 0
        features = hidden.get("/ogc/collections/land/items", params={"limit": 1000}).json()["features"]
        assert not any(f["properties"]["is_demo"] for f in features)
        # Staff still see them, flagged.
        staff = hidden.get("/api/v1/carriers", params={"is_demo": "true", "limit": 1, "count": "true"}, headers=admin)
        assert staff.json()["count"] == shown
