"""Signing in, sessions, CSRF, lockout, API keys (shown once, hashed, expiring, revocable, rate-limited)."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from app.core.settings import AccountSettings, settings
from tests.support.apps import client_with
from tests.support.principals import create_user, login

PASSWORD = "correct horse battery"


def test_login_sets_a_safe_cookie_and_me_knows_you(client) -> None:
    create_user("alice", "officer", ["360100"], PASSWORD)
    r = client.post("/api/v1/auth/login", json={"username": "alice", "password": PASSWORD})
    client.cookies.clear()
    assert r.status_code == 200
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # plain http on localhost; https requests get Secure
    me = client.get("/api/v1/auth/me", headers={"Cookie": f"investmap_session={r.cookies['investmap_session']}"}).json()
    assert me["name"] == "user:alice" and me["role"] == "officer" and me["regions"] == ["360100"]
    assert me["csrf_token"] == r.json()["csrf_token"]
    assert client.get("/api/v1/auth/me").json()["role"] == "public"


def test_logout_ends_the_session(client) -> None:
    headers = login(client, "alice", PASSWORD)
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    assert client.get("/api/v1/auth/me", headers=headers).json()["role"] == "public"


def test_passwords_are_stored_with_argon2(db) -> None:
    stored = db.execute(text("SELECT password_hash FROM users WHERE username = 'alice'")).scalar_one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_wrong_password_then_lockout(client, db) -> None:
    create_user("mallory", "officer", ["360100"], PASSWORD)
    wrong = None
    for _ in range(settings().accounts.max_failed_logins):
        r = client.post("/api/v1/auth/login", json={"username": "mallory", "password": "guess"})
        assert r.status_code == 401 and r.json()["error"]["message_zh"] == "用户名或密码错误（或账号暂时锁定、已停用）"
        wrong = r.json()
    # Locked: even the right password gets the answer of a wrong one (tests/security/test_f13_login.py).
    r = client.post("/api/v1/auth/login", json={"username": "mallory", "password": PASSWORD})
    assert r.status_code == 401 and r.json() == wrong
    db.execute(
        text(
            "UPDATE login_throttle SET until = now() - interval '1 second' WHERE scope LIKE 'account%' "
            "AND split_part(key, ' ', 1) = (SELECT id::text FROM users WHERE username = 'mallory')"
        )
    )
    db.commit()
    assert client.post("/api/v1/auth/login", json={"username": "mallory", "password": PASSWORD}).status_code == 200
    client.cookies.clear()


def test_unknown_user_and_disabled_user(client, admin) -> None:
    unknown = client.post("/api/v1/auth/login", json={"username": "nobody", "password": "x"})
    assert unknown.status_code == 401
    create_user("bob", "leader", [], PASSWORD)
    bob = next(u for u in client.get("/api/v1/admin/users", headers=admin).json() if u["username"] == "bob")
    assert client.patch(f"/api/v1/admin/users/{bob['id']}", json={"disabled": True}, headers=admin).status_code == 200
    r = client.post("/api/v1/auth/login", json={"username": "bob", "password": PASSWORD})
    assert r.status_code == 401 and r.json() == unknown.json()  # the password of a disabled account is not confirmed


def test_cookie_writes_need_the_csrf_header(client, admin) -> None:
    body = {"name": "CSRF 测试集群", "tier": "municipal", "city_adcodes": ["360100"], "source": "test"}
    without = {"Cookie": admin["Cookie"]}
    r = client.post("/api/v1/clusters", json=body, headers=without)
    assert r.status_code == 403 and "X-CSRF-Token" in r.json()["error"]["message"]
    wrong = {**without, "X-CSRF-Token": "forged"}
    assert client.post("/api/v1/clusters", json=body, headers=wrong).status_code == 403
    assert client.get("/api/v1/clusters", params={"q": "CSRF"}, headers=admin).json()["items"] == []


def _new_key(client, admin, **body) -> tuple[int, str]:
    r = client.post("/api/v1/admin/keys", json={"collections": ["parks"], **body}, headers=admin)
    assert r.status_code == 201, r.text
    return r.json()["id"], r.json()["key"]


def test_keys_are_shown_once_and_stored_hashed(client, admin, db) -> None:
    key_id, secret = _new_key(client, admin, name="once")
    listed = next(k for k in client.get("/api/v1/admin/keys", headers=admin).json() if k["id"] == key_id)
    assert "key" not in listed and "secret_hash" not in listed
    stored = db.execute(text("SELECT secret_hash FROM api_keys WHERE id = :i"), {"i": key_id}).scalar_one()
    assert secret.split("_", 2)[2] not in stored and len(stored) == 64
    assert client.get("/api/v1/parks", headers={"Authorization": f"Bearer {secret}"}).status_code == 200


def test_key_scope_expiry_and_revocation(client, admin, db) -> None:
    key_id, secret = _new_key(client, admin, name="partner-a")
    auth = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/carriers", headers=auth).status_code == 403  # not one of its collections
    assert client.get("/api/v1/parks", headers=auth).status_code == 200
    db.execute(
        text("UPDATE api_keys SET expires_at = :t WHERE id = :i"), {"t": datetime.now(UTC) - timedelta(seconds=1), "i": key_id}
    )
    db.commit()
    r = client.get("/api/v1/parks", headers=auth)
    assert r.status_code == 401 and "过期" in r.json()["error"]["message_zh"]
    key_id, secret = _new_key(client, admin, name="partner-b")
    assert client.delete(f"/api/v1/admin/keys/{key_id}", headers=admin).json()["revoked_at"]
    r = client.get("/api/v1/parks", headers={"Authorization": f"Bearer {secret}"})
    assert r.status_code == 401 and "吊销" in r.json()["error"]["message_zh"]
    forged = secret[:-4] + "AAAA"
    assert client.get("/api/v1/parks", headers={"Authorization": f"Bearer {forged}"}).status_code == 401


def test_rate_limit_per_key(client, admin) -> None:
    _, secret = _new_key(client, admin, name="hasty")
    auth = {"Authorization": f"Bearer {secret}"}
    with client_with(accounts=AccountSettings(key_rate_per_minute=3)) as hasty:
        codes = [hasty.get("/api/v1/parks", params={"limit": 1}, headers=auth).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        r = hasty.get("/api/v1/parks", headers=auth)
    assert r.status_code == 429 and 1 <= int(r.headers["retry-after"]) <= 20
    assert "频率" in r.json()["error"]["message_zh"]


@pytest.mark.parametrize("header", ["Basic abc", "Bearer", "Bearer imk_nothing", "Token x"])
def test_malformed_authorization(client, header: str) -> None:
    r = client.get("/api/v1/parks", headers={"Authorization": header})
    assert r.status_code == 401 and r.json()["error"]["message_zh"]
