"""OGC API exception bodies for /ogc and /tiles, from the one error hierarchy (app/core/errors.py).

OGC API - Common describes an exception as {"code", "description"}; the Chinese wording rides
along, and so does the service's own error object (with the per-field details), so that one
client reads every error of the service the same way. Invalid parameters are 400 there (the
REST API says 422 for a body that fails validation).
"""

from typing import Any

from pydantic import BaseModel, Field

from app.core.errors import AppError, ErrorDetail, register_error_style

_OGC_CODES = {
    400: "InvalidParameterValue",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    405: "MethodNotAllowed",
    406: "NotAcceptable",
    409: "Conflict",
    413: "PayloadTooLarge",
    503: "ServiceUnavailable",
}


def ogc_exception(err: AppError) -> tuple[int, dict[str, Any]]:
    status = 400 if err.status == 422 else err.status
    return status, {
        "code": _OGC_CODES.get(status, "ServerError"),
        "description": err.message,
        "description_zh": err.message_zh,
        **err.body(),
    }


def install() -> None:
    for prefix in ("/ogc", "/tiles"):
        register_error_style(prefix, ogc_exception)


class OgcException(BaseModel):
    """An exception as OGC API - Common writes it, with the Chinese wording and the service's own error."""

    code: str = Field(description="InvalidParameterValue | NotFound | Forbidden | ServiceUnavailable | ...")
    description: str
    description_zh: str
    error: ErrorDetail


# What any /ogc or /tiles operation may answer besides its successes (a 422 of the service is a
# 400 here), and 304 to a conditional GET whose ETag still holds.
OGC_ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    304: {"description": "not modified: the ETag sent in If-None-Match still holds"},
    **{
        status: {"model": OgcException, "description": text}
        for status, text in (
            (400, "an invalid parameter value: which one, what, where"),
            (401, "missing or wrong credentials"),
            (403, "not allowed: a collection the API key lacks, or a password to change first"),
            (404, "no such collection, feature or tile"),
            (406, "a format that is not offered"),
            (413, "the request is larger than the limit"),
            (429, "too many requests: try again after Retry-After seconds"),
            (503, "the database is unavailable or busy: try again after Retry-After seconds"),
        )
    },
}
