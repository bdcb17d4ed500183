"""The cluster dashboard: its figures equal independent sums over the same rows; figures without
a source are missing (null), never zero; the public sees no project or target."""

import csv
import io
from collections import Counter
from collections.abc import Iterator
from datetime import datetime

import openpyxl
import pytest
from sqlalchemy import text

from tests.support.chains import created, enterprise_body

FIGURES = [  # cluster, year, revenue (亿元); a cluster's latest last
    (2, 2022, 1000),
    (2, 2024, 1200),
    (3, 2024, 600),
    (5, 2023, 300),
]


@pytest.fixture(scope="module")
def figures(engine) -> Iterator[None]:
    with engine.begin() as conn:
        for cluster, year, value in FIGURES:
            conn.execute(
                text(
                    "INSERT INTO cluster_figures (cluster_id, year, metric, value, unit, qualifier, source) "
                    "VALUES (:c, :y, 'revenue_yi', :v, '亿元', 'exact', '测试来源')"
                ),
                {"c": cluster, "y": year, "v": value},
            )
        before = conn.execute(text("SELECT target_revenue_yi, target_year FROM clusters WHERE id = 2")).one()
        conn.execute(text("UPDATE clusters SET target_revenue_yi = 2000, target_year = 2028 WHERE id = 2"))
    yield
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM cluster_figures WHERE source = '测试来源'"))
        conn.execute(
            text("UPDATE clusters SET target_revenue_yi = :t, target_year = :y WHERE id = 2"), {"t": before[0], "y": before[1]}
        )


@pytest.fixture(scope="module")
def some_projects(client, admin, engine) -> Iterator[None]:
    """Projects in three clusters and one without, at several stages."""
    with created(
        client, admin, "/api/v1/enterprises", enterprise_body([113.26, 23.13], is_local=False, name="测试看板企业")
    ) as made:
        for cluster, investment, start in ((1, 12345.67, None), (1, 20000, "2025-03-01"), (2, 5000, None), (None, 800, None)):
            body = {
                "name": f"测试看板项目{investment}",
                "enterprise_id": made["id"],
                "cluster_id": cluster,
                "park_id": 9,
                "investment_wan": investment,
                "signed_on": "2025-01-10",
                "source": "test suite",
            }
            project = client.post("/api/v1/projects", json=body, headers=admin).json()
            if start:
                r = client.post(
                    f"/api/v1/projects/{project['id']}/transitions", json={"to": "started", "on": start}, headers=admin
                )
                assert r.status_code == 200, r.text
        yield
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM projects WHERE enterprise_id = :e"), {"e": made["id"]})


def _all(client, admin, path: str) -> list[dict]:
    r = client.get(path, params={"limit": 10_000}, headers=admin)
    assert r.status_code == 200, r.text
    return r.json()["items"]


def test_the_dashboard_equals_independent_sums(client, admin, figures, some_projects) -> None:
    r = client.get("/api/v1/dashboard", headers=admin)
    assert r.status_code == 200, r.text
    board = r.json()
    projects = _all(client, admin, "/api/v1/projects")
    targets = _all(client, admin, "/api/v1/targets")
    clusters = {c["id"]: c for c in _all(client, admin, "/api/v1/clusters")}
    assert [c["id"] for c in board["clusters"]] == sorted(clusters)
    for shown in board["clusters"]:
        mine = [p for p in projects if p["cluster_id"] == shown["id"]]
        block = shown["projects"]
        assert block["count"] == len(mine), shown["name"]
        assert block["investment_yi"] == round(sum(p["investment_wan"] for p in mine) / 10_000, 2)
        assert {k: v for k, v in block["by_stage"].items() if v} == dict(Counter(p["stage"] for p in mine))
        assert {k: v for k, v in block["by_status"].items() if v} == dict(Counter(p["status"] for p in mine))
        parks = set(clusters[shown["id"]]["park_ids"])
        courted = [t for t in targets if t["cluster_id"] == shown["id"] or t["intended_park_id"] in parks]
        assert {k: v for k, v in shown["targets"].items() if v} == dict(Counter(t["stage"] for t in courted))
    assert board["projects"]["count"] == len(projects)
    assert board["projects"]["investment_yi"] == round(sum(p["investment_wan"] for p in projects) / 10_000, 2)
    assert board["projects_without_cluster"]["count"] == len([p for p in projects if p["cluster_id"] is None])
    assert {p["id"] for p in board["behind"]} == {p["id"] for p in projects if p["status"] in ("amber", "red")}


def test_revenue_goals_count_only_sourced_figures(client, admin, figures) -> None:
    board = client.get("/api/v1/dashboard", headers=admin).json()
    by_id = {c["id"]: c for c in board["clusters"]}
    # The latest figure of each cluster, with its source; none: 未填报 (null), not 0. The loaded
    # reference figures count too.
    latest = {}
    for c in board["clusters"]:
        if c["revenue"] and c["revenue"]["source"] != "测试来源":
            latest[c["id"]] = (c["revenue"]["year"], c["revenue"]["value"])
    latest |= {cluster: (year, value) for cluster, year, value in FIGURES}
    for cluster_id, shown in by_id.items():
        revenue = shown["revenue"]
        if cluster_id in latest:
            assert (revenue["year"], revenue["value"]) == latest[cluster_id] and revenue["source"]
        else:
            assert revenue is None and shown["figures"] == []
    goals = {g["key"]: g for g in board["plan"]["goals"]}
    year = max(y for y, _ in latest.values())
    in_year = [v for y, v in latest.values() if y == year]
    assert (board["revenue_year"], board["clusters_reporting_revenue"]) == (year, len(in_year))
    assert goals["revenue_total_yi"]["achieved"] == sum(in_year)
    assert goals["revenue_total_yi"]["gap"] == 50_000 - sum(in_year)
    assert goals["clusters_over_1000_yi"]["achieved"] == sum(v >= 1000 for _, v in latest.values())
    assert goals["clusters_over_500_yi"]["achieved"] == sum(v >= 500 for _, v in latest.values())
    tiers = [c["tier"] for c in _all(client, admin, "/api/v1/clusters")]
    assert goals["advanced_clusters"]["achieved"] == sum(t in ("national_advanced", "provincial_advanced") for t in tiers)
    assert goals["high_tech_enterprises"]["achieved"] is None and goals["high_tech_enterprises"]["gap"] is None
    assert (goals["zjtx_enterprises"]["target"], goals["high_tech_enterprises"]["target"]) == (7000, 9000)
    assert "提能升级" in board["plan"]["source"] and board["plan"]["year"] == 2028


def test_a_cluster_against_its_target(client, admin, figures) -> None:
    """1,000 亿元 in 2022, 1,200 in 2024, 2,000 wanted in 2028: 9.54 % a year achieved, 13.62 %
    needed, so behind; clusters without a target have no path (未填报)."""
    board = client.get("/api/v1/dashboard").json()
    paths = {c["id"]: c["path"] for c in board["clusters"]}
    assert paths[2] == {
        "base_year": 2022,
        "base_value": 1000,
        "latest_year": 2024,
        "latest_value": 1200,
        "target": 2000,
        "target_year": 2028,
        "growth_needed": round((2000 / 1200) ** 0.25 - 1, 4),
        "growth_achieved": round((1200 / 1000) ** 0.5 - 1, 4),
        "on_track": False,
    }
    targeted = {c["id"] for c in _all(client, admin, "/api/v1/clusters") if c["target_revenue_yi"] is not None}
    with_revenue = {c["id"] for c in board["clusters"] if c["revenue"] is not None}
    assert 2 in targeted and {i for i, p in paths.items() if p is not None} == targeted & with_revenue


def test_the_public_sees_published_figures_only(client, admin, figures, some_projects) -> None:
    board = client.get("/api/v1/dashboard").json()
    assert "projects" not in board and "behind" not in board
    published = {c["id"] for c in client.get("/api/v1/clusters", params={"limit": 1000}).json()["items"]}
    assert {c["id"] for c in board["clusters"]} == published
    assert all(c["projects"] is None and c["targets"] is None for c in board["clusters"])
    assert client.get("/api/v1/dashboard", params={"as_of": "soon"}).status_code == 422


def _name(board: dict, cluster_id: int) -> str:
    return next(c["name"] for c in board["clusters"] if c["id"] == cluster_id)


def _sheet(response) -> list[tuple]:
    assert response.status_code == 200, response.text
    return list(openpyxl.load_workbook(io.BytesIO(response.content), read_only=True).active.iter_rows(values_only=True))


def test_the_exports_are_the_tables_shown(client, admin, figures, some_projects) -> None:
    """Each table's download holds the dashboard's own numbers, with sources and as-of dates."""
    board = client.get("/api/v1/dashboard", params={"as_of": "2025-06-15"}, headers=admin).json()
    export = "/api/v1/dashboard/export"
    goals = _sheet(client.get(export, params={"table": "goals", "as_of": "2025-06-15"}, headers=admin))
    assert goals[0][:5] == ("指标", "2028年目标", "单位", "已达到", "差距")
    assert [(r[0], r[1], r[3], r[4]) for r in goals[1:]] == [
        (g["zh"], g["target"], g["achieved"], g["gap"]) for g in board["plan"]["goals"]
    ]
    assert {r[6] for r in goals[1:]} == {board["plan"]["source"]} and {r[8] for r in goals[1:]} == {datetime(2025, 6, 15)}

    r = client.get(export, params={"table": "clusters", "format": "csv"}, headers=admin)
    assert r.status_code == 200 and r.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert [row["产业集群"] for row in rows] == [c["name"] for c in board["clusters"]]
    assert [(row["年均需增长"], row["对标目标"]) for row in rows if row["产业集群"] == _name(board, 2)] == [
        ("0.1362", "落后目标")
    ]
    for row, shown in zip(rows, board["clusters"], strict=True):
        if shown["revenue"] is None:
            assert (row["营业收入（亿元）"], row["来源"]) == ("", "未填报")
        else:
            assert (float(row["营业收入（亿元）"]), row["来源"]) == (shown["revenue"]["value"], shown["revenue"]["source"])
        assert int(row["重点项目数"]) == shown["projects"]["count"]
        assert row["对标目标"] == ("未填报" if shown["path"] is None else "达标进度" if shown["path"]["on_track"] else "落后目标")
        assert int(row["严重滞后项目数"]) == shown["projects"]["by_status"]["red"]

    behind = _sheet(client.get(export, params={"table": "behind", "as_of": "2025-06-15"}, headers=admin))
    assert len(behind) > 4 and [r[0] for r in behind[1:]] == [p["name"] for p in board["behind"]]
    assert {r[5] for r in behind[1:]} <= {"滞后", "严重滞后"} and all(r[6] for r in behind[1:])
    assert client.get(export, params={"table": "behind"}).status_code == 401
    public = _sheet(client.get(export, params={"table": "clusters"}))
    assert public[0][14] == "重点项目数" and {r[14] for r in public[1:]} == {None}
    assert client.get(export, params={"table": "everything"}).status_code == 422
