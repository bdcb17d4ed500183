"""An app whose per-address limit does not get in the way (the abuse tests build their own), the
form a visitor sends, and the parks the routing tests use."""

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.core.settings import InquirySettings
from tests.support.apps import client_with


@pytest.fixture(scope="session")
def inquiries_client(settings: Any) -> Iterator[TestClient]:
    with client_with(inquiries=InquirySettings(per_ip_per_hour=10_000)) as client:
        yield client


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
