"""Issue 16: clusters carry the names and tiers the official lists give (the highest list a cluster
is on), every list entry with its status and source, and only figures a source states, by year."""

from sqlalchemy import text

from app.loaders.reference import load_all
from tests.support.reference_files import GEODATA, cluster_figures_csv, cluster_lists_csv

TIER_ORDER = [
    "national_advanced",
    "provincial_advanced",
    "provincial_five_star",
    "provincial_four_star",
    "provincial_three_star",
    "provincial",
    "provincial_cultivating",
    "provincial_featured",
    "municipal",
    "plan_target",
]


def _clusters(client, **params) -> dict[str, dict]:
    page = client.get("/api/v1/clusters", params={"limit": 100, **params})
    assert page.status_code == 200, page.text
    return {c["name"]: c for c in page.json()["items"]}


def test_each_cluster_shows_its_highest_listed_tier_and_every_entry(client) -> None:
    clusters = _clusters(client)
    entries: dict[str, list[dict[str, str]]] = {}
    for row in cluster_lists_csv():
        entries.setdefault(row["name"], []).append(row)
    for name, rows in entries.items():
        c = clusters[name]
        assert c["tier"] == min((r["tier"] for r in rows), key=TIER_ORDER.index)
        assert sorted((e["list_name"], e["tier"], e["status"]) for e in c["list_entries"]) == sorted(
            (r["list_name"], r["tier"], r["status"]) for r in rows
        )
        assert all(e["source"] and e["source_kind"] for e in c["list_entries"])
    # The names that were not official are gone; the copper cluster is a plan target, not national.
    assert "江西航空集群" not in clusters
    assert clusters["鹰饶抚昌铜基新材料集群"]["tier"] == "plan_target"
    assert clusters["长三角(含江西)大飞机集群"]["cross_provincial"] is True
    assert sum(c["cross_provincial"] for c in clusters.values()) == 1


def test_figures_come_with_their_source_and_year(client) -> None:
    clusters = _clusters(client)
    for row in cluster_figures_csv():
        figure = next(
            f for f in clusters[row["cluster_name"]]["figures"] if f["year"] == int(row["year"]) and f["metric"] == row["metric"]
        )
        assert figure["value"] == float(row["value"]) and figure["qualifier"] == row["qualifier"]
        assert (
            figure["source"] == row["source_doc"]
            and figure["source_url"] == row["source_url"]
            and figure["as_of"] == row["as_of"]
        )
        assert figure["unit"] == ("家" if "enterprises" in row["metric"] else "亿元")
    figured = {r["cluster_name"] for r in cluster_figures_csv()}
    assert all(c["figures"] == [] for name, c in clusters.items() if name not in figured)
    # The older `revenues` field keeps the exact revenue figures only.
    assert clusters["赣州市稀土新材料及应用集群"]["revenues"] == [
        {
            "year": 2021,
            "revenue_yi": 410.9,
            "source": "高新院 achie.org 2022-12-06 http://m.cdsnjd.com/news/cygh/2022/1206/17596.html",
        }
    ]
    assert clusters["长三角(含江西)大飞机集群"]["revenues"] == []


def test_filter_by_tier_and_by_list_status(client) -> None:
    five_star = _clusters(client, tier="provincial_five_star")
    assert set(five_star) == {
        r["name"]
        for r in cluster_lists_csv()
        if min((x["tier"] for x in cluster_lists_csv() if x["name"] == r["name"]), key=TIER_ORDER.index) == "provincial_five_star"
    }
    in_publicity = _clusters(client, list_status="publicity")
    assert set(in_publicity) == {r["name"] for r in cluster_lists_csv() if r["status"] == "publicity"}


def test_a_database_with_the_old_name_gets_the_official_one_on_reload(db) -> None:
    """A database loaded from the legacy files has 江西航空集群: the next load renames it, keeping its id
    (and with it every chain, park and target linked to it)."""
    db.rollback()
    official = "长三角(含江西)大飞机集群"
    cluster_id = db.execute(text("SELECT id FROM clusters WHERE name = :n"), {"n": official}).scalar_one()
    db.execute(text("UPDATE clusters SET name = '江西航空集群' WHERE id = :i"), {"i": cluster_id})
    db.commit()
    list(load_all(GEODATA))
    db.rollback()
    assert db.execute(text("SELECT name FROM clusters WHERE id = :i"), {"i": cluster_id}).scalar_one() == official
    assert db.execute(text("SELECT count(*) FROM clusters WHERE name = '江西航空集群'")).scalar_one() == 0
