"""The callers tests speak as: users made in the suite's database and signed in, API keys, and
one of each role, scope and key kind for the authorisation tests."""

from dataclasses import dataclass

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.accounts.service import create_key
from app.accounts.service import create_user as create
from app.core.database import get_engine
from tests.support.database import suite_settings

PASSWORD = "a-long-test-password"
ADMIN_PASSWORD = "admin-password-for-tests"


def create_user(
    username: str, role: str, regions: list[str], password: str, park_ids: list[int] | None = None, one_time: bool = False
) -> None:
    """A user as after its first sign-in: the password is its own (not one-time) unless said."""
    with Session(get_engine(suite_settings().database)) as session, session.begin():
        create(session, username, username, role, regions, park_ids, password, one_time=one_time)


def login(client: TestClient, username: str, password: str) -> dict[str, str]:
    """Headers of a signed-in browser: the session cookie and the CSRF token writes must echo."""
    r = client.post("/api/v1/auth/login", json={"username": username, "password": password})
    assert r.status_code == 200, r.text
    cookie = r.cookies["investmap_session"]
    client.cookies.clear()  # the shared client stays anonymous; each test says who it is
    return {"Cookie": f"investmap_session={cookie}", "X-CSRF-Token": r.json()["csrf_token"]}


def replace_one_time_password(client: TestClient, username: str, one_time: str, password: str) -> None:
    """What a user does at the first sign-in with a one-time password: choose their own."""
    r = client.post("/api/v1/auth/login", json={"username": username, "password": one_time})
    assert r.status_code == 200 and r.json()["must_change_password"], r.text
    r = client.post(
        "/api/v1/auth/password",
        json={"current_password": one_time, "new_password": password},
        headers={"X-CSRF-Token": r.json()["csrf_token"]},
    )
    assert r.status_code == 200, r.text
    client.cookies.clear()


@dataclass
class Callers:
    headers: dict[str, dict[str, str]]

    def __getitem__(self, name: str) -> dict[str, str]:
        return self.headers[name]


def _key(name: str, collections: list[str], access: str, regions: list[str]) -> dict[str, str]:
    with Session(get_engine(suite_settings().database)) as session, session.begin():
        _, secret = create_key(session, name, collections, access, regions, None, None)
    return {"Authorization": f"Bearer {secret}"}


def make_callers(client: TestClient, admin: dict[str, str]) -> Callers:
    create_user("officer_nc", "officer", ["360100"], PASSWORD)  # Nanchang city: all its counties
    create_user("officer_gz", "officer", ["360700"], PASSWORD)  # Ganzhou
    create_user("leader", "leader", [], PASSWORD)
    return Callers(
        {
            "anonymous": {},
            "officer_in": login(client, "officer_nc", PASSWORD),
            "officer_out": login(client, "officer_gz", PASSWORD),
            "leader": login(client, "leader", PASSWORD),
            "admin": admin,
            "key_write": _key("partner-nanchang", ["*"], "write", ["360100"]),
            "key_regions_only": _key("partner-regions", ["regions"], "read", []),
        }
    )
