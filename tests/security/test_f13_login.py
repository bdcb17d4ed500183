"""Finding 13: signing in must not tell which usernames exist, must count a guess before checking
it (so parallel guesses cannot outrun the lock), must not let one address lock an account for
everyone, must throttle an address that keeps failing, and must not confirm the password of a
disabled account.

Against the real service process: the 20 parallel sign-ins against `live_server` (default
limits), the rest against a server of this module with small limits, so that reaching them
takes few Argon2 checks. uvicorn takes the client address from X-Forwarded-For when the request
comes from 127.0.0.1, as behind a local proxy: each test speaks from addresses of its own
(TEST-NET ranges), so no test's failures count for another.
"""

import itertools
import statistics
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from app.core.settings import settings
from tests.support.apps import serve_app
from tests.support.principals import create_user

PASSWORD = "f13-right-password"
GENERIC_ZH = "用户名或密码错误（或账号暂时锁定、已停用）"
# The small server's limits: per account and address, per account, per address.
PER_PAIR, PER_ACCOUNT, PER_ADDRESS = 3, 6, 6
_addresses = (f"198.51.100.{n}" for n in itertools.count(1))


def _address() -> str:
    return next(_addresses)


@pytest.fixture(scope="module")
def small_limits(database_url: str) -> Iterator[str]:
    with serve_app(
        database_url,
        INVESTMAP_MAX_FAILED_LOGINS=str(PER_PAIR),
        INVESTMAP_MAX_FAILED_LOGINS_PER_ACCOUNT=str(PER_ACCOUNT),
        INVESTMAP_MAX_FAILED_LOGINS_PER_IP=str(PER_ADDRESS),
    ) as url:
        yield url


@pytest.fixture
def http(small_limits: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=small_limits, timeout=60) as c:
        yield c


def _login(http: httpx.Client, username: str, password: str, address: str) -> httpx.Response:
    return http.post(
        "/api/v1/auth/login", json={"username": username, "password": password}, headers={"X-Forwarded-For": address}
    )


def _user(name: str, engine: Engine, disabled: bool = False) -> str:
    create_user(name, "officer", ["360100"], PASSWORD)
    if disabled:
        with engine.begin() as conn:
            conn.execute(text("UPDATE users SET disabled = true WHERE username = :u"), {"u": name})
    return name


def test_unknown_locked_disabled_and_wrong_get_one_answer_in_comparable_time(http: httpx.Client, engine: Engine) -> None:
    known = _user("f13_known", engine)
    locked = _user("f13_locked", engine)
    disabled = _user("f13_disabled", engine, disabled=True)
    here = _address()
    for _ in range(PER_PAIR):
        _login(http, locked, "not-the-password", here)

    def sample(username: str, password: str, address: str) -> tuple[tuple[int, bytes, str | None], float]:
        times, answers = [], set()
        for _ in range(3):
            started = time.perf_counter()
            r = _login(http, username, password, address)
            times.append(time.perf_counter() - started)
            answers.add((r.status_code, r.content, r.headers.get("www-authenticate")))
        assert len(answers) == 1
        return answers.pop(), statistics.median(times)

    # Each kind from an address of its own, so that none reaches the address throttle.
    cases = {
        "wrong password": sample(known, "not-the-password-either", _address()),
        "unknown user": sample("f13_nobody", PASSWORD, _address()),
        "locked account, right password": sample(locked, PASSWORD, here),
        "disabled account, right password": sample(disabled, PASSWORD, _address()),
    }
    answers = {kind: answer for kind, (answer, _) in cases.items()}
    assert len(set(answers.values())) == 1, answers
    status, body, _ = answers["wrong password"]
    assert status == 401 and httpx.Response(401, content=body).json()["error"]["message_zh"] == GENERIC_ZH
    # The same Argon2 work on every path: a refused attempt is not visibly faster than a check.
    wrong = cases["wrong password"][1]
    assert all(0.4 * wrong < seconds < 2.5 * wrong for _, seconds in cases.values()), {
        kind: round(seconds, 3) for kind, (_, seconds) in cases.items()
    }
    assert _login(http, known, PASSWORD, _address()).status_code == 200


def test_twenty_parallel_sign_ins_check_at_most_the_limit(live_server: str, engine: Engine) -> None:
    """20 sign-ins at once from one address, all with the right password, against the default
    limits: a guess is counted before its password is checked, so only the first
    `max_failed_logins` are checked (and, the password being right, succeed). To start them at
    one instant the test holds a lock on the users table until all 20 wait for it inside
    PostgreSQL, then lets them go together."""
    username = _user("f13_parallel", engine)
    limit = settings().accounts.max_failed_logins
    assert limit == 5
    address = _address()
    clients = [httpx.Client(base_url=live_server, timeout=120) for _ in range(20)]
    for c in clients:
        c.get("/healthz")  # connections open beforehand: the requests then start together
    statuses: list[int] = []

    def sign_in(c: httpx.Client) -> None:
        statuses.append(_login(c, username, PASSWORD, address).status_code)

    threads = [threading.Thread(target=sign_in, args=(c,)) for c in clients]
    with engine.connect() as blocker:
        blocker.execute(text("LOCK TABLE users IN ACCESS EXCLUSIVE MODE"))
        for t in threads:
            t.start()
        deadline = time.monotonic() + 60
        waiting = text("SELECT count(*) FROM pg_locks WHERE relation = 'users'::regclass AND NOT granted")
        while blocker.execute(waiting).scalar_one() < 20:
            assert time.monotonic() < deadline, "the 20 sign-ins did not all reach the database"
            time.sleep(0.05)
        blocker.commit()  # the lock goes: the 20 go on at once
    for t in threads:
        t.join(120)
    for c in clients:
        c.close()
    assert len(statuses) == 20 and set(statuses) <= {200, 401}, statuses
    assert 1 <= statuses.count(200) <= limit, sorted(statuses)


def test_one_address_cannot_lock_an_account_for_everyone(http: httpx.Client, engine: Engine) -> None:
    username = _user("f13_target", engine)
    attacker = _address()
    for _ in range(PER_PAIR + 2):
        assert _login(http, username, "guess-guess-guess", attacker).status_code == 401
    assert _login(http, username, PASSWORD, attacker).status_code == 401  # locked for the attacker's address
    assert _login(http, username, PASSWORD, _address()).status_code == 200  # not for the user's


def test_guessing_from_many_addresses_locks_the_account(
    http: httpx.Client, engine: Engine, client: TestClient, admin: dict[str, str]
) -> None:
    username = _user("f13_spread", engine)
    for _ in range(PER_ACCOUNT // PER_PAIR):
        address = _address()
        for _ in range(PER_PAIR):
            assert _login(http, username, "guess-guess-guess", address).status_code == 401
    assert _login(http, username, PASSWORD, _address()).status_code == 401  # locked for every address now
    users = {u["username"]: u for u in client.get("/api/v1/admin/users", headers=admin).json()}
    user_id = users[username]["id"]
    # An admin's reset lifts the lock, and the user signs in with the one-time password.
    reset = client.post(f"/api/v1/admin/users/{user_id}/password", headers=admin)
    assert reset.status_code == 200 and reset.json()["username"] == username
    r = _login(http, username, reset.json()["password"], _address())
    assert r.status_code == 200 and r.json()["must_change_password"] is True


def test_an_address_that_keeps_failing_gets_429_with_retry_after(http: httpx.Client, engine: Engine) -> None:
    address = _address()
    for n in range(PER_ADDRESS):
        assert _login(http, f"f13_sprayed_{n}", "guess-guess-guess", address).status_code == 401
    r = _login(http, "f13_sprayed_last", "guess-guess-guess", address)
    assert r.status_code == 429 and r.json()["error"]["code"] == "too_many_requests"
    assert 60 < int(r.headers["retry-after"]) <= settings().accounts.lockout_minutes * 60 + 1
    assert "登录失败次数过多" in r.json()["error"]["message_zh"]
    # It says nothing about any account: a user with the right password gets the same 429 there...
    username = _user("f13_neighbour", engine)
    assert _login(http, username, PASSWORD, address).status_code == 429
    # ...and signs in from any other address.
    assert _login(http, username, PASSWORD, _address()).status_code == 200
