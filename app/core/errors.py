"""The error hierarchy and its one mapping to HTTP answers.

Every error body has the same bilingual shape, so a frontend or partner shows the same
message whatever went wrong:

    {"error": {"code": "validation_failed", "message": "...", "message_zh": "...",
               "details": [{"field": "boundary", "problem": "...", "problem_zh": "...",
                            "location": [115.9, 28.6]}]}}
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import psycopg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import DataError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException


@dataclass
class Problem:
    """One thing wrong with the input: which field, what, and where (row, coordinate)."""

    field: str
    problem: str
    problem_zh: str
    location: Any = None

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"field": self.field, "problem": self.problem, "problem_zh": self.problem_zh}
        if self.location is not None:
            body["location"] = self.location
        return body


@dataclass
class AppError(Exception):
    message: str
    message_zh: str
    details: list[Problem] = field(default_factory=list)
    status: int = 500
    code: str = "internal_error"
    headers: dict[str, str] | None = None

    def body(self) -> dict[str, Any]:
        return {
            "error": {
                "code": self.code,
                "message": self.message,
                "message_zh": self.message_zh,
                "details": [p.as_dict() for p in self.details],
            }
        }


class FieldProblem(ValueError):
    """Raised inside pydantic validators; carries the bilingual wording and the place."""

    def __init__(self, problem: str, problem_zh: str, location: Any = None, field: str | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.problem_zh = problem_zh
        self.location = location
        # Set by model-level validators, whose errors pydantic reports without a field.
        self.field = field


class NotFound(AppError):
    def __init__(self, what: str, what_zh: str, key: object) -> None:
        super().__init__(f"{what} {key} not found", f"未找到{what_zh} {key}", status=404, code="not_found")


class InvalidInput(AppError):
    def __init__(self, problems: list[Problem]) -> None:
        summary = "; ".join(f"{p.field}: {p.problem}" for p in problems)
        summary_zh = "；".join(f"{p.field}：{p.problem_zh}" for p in problems)
        super().__init__(f"invalid input: {summary}", f"输入有误：{summary_zh}", problems, status=422, code="validation_failed")

    @classmethod
    def one(cls, field_name: str, problem: str, problem_zh: str, location: Any = None) -> "InvalidInput":
        return cls([Problem(field_name, problem, problem_zh, location)])


class BadRequest(AppError):
    def __init__(self, message: str, message_zh: str, details: list[Problem] | None = None) -> None:
        super().__init__(message, message_zh, details or [], status=400, code="bad_request")


class Conflict(AppError):
    def __init__(self, message: str, message_zh: str) -> None:
        super().__init__(message, message_zh, status=409, code="conflict")


class Unauthorized(AppError):
    def __init__(self, message: str, message_zh: str) -> None:
        super().__init__(message, message_zh, status=401, code="unauthorized", headers={"WWW-Authenticate": "Bearer"})


class TooManyRequests(AppError):
    def __init__(self, message: str, message_zh: str, retry_after: int) -> None:
        super().__init__(
            message, message_zh, status=429, code="too_many_requests", headers={"Retry-After": str(max(1, retry_after))}
        )


class ServiceUnavailable(AppError):
    """503: the database cannot answer now (down, restarting, busy); the same request may succeed later."""

    def __init__(self, message: str, message_zh: str, code: str, retry_after: int, details: list[Problem] | None = None) -> None:
        super().__init__(message, message_zh, details or [], status=503, code=code, headers={"Retry-After": str(retry_after)})


class PreconditionFailed(AppError):
    """412: the If-Match version is not the stored one; `current` is the record as it is now."""

    def __init__(self, version: int, current: Any) -> None:
        super().__init__(
            f"the record changed: its version is now {version}; reload and apply your change again",
            f"记录已被修改，当前版本为 {version}；请刷新后重新修改",
            status=412,
            code="version_mismatch",
            headers={"ETag": f'"{version}"'},
        )
        self.current = current

    def body(self) -> dict[str, Any]:
        return {**super().body(), "current": self.current}


class PreconditionRequired(AppError):
    def __init__(self) -> None:
        super().__init__(
            "send If-Match with the ETag of the version you edited",
            "请在 If-Match 请求头中提供所修改版本的 ETag",
            status=428,
            code="if_match_required",
        )


class PayloadTooLarge(AppError):
    def __init__(self, limit: int) -> None:
        size = f"{limit / 1024 / 1024:g} MB ({limit:,} bytes)"
        super().__init__(
            f"the request body is larger than the {size} this address accepts",
            f"请求体超过此地址允许的 {size.replace('bytes', '字节')}",
            status=413,
            code="payload_too_large",
        )


class Forbidden(AppError):
    def __init__(self, message: str, message_zh: str, details: list[Problem] | None = None) -> None:
        super().__init__(message, message_zh, details or [], status=403, code="forbidden")


class PasswordChangeRequired(AppError):
    """403 with its own code, which the frontend answers with the change-password form."""

    def __init__(self) -> None:
        super().__init__(
            "sign-in with a one-time password: choose your own password first",
            "您使用的是一次性密码登录：请先设置自己的密码",
            status=403,
            code="password_change_required",
        )


# Chinese wording for pydantic's error types; anything unlisted falls back to a generic phrase
# followed by pydantic's English message, which is still precise about the field.
_PYDANTIC_ZH = {
    "missing": "缺少必填字段",
    "extra_forbidden": "未知字段",
    "string_type": "应为文本",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "bool_parsing": "应为布尔值",
    "bool_type": "应为布尔值",
    "enum": "取值不在允许范围内",
    "literal_error": "取值不在允许范围内",
    "greater_than": "数值过小",
    "greater_than_equal": "数值过小",
    "less_than": "数值过大",
    "less_than_equal": "数值过大",
    "string_too_short": "文本过短",
    "string_too_long": "文本过长",
    "string_pattern_mismatch": "格式不正确",
    "date_from_datetime_parsing": "日期格式不正确，应为 YYYY-MM-DD",
    "date_parsing": "日期格式不正确，应为 YYYY-MM-DD",
    "date_type": "日期格式不正确，应为 YYYY-MM-DD",
    "datetime_parsing": "日期时间格式不正确，应如 2026-12-31T23:59:59+08:00",
    "datetime_from_date_parsing": "日期时间格式不正确，应如 2026-12-31T23:59:59+08:00",
    "datetime_type": "日期时间格式不正确，应如 2026-12-31T23:59:59+08:00",
    "timezone_aware": "须带时区，如 +08:00",
    "list_type": "应为列表",
    "dict_type": "应为对象",
    "model_type": "应为对象",
    "json_invalid": "JSON 格式错误",
    "too_short": "元素过少",
    "too_long": "元素过多",
}


def _field_path(loc: tuple[Any, ...]) -> str:
    # Drop FastAPI's leading "body"/"query" and pydantic's function-validator markers.
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header") and not str(p).startswith("function-")]
    return ".".join(parts) or "body"


def problems_from_validation(exc: RequestValidationError) -> list[Problem]:
    problems = []
    for err in exc.errors():
        ctx = err.get("ctx") or {}
        field_name = _field_path(tuple(err.get("loc", ())))
        if isinstance(ctx.get("error"), FieldProblem):
            # One of our validators (geometry, ranges, bbox): keep its wording and place.
            fp = ctx["error"]
            problems.append(Problem(fp.field or field_name, fp.problem, fp.problem_zh, fp.location))
            continue
        message = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
        zh = _PYDANTIC_ZH.get(err.get("type", ""), "取值无效")
        problems.append(Problem(field_name, message, f"{zh}（{message}）"))
    return problems


# A part of the API that follows another standard (OGC API under /ogc) may write the same
# errors in that standard's shape: (status, body) from the one AppError.
ErrorStyle = Callable[[AppError], tuple[int, dict[str, Any]]]
_STYLES: dict[str, ErrorStyle] = {}


def register_error_style(prefix: str, style: ErrorStyle) -> None:
    _STYLES[prefix] = style


def _respond(request: Request, err: AppError) -> JSONResponse:
    path = request.url.path
    for prefix, style in _STYLES.items():
        if path == prefix or path.startswith(prefix + "/"):
            status, body = style(err)
            return JSONResponse(body, status_code=status, headers=err.headers)
    return JSONResponse(err.body(), status_code=err.status, headers=err.headers)


def error_response(request: Request, err: AppError) -> JSONResponse:
    """The answer to `err`, for middleware that answers before the application's handlers run."""
    return _respond(request, err)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def app_error(request: Request, exc: AppError) -> JSONResponse:
        return _respond(request, exc)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        return _respond(request, InvalidInput(problems_from_validation(exc)))

    @app.exception_handler(IntegrityError)
    async def integrity_error(request: Request, exc: IntegrityError) -> JSONResponse:
        return _respond(request, from_integrity_error(exc))

    async def data_error(request: Request, exc: Exception) -> JSONResponse:
        # Values the API let through but PostgreSQL cannot store (a NUL byte, a number too large
        # for its column) are still bad input, never a server error. psycopg's own DataError
        # comes from raw cursors (OGC pages), which SQLAlchemy does not wrap.
        orig = getattr(exc, "orig", exc)
        diag = getattr(orig, "diag", None)
        detail = str(diag and diag.message_primary or orig)
        return _respond(request, InvalidInput.one("body", f"a value cannot be stored: {detail}", f"有值无法保存：{detail}"))

    @app.exception_handler(OperationalError)
    @app.exception_handler(InterfaceError)
    @app.exception_handler(PoolTimeout)
    @app.exception_handler(psycopg.OperationalError)  # raw cursors (ogc/items.py) bypass SQLAlchemy's wrapping
    async def database_error(request: Request, exc: Exception) -> JSONResponse:
        return _respond(request, from_operational_error(exc))

    app.add_exception_handler(DataError, data_error)
    app.add_exception_handler(psycopg.DataError, data_error)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        zh = {404: "未找到该地址", 405: "不支持该请求方法"}.get(exc.status_code, "请求错误")
        headers = getattr(exc, "headers", None)
        if exc.status_code == 405:
            headers = {**(headers or {}), "Allow": ", ".join(allowed_methods(request))}
        err = AppError(str(exc.detail), zh, status=exc.status_code, code=f"http_{exc.status_code}", headers=headers)
        return _respond(request, err)


def allowed_methods(request: Request) -> list[str]:
    """Every method the API documents at this path.

    Starlette answers 405 with the methods of the first route whose path matched, but a path
    such as /api/v1/admin/keys is served by two routes (GET and POST): `Allow` must name both.
    The OpenAPI document is the one list of all routes with their methods (FastAPI keeps it
    built); an integer path parameter only matches digits, as its route's `:int` does.
    """
    methods: set[str] = set()
    for template, operations in request.app.openapi()["paths"].items():
        integers = {
            p["name"]
            for op in operations.values()
            for p in op.get("parameters", [])
            if p.get("in") == "path" and p.get("schema", {}).get("type") == "integer"
        }
        pattern = "".join(
            ("[0-9]+" if part[1:-1] in integers else "[^/]+") if part.startswith("{") else re.escape(part)
            for part in re.split(r"(\{[^}]+\})", template)
        )
        if re.fullmatch(pattern, request.url.path):
            methods |= {m.upper() for m in operations}
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)


# PostgreSQL SQLSTATEs of the constraints the schema declares.
_UNIQUE, _CHECK, _FOREIGN_KEY, _NOT_NULL = "23505", "23514", "23503", "23502"


def from_integrity_error(exc: IntegrityError) -> AppError:
    """Turn a constraint the database enforced into a 4xx naming the field.

    The API validates first; this is the backstop for races (two creates of one name) and
    for writers that bypass the API. Constraint names follow ck_<table>_<field>... (see
    core/database.py), which is how the field is recovered.
    """
    diag = getattr(exc.orig, "diag", None)
    code = getattr(exc.orig, "sqlstate", None)
    constraint = getattr(diag, "constraint_name", None) or ""
    table = getattr(diag, "table_name", None) or ""
    field_name = (
        getattr(diag, "column_name", None)
        or constraint.removeprefix(f"ck_{table}_").removeprefix(f"uq_{table}_").removeprefix(f"fk_{table}_")
        or "body"
    )
    if code == _UNIQUE:
        return Conflict(f"a record with this {field_name} already exists in {table}", f"{table} 中已存在相同 {field_name} 的记录")
    if code == _FOREIGN_KEY:
        return InvalidInput.one(
            field_name, "refers to a record that does not exist or is still referenced", "引用的记录不存在或仍被引用"
        )
    if code == _NOT_NULL:
        return InvalidInput.one(field_name, "must not be empty", "不能为空")
    return InvalidInput.one(field_name, f"violates the rule {constraint}", f"不符合约束 {constraint}")


def commit_conflict(exc: IntegrityError) -> AppError:
    """A constraint that fired only at commit (a deferred one): the change conflicts with what is
    stored now, typically with a concurrent write. 409, and nothing of the request was stored."""
    err = from_integrity_error(exc)
    return AppError(
        f"{err.message}; nothing was stored", f"{err.message_zh}；未保存任何修改", err.details, status=409, code="conflict"
    )


# SQLSTATEs of a transaction PostgreSQL gave up on, of a lock not granted in lock_timeout, and of a
# statement stopped by statement_timeout (core/database.py).
_SERIALIZATION, _DEADLOCK, _LOCK_TIMEOUT, _CANCELED = "40001", "40P01", "55P03", "57014"
RETRY_AFTER_SECONDS = 5


def from_operational_error(exc: Exception) -> AppError:
    """Database failures that are not the caller's fault: 409 when the transaction lost a race and
    should be sent again, else 503 with Retry-After (down, restarting, busy or too slow).

    A lock that is not granted in time is a 503, not a 409: the request is right and the same request
    succeeds once the other transaction (a bulk load, a long edit) ends, which is what Retry-After says;
    a 409 would tell the caller to change its request.
    """
    orig = getattr(exc, "orig", exc)
    code = getattr(orig, "sqlstate", None)
    if code in (_SERIALIZATION, _DEADLOCK):
        return Conflict(
            "the change collided with a concurrent change and was not stored: send it again",
            "与同时进行的修改冲突，未保存；请重新提交",
        )
    if code == _LOCK_TIMEOUT:
        return ServiceUnavailable(
            "the records are locked by another transaction (such as a bulk load); nothing was stored: try again shortly",
            "记录正被其他事务（如批量导入）锁定，未作修改；请稍后重试",
            "busy",
            RETRY_AFTER_SECONDS,
        )
    if code == _CANCELED:
        return ServiceUnavailable(
            "the request took too long and was stopped; nothing was stored",
            "请求耗时过长，已被终止，未作修改",
            "timeout",
            RETRY_AFTER_SECONDS,
        )
    return ServiceUnavailable(
        "the database is unavailable: try again in a few seconds",
        "数据库暂时不可用，请稍后重试",
        "database_unavailable",
        RETRY_AFTER_SECONDS,
    )


class ProblemBody(BaseModel):
    field: str = Field(description="the field, query parameter or file row at fault")
    problem: str
    problem_zh: str
    location: Any = Field(default=None, description="the coordinate [lon, lat] or bbox where it is wrong")


class ErrorDetail(BaseModel):
    code: str = Field(
        description="validation_failed | not_found | conflict | unauthorized | forbidden | "
        "database_unavailable | busy | timeout | ..."
    )
    message: str
    message_zh: str
    details: list[ProblemBody]


class ErrorBody(BaseModel):
    """Every 4xx and 503 answer has this shape, in English and Chinese."""

    error: ErrorDetail


# What any operation of /api/v1 may answer besides its own successes. Documented once for all
# of them because every one passes the same gates: credentials (401), a key's collections or a
# pending password change (403), the body limit (413), a key's rate (429), the database (503).
ERROR_STATUSES: tuple[tuple[int, str], ...] = (
    (400, "a malformed request: a parameter of the wrong form, or a body that is not JSON"),
    (401, "missing or wrong credentials"),
    (403, "not allowed to you: outside your scope, a collection your key lacks, or a password to change first"),
    (404, "no such record (or not visible to you)"),
    (409, "conflicts with the stored data, or with a concurrent write: nothing was stored"),
    (413, "the request body is larger than the limit"),
    (422, "invalid input: which field, what, where"),
    (429, "too many requests: try again after Retry-After seconds"),
    (503, "the database is unavailable or busy: try again after Retry-After seconds"),
)
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": text} for status, text in ERROR_STATUSES
}
# Conditional writes (PATCH and DELETE of a versioned record, see core/crud.py).
VERSION_RESPONSES: dict[int | str, dict[str, Any]] = {
    412: {"model": ErrorBody, "description": "If-Match names another version than the stored one; `current` holds it"},
    428: {"model": ErrorBody, "description": "If-Match is missing: send the ETag of the version you edited"},
}
