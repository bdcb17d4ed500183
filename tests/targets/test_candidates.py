"""Candidates for a gap: the enterprises on a link outside the area, ranked 链主, revenue,
employees, distance; equal to an independent filter and sort of the enterprise list."""

import pytest


def _enterprises(client, admin) -> list[dict]:
    return client.get("/api/v1/enterprises", params={"limit": 10_000}, headers=admin).json()["items"]


@pytest.mark.parametrize(("area", "inside"), [({"region": "360700"}, "3607"), ({"region": "360000"}, "36")])
def test_candidates_equal_an_independent_ranking(client, admin, area: dict, inside: str) -> None:
    everyone = _enterprises(client, admin)

    def outside(link: int) -> list[dict]:
        return [
            e for e in everyone if link in e["link_ids"] and not (e["is_local"] and (e["region_adcode"] or "").startswith(inside))
        ]

    link = max({k for e in everyone for k in e["link_ids"]}, key=lambda k: len(outside(k)))  # the busiest link
    r = client.get("/api/v1/targets/candidates", params={"link": link, "limit": 200, **area}, headers=admin)
    assert r.status_code == 200, r.text
    found = r.json()
    expected = outside(link)
    assert 0 < len(expected) <= 200 and {c["id"] for c in found} == {e["id"] for e in expected}
    keys = [(not c["chain_leader"], -(c["revenue_yi"] or -1), -(c["employees"] or -1)) for c in found]
    assert keys == sorted(keys)
    assert all(("chain_leader" in e["tags"]) == c["chain_leader"] for c in found for e in everyone if e["id"] == c["id"])
    assert all(c["distance_km"] >= 0 for c in found)
    if inside == "36":
        assert all(not c["is_local"] for c in found)  # the province: only enterprises outside it


def test_candidates_say_which_are_already_targets(client, admin) -> None:
    demo = [t for t in client.get("/api/v1/targets", params={"limit": 1000}, headers=admin).json()["items"] if t["cluster_id"]][0]
    found = client.get(
        "/api/v1/targets/candidates", params={"link": demo["link_id"], "cluster": demo["cluster_id"], "limit": 200}, headers=admin
    )
    assert demo["id"] in {c["target_id"] for c in found.json()}


@pytest.mark.parametrize(
    ("params", "field"),
    [({"link": 3}, "region"), ({"link": 99_999, "region": "360700"}, "link"), ({"link": 3, "region": "369999"}, "region")],
)
def test_bad_candidate_queries_are_named(client, admin, params: dict, field: str) -> None:
    r = client.get("/api/v1/targets/candidates", params=params, headers=admin)
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == field, r.text
    assert client.get("/api/v1/targets/candidates", params={"link": 3, "region": "360700"}).status_code == 401
