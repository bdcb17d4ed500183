"""Passwords, sessions and API keys: creating them and turning credentials into a Principal."""

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.accounts.models import ApiKey, LoginSession, User
from app.accounts.ratelimit import RateLimiter
from app.core.auth import ALL, Principal, expand_to_counties
from app.core.database import get_engine
from app.core.errors import Conflict, TooManyRequests, Unauthorized
from app.core.settings import account_settings

_hasher = PasswordHasher()
_limiter = RateLimiter()
KEY_PREFIX = "imk"
# Touching last_used_at on every request would turn each read into a write; once a minute is enough.
_LAST_USED_GRANULARITY = timedelta(minutes=1)


def _now() -> datetime:
    return datetime.now(UTC)


def _digest(secret: str) -> str:
    # API keys and session tokens are 256-bit random strings: a fast hash is enough for them
    # (Argon2 is for passwords, which people choose and attackers can guess).
    return hashlib.sha256(secret.encode()).hexdigest()


def new_password() -> str:
    return secrets.token_urlsafe(12)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def create_user(session: Session, username: str, display_name: str, role: str, regions: list[str],
                park_ids: list[int] | None = None, password: str | None = None) -> tuple[User, str]:
    """A new user and the password to hand over (generated when not given: shown once)."""
    if session.execute(select(User.id).where(User.username == username)).first():
        raise Conflict(f"user {username} already exists", f"用户 {username} 已存在")
    password = password or new_password()
    user = User(username=username, display_name=display_name, role=role, region_adcodes=regions,
                park_ids=park_ids or [], password_hash=hash_password(password))
    session.add(user)
    session.flush()
    return user, password


def _record_failure(user_id: int) -> None:
    """Count a failed password in its own transaction: the request's own is rolled back by the 401."""
    settings = account_settings()
    with Session(get_engine()) as s, s.begin():
        user = s.get(User, user_id, with_for_update=True)
        if user is None:
            return
        user.failed_logins += 1
        if user.failed_logins >= settings.max_failed_logins:
            user.locked_until = _now() + timedelta(minutes=settings.lockout_minutes)
            user.failed_logins = 0


def login(session: Session, username: str, password: str) -> tuple[str, LoginSession, User]:
    """Check the password; returns the cookie value (only its hash is stored), the session, the user."""
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    wrong = Unauthorized("wrong username or password", "用户名或密码错误")
    if user is None:
        # Hash anyway, so that timing does not tell which usernames exist.
        _hasher.hash(password)
        raise wrong
    if user.locked_until and user.locked_until > _now():
        wait = int((user.locked_until - _now()).total_seconds()) + 1
        raise TooManyRequests(f"too many failed sign-ins: try again in {wait} s", f"登录失败次数过多，请 {wait} 秒后再试", wait)
    try:
        _hasher.verify(user.password_hash, password)
    except (VerifyMismatchError, InvalidHashError):
        _record_failure(user.id)
        raise wrong from None
    if user.disabled:
        raise Unauthorized("this account is disabled", "该账号已停用")
    user.failed_logins = 0
    user.locked_until = None
    token = secrets.token_urlsafe(32)
    login_session = LoginSession(token_hash=_digest(token), user_id=user.id, csrf_token=secrets.token_urlsafe(24),
                                 expires_at=_now() + timedelta(hours=account_settings().session_hours))
    session.add(login_session)
    session.flush()
    return token, login_session, user


def logout(session: Session, cookie: str) -> None:
    row = session.get(LoginSession, _digest(cookie))
    if row is not None:
        session.delete(row)


def user_principal(session: Session, user: User, csrf_token: str | None) -> Principal:
    counties = ALL if user.role == "admin" else (
        expand_to_counties(session, user.region_adcodes) if user.role == "officer" else frozenset())
    return Principal(name=f"user:{user.username}", role=user.role, user_id=user.id, write_counties=counties,
                     write_parks=frozenset(user.park_ids), csrf_token=csrf_token, display_name=user.display_name,
                     regions=tuple(user.region_adcodes))


def principal_from_session(session: Session, cookie: str) -> Principal | None:
    row = session.get(LoginSession, _digest(cookie))
    if row is None or row.expires_at <= _now():
        return None
    user = session.get(User, row.user_id)
    if user is None or user.disabled:
        return None
    return user_principal(session, user, row.csrf_token)


def create_key(session: Session, name: str, collections: list[str], access: str, regions: list[str],
               expires_at: datetime | None, created_by: int | None) -> tuple[ApiKey, str]:
    """A new key and its secret, which is shown once and stored only hashed."""
    if session.execute(select(ApiKey.id).where(ApiKey.name == name)).first():
        raise Conflict(f"a key named {name} already exists", f"名为 {name} 的密钥已存在")
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    key = ApiKey(name=name, prefix=prefix, secret_hash=_digest(secret), collections=collections, access=access,
                 region_adcodes=regions, expires_at=expires_at, created_by=created_by)
    session.add(key)
    session.flush()
    return key, f"{KEY_PREFIX}_{prefix}_{secret}"


def principal_from_key(session: Session, token: str) -> Principal:
    invalid = Unauthorized("invalid API key", "API 密钥无效")
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        raise invalid
    key = session.execute(select(ApiKey).where(ApiKey.prefix == parts[1])).scalar_one_or_none()
    if key is None or not secrets.compare_digest(key.secret_hash, _digest(parts[2])):
        raise invalid
    now = _now()
    if key.revoked_at is not None:
        raise Unauthorized("this API key has been revoked", "该 API 密钥已被吊销")
    if key.expires_at is not None and key.expires_at <= now:
        raise Unauthorized("this API key has expired", "该 API 密钥已过期")
    wait = _limiter.take(key.id, account_settings().key_rate_per_minute)
    if wait:
        raise TooManyRequests("rate limit of this API key exceeded", "该 API 密钥的请求频率超出限制", wait)
    if key.last_used_at is None or now - key.last_used_at > _LAST_USED_GRANULARITY:
        session.execute(update(ApiKey).where(ApiKey.id == key.id).values(last_used_at=now))
    counties = expand_to_counties(session, key.region_adcodes) if key.access == "write" else frozenset()
    return Principal(name=f"key:{key.name}", role="partner", key_id=key.id, write_counties=counties,
                     collections=frozenset(key.collections), display_name=key.name, regions=tuple(key.region_adcodes))
