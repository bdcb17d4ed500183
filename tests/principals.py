"""The callers every authorisation test speaks as: one of each role, scope and key kind."""

from dataclasses import dataclass

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.accounts.service import create_key
from app.core.database import get_engine
from tests.conftest import create_user, login

PASSWORD = "a-long-test-password"


@dataclass
class Callers:
    headers: dict[str, dict[str, str]]

    def __getitem__(self, name: str) -> dict[str, str]:
        return self.headers[name]


def _key(name: str, collections: list[str], access: str, regions: list[str]) -> dict[str, str]:
    with Session(get_engine()) as session, session.begin():
        _, secret = create_key(session, name, collections, access, regions, None, None)
    return {"Authorization": f"Bearer {secret}"}


def make_callers(client: TestClient, admin: dict[str, str]) -> Callers:
    create_user("officer_nc", "officer", ["360100"], PASSWORD)  # Nanchang city: all its counties
    create_user("officer_gz", "officer", ["360700"], PASSWORD)  # Ganzhou
    create_user("leader", "leader", [], PASSWORD)
    return Callers({
        "anonymous": {},
        "officer_in": login(client, "officer_nc", PASSWORD),
        "officer_out": login(client, "officer_gz", PASSWORD),
        "leader": login(client, "leader", PASSWORD),
        "admin": admin,
        "key_write": _key("partner-nanchang", ["*"], "write", ["360100"]),
        "key_regions_only": _key("partner-regions", ["regions"], "read", []),
    })
