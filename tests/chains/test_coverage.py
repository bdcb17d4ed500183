"""Coverage of a chain in an area equals an independent count over the same rows: the link tree
walked by parent_id, the county found by point-in-polygon in regions.geojson, and sums in Python."""

from collections import defaultdict
from decimal import Decimal

import pytest
import shapely
from sqlalchemy import text

from app.core.settings import GapSettings, settings
from tests.support.apps import client_with
from tests.support.reference_files import counties_of, regions

LONGNAN_ETDZ = "龙南经济技术开发区"


@pytest.fixture(scope="module")
def rows(engine) -> dict:
    """The raw rows, read with plain SQL."""
    with engine.connect() as conn:
        return _read(conn)


def _read(conn) -> dict:
    q = lambda sql: conn.execute(text(sql)).mappings().all()  # noqa: E731
    return {
        "enterprises": q("SELECT id, is_local, ST_X(location) x, ST_Y(location) y, park_id, revenue_yi, tags FROM enterprises"),
        "on": q("SELECT enterprise_id, link_id FROM enterprise_links"),
        "links": q("SELECT id, parent_id, chain_id FROM chain_links"),
        "cluster_parks": q("SELECT cluster_id, park_id FROM cluster_parks"),
        "cluster_cities": q("SELECT cluster_id, adcode FROM cluster_cities"),
        "parks": {r["name"]: r["id"] for r in q("SELECT id, name FROM parks")},
        "clusters": {r["name"]: r["id"] for r in q("SELECT id, name FROM clusters")},
        "chains": [r["id"] for r in q("SELECT id FROM chains ORDER BY id")],
    }


def _county(x: float, y: float) -> str | None:
    point = shapely.Point(x, y)
    found = [a for a, r in regions().items() if r["level"] == "county" and r["geom"].covers(point)]
    return found[0] if found else None


def _members(rows: dict, kind: str, key: str) -> set[int]:
    """Local enterprises in the area, by the definition of the issue."""
    if kind == "cluster":
        parks = {r["park_id"] for r in rows["cluster_parks"] if r["cluster_id"] == int(key)}
        if not parks:  # no park recorded: the counties of its cities
            counties = set().union(*(counties_of(r["adcode"]) for r in rows["cluster_cities"] if r["cluster_id"] == int(key)))
            return {e["id"] for e in rows["enterprises"] if e["is_local"] and _county(e["x"], e["y"]) in counties}
        return {e["id"] for e in rows["enterprises"] if e["is_local"] and e["park_id"] in parks}
    if kind == "park":
        return {e["id"] for e in rows["enterprises"] if e["is_local"] and e["park_id"] == int(key)}
    counties = counties_of(key)
    return {e["id"] for e in rows["enterprises"] if e["is_local"] and _county(e["x"], e["y"]) in counties}


def _expected(rows: dict, chain_id: int, members: set[int], min_count: int, min_revenue: float) -> dict[int, tuple]:
    parent = {r["id"]: r["parent_id"] for r in rows["links"]}
    on_link = defaultdict(set)
    for r in rows["on"]:
        link = r["link_id"]
        while link is not None:  # an enterprise on a link also covers every link above it
            on_link[link].add(r["enterprise_id"])
            link = parent[link]
    by_id = {e["id"]: e for e in rows["enterprises"]}
    out = {}
    for link in (r["id"] for r in rows["links"] if r["chain_id"] == chain_id):
        here = on_link[link] & members
        revenue = sum((by_id[e]["revenue_yi"] or Decimal(0) for e in here), Decimal(0))
        leader = any("chain_leader" in by_id[e]["tags"] for e in here)
        cls = "missing" if not here else "weak" if len(here) < min_count or revenue < min_revenue else "covered"
        out[link] = (len(here), float(revenue), leader, cls)
    return out


def _area(rows: dict, kind: str, name: str) -> str:
    return {"region": lambda: name, "park": lambda: str(rows["parks"][name]), "cluster": lambda: str(rows["clusters"][name])}[
        kind
    ]()


AREAS = [
    ("region", "360000"),
    ("region", "360700"),
    ("region", "360783"),
    ("park", LONGNAN_ETDZ),
    ("cluster", "赣州市稀土新材料及应用集群"),
    ("cluster", "新余市锂电新材料及应用集群"),
]


@pytest.mark.parametrize(
    ("kind", "name"), AREAS, ids=["province", "ganzhou", "longnan", "longnan-etdz", "ganzhou-rare-earth", "xinyu-lithium"]
)
def test_coverage_equals_an_independent_count(client, admin, rows, kind: str, name: str) -> None:
    key = _area(rows, kind, name)
    members = _members(rows, kind, key)
    gaps = settings().gaps
    seen = set()
    for chain_id in rows["chains"]:
        body = client.get(f"/api/v1/chains/{chain_id}/coverage", params={kind: key}, headers=admin).json()
        assert body["area"]["kind"] == kind
        expected = _expected(rows, chain_id, members, gaps.min_count, gaps.min_revenue_yi)
        got = {
            lk["id"]: (lk["enterprise_count"], float(lk["revenue_yi"]), lk["has_chain_leader"], lk["gap_class"])
            for lk in body["links"]
        }
        assert got == expected
        assert body["summary"] == {c: sum(1 for v in expected.values() if v[3] == c) for c in ("missing", "weak", "covered")}
        seen |= {v[3] for v in expected.values()}
    # The demo data makes each area show more than one class, or the comparison would prove little.
    assert len(seen) >= 2


def test_the_cluster_without_parks_falls_back_to_its_cities(rows) -> None:
    xinyu = rows["clusters"]["新余市锂电新材料及应用集群"]
    assert not [r for r in rows["cluster_parks"] if r["cluster_id"] == xinyu]
    assert _members(rows, "cluster", str(xinyu)) == _members(rows, "region", "360500")


def test_tree_order_and_default_area(client, admin) -> None:
    body = client.get("/api/v1/chains/1/coverage", headers=admin).json()
    assert body["area"] == {"kind": "region", "region_adcode": "360000", "park_id": None, "cluster_id": None, "name": "江西省"}
    links = body["links"]
    order = {"upstream": 0, "midstream": 1, "downstream": 2}
    assert [order[lk["position"]] for lk in links] == sorted(order[lk["position"]] for lk in links)
    index = {lk["id"]: i for i, lk in enumerate(links)}
    assert all(index[lk["parent_id"]] < index[lk["id"]] for lk in links if lk["parent_id"])


def test_thresholds_can_be_asked_for(client, admin) -> None:
    strict = client.get("/api/v1/chains/1/coverage", params={"min_count": 10_000}, headers=admin).json()
    assert strict["thresholds"]["min_count"] == 10_000
    assert strict["summary"]["covered"] == 0 and strict["summary"]["weak"] > 0
    lax = client.get("/api/v1/chains/1/coverage", params={"min_count": 1, "min_revenue_yi": 0}, headers=admin).json()
    assert lax["summary"]["weak"] == 0
    assert lax["summary"]["missing"] == strict["summary"]["missing"]


def test_thresholds_come_from_the_environment(admin, monkeypatch) -> None:
    monkeypatch.setenv("INVESTMAP_GAP_MIN_COUNT", "5000")
    with client_with(gaps=GapSettings()) as client:  # read from the environment, as a deployment's are
        body = client.get("/api/v1/chains/1/coverage", headers=admin).json()
    assert body["thresholds"]["min_count"] == 5000 and body["summary"]["covered"] == 0


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"region": "369999"}, "region"),
        ({"park": 99999}, "park"),
        ({"cluster": 99999}, "cluster"),
        ({"region": "360700", "park": 1}, "park"),
        ({"min_count": 0}, "min_count"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_areas_are_named(client, admin, params: dict, field: str) -> None:
    r = client.get("/api/v1/chains/1/coverage", params=params, headers=admin)
    assert r.status_code == 422, r.text
    assert r.json()["error"]["details"][0]["field"] == field


def test_unknown_chain_is_404(client, admin) -> None:
    assert client.get("/api/v1/chains/99999/coverage", headers=admin).status_code == 404


def test_the_link_filter_lists_what_coverage_counts(client, admin) -> None:
    """Click a link in the chain view: the enterprise list shows the enterprises its count is of."""
    body = client.get("/api/v1/chains/1/coverage", params={"region": "360700"}, headers=admin).json()
    for link in body["links"]:
        listed = client.get(
            "/api/v1/enterprises",
            headers=admin,
            params={"link": link["id"], "region": "360700", "is_local": "true", "limit": 10_000, "count": "true"},
        ).json()
        assert listed["count"] == link["enterprise_count"]
