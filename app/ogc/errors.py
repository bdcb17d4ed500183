"""OGC API exception bodies for /ogc and /tiles, from the one error hierarchy (app/core/errors.py).

OGC API - Common describes an exception as {"code", "description"}; the Chinese wording rides
along, and so does the service's own error object (with the per-field details), so that one
client reads every error of the service the same way. Invalid parameters are 400 there (the
REST API says 422 for a body that fails validation).
"""

from typing import Any

from app.core.errors import AppError, register_error_style

_OGC_CODES = {400: "InvalidParameterValue", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound",
              405: "MethodNotAllowed", 406: "NotAcceptable", 409: "Conflict", 413: "PayloadTooLarge",
              503: "ServiceUnavailable"}


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
