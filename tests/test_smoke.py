def test_parks_list(client):
    r = client.get("/api/v1/parks", params={"level": "national", "type": "etdz"})
    assert r.status_code == 200
    assert len(r.json()["items"]) == 11
