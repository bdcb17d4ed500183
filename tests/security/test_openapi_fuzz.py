"""Schemathesis against the real service: the OpenAPI of /api/v1 (/openapi.json) and of /ogc
(/ogc/api), every method and every check, anonymous and as an admin, on a scratch database of its
own. No answer may be a 5xx, break its documented schema, status or media type, accept what the
schema forbids, or refuse what it allows beyond the rules JSON Schema cannot say
(tests/security/schemathesis.toml says which).

Bounded: a fixed number of examples per operation and a time limit per run. The seed is fixed so
that CI is repeatable; set INVESTMAP_FUZZ_SEED (and INVESTMAP_FUZZ_EXAMPLES) to explore further.
"""

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from app.core.settings import PROJECT_ROOT, database_settings
from tests.conftest import fresh_database, migrate, serve_app

CONFIG = Path(__file__).with_name("schemathesis.toml")
SEED = os.environ.get("INVESTMAP_FUZZ_SEED", "20261202")
EXAMPLES = os.environ.get("INVESTMAP_FUZZ_EXAMPLES", "12")
RUN_SECONDS = 600
ADMIN, PASSWORD = "fuzz-admin", "fuzz-admin-password-1"
# Signing out or changing the password would end the admin's own session halfway through the
# run; those two operations are fuzzed in the anonymous run instead.
SESSION_ENDING = r"auth/(logout|password)$"


@pytest.fixture(scope="module")
def scratch_service() -> Iterator[str]:
    url = fresh_database(f"{database_settings().investmap_db_name}_fuzz")
    migrate(url)
    env = {**os.environ, "DATABASE_URL": url}
    for load in (["reference"], ["demo", "--plots", "200", "--factories", "40", "--enterprises", "60"]):
        subprocess.run([str(Path(sys.executable).with_name("investmap")), "load", *load], env=env, check=True, cwd=PROJECT_ROOT,
                       capture_output=True)
    from app.accounts.service import create_user

    engine = create_engine(url)
    with Session(engine) as session, session.begin():
        create_user(session, ADMIN, ADMIN, "admin", [], None, PASSWORD, one_time=False)
    engine.dispose()
    with serve_app(url) as base:
        yield base


@pytest.fixture(scope="module")
def admin_headers(scratch_service: str) -> list[str]:
    """Signed in once for every run: the fuzzing itself tries wrong passwords on the usernames it
    reads back from the API, which locks further sign-ins (and so it should)."""
    base = scratch_service
    r = httpx.post(f"{base}/api/v1/auth/login", json={"username": ADMIN, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return ["-H", f"Cookie: investmap_session={r.cookies['investmap_session']}",
            "-H", f"X-CSRF-Token: {r.json()['csrf_token']}"]


def fuzz(schema_url: str, *extra: str) -> None:
    cmd = [str(Path(sys.executable).with_name("schemathesis")), "--config-file", str(CONFIG), "run", schema_url,
           "--checks", "all", "--max-examples", EXAMPLES, "--seed", SEED, "--workers", "2",
           "--request-timeout", "30", "--no-color", *extra]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=RUN_SECONDS, cwd=PROJECT_ROOT)
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"schemathesis ran over {RUN_SECONDS} s:\n{(exc.stdout or b'')[-4000:]!r}")
    # Exit code 0: no failure of any check and no error in any phase.
    assert proc.returncode == 0, f"{proc.stdout[-12000:]}\n{proc.stderr[-2000:]}"


@pytest.mark.parametrize("who", ["anonymous", "admin"])
def test_rest_api_holds_to_its_openapi(scratch_service: str, admin_headers: list[str], who: str) -> None:
    extra = [] if who == "anonymous" else [*admin_headers, "--exclude-path-regex", SESSION_ENDING]
    fuzz(f"{scratch_service}/openapi.json", *extra)


@pytest.mark.parametrize("who", ["anonymous", "admin"])
def test_ogc_api_holds_to_its_openapi(scratch_service: str, admin_headers: list[str], who: str) -> None:
    extra = [] if who == "anonymous" else admin_headers
    fuzz(f"{scratch_service}/ogc/api", *extra)
