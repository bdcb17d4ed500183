"""Passwords, sessions and API keys: creating them and turning credentials into a Principal."""

import hashlib
import secrets
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Protocol

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.accounts import passwords, throttle
from app.accounts.models import ApiKey, LoginSession, User
from app.accounts.ratelimit import RateLimiter
from app.core.auth import ALL, KEY_COLLECTIONS, Principal, expand_to_counties
from app.core.errors import Conflict, InvalidInput, TooManyRequests, Unauthorized
from app.core.settings import settings
from app.parks.models import Park
from app.regions.models import Region

SIGN_IN_FAILED = "wrong username or password (or the account is locked for a while, or disabled)"
SIGN_IN_FAILED_ZH = "用户名或密码错误（或账号暂时锁定、已停用）"

_hasher = PasswordHasher()
_limiter = RateLimiter()
KEY_PREFIX = "imk"
# Touching last_used_at on every request would turn each read into a write; once a minute is enough.
_LAST_USED_GRANULARITY = timedelta(minutes=1)
ROLES = ("officer", "leader", "admin")


def _now() -> datetime:
    return datetime.now(UTC)


def _digest(secret: str) -> str:
    # API keys and session tokens are 256-bit random strings: a fast hash is enough for them
    # (Argon2 is for passwords, which people choose and attackers can guess).
    return hashlib.sha256(secret.encode()).hexdigest()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


@cache
def _decoy_hash() -> str:
    return _hasher.hash(secrets.token_urlsafe(16))


def check_regions(session: Session, adcodes: list[str], field: str) -> None:
    known = set(session.execute(select(Region.adcode).where(Region.adcode.in_(adcodes))).scalars())
    if missing := sorted(set(adcodes) - known):
        raise InvalidInput.one(field, f"unknown region adcodes {missing}", f"未知的行政区划代码 {missing}")


def check_parks(session: Session, park_ids: list[int], field: str) -> None:
    known = set(session.execute(select(Park.id).where(Park.id.in_(park_ids))).scalars())
    if missing := sorted(set(park_ids) - known):
        raise InvalidInput.one(field, f"unknown park ids {missing}", f"未知的园区编号 {missing}")


def create_user(
    session: Session,
    username: str,
    display_name: str,
    role: str,
    regions: list[str],
    park_ids: list[int] | None = None,
    password: str | None = None,
    one_time: bool = True,
) -> tuple[User, str]:
    """A new user and the password to hand over (generated when not given: shown once). A password
    someone else chose is `one_time`: the user must replace it before doing anything else."""
    if role not in ROLES:
        raise InvalidInput.one(
            "role", f"unknown role {role}: use one of {', '.join(ROLES)}", f"未知角色 {role}：可选 {'、'.join(ROLES)}"
        )
    if session.execute(select(User.id).where(User.username == username)).first():
        raise Conflict(f"user {username} already exists", f"用户 {username} 已存在")
    check_regions(session, regions, "region_adcodes")
    check_parks(session, park_ids or [], "park_ids")
    if password is None:
        password = passwords.generate()
    else:
        passwords.check(password, username, "password")
    user = User(
        username=username,
        display_name=display_name,
        role=role,
        region_adcodes=regions,
        park_ids=park_ids or [],
        password_hash=hash_password(password),
        must_change_password=one_time,
    )
    session.add(user)
    session.flush()
    return user, password


class _Credentials(Protocol):
    """A User, or the row of its sign-in columns."""

    @property
    def id(self) -> int: ...
    @property
    def password_hash(self) -> str: ...
    @property
    def disabled(self) -> bool: ...


def _password_is(counter: throttle.Attempts, user: _Credentials | None, password: str, ip: str) -> bool:
    """Whether `password` is the user's. Unknown and disabled users, and attempts past a lock,
    are False after the same Argon2 work as a real check, so neither the answer nor its time
    tells them apart; a disabled account's password is never checked at all. The attempt is
    counted before the check."""
    if user is None or user.disabled or not counter.admit(user.id, ip):
        with suppress(VerifyMismatchError):
            _hasher.verify(_decoy_hash(), password)
        return False
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerifyMismatchError, InvalidHashError):
        return False


def _new_session(session: Session, user: User) -> tuple[str, LoginSession]:
    token = secrets.token_urlsafe(32)
    login_session = LoginSession(
        token_hash=_digest(token),
        user_id=user.id,
        csrf_token=secrets.token_urlsafe(24),
        expires_at=_now() + timedelta(hours=settings().accounts.session_hours),
    )
    session.add(login_session)
    session.flush()
    return token, login_session


def login(session: Session, username: str, password: str, ip: str) -> tuple[str, LoginSession, User]:
    """Check the password; returns the cookie value (only its hash is stored), the session, the user.

    Unknown, disabled and locked accounts get the answer a wrong password gets; only the
    address's own throttle says something else (429), and it says nothing about the account."""
    with throttle.attempts() as counter:
        if wait := counter.address_wait(ip):
            raise TooManyRequests(
                f"too many failed sign-ins from your address: try again in {wait} s",
                f"您所在地址登录失败次数过多，请 {wait} 秒后再试",
                wait,
            )
        found = counter.conn.execute(select(User.id, User.password_hash, User.disabled).where(User.username == username)).first()
        if not _password_is(counter, found, password, ip) or found is None:
            raise Unauthorized(SIGN_IN_FAILED, SIGN_IN_FAILED_ZH)
        counter.succeeded(found.id, ip, signing_in=True)
    user = session.get_one(User, found.id)
    token, login_session = _new_session(session, user)
    return token, login_session, user


def change_password(session: Session, user_id: int, current: str, new: str, ip: str) -> tuple[str, LoginSession, User]:
    """The user's own change: every session of the user ends (database trigger), and a new one
    is returned for the browser that made the change."""
    user = session.get_one(User, user_id, with_for_update=True)
    with throttle.attempts() as counter:
        if not _password_is(counter, user, current, ip):
            raise InvalidInput.one("current_password", "this is not your current password", "当前密码不正确")
        counter.succeeded(user.id, ip, signing_in=False)
    passwords.check(new, user.username, "new_password")
    if new == current:
        raise InvalidInput.one("new_password", "must differ from the current password", "新密码不能与当前密码相同")
    user.password_hash = hash_password(new)
    user.must_change_password = False
    session.flush()
    token, login_session = _new_session(session, user)
    return token, login_session, user


def reset_password(session: Session, user: User) -> str:
    """An admin's reset: a new one-time password, shown once; the user's sessions and locks end."""
    password = passwords.generate()
    user.password_hash = hash_password(password)
    user.must_change_password = True
    session.flush()
    throttle.forget(session, user.id)
    return password


def logout(session: Session, cookie: str) -> None:
    row = session.get(LoginSession, _digest(cookie))
    if row is not None:
        session.delete(row)


def user_principal(session: Session, user: User, csrf_token: str | None) -> Principal:
    counties = (
        ALL
        if user.role == "admin"
        else (expand_to_counties(session, user.region_adcodes) if user.role == "officer" else frozenset())
    )
    return Principal(
        name=f"user:{user.username}",
        role=user.role,
        user_id=user.id,
        write_counties=counties,
        write_parks=frozenset(user.park_ids),
        csrf_token=csrf_token,
        display_name=user.display_name,
        regions=tuple(user.region_adcodes),
        must_change_password=user.must_change_password,
    )


def principal_from_session(session: Session, cookie: str) -> Principal | None:
    row = session.get(LoginSession, _digest(cookie))
    if row is None or row.expires_at <= _now():
        return None
    user = session.get(User, row.user_id)
    if user is None or user.disabled:
        return None
    return user_principal(session, user, row.csrf_token)


def check_key(session: Session, collections: list[str], access: str, regions: list[str], expires_at: datetime | None) -> None:
    """422 naming the field for what a key cannot be given."""
    if not collections:
        raise InvalidInput.one("collections", "give at least one collection", "至少指定一个数据集")
    if unknown := sorted(set(collections) - set(KEY_COLLECTIONS) - {"*"}):
        raise InvalidInput.one(
            "collections",
            f"unknown collections {unknown}: use {', '.join(KEY_COLLECTIONS)} or *",
            f"未知的数据集 {unknown}：可选 {'、'.join(KEY_COLLECTIONS)} 或 *",
        )
    if access not in ("read", "write"):
        raise InvalidInput.one("access", f"unknown access {access}: use read or write", f"未知的权限 {access}：可选 read、write")
    check_regions(session, regions, "region_adcodes")
    if expires_at is not None and expires_at <= _now():
        raise InvalidInput.one(
            "expires_at",
            f"{expires_at.isoformat()} has passed: give a time in the future",
            f"{expires_at.isoformat()} 已过去：请给出将来的时间",
        )


def create_key(
    session: Session,
    name: str,
    collections: list[str],
    access: str,
    regions: list[str],
    expires_at: datetime | None,
    created_by: int | None,
) -> tuple[ApiKey, str]:
    """A new key and its secret, which is shown once and stored only hashed."""
    check_key(session, collections, access, regions, expires_at)
    if session.execute(select(ApiKey.id).where(ApiKey.name == name)).first():
        raise Conflict(f"a key named {name} already exists", f"名为 {name} 的密钥已存在")
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    key = ApiKey(
        name=name,
        prefix=prefix,
        secret_hash=_digest(secret),
        collections=list(dict.fromkeys(collections)),
        access=access,
        region_adcodes=regions,
        expires_at=expires_at,
        created_by=created_by,
    )
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
    wait = _limiter.take(key.id, settings().accounts.key_rate_per_minute)
    if wait:
        raise TooManyRequests("rate limit of this API key exceeded", "该 API 密钥的请求频率超出限制", wait)
    if key.last_used_at is None or now - key.last_used_at > _LAST_USED_GRANULARITY:
        session.execute(update(ApiKey).where(ApiKey.id == key.id).values(last_used_at=now))
    counties = expand_to_counties(session, key.region_adcodes) if key.access == "write" else frozenset()
    return Principal(
        name=f"key:{key.name}",
        role="partner",
        key_id=key.id,
        write_counties=counties,
        collections=frozenset(key.collections),
        display_name=key.name,
        regions=tuple(key.region_adcodes),
    )
