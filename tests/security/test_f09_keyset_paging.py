"""Finding 9: deep OFFSET paging on public lists cost seconds (`?limit=1&offset=249000`: 4.7 s), the
JSON of every skipped row being built. Lists now page by key: the `next` link carries an opaque
`after=` cursor; `offset` is capped; JSON is built for the returned page only."""

import base64
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import text

from app.core.settings import settings
from tests.security.plans import nodes, plan, statements

# (list, sort): nullable and NOT NULL keys, both directions, ties broken by id, text, numbers, times.
WALKS = [
    ("/api/v1/carriers", None),
    ("/api/v1/carriers", "name"),
    ("/api/v1/carriers", "-area_m2"),
    ("/api/v1/carriers", "price_wan_per_mu"),
    ("/api/v1/carriers", "-rent_yuan_m2_month"),
    ("/api/v1/carriers", "-updated_at"),
    ("/api/v1/parks", "-approved_area_ha"),
    ("/api/v1/regions", "-adcode"),
    ("/api/v1/enterprises", "revenue_yi"),
    ("/api/v1/map/carriers", "-id"),
]


def _walk(client, url: str, key: str, headers: dict | None = None) -> list:
    seen: list = []
    while url:
        body = client.get(url, headers=headers or {}).json()
        page = body.get("items", body.get("features"))
        seen += [row[key] for row in page]
        url = body["next"] if "next" in body else next((lk["href"] for lk in body["links"] if lk["rel"] == "next"), None)
        if url:
            query = parse_qs(urlsplit(url).query)
            assert "after" in query and "offset" not in query
    return seen


@pytest.mark.parametrize(("path", "sort"), WALKS)
def test_next_links_walk_every_row_once_in_order(client, path: str, sort: str | None) -> None:
    params, key = f"?sort={sort}&" if sort else "?", "adcode" if path == "/api/v1/regions" else "id"
    whole = [row[key] for row in client.get(f"{path}{params}limit=10000").json()["items"]]
    assert len(whole) > 50
    assert _walk(client, f"{path}{params}limit=37", key) == whole


def test_geojson_pages_link_by_key_too(client) -> None:
    whole = [f["id"] for f in client.get("/api/v1/parks?f=geojson&sort=name&limit=10000").json()["features"]]
    assert _walk(client, "/api/v1/parks?f=geojson&sort=name&limit=9", "id") == whole


def test_the_audit_trail_pages_newest_first(client, admin) -> None:
    whole = [row["id"] for row in client.get("/api/v1/audit?limit=10000", headers=admin).json()["items"]]
    assert whole == sorted(whole, reverse=True) and len(whole) > 20
    assert _walk(client, "/api/v1/audit?limit=7", "id", admin)[:70] == whole[:70]


def test_every_field_of_a_page_is_kept(client) -> None:
    body = client.get("/api/v1/parks", params={"limit": 5, "offset": 5, "count": "true"}).json()
    assert set(body) == {"items", "limit", "offset", "next", "count"}
    assert (body["limit"], body["offset"], len(body["items"])) == (5, 5, 5) and body["count"] > 10
    second = client.get(body["next"]).json()
    assert second["offset"] == 0 and second["items"][0]["id"] != body["items"][-1]["id"]


def test_offset_is_capped_and_says_to_follow_next(client) -> None:
    most = settings().api.max_offset
    assert client.get("/api/v1/carriers", params={"limit": 1, "offset": most}).status_code == 200
    r = client.get("/api/v1/carriers", params={"limit": 1, "offset": most + 1})
    assert r.status_code == 422
    (problem,) = r.json()["error"]["details"]
    assert problem["field"] == "offset" and "next" in problem["problem"] and "next" in problem["problem_zh"]


def _cursor(*values) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(values)).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "params",
    [
        {"after": "not a cursor!"},
        {"after": _cursor("", 5, 6)},  # one value too many
        {"after": _cursor("name", "x", 5)},  # made for another sort
        {"after": _cursor("", "five")},  # an id that is no integer
        {"after": _cursor("", 2**40)},  # beyond the id column
        {"after": _cursor("-area_m2", "2024", 5), "sort": "-area_m2"},  # text where a number belongs
        {"after": _cursor("-updated_at", "yesterday", 5), "sort": "-updated_at"},
        {"after": _cursor("name", "a\u0000b", 5), "sort": "name"},
        {"after": _cursor("", 5), "offset": 10},
    ],
)
def test_bad_cursors_are_named(client, params: dict) -> None:
    r = client.get("/api/v1/carriers", params=params)
    assert r.status_code == 422, r.text
    (problem,) = r.json()["error"]["details"]
    if "offset" in params:
        assert problem["field"] == "offset" and "not both" in problem["problem"]
    else:
        assert problem["field"] == "after" and "follow the `next` link" in problem["problem"]


def test_json_is_built_for_the_page_only(client, db) -> None:
    """No plan node that builds JSON sees more rows than the page (and its look-ahead row)."""
    assert db.execute(text("SELECT count(*) FROM carriers WHERE published")).scalar_one() > 300
    with statements("json_agg") as seen:
        assert client.get("/api/v1/carriers", params={"limit": 2, "offset": 300}).status_code == 200
    ((statement, parameters),) = seen
    top = plan(statement, parameters, "ANALYZE, VERBOSE, FORMAT JSON")
    building = [n for n in nodes(top) if any("json_build_object" in o for o in n.get("Output", []))]
    assert building
    assert all(n["Actual Rows"] * n["Actual Loops"] <= 3 for n in building), [
        (n["Node Type"], n["Actual Rows"]) for n in building
    ]
