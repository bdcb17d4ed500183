"""Finding 17 (links, /map/regions, Cache-Control): links were built from the Host header, so a
forged Host went into `next` links, OGC links, Location headers and TileJSON URLs (and from there
into any shared cache); `/api/v1/map/regions` ignored a key's collections; REST reads said nothing
about caching."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.core.settings import ServerSettings
from tests.support.apps import client_with
from tests.support.principals import _key

EVIL = {"Host": "evil.example"}
PUBLIC = "https://map.example.gov.cn/investmap"


def _links(client: TestClient, headers: dict[str, str], admin: dict[str, str]) -> list[str]:
    """Every kind of link the service writes, as answered to a request with `headers`."""
    links = [client.get("/api/v1/parks", params={"limit": 2}, headers=headers).json()["next"]]
    links += [
        lk["href"] for lk in client.get("/api/v1/parks", params={"limit": 2, "f": "geojson"}, headers=headers).json()["links"]
    ]
    links += [
        lk["href"] for lk in client.get("/ogc/collections/land/items", params={"limit": 2}, headers=headers).json()["links"]
    ]
    links += [lk["href"] for lk in client.get("/ogc", headers=headers).json()["links"]]
    links += client.get("/tiles/land.json", headers=headers).json()["tiles"]
    park = client.get("/api/v1/parks", params={"limit": 1}).json()["items"][0]
    x, y = park["location"]["coordinates"]  # a small plot at the park, inside its county
    square = [[x, y], [x + 0.002, y], [x + 0.002, y + 0.002], [x, y + 0.002], [x, y]]
    body = {
        "name": "测试链接地块",
        "kind": "land",
        "park_id": park["id"],
        "source": "test suite",
        "geometry": {"type": "Polygon", "coordinates": [square]},
    }
    created = client.post("/api/v1/carriers", json=body, headers={**admin, **headers})
    assert created.status_code == 201, created.text
    location = created.headers["location"]
    item = client.get(f"/api/v1/carriers/{created.json()['id']}", headers=admin)
    assert (
        client.delete(f"/api/v1/carriers/{created.json()['id']}", headers={**admin, "If-Match": item.headers["etag"]}).status_code
        == 204
    )
    return [*links, location]


def test_a_forged_host_is_not_written_into_links(client, admin) -> None:
    links = _links(client, EVIL, admin)
    assert len(links) > 8
    # The address the request came in on instead (the test client's server: testserver).
    assert all(link.startswith("http://testserver/") for link in links), links


def test_an_allowed_host_is_used(client, admin) -> None:
    links = _links(client, {"Host": "localhost:8000"}, admin)
    assert all(link.startswith("http://localhost:8000/") for link in links), links


@pytest.fixture
def behind_proxy(database_url) -> Iterator[TestClient]:
    with client_with(server=ServerSettings(public_url=PUBLIC + "/")) as c:
        yield c


def test_the_public_url_makes_every_link(behind_proxy, admin) -> None:
    for headers in ({}, EVIL):
        links = _links(behind_proxy, headers, admin)
        assert all(link.startswith(PUBLIC + "/") and "//" not in link.removeprefix("https://") for link in links), links


def test_map_regions_is_guarded_like_regions(client, callers) -> None:
    parks_only = _key("partner-parks-only", ["parks"], "read", [])
    for path in ("/api/v1/regions", "/api/v1/map/regions"):
        assert client.get(path, params={"level": "city"}, headers=parks_only).status_code == 403, path
        assert client.get(path, params={"level": "city"}, headers=callers["key_regions_only"]).status_code == 200


def test_public_reads_are_cached_briefly_and_revalidated(client) -> None:
    listed = client.get("/api/v1/parks", params={"limit": 3})
    assert listed.headers["cache-control"] == "public, max-age=30"
    assert {"Accept", "Authorization", "Cookie"} <= {v.strip() for v in listed.headers["vary"].split(",")}
    again = client.get("/api/v1/parks", params={"limit": 3}, headers={"If-None-Match": listed.headers["etag"]})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == listed.headers["etag"]
    other = client.get("/api/v1/parks", params={"limit": 4}, headers={"If-None-Match": listed.headers["etag"]})
    assert other.status_code == 200
    item = client.get(f"/api/v1/parks/{listed.json()['items'][0]['id']}")
    # The item's ETag stays its row version (If-Match sends it back).
    assert item.headers["cache-control"] == "public, max-age=30" and item.headers["etag"].strip('"').isdigit()


def test_reads_with_credentials_are_kept_by_no_cache(client, callers) -> None:
    for who in ("admin", "officer_in", "key_write"):
        listed = client.get("/api/v1/parks", params={"limit": 3}, headers=callers[who])
        item = client.get(f"/api/v1/parks/{listed.json()['items'][0]['id']}", headers=callers[who])
        assert listed.headers["cache-control"] == item.headers["cache-control"] == "private, no-store", who
