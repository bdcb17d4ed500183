"""Investment inquiries as tests send them: the public form, the parks to send it about, and the
rows of the authorisation matrix (tests/core/test_authz_matrix.py) for the inquiry routes."""

import itertools
from collections.abc import Callable
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.enterprises.uscc import check_character
from app.inquiries.limiter import WindowLimiter
from tests.support.apps import state


def form(park_id: int | None = None, **fields: Any) -> dict[str, Any]:
    """What the public form sends; `fields` override or add."""
    body: dict[str, Any] = {
        "park_id": park_id,
        "company": "测试新材料有限公司",
        "contact_person": "王经理",
        "phone": "+86 138-0013-8000",
        "email": "wang@example.com",
        "industry": "新材料",
        "investment_wan": 50000,
        "area_mu": 120,
        "timeline": "6m",
        "message": "希望了解标准厂房租金",
        "consent": True,
    }
    return {**body, **fields}


def published_park(db: Session, city: str, index: int = 0) -> tuple[int, str]:
    """(id, county) of the `index`-th published park in `city`."""
    rows = db.execute(
        text(
            "SELECT p.id, p.region_adcode FROM parks p JOIN regions r ON r.adcode = p.region_adcode "
            "WHERE p.published AND r.parent_adcode = :city ORDER BY p.id"
        ),
        {"city": city},
    ).all()
    return rows[index].id, rows[index].region_adcode


_N = itertools.count()
Row = tuple[tuple[Any, ...], Callable[[Any], tuple[str, str, dict[str, Any] | None, dict[str, str]]]]


def _fresh_window(w: Any) -> None:
    """Each case starts a new per-address window: the limit has its own test (tests/inquiries/test_abuse.py)."""
    state(w.client).inquiry_limiter = WindowLimiter()


def _inquiry(w: Any, *moves: dict[str, Any]) -> tuple[str, str]:
    """A new inquiry about the Xiaolan park, assigned to officer_nc by the admin, then `moves`:
    its path and its status token."""
    _fresh_window(w)
    r = w.client.post("/api/v1/inquiries", json=form(w.xiaolan, company=f"矩阵意向企业 {next(_N)}"))
    assert r.status_code == 201, r.text
    reference, token = r.json()["reference"], r.json()["status_token"]
    found = w.client.get("/api/v1/inquiries", params={"limit": 500}, headers=w.admin).json()["items"]
    path = f"/api/v1/inquiries/{next(i['id'] for i in found if i['reference'] == reference)}"
    officer = next(u["id"] for u in w.client.get("/api/v1/admin/users", headers=w.admin).json() if u["username"] == "officer_nc")
    for body in ({"to": "assigned", "assignee_id": officer}, *moves):
        assert w.client.post(f"{path}/transitions", json=body, headers=w.admin).status_code == 200
    return path, token


def _uscc(n: int) -> str:
    first = f"9131000{n:010d}"
    return first + check_character(first)


def matrix_rows(OPEN: tuple[Any, ...], STAFF_READ: tuple[Any, ...], WRITE: tuple[Any, ...]) -> dict[str, Row]:  # noqa: N803
    """Contact details: the routed or assigned officer, leaders and admins; 404 for anyone else."""
    seen = (404, 200, 404, 200, 200, 404, 404)
    moves = (401, "ok", 404, 403, "ok", 404, 403)  # leaders read only; a write key sees no inquiry
    shanghai = {"type": "Point", "coordinates": [121.47, 31.23]}
    return {
        "GET /api/v1/inquiries/consent": (OPEN, lambda w: ("GET", "/api/v1/inquiries/consent", None, {})),
        "POST /api/v1/inquiries": (
            (201,) * 7,
            lambda w: (_fresh_window(w), ("POST", "/api/v1/inquiries", form(w.xiaolan, company="矩阵表单"), {}))[1],
        ),
        "GET /api/v1/inquiries/status/{token}": (OPEN, lambda w: ("GET", f"/api/v1/inquiries/status/{_inquiry(w)[1]}", None, {})),
        "GET /api/v1/inquiries": (STAFF_READ, lambda w: ("GET", "/api/v1/inquiries?limit=5", None, {})),
        "GET /api/v1/inquiries/badge": (STAFF_READ, lambda w: ("GET", "/api/v1/inquiries/badge", None, {})),
        "GET /api/v1/inquiries/{item_id}": (seen, lambda w: ("GET", _inquiry(w)[0], None, {})),
        "POST /api/v1/inquiries/{item_id}/transitions": (
            moves,
            lambda w: ("POST", f"{_inquiry(w)[0]}/transitions", {"to": "contacted"}, {}),
        ),
        "POST /api/v1/inquiries/{item_id}/conversion": (
            moves,
            lambda w: (
                "POST",
                f"{_inquiry(w, {'to': 'contacted'})[0]}/conversion",
                {"link_id": 1, "uscc": _uscc(next(_N)), "location": shanghai},
                {},
            ),
        ),
        "PUT /api/v1/inquiries/notify-address": (
            STAFF_READ,
            lambda w: ("PUT", "/api/v1/inquiries/notify-address", {"email": None}, {}),
        ),
        "GET /api/v1/parks/{item_id}/inquiry-receivers": (
            STAFF_READ,
            lambda w: ("GET", f"/api/v1/parks/{w.xiaolan}/inquiry-receivers", None, {}),
        ),
        "PUT /api/v1/parks/{item_id}/inquiry-receivers": (
            WRITE,
            lambda w: ("PUT", f"/api/v1/parks/{w.xiaolan}/inquiry-receivers", {"user_ids": []}, {}),
        ),
        "GET /p/{item_id}": (OPEN, lambda w: ("GET", f"/p/{w.xiaolan}", None, {})),
        "GET /c/{item_id}": (OPEN, lambda w: ("GET", f"/c/{w.carrier}", None, {})),
    }
