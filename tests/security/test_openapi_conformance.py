"""What the OpenAPI fuzz runs (test_openapi_fuzz.py) found, one test each, so that a regression
names itself: the answers they caught as 500s, lax inputs, undocumented answers and wrong headers."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.support.records import if_match


def _refused(r: Any, field: str) -> None:
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] == "validation_failed" and error["message_zh"]
    assert [d["field"] for d in error["details"]] == [field], error


@pytest.mark.parametrize("path", ["/api/v1/audit?until=0.5", "/api/v1/audit?since=1700000000", "/api/v1/parks/1/history?at=0.5"])
def test_a_number_is_not_a_time(client: TestClient, admin: dict[str, str], path: str) -> None:
    # pydantic read 0.5 as seconds after 1970; history then failed with a 500.
    r = client.get(path, headers=admin)
    _refused(r, path.rsplit("?", 1)[1].split("=")[0])


@pytest.mark.parametrize(("field", "value"), [("published", 0), ("is_demo", "false"), ("as_of", 0)])
def test_a_json_value_of_another_type_is_refused(client: TestClient, admin: dict[str, str], field: str, value: object) -> None:
    body = {"name": f"fuzz-typed-{field}", "tier": "provincial", "source": "test", field: value}
    r = client.post("/api/v1/clusters", json=body, headers=admin)
    _refused(r, field)


def test_a_patch_of_another_type_is_refused(client: TestClient, admin: dict[str, str]) -> None:
    path = "/api/v1/parks/1"
    r = client.patch(path, json={"published": 1}, headers=if_match(client, path, admin))
    _refused(r, "published")


def test_405_names_every_method_of_the_path(client: TestClient) -> None:
    # GET and POST of /admin/keys are two routes; Starlette named only the first.
    r = client.put("/api/v1/admin/keys")
    assert r.status_code == 405
    assert set(r.headers["allow"].split(", ")) == {"GET", "HEAD", "POST"}
    assert r.json()["error"]["code"] == "http_405"


def test_a_word_is_not_an_id(client: TestClient, admin: dict[str, str]) -> None:
    # /targets/{id} took "export" as an id and asked for credentials before saying 405.
    assert client.patch("/api/v1/targets/export", headers=admin, json={}).status_code == 405
    assert client.get("/api/v1/parks/nonsense").status_code == 404


def test_an_id_beyond_the_integer_range_is_refused_with_its_bounds(client: TestClient) -> None:
    r = client.get("/api/v1/parks/9223372036854775809")
    _refused(r, "item_id")
    assert "2147483647" in r.json()["error"]["message"]


def test_an_admin_cannot_lock_themself_out(client: TestClient, admin: dict[str, str]) -> None:
    me = client.get("/api/v1/auth/me", headers=admin).json()
    users = client.get("/api/v1/admin/users", headers=admin).json()
    own = next(u["id"] for u in users if f"user:{u['username']}" == me["name"])
    for change in ({"disabled": True}, {"role": "officer"}):
        r = client.patch(f"/api/v1/admin/users/{own}", json=change, headers=admin)
        assert r.status_code == 409 and r.json()["error"]["message_zh"], r.text
    r = client.post(f"/api/v1/admin/users/{own}/password", headers=admin)
    assert r.status_code == 409 and "/api/v1/auth/password" in r.json()["error"]["message"]
    assert client.get("/api/v1/admin/users", headers=admin).status_code == 200  # still signed in


def test_every_route_documents_its_errors(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    conditional = 0
    for path, ops in doc["paths"].items():
        invalid = "422" if path.startswith("/api/v1/") else "400"  # OGC API answers 400 (layers/errors.py)
        for method, op in ops.items():
            codes = set(op["responses"])
            assert {"401", "403", invalid, "429", "503"} <= codes, (method, path, codes)
            if any(p["in"] == "header" and p["name"].lower() == "if-match" for p in op.get("parameters", [])):
                assert {"412", "428"} <= codes, (method, path)
                conditional += 1
    assert conditional >= 16  # PATCH and DELETE of every versioned resource
