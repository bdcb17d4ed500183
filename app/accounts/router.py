from datetime import datetime

from fastapi import APIRouter, Request, Response, status
from sqlalchemy import func, select

from app.accounts import service, throttle
from app.accounts.models import ApiKey, User
from app.accounts.schemas import (
    KeyCreated,
    KeyIn,
    KeyOut,
    LoginIn,
    Me,
    PasswordIn,
    PasswordReset,
    UserCreated,
    UserIn,
    UserOut,
    UserPatch,
)
from app.core.auth import SESSION_COOKIE, AdminDep, Principal, SignedIn, WriterDep, check_csrf
from app.core.crud import get_or_404
from app.core.database import SessionDep
from app.core.errors import Conflict, Forbidden, Unauthorized
from app.core.listing import RecordId
from app.core.settings import settings

auth = APIRouter(prefix="/auth", tags=["auth 登录"])
admin = APIRouter(prefix="/admin", tags=["admin 管理"])


def _me(user: Principal) -> Me:
    return Me(
        name=user.name,
        display_name=user.display_name,
        role=user.role,
        regions=list(user.regions),
        csrf_token=user.csrf_token,
        must_change_password=user.must_change_password,
    )


def _client(request: Request) -> str:
    return request.client.host if request.client else ""


def _set_session_cookie(request: Request, response: Response, token: str) -> None:
    # HttpOnly: page scripts never see the session; SameSite=Lax: other sites' forms do not send it.
    # Secure when the public address is https, even if a proxy reaches this process over http.
    public = settings().server.public_url or ""
    secure = request.url.scheme == "https" or public.lower().startswith("https://")
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=secure,
        path="/",
        max_age=int(settings().accounts.session_hours * 3600),
    )


@auth.post("/login", response_model=Me, summary="Sign in / 登录")
def login(body: LoginIn, request: Request, response: Response, session: SessionDep) -> Me:
    token, login_session, user = service.login(session, body.username, body.password, _client(request))
    _set_session_cookie(request, response, token)
    return _me(service.user_principal(session, user, login_session.csrf_token))


@auth.post("/logout", status_code=status.HTTP_204_NO_CONTENT, summary="Sign out / 退出")
def logout(request: Request, response: Response, session: SessionDep) -> Response:
    if cookie := request.cookies.get(SESSION_COOKIE):
        service.logout(session, cookie)
    out = Response(status_code=status.HTTP_204_NO_CONTENT)
    out.delete_cookie(SESSION_COOKIE, path="/")
    return out


@auth.get("/me", response_model=Me, summary="Who am I / 当前用户")
def me(user: SignedIn) -> Me:
    return _me(user)


@auth.post("/password", response_model=Me, summary="Change my password / 修改密码")
def change_password(body: PasswordIn, request: Request, response: Response, session: SessionDep, user: SignedIn) -> Me:
    """Every session of the user ends; this browser gets a new one (and a new CSRF token)."""
    if user.role == "public":
        raise Unauthorized("please sign in", "请先登录")
    if user.user_id is None:
        raise Forbidden("API keys have no password", "API 密钥没有密码")
    check_csrf(request, user)
    token, login_session, changed = service.change_password(
        session, user.user_id, body.current_password, body.new_password, _client(request)
    )
    _set_session_cookie(request, response, token)
    return _me(service.user_principal(session, changed, login_session.csrf_token))


def _user_out(user: User, locks: dict[int, datetime]) -> UserOut:
    return UserOut.model_validate(user).model_copy(update={"locked_until": locks.get(user.id)})


@admin.get("/users", response_model=list[UserOut], summary="Users / 用户列表")
def list_users(session: SessionDep, user: AdminDep) -> list[UserOut]:
    locks = throttle.account_locks(session)
    return [_user_out(u, locks) for u in session.execute(select(User).order_by(User.id)).scalars()]


@admin.post("/users", response_model=UserCreated, status_code=status.HTTP_201_CREATED, summary="Create a user / 新增用户")
def create_user(body: UserIn, session: SessionDep, user: AdminDep, writer: WriterDep) -> UserCreated:
    created, password = service.create_user(
        session, body.username, body.display_name, body.role, body.region_adcodes, body.park_ids, body.password
    )
    return UserCreated(**UserOut.model_validate(created).model_dump(), password=password)


@admin.patch("/users/{user_id:int}", response_model=UserOut, summary="Change a user / 修改用户")
def update_user(user_id: RecordId, body: UserPatch, session: SessionDep, user: AdminDep, writer: WriterDep) -> UserOut:
    target = get_or_404(session, User, user_id, ("user", "用户"), lock=True)
    if target.id == user.user_id and (body.disabled or body.role not in (None, "admin")):
        # An admin who disables or demotes themself may leave the service without any admin.
        raise Conflict(
            "you cannot disable or demote your own account: ask another admin", "不能停用或降级自己的账号，请由其他管理员操作"
        )
    if body.region_adcodes is not None:
        service.check_regions(session, body.region_adcodes, "region_adcodes")
    if body.park_ids is not None:
        service.check_parks(session, body.park_ids, "park_ids")
    for name, value in body.model_dump(exclude_unset=True).items():
        setattr(target, name, value)
    session.flush()  # disabling ends the user's sessions (a trigger in the database)
    return _user_out(target, throttle.account_locks(session))


@admin.post("/users/{user_id:int}/password", response_model=PasswordReset, summary="Reset a user's password / 重置密码")
def reset_password(user_id: RecordId, session: SessionDep, user: AdminDep, writer: WriterDep) -> PasswordReset:
    """A new one-time password, shown once: the user's sessions and sign-in locks end, and the
    user must choose a new password at the next sign-in."""
    target = get_or_404(session, User, user_id, ("user", "用户"), lock=True)
    if target.id == user.user_id:
        # A reset would end the admin's own session and hand them a password they must change.
        raise Conflict(
            "change your own password at POST /api/v1/auth/password, not by a reset",
            "请通过 POST /api/v1/auth/password 修改自己的密码，而非重置",
        )
    return PasswordReset(username=target.username, password=service.reset_password(session, target))


@admin.get("/keys", response_model=list[KeyOut], summary="API keys / API 密钥列表")
def list_keys(session: SessionDep, user: AdminDep) -> list[ApiKey]:
    return list(session.execute(select(ApiKey).order_by(ApiKey.id)).scalars())


@admin.post("/keys", response_model=KeyCreated, status_code=status.HTTP_201_CREATED, summary="Create an API key / 新建密钥")
def create_key(body: KeyIn, session: SessionDep, user: AdminDep, writer: WriterDep) -> KeyCreated:
    key, secret = service.create_key(
        session, body.name, body.collections, body.access, body.region_adcodes, body.expires_at, user.user_id
    )
    return KeyCreated(**KeyOut.model_validate(key).model_dump(), key=secret)


@admin.delete("/keys/{key_id:int}", response_model=KeyOut, summary="Revoke an API key / 吊销密钥")
def revoke_key(key_id: RecordId, session: SessionDep, user: AdminDep, writer: WriterDep) -> ApiKey:
    key: ApiKey = get_or_404(session, ApiKey, key_id, ("API key", "API 密钥"), lock=True)
    key.revoked_at = key.revoked_at or session.execute(select(func.now())).scalar_one()
    session.flush()
    return key
