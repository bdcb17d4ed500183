"""Side-by-side comparison: every row sourced, the best value marked, bad ids refused."""

import json

import pytest


def _carriers(client, **params) -> list[dict]:
    return client.get("/api/v1/carriers", params={"limit": 1000, **params}).json()["items"]


def test_three_plots_side_by_side(client) -> None:
    plots = [c for c in _carriers(client, kind="land") if c["price_wan_per_mu"] is not None][:3]
    ids = [c["id"] for c in plots]
    r = client.get("/api/v1/sites/compare", params={"carriers": ",".join(map(str, ids))})
    assert r.status_code == 200, r.text
    got = r.json()
    assert [i["id"] for i in got["items"]] == ids
    rows = {row["field"]: row for row in got["rows"]}
    prices = [c["price_wan_per_mu"] for c in plots]
    assert [v["value"] for v in rows["price_wan_per_mu"]["values"]] == prices
    assert rows["price_wan_per_mu"]["best"] == [i for i, p in enumerate(prices) if p == min(prices)]
    assert all(v["source"].startswith(plots[0]["source"]) for v in rows["price_wan_per_mu"]["values"])
    airport = rows["distances.airport"]
    kms = [c["distances"]["airport"]["km"] for c in plots]
    assert [v["value"]["km"] for v in airport["values"]] == kms
    assert airport["best"] == [i for i, k in enumerate(kms) if k == min(kms)]
    assert all(v["source"].startswith("直线距离 straight line → ") for v in airport["values"])
    assert airport["zh"].endswith("（直线）")


def test_parks_side_by_side(client) -> None:
    parks = client.get("/api/v1/parks", params={"limit": 2}).json()["items"]
    r = client.get("/api/v1/sites/compare", params={"parks": f"{parks[0]['id']},{parks[1]['id']}"})
    assert r.status_code == 200, r.text
    assert {row["field"] for row in r.json()["rows"]} >= {"level", "region_name", "distances.airport"}


@pytest.mark.parametrize(
    ("params", "status", "field"),
    [
        ({"carriers": "1"}, 422, "carriers"),
        ({"carriers": "1,2,3,4,5"}, 422, "carriers"),
        ({"carriers": "1,1"}, 422, "carriers"),
        ({"carriers": "1,2", "parks": "1,2"}, 422, "carriers"),
        ({}, 422, "carriers"),
        ({"carriers": "1,2147483000"}, 404, None),
    ],
)
def test_bad_comparisons(client, params: dict, status: int, field: str | None) -> None:
    r = client.get("/api/v1/sites/compare", params=params)
    assert r.status_code == status, r.text
    if field:
        assert r.json()["error"]["details"][0]["field"] == field


def test_a_requirement_adds_its_verdicts_as_the_match_gives_them(client) -> None:
    req = {"kind": "land", "area": {"min": 1, "max": 100000, "hard": False}, "distances": {"airport": {"km": 30}}}
    matched = client.post("/api/v1/sites/match", json={**req, "limit": 3}).json()["results"]
    assert len(matched) == 3
    ids = [m["id"] for m in matched]
    r = client.get("/api/v1/sites/compare", params={"carriers": ",".join(map(str, ids)), "r": json.dumps(req)})
    assert r.status_code == 200, r.text
    got = r.json()["requirement"]
    assert got["scores"] == [m["score"] for m in matched]
    assert [row["criterion"] for row in got["rows"]] == ["area", "distance_airport"]
    for k, row in enumerate(got["rows"]):
        assert row["values"] == [{key: m["verdicts"][k][key] for key in ("verdict", "zh", "en")} for m in matched]
    # Without it, no verdicts; with parks, refused.
    plain = client.get("/api/v1/sites/compare", params={"carriers": ",".join(map(str, ids))}).json()
    assert "requirement" not in plain
    bad = client.get("/api/v1/sites/compare", params={"parks": "1,2", "r": json.dumps(req)})
    assert bad.status_code == 422, bad.text
    assert bad.json()["error"]["details"][0]["field"] == "r"
    bad = client.get("/api/v1/sites/compare", params={"carriers": ",".join(map(str, ids)), "r": "{"})
    assert bad.status_code == 422, bad.text
    assert bad.json()["error"]["details"][0]["field"] == "r"
