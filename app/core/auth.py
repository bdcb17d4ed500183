"""Who is calling, and what they may do. Routers only ask `CurrentUser`, `WriterDep` or
`StaffDep`; every rule about roles and scopes lives here and in `Principal`.

Three ways in: no credentials (the public), a session cookie (people, via the login page), a
bearer API key (partner systems). Which collections a key reaches, and which regions an
officer or key may write, are decided by the principal, not by each router.

Turning a cookie or a key into a principal needs the accounts' tables, which sit above this
ground floor: the accounts domain provides a `Credentials` and create_app registers it on
`app.state.credentials` (app/main.py), so the rules stay here and core imports nothing above it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.core.database import SessionDep
from app.core.errors import Forbidden, PasswordChangeRequired, Unauthorized

SESSION_COOKIE = "investmap_session"
CSRF_HEADER = "X-CSRF-Token"
ALL = frozenset({"*"})
# What an API key can be given to read: the collection_guard names of the REST resources and
# the scopes of the OGC layers that keys may reach ("*" is every public one; "gaps" only by
# name). tests/security/test_f16_admin_validation.py checks this list against the app.
KEY_COLLECTIONS = ("parks", "carriers", "clusters", "regions", "chains", "enterprises", "gaps", "projects", "facilities")


@dataclass(frozen=True)
class Principal:
    name: str  # what the audit trail records: "anonymous", "user:alice", "key:qgis-gov"
    role: str = "public"  # public | officer | leader | admin | partner
    user_id: int | None = None
    key_id: int | None = None
    # County adcodes the principal may write (ALL for admins); cities and the province are
    # expanded to their counties when the principal is built.
    write_counties: frozenset[str] = frozenset()
    write_parks: frozenset[int] = frozenset()  # empty: any park in the counties
    collections: frozenset[str] = ALL  # what an API key may read
    csrf_token: str | None = None  # set for cookie sessions: writes must echo it
    display_name: str = ""
    regions: tuple[str, ...] = field(default_factory=tuple)
    must_change_password: bool = False  # signed in with a one-time password not yet replaced

    @property
    def is_staff(self) -> bool:
        """Officers, leaders and admins read everything of the province, internal fields included."""
        return self.role in ("officer", "leader", "admin")

    @property
    def sees_unpublished(self) -> bool:
        return self.is_staff

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def can_write(self) -> bool:
        return self.is_admin or (self.role in ("officer", "partner") and bool(self.write_counties))

    def may_read(self, collection: str) -> bool:
        return self.collections is ALL or "*" in self.collections or collection in self.collections

    def may_write_in(self, counties: set[str], park_id: int | None = None) -> bool:
        """Whether a record in these counties (and this park) is inside the write scope."""
        if self.is_admin:
            return True
        if not self.can_write or not counties or not counties <= self.write_counties:
            return False
        return not self.write_parks or park_id in self.write_parks


ANONYMOUS = Principal("anonymous")


def expand_to_counties(session: Session, adcodes: list[str]) -> frozenset[str]:
    """County adcodes covered by a mix of province, city and county adcodes."""
    if not adcodes:
        return frozenset()
    rows = session.execute(
        text(
            "SELECT c.adcode FROM regions c LEFT JOIN regions p ON p.adcode = c.parent_adcode "
            "WHERE c.level = 'county' AND (c.adcode = ANY(:a) OR c.parent_adcode = ANY(:a) OR p.parent_adcode = ANY(:a))"
        ),
        {"a": adcodes},
    ).scalars()
    return frozenset(rows)


@dataclass(frozen=True)
class Credentials:
    """How credentials become a principal (app/accounts/service.py provides both)."""

    key: Callable[[Session, str], Principal]  # a bearer API key's principal; 401, 429 when refused
    session: Callable[[Session, str], Principal | None]  # a session cookie's principal; None when it has ended


def signed_in_principal(request: Request, session: SessionDep) -> Principal:
    """Who is calling, even a user who must still replace a one-time password (only signing out,
    `me` and the password change accept them)."""
    credentials: Credentials = request.app.state.credentials
    authorization = request.headers.get("authorization")
    if authorization:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("use Authorization: Bearer <api key>", "请使用 Authorization: Bearer <API 密钥>")
        return credentials.key(session, token.strip())
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        return credentials.session(session, cookie) or ANONYMOUS
    return ANONYMOUS


SignedIn = Annotated[Principal, Depends(signed_in_principal)]


def current_principal(user: SignedIn) -> Principal:
    if user.must_change_password:
        raise PasswordChangeRequired()
    return user


CurrentUser = Annotated[Principal, Depends(current_principal)]


def check_csrf(request: Request, user: Principal) -> None:
    """Cookie sessions are sent by the browser on its own; the header proves the page sent it."""
    if user.csrf_token is not None and request.headers.get(CSRF_HEADER) != user.csrf_token:
        raise Forbidden(f"missing or wrong {CSRF_HEADER} header", f"缺少或错误的 {CSRF_HEADER} 请求头")


def require_staff(user: CurrentUser) -> Principal:
    if user.role == "public":
        raise Unauthorized("please sign in", "请先登录")
    if not user.is_staff:
        raise Forbidden("this needs an officer, leader or admin account", "此操作需要招商专员、领导或管理员账号")
    return user


def require_admin(user: CurrentUser) -> Principal:
    require_staff(user)
    if not user.is_admin:
        raise Forbidden("this needs an admin account", "此操作需要管理员账号")
    return user


def require_writer(request: Request, user: CurrentUser, session: SessionDep) -> Principal:
    """A principal allowed to write at all; names it for the audit trail of this transaction."""
    if user.role == "public":
        raise Unauthorized("this request needs you to sign in or an API key", "此操作需要登录或 API 密钥")
    if not user.can_write:
        raise Forbidden(f"the {user.role} role cannot write", f"角色 {user.role} 没有写入权限")
    name_actor(request, user, session)
    return user


def name_actor(request: Request, user: Principal, session: Session) -> None:
    """Check the CSRF header and name `user` for the audit trail of this transaction (writes a
    role may make beyond require_writer's, such as a leader's correction of a closed month)."""
    check_csrf(request, user)
    client = request.client.host if request.client else ""
    session.execute(
        text("SELECT set_config('investmap.actor', :actor, true), set_config('investmap.ip', :ip, true)"),
        {"actor": user.name, "ip": client},
    )


StaffDep = Annotated[Principal, Depends(require_staff)]
AdminDep = Annotated[Principal, Depends(require_admin)]
WriterDep = Annotated[Principal, Depends(require_writer)]


def require_scope(user: Principal, counties: set[str], park_id: int | None = None) -> None:
    """403 unless a record in `counties` (and `park_id`) is inside the writer's scope."""
    if not user.may_write_in(counties, park_id):
        where = ", ".join(sorted(counties)) or "no region"
        raise Forbidden(f"{where} is outside your write scope", f"{where} 不在您的可编辑范围内")
