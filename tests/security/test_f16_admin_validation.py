"""Finding 16: the admin API and the command line refuse what they used to take: unknown key
collections, keys already expired, lax booleans and numbers (`0` as false, "7" as 7), dates that
do not exist, regions and parks that do not exist. Each with a bilingual 422 naming the field."""

import inspect
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from tests.support.apps import state
from tests.support.database import suite_url

CLI = str(Path(sys.executable).parent / "investmap")
KEY = {"collections": ["parks"]}


def _refused(r: Any, field: str) -> None:
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] == "validation_failed" and error["message"] and error["message_zh"]
    assert [d["field"] for d in error["details"]] == [field], error
    assert error["details"][0]["problem"] and error["details"][0]["problem_zh"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"collections": ["parks", "nonsense"]}, "collections"),
        ({"collections": ["targets"]}, "collections"),  # staff only: no key can read it
        ({"collections": []}, "collections"),
        ({"collections": "parks"}, "collections"),
        ({"expires_at": "2020-01-01T00:00:00+08:00"}, "expires_at"),  # already expired
        ({"expires_at": "2024-99-99"}, "expires_at"),
        ({"expires_at": "2031-02-30T00:00:00+08:00"}, "expires_at"),
        ({"expires_at": "2031-01-01T00:00:00"}, "expires_at"),  # no time zone: which midnight?
        ({"expires_at": 1924992000}, "expires_at"),  # a number is not a date
        ({"access": "admin"}, "access"),
        ({"access": 1}, "access"),
        ({"region_adcodes": ["999999"]}, "region_adcodes"),
        ({"region_adcodes": [360100]}, "region_adcodes.0"),
        ({"name": 7}, "name"),
    ],
)
def test_bad_keys_are_refused(
    client: TestClient, admin: dict[str, str], engine: Engine, change: dict, field: str, request: pytest.FixtureRequest
) -> None:
    name = f"f16-{request.node.callspec.id}"
    _refused(client.post("/api/v1/admin/keys", json={**KEY, "name": name, **change}, headers=admin), field)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM api_keys WHERE name = :n"), {"n": name}).scalar_one() == 0


def test_a_good_key_is_still_taken(client: TestClient, admin: dict[str, str]) -> None:
    r = client.post(
        "/api/v1/admin/keys",
        headers=admin,
        json={"name": "f16-good", "collections": ["gaps", "parks", "parks"], "expires_at": "2099-12-31T23:59:59+08:00"},
    )
    assert r.status_code == 201, r.text
    assert r.json()["collections"] == ["gaps", "parks"]
    assert datetime.fromisoformat(r.json()["expires_at"]) == datetime(2099, 12, 31, 15, 59, 59, tzinfo=UTC)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"disabled": 0}, "disabled"),
        ({"disabled": "false"}, "disabled"),
        ({"park_ids": ["1"]}, "park_ids.0"),
        ({"park_ids": [999999]}, "park_ids"),
        ({"region_adcodes": ["999999"]}, "region_adcodes"),
        ({"region_adcodes": ["36010"]}, "region_adcodes.0"),
        ({"role": "superuser"}, "role"),
        ({"display_name": 5}, "display_name"),
        ({"locked_until": None}, "locked_until"),
    ],
)
def test_bad_user_changes_are_refused(client: TestClient, admin: dict[str, str], change: dict, field: str) -> None:
    from tests.support.principals import create_user

    if not any(u["username"] == "f16_user" for u in client.get("/api/v1/admin/users", headers=admin).json()):
        create_user("f16_user", "officer", ["360100"], "f16 user passphrase")
    user = next(u for u in client.get("/api/v1/admin/users", headers=admin).json() if u["username"] == "f16_user")
    _refused(client.patch(f"/api/v1/admin/users/{user['id']}", json=change, headers=admin), field)
    after = next(u for u in client.get("/api/v1/admin/users", headers=admin).json() if u["username"] == "f16_user")
    assert after == user


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"region_adcodes": ["999999"]}, "region_adcodes"),
        ({"park_ids": [999999]}, "park_ids"),
        ({"park_ids": [True]}, "park_ids.0"),
        ({"role": "root"}, "role"),
        ({"password": 1234567890123}, "password"),
    ],
)
def test_bad_new_users_are_refused(client: TestClient, admin: dict[str, str], change: dict, field: str) -> None:
    body = {"username": "f16_new", "display_name": "n", "role": "officer", **change}
    _refused(client.post("/api/v1/admin/users", json=body, headers=admin), field)


def _guarded_collections() -> set[str]:
    """The names every collection_guard in the app checks (from the guards' closures)."""
    from app.main import create_app

    names: set[str] = set()

    def walk(dependant: Any) -> None:
        for dep in dependant.dependencies:
            if dep.call is not None and dep.call.__name__ == "guard":
                names.add(inspect.getclosurevars(dep.call).nonlocals["collection"])
            walk(dep)

    def routes(items: list) -> None:
        for r in items:
            if isinstance(r, APIRoute):
                walk(r.dependant)
            elif hasattr(r, "original_router"):
                routes(r.original_router.routes)

    routes(create_app().router.routes)
    return names


def test_the_key_collections_are_what_the_app_guards(client: TestClient, admin: dict[str, str]) -> None:
    from app.core.auth import KEY_COLLECTIONS

    guarded = _guarded_collections()
    assert {layer.scope for layer in state(client).layers.values()} <= set(KEY_COLLECTIONS)
    # Every collection a key may be given is guarded somewhere; the guarded ones left out are staff only.
    assert set(KEY_COLLECTIONS) - {"gaps"} <= guarded and guarded - set(KEY_COLLECTIONS) == {"gap_records", "targets"}
    for name in guarded - set(KEY_COLLECTIONS):
        key = client.post("/api/v1/admin/keys", headers=admin, json={"name": f"f16-all-{name}", "collections": ["*"]})
        r = client.get(f"/api/v1/{name}", headers={"Authorization": f"Bearer {key.json()['key']}"})
        assert r.status_code == 403, (name, r.status_code)


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CLI, *args], capture_output=True, text=True, env={**os.environ, "DATABASE_URL": suite_url(), "COLUMNS": "300"}
    )


@pytest.mark.parametrize(
    ("args", "option", "says"),
    [
        (["keys", "create", "f16-cli", "--collections", "parks,nonsense"], "--collections", "unknown collections"),
        (["keys", "create", "f16-cli", "--collections", ","], "--collections", "at least one collection"),
        (["keys", "create", "f16-cli", "--write", "--regions", "999999"], "--regions", "unknown region adcodes"),
        (["keys", "create", "f16-cli", "--days", "0"], "--days", "greater than or equal to 1"),
        (["users", "create", "f16_cli", "--regions", "360100,999999"], "--regions", "unknown region adcodes"),
        (["users", "create", "f16_cli", "--role", "superuser"], "--role", "unknown role"),
    ],
)
def test_the_command_line_refuses_the_same(database_url: str, engine: Engine, args: list[str], option: str, says: str) -> None:
    done = _cli(*args)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert option in done.stderr and says in done.stderr, done.stderr
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM api_keys WHERE name = 'f16-cli'")).scalar_one() == 0
        assert conn.execute(text("SELECT count(*) FROM users WHERE username = 'f16_cli'")).scalar_one() == 0
