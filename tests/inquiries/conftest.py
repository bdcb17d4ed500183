"""An app whose per-address limit does not get in the way (the abuse tests build their own)."""

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.core.settings import InquirySettings
from tests.support.apps import client_with


@pytest.fixture(scope="session")
def inquiries_client(settings: Any) -> Iterator[TestClient]:
    with client_with(inquiries=InquirySettings(per_ip_per_hour=10_000)) as client:
        yield client
