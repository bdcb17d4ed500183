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

from app.core.settings import PROJECT_ROOT
from tests.support.apps import serve_app
from tests.support.database import database_name, fresh_database, migrate

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
    # Everything goes through the command line and the service's own process: this process's
    # engine and data versions belong to the test database and must not be bound to this one.
    url = fresh_database(database_name("fuzz"))
    migrate(url)
    env = {**os.environ, "DATABASE_URL": url}
    cli = str(Path(sys.executable).with_name("investmap"))
    for args in (["load", "reference"], ["load", "demo", "--plots", "200", "--factories", "40", "--enterprises", "60"]):
        subprocess.run([cli, *args], env=env, check=True, cwd=PROJECT_ROOT, capture_output=True)
    created = subprocess.run(
        [cli, "users", "create", ADMIN, "--role", "admin"], env=env, check=True, cwd=PROJECT_ROOT, capture_output=True, text=True
    ).stdout
    one_time = created.rsplit("one-time password:", 1)[1].split()[0]
    with serve_app(url) as base:
        signed_in = httpx.post(f"{base}/api/v1/auth/login", json={"username": ADMIN, "password": one_time})
        changed = httpx.post(
            f"{base}/api/v1/auth/password",
            cookies=signed_in.cookies,
            headers={"X-CSRF-Token": signed_in.json()["csrf_token"]},
            json={"current_password": one_time, "new_password": PASSWORD},
        )
        assert changed.status_code == 200, changed.text
        yield base


@pytest.fixture(scope="module")
def admin_headers(scratch_service: str) -> list[str]:
    """Signed in once for every run: the fuzzing itself tries wrong passwords on the usernames it
    reads back from the API, which locks further sign-ins (and so it should)."""
    base = scratch_service
    r = httpx.post(f"{base}/api/v1/auth/login", json={"username": ADMIN, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return ["-H", f"Cookie: investmap_session={r.cookies['investmap_session']}", "-H", f"X-CSRF-Token: {r.json()['csrf_token']}"]


RUNS = {
    "rest-anonymous": ("/openapi.json", False),
    "rest-admin": ("/openapi.json", True),
    "ogc-anonymous": ("/ogc/api", False),
    "ogc-admin": ("/ogc/api", True),
}


@pytest.fixture(scope="module")
def fuzz_runs(scratch_service: str, admin_headers: list[str]) -> Iterator[dict[str, subprocess.Popen[str]]]:
    """The four runs, started together: each is mostly waiting on the service, so side by side
    they take about as long as the longest alone."""
    runs = {
        name: subprocess.Popen(
            _command(scratch_service + path, admin_headers if admin else []),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=PROJECT_ROOT,
        )
        for name, (path, admin) in RUNS.items()
    }
    yield runs
    for proc in runs.values():
        proc.kill()


def _command(schema_url: str, headers: list[str]) -> list[str]:
    exclude = ["--exclude-path-regex", SESSION_ENDING] if headers else []
    return [
        str(Path(sys.executable).with_name("schemathesis")),
        "--config-file",
        str(CONFIG),
        "run",
        schema_url,
        "--checks",
        "all",
        "--max-examples",
        EXAMPLES,
        "--seed",
        SEED,
        # One worker: Python 3.11.7's ast.parse is not thread-safe (CPython gh-106905), and
        # Hypothesis parses sources while describing strategies; two workers crashed there.
        "--workers",
        "1",
        "--request-timeout",
        "30",
        "--no-color",
        *headers,
        *exclude,
    ]


@pytest.mark.parametrize("run", list(RUNS))
def test_the_service_holds_to_its_openapi(fuzz_runs: dict[str, subprocess.Popen[str]], run: str) -> None:
    proc = fuzz_runs[run]
    try:
        output, _ = proc.communicate(timeout=RUN_SECONDS)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail(f"schemathesis {run} ran over {RUN_SECONDS} s")
    # Exit code 0: no failure of any check and no error in any phase.
    assert proc.returncode == 0, output[-12000:]
