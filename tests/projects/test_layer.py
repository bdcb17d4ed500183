"""The project layer: an OGC collection and a tile layer for staff, coloured by status; for
everyone else it does not exist."""

import mapbox_vector_tile


def test_staff_read_the_project_layer(client, admin, callers, investor, ganzhou_park) -> None:
    body = {
        "name": "测试图层项目",
        "enterprise_id": investor["id"],
        "park_id": ganzhou_park["id"],
        "investment_wan": 800,
        "signed_on": "2025-01-10",
        "source": "test suite",
    }
    project = client.post("/api/v1/projects", json=body, headers=admin).json()
    page = client.get("/ogc/collections/projects/items", params={"limit": 1000}, headers=admin)
    assert page.status_code == 200, page.text
    features = {f["id"]: f for f in page.json()["features"]}
    feature = features[project["id"]]
    assert feature["geometry"] == project["location"]
    assert (feature["properties"]["status"], feature["properties"]["stage"]) == ("red", "signed")
    lon, lat = project["location"]["coordinates"]
    tile = client.get("/tiles/projects/6/{}/{}.mvt".format(*_tile(lon, lat, 6)), headers=admin)
    assert tile.status_code == 200
    names = [f["properties"]["name"] for f in mapbox_vector_tile.decode(tile.content)["projects"]["features"]]
    assert "测试图层项目" in names
    queryables = client.get("/ogc/collections/projects/queryables", headers=admin)
    assert queryables.status_code == 200 and "status" in queryables.json()["properties"]
    assert "/collections/projects/items" in "".join(client.get("/ogc/api", headers=admin).json()["paths"])
    for who in ("anonymous", "key_write"):
        assert client.get("/ogc/collections/projects", headers=callers[who]).status_code == 404
        listed = [c["id"] for c in client.get("/ogc/collections", headers=callers[who]).json()["collections"]]
        assert "projects" not in listed


def _tile(lon: float, lat: float, z: int) -> tuple[int, int]:
    import math

    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y
