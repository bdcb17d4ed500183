"""Finding 15 of issue 9: an officer limited to some parks writes those parks and their carriers,
and nothing else: not the other parks of their region, nor new parks."""

import pytest

from tests.security.support import Records, park_body, plot_body, square
from tests.support.chains import delete, patch
from tests.support.principals import PASSWORD, create_user, login


@pytest.fixture(scope="module")
def parks(client, admin):
    with Records(client, admin) as rec:
        yield rec.make("/api/v1/parks", park_body()), rec.make("/api/v1/parks", park_body())


@pytest.fixture(scope="module")
def park_officer(client, parks) -> dict:
    """An officer of 南昌 limited to the first of `parks`."""
    create_user("f15_park_officer", "officer", ["360100"], PASSWORD, park_ids=[parks[0]["id"]])
    return login(client, "f15_park_officer", PASSWORD)


def test_the_officer_writes_their_own_park(client, admin, parks, park_officer) -> None:
    path = f"/api/v1/parks/{parks[0]['id']}"
    r = patch(client, park_officer, path, {"short_name": "本园改"})
    assert r.status_code == 200, r.text
    assert client.get(path, headers=admin).json()["short_name"] == "本园改"


def test_the_officer_writes_carriers_of_their_park(client, admin, parks, park_officer) -> None:
    with Records(client, admin) as rec:
        plot = rec.adopt(
            client.post("/api/v1/carriers", json=plot_body(parks[0]["id"], square(115.93, 28.52)), headers=park_officer)
        )
        path = f"/api/v1/carriers/{plot['id']}"
        r = patch(client, park_officer, path, {"status": "reserved"})
        assert r.status_code == 200 and r.json()["status"] == "reserved"
        assert delete(client, park_officer, path).status_code == 204
        assert client.get(path, headers=admin).status_code == 404


def test_the_officer_writes_nothing_else(client, admin, parks, park_officer) -> None:
    other = f"/api/v1/parks/{parks[1]['id']}"
    r = patch(client, park_officer, other, {"short_name": "越权改"})
    assert r.status_code == 403 and "360121" in r.json()["error"]["message"]
    r = client.post("/api/v1/carriers", json=plot_body(parks[1]["id"], square(115.93, 28.52)), headers=park_officer)
    assert r.status_code == 403
    r = client.post("/api/v1/parks", json=park_body(), headers=park_officer)
    assert r.status_code == 403
    with Records(client, admin) as rec:
        plot = rec.make("/api/v1/carriers", plot_body(parks[1]["id"], square(115.93, 28.52)))
        path = f"/api/v1/carriers/{plot['id']}"
        assert patch(client, park_officer, path, {"status": "taken"}).status_code == 403
        # Nor may a carrier of their park move into another park.
        own = rec.make("/api/v1/carriers", plot_body(parks[0]["id"], square(115.93, 28.52)))
        r = patch(client, park_officer, f"/api/v1/carriers/{own['id']}", {"park_id": parks[1]["id"]})
        assert r.status_code == 403
    assert client.get(other, headers=admin).json()["short_name"] is None
