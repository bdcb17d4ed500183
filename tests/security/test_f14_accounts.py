"""Finding 14: users change their password, and must after a one-time password (an admin's create
or reset, the first admin) before any other call; admins reset one; disabling a user ends its
sessions for good; passwords keep minimum rules; the first admin's name is configurable."""

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from tests.support.database import database_name, fresh_database, migrate, suite_url
from tests.support.principals import login

OWN = "an own long passphrase"
CLI = str(Path(sys.executable).parent / "investmap")


def _cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CLI, *args], capture_output=True, text=True, env={**os.environ, "DATABASE_URL": suite_url(), **env})


def _session(client: TestClient, username: str, password: str) -> tuple[dict[str, str], dict]:
    r = client.post("/api/v1/auth/login", json={"username": username, "password": password})
    assert r.status_code == 200, r.text
    client.cookies.clear()
    return {"Cookie": f"investmap_session={r.cookies['investmap_session']}", "X-CSRF-Token": r.json()["csrf_token"]}, r.json()


def _create(client: TestClient, admin: dict[str, str], username: str, **body: object) -> dict:
    r = client.post(
        "/api/v1/admin/users",
        headers=admin,
        json={"username": username, "display_name": username, "role": "officer", "region_adcodes": ["360100"], **body},
    )
    assert r.status_code == 201, r.text
    return r.json()


def _change(client: TestClient, headers: dict[str, str], current: str, new: str):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/auth/password", headers=headers, json={"current_password": current, "new_password": new})


def _refused(r, field: str, zh: str) -> None:  # type: ignore[no-untyped-def]
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] == "validation_failed" and error["details"][0]["field"] == field
    assert zh in error["details"][0]["problem_zh"] and error["details"][0]["problem"]


def test_a_one_time_password_allows_nothing_but_the_change(client: TestClient, admin: dict[str, str]) -> None:
    created = _create(client, admin, "f14_fresh_user")
    assert created["must_change_password"] is True
    headers, me = _session(client, "f14_fresh_user", created["password"])
    assert me["must_change_password"] is True and me["role"] == "officer"

    for method, path, body in (
        ("GET", "/api/v1/parks", None),
        ("GET", "/api/v1/targets", None),
        ("GET", "/ogc/collections/parks/items", None),
        ("GET", "/tiles/parks.json", None),
        ("POST", "/api/v1/clusters", {"name": "x", "tier": "municipal", "source": "t"}),
    ):
        r = client.request(method, path, headers=headers, json=body)
        assert r.status_code == 403, (path, r.status_code, r.text[:200])
        if path.startswith("/api/"):
            assert r.json()["error"]["code"] == "password_change_required"
            assert "一次性密码" in r.json()["error"]["message_zh"]
    assert client.get("/api/v1/auth/me", headers=headers).json()["must_change_password"] is True

    # The change itself: CSRF, the current password and the rules are all checked.
    assert _change(client, {"Cookie": headers["Cookie"]}, created["password"], OWN).status_code == 403
    _refused(_change(client, headers, "not the password", OWN), "current_password", "当前密码不正确")
    _refused(_change(client, headers, created["password"], "short"), "new_password", "密码过短：至少 10 个字符")
    _refused(_change(client, headers, created["password"], "Password123"), "new_password", "过于常见")
    _refused(_change(client, headers, created["password"], "F14_Fresh_User"), "new_password", "与用户名相同")
    _refused(_change(client, headers, created["password"], created["password"]), "new_password", "不能与当前密码相同")
    r = _change(client, headers, created["password"], OWN)
    assert r.status_code == 200 and r.json()["must_change_password"] is False, r.text
    client.cookies.clear()
    # The old cookie ended with the old password; the new one works for everything.
    assert client.get("/api/v1/auth/me", headers=headers).json()["role"] == "public"
    new = {"Cookie": f"investmap_session={r.cookies['investmap_session']}", "X-CSRF-Token": r.json()["csrf_token"]}
    assert new["X-CSRF-Token"] != headers["X-CSRF-Token"]
    assert client.get("/api/v1/targets", headers=new).status_code == 200
    old = client.post("/api/v1/auth/login", json={"username": "f14_fresh_user", "password": created["password"]})
    assert old.status_code == 401
    assert _session(client, "f14_fresh_user", OWN)[1]["must_change_password"] is False


def test_an_admin_chosen_password_is_one_time_too_and_must_keep_the_rules(client: TestClient, admin: dict[str, str]) -> None:
    for password, zh in (("short", "密码过短"), ("qwertyuiop", "过于常见"), ("f14_chosen", "与用户名相同")):
        r = client.post(
            "/api/v1/admin/users",
            headers=admin,
            json={"username": "f14_chosen", "display_name": "c", "role": "leader", "password": password},
        )
        _refused(r, "password", zh)
    created = _create(client, admin, "f14_chosen", password="chosen by the admin")
    assert created["password"] == "chosen by the admin" and created["must_change_password"] is True


def test_users_change_their_own_password_any_time(client: TestClient, admin: dict[str, str]) -> None:
    created = _create(client, admin, "f14_changer")
    headers, _ = _session(client, "f14_changer", created["password"])
    r = _change(client, headers, created["password"], OWN)
    client.cookies.clear()
    other_device, _ = _session(client, "f14_changer", OWN)
    this_device = {"Cookie": f"investmap_session={r.cookies['investmap_session']}", "X-CSRF-Token": r.json()["csrf_token"]}
    r = _change(client, this_device, OWN, "yet another passphrase")
    assert r.status_code == 200, r.text
    client.cookies.clear()
    assert client.get("/api/v1/auth/me", headers=other_device).json()["role"] == "public"  # signed out elsewhere
    # API keys have no password to change; the public cannot change one.
    key = client.post("/api/v1/admin/keys", headers=admin, json={"name": "f14-key", "collections": ["parks"]}).json()["key"]
    r = client.post(
        "/api/v1/auth/password",
        headers={"Authorization": f"Bearer {key}"},
        json={"current_password": "x", "new_password": "yet another passphrase 2"},
    )
    assert r.status_code == 403
    assert client.post("/api/v1/auth/password", json={"current_password": "x", "new_password": "y"}).status_code == 401


def test_an_admin_reset_gives_a_one_time_password_and_ends_the_sessions(client: TestClient, admin: dict[str, str]) -> None:
    created = _create(client, admin, "f14_reset")
    headers, _ = _session(client, "f14_reset", created["password"])
    r = _change(client, headers, created["password"], OWN)
    client.cookies.clear()
    session = {"Cookie": f"investmap_session={r.cookies['investmap_session']}"}
    assert client.get("/api/v1/auth/me", headers=session).json()["name"] == "user:f14_reset"
    r = client.post(f"/api/v1/admin/users/{created['id']}/password", headers=admin)
    assert r.status_code == 200 and r.json()["username"] == "f14_reset" and len(r.json()["password"]) >= 16
    assert client.get("/api/v1/auth/me", headers=session).json()["role"] == "public"
    assert client.post("/api/v1/auth/login", json={"username": "f14_reset", "password": OWN}).status_code == 401
    assert _session(client, "f14_reset", r.json()["password"])[1]["must_change_password"] is True
    listed = next(u for u in client.get("/api/v1/admin/users", headers=admin).json() if u["username"] == "f14_reset")
    assert listed["must_change_password"] is True
    assert client.post("/api/v1/admin/users/999999/password", headers=admin).status_code == 404
    assert client.post(f"/api/v1/admin/users/{created['id']}/password", headers={"Cookie": admin["Cookie"]}).status_code == 403


def test_disabling_ends_the_sessions_for_good(client: TestClient, admin: dict[str, str], engine: Engine) -> None:
    from tests.support.principals import create_user

    create_user("f14_disabled", "officer", ["360100"], OWN)
    session = login(client, "f14_disabled", OWN)
    user_id = next(u["id"] for u in client.get("/api/v1/admin/users", headers=admin).json() if u["username"] == "f14_disabled")
    path = f"/api/v1/admin/users/{user_id}"
    assert client.patch(path, json={"disabled": True}, headers=admin).status_code == 200
    assert client.patch(path, json={"disabled": False}, headers=admin).status_code == 200
    # Enabled again, the old cookie stays dead: the session is gone, not just paused.
    assert client.get("/api/v1/auth/me", headers=session).json()["role"] == "public"
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM login_sessions WHERE user_id = :u"), {"u": user_id}).scalar_one() == 0
    # Also when disabled from the command line.
    session = login(client, "f14_disabled", OWN)
    done = _cli("users", "disable", "f14_disabled")
    assert done.returncode == 0 and "its sessions have ended" in done.stdout, done.stderr
    assert client.patch(path, json={"disabled": False}, headers=admin).status_code == 200
    assert client.get("/api/v1/auth/me", headers=session).json()["role"] == "public"


def test_cli_reset_password(client: TestClient) -> None:
    from tests.support.principals import create_user

    create_user("f14_cli", "leader", [], OWN)
    done = _cli("users", "reset-password", "f14_cli")
    assert done.returncode == 0, done.stderr
    password = done.stdout.strip().rsplit(" ", 1)[1]
    assert _session(client, "f14_cli", password)[1]["must_change_password"] is True
    assert _cli("users", "reset-password", "f14_nobody").returncode == 2


@pytest.fixture
def empty_database(database_url: str) -> Iterator[str]:
    url = fresh_database(database_name("f14_admin"))
    migrate(url)
    yield url


def test_the_first_admin_is_named_by_the_setting_and_must_change_its_password(empty_database: str) -> None:
    done = _cli("users", "ensure-admin", DATABASE_URL=empty_database, INVESTMAP_ADMIN_USERNAME="chen_admin")
    assert done.returncode == 0, done.stderr
    assert "username chen_admin, one-time password" in done.stdout
    engine = create_engine(empty_database)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT username, role, must_change_password FROM users")).all()
        assert [tuple(r) for r in rows] == [("chen_admin", "admin", True)]
        # Run again (as `make run` does every time): nothing more is created.
        assert _cli("users", "ensure-admin", DATABASE_URL=empty_database).stdout == ""
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM users")).scalar_one() == 1
    finally:
        engine.dispose()
    bad = _cli("users", "ensure-admin", "--username", "x", DATABASE_URL=empty_database)
    assert bad.returncode == 2 and "--username" in bad.stderr
