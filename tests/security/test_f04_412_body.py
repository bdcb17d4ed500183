"""Finding 4 of issue 9: the 412 body's `current` record is exactly what a GET by the same caller
returns: no internal fields (a park's contacts) and no related drafts for those who may not see them."""

from tests.security.support import Records, cluster_body, park_body
from tests.support.records import if_match

CONTACTS = [{"name": "王专员", "phone": "0791-00000000"}]


def _stale_patch(client, path: str, headers: dict) -> dict:
    """A 412 body: `headers` edit `path` with a copy someone else changed meanwhile."""
    stale = if_match(client, path, headers)
    r = client.patch(path, json={"short_name": "先改"}, headers=if_match(client, path, headers))
    assert r.status_code == 200, r.text
    r = client.patch(path, json={"short_name": "后改"}, headers=stale)
    assert r.status_code == 412, r.text
    return r.json()


def test_a_write_key_gets_the_record_as_its_own_get_shows_it(client, admin, callers) -> None:
    with Records(client, admin) as rec:
        park = rec.make("/api/v1/parks", park_body(contacts=CONTACTS, profile="草稿简介"))
        # A draft cluster of 赣州 the Nanchang key may not see, and one of Nanchang it may.
        hidden = rec.make("/api/v1/clusters", cluster_body(["360700"], park_ids=[park["id"]]))
        own = rec.make("/api/v1/clusters", cluster_body(["360100"], park_ids=[park["id"]]))
        path = f"/api/v1/parks/{park['id']}"
        key = callers["key_write"]
        current = _stale_patch(client, path, key)["current"]
        assert "contacts" not in current and "0791-00000000" not in str(current)
        assert current["cluster_ids"] == [own["id"]] and hidden["name"] not in str(current)
        assert current == client.get(path, headers=key).json()
        assert current["short_name"] == "先改" and current["profile"] == "草稿简介"


def test_staff_get_the_whole_record_as_their_get_shows_it(client, admin, callers) -> None:
    with Records(client, admin) as rec:
        park = rec.make("/api/v1/parks", park_body(contacts=CONTACTS))
        hidden = rec.make("/api/v1/clusters", cluster_body(["360700"], park_ids=[park["id"]]))
        path = f"/api/v1/parks/{park['id']}"
        current = _stale_patch(client, path, callers["officer_in"])["current"]
        assert current["contacts"] == CONTACTS and current["cluster_ids"] == [hidden["id"]]
        # The detail form, as GET answers it: with the carriers on offer.
        assert current == client.get(path, headers=callers["officer_in"]).json()
        assert current["available_carriers"] == {"land": 0, "factory": 0, "office": 0}


def test_a_chain_link_412_is_its_get(client, admin) -> None:
    with Records(client, admin) as rec:
        chain = rec.make("/api/v1/chains", {"name": "第九号问题产业链", "source": "issue 9 tests"})
        top = rec.make(f"/api/v1/chains/{chain['id']}/links", {"name": "上游", "position": "upstream"})
        child = rec.make(f"/api/v1/chains/{chain['id']}/links", {"name": "子环节", "parent_id": top["id"]})
        path = f"/api/v1/chains/{chain['id']}/links/{child['id']}"
        stale = if_match(client, path, admin)
        assert client.patch(path, json={"keywords": ["甲"]}, headers=if_match(client, path, admin)).status_code == 200
        r = client.patch(path, json={"keywords": ["乙"]}, headers=stale)
        assert r.status_code == 412
        assert r.json()["current"] == client.get(path, headers=admin).json()
        assert r.json()["current"]["position"] == "upstream" and r.json()["current"]["keywords"] == ["甲"]
