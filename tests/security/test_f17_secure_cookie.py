"""Finding 17 (the cookie part): the session cookie is Secure when the configured public address
(INVESTMAP_PUBLIC_URL) is https, even when a proxy reaches the service over plain http; without
it, the request's own scheme decides."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.core.settings import ServerSettings, settings
from tests.support.apps import client_with
from tests.support.principals import create_user

PASSWORD = "f17 cookie passphrase"


@pytest.fixture(scope="module", autouse=True)
def users(database_url: str) -> None:
    create_user("f17_proxy", "officer", ["360100"], PASSWORD)
    create_user("f17_plain", "officer", ["360100"], PASSWORD)


@pytest.fixture
def proxied() -> Iterator[TestClient]:
    """The app configured with an https public URL, reached (by its proxy) over plain http."""
    with client_with(server=ServerSettings(public_url="https://zhaoshang.jiangxi.example")) as client:
        yield client


def _cookie(client: TestClient, username: str, base: str = "http://testserver") -> str:
    r = client.post(f"{base}/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    client.cookies.clear()
    return r.headers["set-cookie"]


def test_behind_a_proxy_with_an_https_public_url_the_cookie_is_secure(proxied: TestClient) -> None:
    cookie = _cookie(proxied, "f17_proxy")  # the proxy speaks plain http to the service
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    # The cookie of a password change (a new session) too.
    r = proxied.post("/api/v1/auth/login", json={"username": "f17_proxy", "password": PASSWORD})
    proxied.cookies.clear()
    changed = proxied.post(
        "/api/v1/auth/password",
        json={"current_password": PASSWORD, "new_password": PASSWORD + "!"},
        headers={"Cookie": f"investmap_session={r.cookies['investmap_session']}", "X-CSRF-Token": r.json()["csrf_token"]},
    )
    proxied.cookies.clear()
    assert changed.status_code == 200 and "Secure" in changed.headers["set-cookie"]


def test_without_a_public_url_the_request_scheme_decides(client: TestClient) -> None:
    assert settings().server.public_url is None
    assert "Secure" not in _cookie(client, "f17_plain")
    assert "Secure" in _cookie(client, "f17_plain", "https://testserver")
