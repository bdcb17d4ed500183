"""Failed sign-ins, counted before the password is checked.

Every attempt first adds one to its counters, each in a statement of its own committed at once
(INSERT ... ON CONFLICT DO UPDATE ... RETURNING holds the row lock while it counts), so of 20
parallel guesses only the first `limit` see a count within the limit, and only those have
their password checked. A sign-in that succeeds takes its attempt back. Three counters:

- the address, whatever the usernames: past its limit the address gets 429 until the window ends;
- the account from this address: past its limit this address is refused the account;
- the account from every address: past its (higher) limit everyone is refused the account.

So one address cannot lock an account for everyone (it is refused after its own few tries,
which stay under the account's limit), and guessing from many addresses is still bounded.
Failures count for `lockout_minutes` from the first one; reaching a limit starts a lock of
the same length.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Connection, case, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from app.accounts.models import LoginThrottle
from app.core.database import get_engine
from app.core.settings import settings

_T = LoginThrottle.__table__


def _of_account(user_id: int, ip: str | None = None) -> ColumnElement[bool]:
    """The account's own counter and its counter from `ip` (from every address when None)."""
    pair = _T.c.key == f"{user_id} {ip}" if ip is not None else _T.c.key.startswith(f"{user_id} ", autoescape=True)
    return ((_T.c.scope == "account") & (_T.c.key == str(user_id))) | ((_T.c.scope == "account_ip") & pair)


class Attempts:
    """The counters of sign-in attempts, on a connection of their own that commits each statement
    at once: a refused sign-in rolls the request's transaction back, and parallel attempts must
    see each other's counts. The one connection also serves the sign-in's other reads, so a
    flood of sign-ins never holds two pooled connections per request."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def _bump(self, scope: str, key: str, limit: int) -> tuple[int, int]:
        """Count one more attempt: the count within the window, and the seconds until the window
        (or the lock) ends."""
        now = func.now()
        lock = timedelta(minutes=settings().accounts.lockout_minutes)
        expired = _T.c.until <= now
        first = insert(_T).values(scope=scope, key=key, failures=1, until=now + lock)
        statement = first.on_conflict_do_update(
            index_elements=[_T.c.scope, _T.c.key],
            set_={
                "failures": case((expired, 1), else_=_T.c.failures + 1),
                "until": case((expired, now + lock), (_T.c.failures + 1 == limit, now + lock), else_=_T.c.until),
            },
        ).returning(_T.c.failures, func.ceil(func.extract("epoch", _T.c.until - now)))
        failures, seconds = self.conn.execute(statement).one()
        return failures, int(seconds)

    def address_wait(self, ip: str) -> int:
        """Count a sign-in from `ip`: 0 when it may go on, else the seconds until it may try again."""
        limit = settings().accounts.max_failed_logins_per_ip
        failures, seconds = self._bump("ip", ip, limit)
        return 0 if failures <= limit else max(1, seconds)

    def admit(self, user_id: int, ip: str) -> bool:
        """Count an attempt at this account's password: whether it may be checked."""
        policy = settings().accounts
        if self._bump("account_ip", f"{user_id} {ip}", policy.max_failed_logins)[0] > policy.max_failed_logins:
            return False
        limit = policy.max_failed_logins_per_account
        return self._bump("account", str(user_id), limit)[0] <= limit

    def succeeded(self, user_id: int, ip: str, signing_in: bool) -> None:
        """The password was right: the account's counters, all and from `ip`, start again; a sign-in
        also takes its attempt back from the address (a password change was not counted there)."""
        # Expired rows count for nothing: this is as good a moment as any to drop them.
        self.conn.execute(delete(_T).where(_of_account(user_id, ip) | (_T.c.until < func.now())))
        if signing_in:
            self.conn.execute(
                update(_T).where(_T.c.scope == "ip", _T.c.key == ip).values(failures=func.greatest(_T.c.failures - 1, 0))
            )


@contextmanager
def attempts() -> Iterator[Attempts]:
    with get_engine().connect() as conn:
        yield Attempts(conn.execution_options(isolation_level="AUTOCOMMIT"))


def forget(session: Session, user_id: int) -> None:
    """Lift every lock on an account (its password was reset), with the reset's transaction."""
    session.execute(delete(_T).where(_of_account(user_id)))


def account_locks(session: Session) -> dict[int, datetime]:
    """Accounts locked for every address, and until when (the admin page shows them)."""
    rows = select(_T.c.key, _T.c.until).where(
        _T.c.scope == "account", _T.c.until > func.now(), _T.c.failures >= settings().accounts.max_failed_logins_per_account
    )
    return {int(key): until for key, until in session.execute(rows)}
