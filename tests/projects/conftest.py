"""Records the project tests share: an external investor, parks of two cities, cleaned up after."""

from collections.abc import Iterator

import pytest
from sqlalchemy import text

from tests.support.chains import created, enterprise_body


@pytest.fixture(scope="package")
def investor(client, admin, engine) -> Iterator[dict]:
    """An external enterprise (Shenzhen) to sign and to invest; its projects and targets go with it."""
    with created(
        client, admin, "/api/v1/enterprises", enterprise_body([114.06, 22.54], is_local=False, name="测试投资企业")
    ) as made:
        yield made
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM projects WHERE enterprise_id = :e"), {"e": made["id"]})
            conn.execute(text("DELETE FROM targets WHERE enterprise_id = :e"), {"e": made["id"]})


def _park(engine, prefix: str) -> dict:
    with engine.connect() as conn:
        row = conn.execute(
            text("SELECT id, region_adcode FROM parks WHERE region_adcode LIKE :p ORDER BY id LIMIT 1"), {"p": prefix + "%"}
        ).one()
    return {"id": row[0], "region_adcode": row[1]}


@pytest.fixture(scope="package")
def ganzhou_park(engine) -> dict:
    return _park(engine, "3607")


@pytest.fixture(scope="package")
def nanchang_park(engine) -> dict:
    return _park(engine, "3601")
