"""Chains and their link trees: the reference chains with their sources, tree edits and their
rules, and the load from geodata/chains.json."""

import json
import re
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.orm import Session

from app.core.database import get_engine
from app.loaders.chains import load_chains
from app.loaders.validation import LoadError
from tests.support.chains import created, delete, enterprise_body, patch
from tests.support.database import database_name, fresh_database, migrate
from tests.support.reference_files import GEODATA

# The clusters the chains serve, by their official names (cluster_lists.csv).
PLAN_CLUSTERS = {"赣州市稀土新材料及应用集群", "鹰饶抚昌铜基新材料集群", "长三角(含江西)大飞机集群"}


@pytest.fixture(scope="module")
def chains(client) -> list[dict]:
    """The reference chains (other tests add chains of their own)."""
    names = [c["name"] for c in json.loads((GEODATA / "chains.json").read_text(encoding="utf-8"))["chains"]]
    by_name = {c["name"]: c for c in client.get("/api/v1/chains", params={"limit": 1000}).json()["items"]}
    return [by_name[n] for n in names]


def test_the_reference_chains(client, chains) -> None:
    assert len(chains) >= 5
    clusters = {c["name"] for chain in chains for c in chain["clusters"]}
    assert PLAN_CLUSTERS <= clusters
    for chain in chains:
        assert 8 <= len(chain["links"]) <= 30, chain["name"]
        assert {lk["position"] for lk in chain["links"]} == {"upstream", "midstream", "downstream"}
        assert chain["published"] and not chain["is_demo"] and "CHAINS.md" in chain["source"]
        assert re.search(r"https?://", chain["source"])
        for link in chain["links"]:
            assert link["source"] and re.search(r"\[[A-Z]\d\] .+ https?://", link["source"]), link["name"]
            assert all(re.fullmatch(r"([A-T]|[A-T]?\d{2,4})", c) for c in link["industry_codes"])
    # The tree has depth: 钕铁硼永磁 under 稀土永磁材料 under 稀土功能材料.
    rare_earth = {lk["name"]: lk for lk in chains[0]["links"]}
    assert rare_earth["钕铁硼永磁"]["depth"] == 2
    assert rare_earth["钕铁硼永磁"]["parent_id"] == rare_earth["稀土永磁材料"]["id"]
    assert rare_earth["稀土永磁材料"]["parent_id"] == rare_earth["稀土功能材料"]["id"]


def test_a_cluster_finds_its_chains(client, chains) -> None:
    cluster = next(c for chain in chains for c in chain["clusters"] if c["name"] == "长三角(含江西)大飞机集群")
    found = client.get("/api/v1/chains", params={"cluster": cluster["id"]}).json()["items"]
    assert [c["name"] for c in found] == ["航空产业链"]


def test_loading_twice_changes_nothing(engine, chains) -> None:
    with Session(get_engine()) as session, session.begin():
        assert load_chains(session, GEODATA / "chains.json") == (len(chains), sum(len(c["links"]) for c in chains))
    with engine.connect() as conn:
        ids = conn.execute(text("SELECT id, name FROM chain_links ORDER BY id")).all()
    assert {(lk["id"], lk["name"]) for c in chains for lk in c["links"]} <= set(ids)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d["chains"][0]["list_clusters"].append("不存在的集群"), "unknown cluster"),
        (lambda d: d["chains"][0]["links"][0]["industry_codes"].append("C39851"), "industry_codes"),
        (lambda d: d["chains"][0]["links"][0].update(refs=["Z9"]), "unknown sources"),
        (lambda d: d["chains"][0]["links"][0].pop("position"), "position"),
    ],
)
def test_a_bad_chain_file_names_the_place(tmp_path: Path, edit, message: str) -> None:
    document = json.loads((GEODATA / "chains.json").read_text(encoding="utf-8"))
    edit(document)
    path = tmp_path / "chains.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    with Session(get_engine()) as session, pytest.raises(LoadError, match=rf"chains.json chain 1 .*{message}"):
        load_chains(session, path)


@pytest.fixture
def chain(client, admin):
    with created(client, admin, "/api/v1/chains", {"name": "测试产业链 tree", "source": "test suite"}) as made:
        yield made


def _link(client, admin, chain: dict, **body):
    return client.post(f"/api/v1/chains/{chain['id']}/links", json=body, headers=admin)


def test_editing_the_tree(client, admin, chain) -> None:
    root = _link(client, admin, chain, name="上游甲", position="upstream", industry_codes=["C3985"]).json()
    child = _link(client, admin, chain, name="子环节", parent_id=root["id"]).json()
    assert (child["position"], child["depth"]) == ("upstream", 1)
    down = _link(client, admin, chain, name="下游乙", position="downstream").json()
    # Moving the child under 下游乙 takes that position; a link never goes below itself.
    moved = patch(client, admin, f"/api/v1/chains/{chain['id']}/links/{child['id']}", {"parent_id": down["id"]}).json()
    assert (moved["parent_id"], moved["position"]) == (down["id"], "downstream")
    r = patch(client, admin, f"/api/v1/chains/{chain['id']}/links/{down['id']}", {"parent_id": child["id"]})
    assert r.status_code == 422 and "循环" in r.json()["error"]["details"][0]["problem_zh"]
    # A root's position moves its subtree along.
    patch(client, admin, f"/api/v1/chains/{chain['id']}/links/{down['id']}", {"position": "midstream"})
    tree = client.get(f"/api/v1/chains/{chain['id']}", headers=admin).json()["links"]
    assert [(lk["name"], lk["position"], lk["depth"]) for lk in tree] == [
        ("上游甲", "upstream", 0),
        ("下游乙", "midstream", 0),
        ("子环节", "midstream", 1),
    ]
    # Deleting: not while it has children, nor while an enterprise is on it.
    r = delete(client, admin, f"/api/v1/chains/{chain['id']}/links/{down['id']}")
    assert r.status_code == 409 and "child" in r.json()["error"]["message"]
    with created(client, admin, "/api/v1/enterprises", enterprise_body([115.93, 28.52], link_ids=[child["id"]])):
        r = delete(client, admin, f"/api/v1/chains/{chain['id']}/links/{child['id']}")
        assert r.status_code == 409 and "1 家企业" in r.json()["error"]["message_zh"]
        assert delete(client, admin, f"/api/v1/chains/{chain['id']}").status_code == 409
    for link in (child, down, root):
        assert delete(client, admin, f"/api/v1/chains/{chain['id']}/links/{link['id']}").status_code == 204


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "无位置"}, "position"),
        ({"name": "坏代码", "position": "upstream", "industry_codes": ["39-85"]}, "industry_codes.0"),
        ({"name": "坏位置", "position": "sideways"}, "position"),
        ({"name": "别链上级", "parent_id": 1}, "parent_id"),
        ({"name": "", "position": "upstream"}, "name"),
    ],
)
def test_bad_links_are_named(client, admin, chain, body: dict, field: str) -> None:
    r = _link(client, admin, chain, **body)
    assert r.status_code == 422, r.text
    assert r.json()["error"]["details"][0]["field"] == field


def test_child_position_must_match(client, admin, chain) -> None:
    root = _link(client, admin, chain, name="根", position="upstream").json()
    r = _link(client, admin, chain, name="子", parent_id=root["id"], position="downstream")
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "position"
    delete(client, admin, f"/api/v1/chains/{chain['id']}/links/{root['id']}")


def test_same_name_twice_in_a_chain_is_a_conflict(client, admin, chain) -> None:
    first = _link(client, admin, chain, name="重名", position="upstream").json()
    assert _link(client, admin, chain, name="重名", position="midstream").status_code == 409
    delete(client, admin, f"/api/v1/chains/{chain['id']}/links/{first['id']}")


def test_unpublished_chains_stay_hidden(client, admin, chain) -> None:
    assert client.get(f"/api/v1/chains/{chain['id']}").status_code == 404
    assert chain["name"] not in [c["name"] for c in client.get("/api/v1/chains").json()["items"]]
    assert client.get(f"/api/v1/chains/{chain['id']}", headers=admin).status_code == 200


def test_migration_0002_goes_down_to_0003_and_up(database_url: str) -> None:
    url = fresh_database(database_name("migrations_0002"))
    migrate(url)
    mine = {
        "chains",
        "chain_links",
        "chain_clusters",
        "chain_gaps",
        "enterprises",
        "enterprise_links",
        "targets",
        "target_stage_changes",
    }
    engine = create_engine(url)
    try:
        assert mine <= set(inspect(engine).get_table_names())
        migrate(url, "0003", down=True)  # 0002 comes after accounts and audit (0003)
        tables = set(inspect(engine).get_table_names())
        assert not (mine & tables) and {"parks", "clusters", "regions", "users", "audit_log"} <= tables
        migrate(url)
        assert {"idx_enterprises_location"} <= {i["name"] for i in inspect(engine).get_indexes("enterprises")}
    finally:
        engine.dispose()
