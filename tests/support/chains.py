"""Helpers of the chain, enterprise and target tests: valid codes, points, records made and removed."""

import itertools
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text

from app.enterprises.uscc import check_character
from tests.support.records import if_match

_serial = itertools.count(1)


def new_uscc(division: str = "360121") -> str:
    """A valid USCC no other test uses: 91 + division + a serial organisation code + check."""
    body = f"91{division}T{next(_serial):08d}"
    return body + check_character(body)


def point_in(db, adcode: str) -> list[float]:
    db.rollback()
    x, y = db.execute(
        text("SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(geom) p FROM regions WHERE adcode = :a) s"), {"a": adcode}
    ).one()
    return [round(x, 6), round(y, 6)]


def enterprise_body(location: list[float], **fields) -> dict:
    return {
        "name": "测试企业",
        "uscc": new_uscc(),
        "location": {"type": "Point", "coordinates": location},
        "is_local": True,
        "source": "test suite",
        **fields,
    }


@contextmanager
def created(client, admin, path: str, body: dict) -> Iterator[dict]:
    """POST `body`, yield the record, delete it afterwards (whatever the test did)."""
    r = client.post(path, json=body, headers=admin)
    assert r.status_code == 201, r.text
    try:
        yield r.json()
    finally:
        if client.get(f"{path}/{r.json()['id']}", headers=admin).status_code == 200:
            delete(client, admin, f"{path}/{r.json()['id']}")


def patch(client, headers: dict, path: str, body: dict):
    """PATCH with If-Match set to the record's current ETag, as a client that just read it."""
    return client.patch(path, json=body, headers=if_match(client, path, headers))


def delete(client, headers: dict, path: str):
    return client.delete(path, headers=if_match(client, path, headers))
