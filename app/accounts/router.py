from fastapi import APIRouter, Request, Response, status
from sqlalchemy import func, select

from app.accounts import service
from app.accounts.models import ApiKey, User
from app.accounts.schemas import KeyCreated, KeyIn, KeyOut, LoginIn, Me, UserCreated, UserIn, UserOut, UserPatch
from app.core.auth import SESSION_COOKIE, AdminDep, CurrentUser, Principal, WriterDep
from app.core.crud import get_or_404
from app.core.database import SessionDep
from app.core.errors import InvalidInput
from app.core.settings import account_settings
from app.regions.models import Region

auth = APIRouter(prefix="/auth", tags=["auth 登录"])
admin = APIRouter(prefix="/admin", tags=["admin 管理"])


def _me(user: Principal) -> Me:
    return Me(name=user.name, display_name=user.display_name, role=user.role, regions=list(user.regions),
              csrf_token=user.csrf_token)


@auth.post("/login", response_model=Me, summary="Sign in / 登录")
def login(body: LoginIn, request: Request, response: Response, session: SessionDep) -> Me:
    token, login_session, user = service.login(session, body.username, body.password)
    # HttpOnly: page scripts never see the session; SameSite=Lax: other sites' forms do not send it.
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax", secure=request.url.scheme == "https",
                        path="/", max_age=int(account_settings().session_hours * 3600))
    return _me(service.user_principal(session, user, login_session.csrf_token))


@auth.post("/logout", status_code=status.HTTP_204_NO_CONTENT, summary="Sign out / 退出")
def logout(request: Request, response: Response, session: SessionDep) -> Response:
    if cookie := request.cookies.get(SESSION_COOKIE):
        service.logout(session, cookie)
    out = Response(status_code=status.HTTP_204_NO_CONTENT)
    out.delete_cookie(SESSION_COOKIE, path="/")
    return out


@auth.get("/me", response_model=Me, summary="Who am I / 当前用户")
def me(user: CurrentUser) -> Me:
    return _me(user)


def _check_regions(session: SessionDep, adcodes: list[str], field: str) -> None:
    known = set(session.execute(select(Region.adcode).where(Region.adcode.in_(adcodes))).scalars())
    if missing := sorted(set(adcodes) - known):
        raise InvalidInput.one(field, f"unknown region adcodes {missing}", f"未知的行政区划代码 {missing}")


@admin.get("/users", response_model=list[UserOut], summary="Users / 用户列表")
def list_users(session: SessionDep, user: AdminDep) -> list[User]:
    return list(session.execute(select(User).order_by(User.id)).scalars())


@admin.post("/users", response_model=UserCreated, status_code=status.HTTP_201_CREATED, summary="Create a user / 新增用户")
def create_user(body: UserIn, session: SessionDep, user: AdminDep, writer: WriterDep) -> UserCreated:
    _check_regions(session, body.region_adcodes, "region_adcodes")
    created, password = service.create_user(session, body.username, body.display_name, body.role, body.region_adcodes,
                                            body.park_ids, body.password)
    return UserCreated(**UserOut.model_validate(created).model_dump(), password=password)


@admin.patch("/users/{user_id}", response_model=UserOut, summary="Change a user / 修改用户")
def update_user(user_id: int, body: UserPatch, session: SessionDep, user: AdminDep, writer: WriterDep) -> User:
    target = get_or_404(session, User, user_id, ("user", "用户"), lock=True)
    if body.region_adcodes is not None:
        _check_regions(session, body.region_adcodes, "region_adcodes")
    for name, value in body.model_dump(exclude_unset=True).items():
        setattr(target, name, value)
    session.flush()
    return target


@admin.get("/keys", response_model=list[KeyOut], summary="API keys / API 密钥列表")
def list_keys(session: SessionDep, user: AdminDep) -> list[ApiKey]:
    return list(session.execute(select(ApiKey).order_by(ApiKey.id)).scalars())


@admin.post("/keys", response_model=KeyCreated, status_code=status.HTTP_201_CREATED, summary="Create an API key / 新建密钥")
def create_key(body: KeyIn, session: SessionDep, user: AdminDep, writer: WriterDep) -> KeyCreated:
    _check_regions(session, body.region_adcodes, "region_adcodes")
    key, secret = service.create_key(session, body.name, body.collections, body.access, body.region_adcodes,
                                     body.expires_at, user.user_id)
    return KeyCreated(**KeyOut.model_validate(key).model_dump(), key=secret)


@admin.delete("/keys/{key_id}", response_model=KeyOut, summary="Revoke an API key / 吊销密钥")
def revoke_key(key_id: int, session: SessionDep, user: AdminDep, writer: WriterDep) -> ApiKey:
    key = get_or_404(session, ApiKey, key_id, ("API key", "API 密钥"), lock=True)
    key.revoked_at = key.revoked_at or session.execute(select(func.now())).scalar_one()
    session.flush()
    return key
