"""Who is calling. One dependency decides; routers only ask `CurrentUser` or `WriterDep`.

Until accounts exist (a later issue) there are two kinds of caller: the public, and the
holder of the configured admin bearer token. Swapping this module for real accounts must
not touch the routers.
"""

import secrets
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header

from app.core.errors import Forbidden, Unauthorized
from app.core.settings import api_settings


@dataclass(frozen=True)
class Principal:
    name: str
    is_admin: bool = False

    @property
    def sees_unpublished(self) -> bool:
        return self.is_admin


ANONYMOUS = Principal("anonymous")


def current_principal(authorization: Annotated[str | None, Header(include_in_schema=False)] = None) -> Principal:
    if not authorization:
        return ANONYMOUS
    scheme, _, token = authorization.partition(" ")
    expected = api_settings().admin_token
    # compare_digest keeps the comparison time independent of how much of the token matched.
    if scheme.lower() != "bearer" or not expected or not secrets.compare_digest(token.strip(), expected):
        raise Unauthorized("invalid bearer token", "令牌无效")
    return Principal("admin", is_admin=True)


CurrentUser = Annotated[Principal, Depends(current_principal)]


def require_writer(user: CurrentUser) -> Principal:
    if api_settings().admin_token is None:
        raise Forbidden("writes are disabled: set INVESTMAP_ADMIN_TOKEN", "写入已关闭：请配置 INVESTMAP_ADMIN_TOKEN")
    if not user.is_admin:
        raise Unauthorized("this request needs the admin bearer token", "此操作需要管理员令牌")
    return user


WriterDep = Annotated[Principal, Depends(require_writer)]
