"""Finding 17 (the cookie part): the session cookie is Secure when the configured public address
(INVESTMAP_PUBLIC_URL) is https, even when a proxy reaches the service over plain http; without
it, the request's own scheme decides."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.core.settings import settings
from tests.conftest import create_user

PASSWORD = "f17 cookie passphrase"


@pytest.fixture(scope="module", autouse=True)
def users(database_url: str) -> None:
    create_user("f17_proxy", "officer", ["360100"], PASSWORD)
    create_user("f17_plain", "officer", ["360100"], PASSWORD)


@pytest.fixture
def public_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("INVESTMAP_PUBLIC_URL", "https://zhaoshang.jiangxi.example")
    server_settings.cache_clear()
    yield
    monkeypatch.delenv("INVESTMAP_PUBLIC_URL")
    server_settings.cache_clear()


def _cookie(client: TestClient, username: str, base: str = "http://testserver") -> str:
    r = client.post(f"{base}/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    client.cookies.clear()
    return r.headers["set-cookie"]


def test_behind_a_proxy_with_an_https_public_url_the_cookie_is_secure(client: TestClient, public_url: None) -> None:
    cookie = _cookie(client, "f17_proxy")  # the proxy speaks plain http to the service
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    # The cookie of a password change (a new session) too.
    r = client.post("/api/v1/auth/login", json={"username": "f17_proxy", "password": PASSWORD})
    client.cookies.clear()
    changed = client.post("/api/v1/auth/password", json={"current_password": PASSWORD, "new_password": PASSWORD + "!"},
                          headers={"Cookie": f"investmap_session={r.cookies['investmap_session']}",
                                   "X-CSRF-Token": r.json()["csrf_token"]})
    client.cookies.clear()
    assert changed.status_code == 200 and "Secure" in changed.headers["set-cookie"]


def test_without_a_public_url_the_request_scheme_decides(client: TestClient) -> None:
    assert settings().server.public_url is None
    assert "Secure" not in _cookie(client, "f17_plain")
    assert "Secure" in _cookie(client, "f17_plain", "https://testserver")
