"""Records the brochure tests print: a published park with a hostile name, a profile, officers'
contacts, a recorded gap and two plots; and a bare published park with nothing but its name."""

from collections.abc import Iterator

import pytest

from tests.support.records import if_match

HOSTILE = "<img src=x onerror=alert(1)>园区"
SECRET_PHONE = "0791-88886666"
SECRET_NAME = "王保密"
GAP_REASON = "内部研判：缺少电池回收企业"
HOTLINE = "0791-12345678"  # public: the park's investment hotline
POLICY = {
    "title": "<i>锂电</i>产业扶持办法",
    "issuer": "南昌县人民政府",
    "issued_on": "2025-06-01",
    "summary": "设备投资补助 10%",
    "url": "https://invest.example.cn/policy/1",
}
XIAOLAN = [115.93, 28.52]  # inside 南昌县 (360121)
PLOT = [[115.930, 28.520], [115.934, 28.520], [115.934, 28.523], [115.930, 28.523], [115.930, 28.520]]
SMALL = [[115.936, 28.520], [115.937, 28.520], [115.937, 28.521], [115.936, 28.521], [115.936, 28.520]]


def _park(name: str, **fields: object) -> dict[str, object]:
    return {
        "name": name,
        "level": "provincial",
        "type": "industrial",
        "region_adcode": "360121",
        "location": {"type": "Point", "coordinates": XIAOLAN},
        "source": "test suite",
        "as_of": "2026-01-15",
        "published": True,
        **fields,
    }


def _remove(client, admin, path: str) -> None:
    if client.get(path, headers=admin).status_code == 200:
        client.delete(path, params={"cascade": "true"}, headers=if_match(client, path, admin))


@pytest.fixture(scope="module")
def hostile_park(client, admin) -> Iterator[dict]:
    body = _park(
        HOSTILE,
        approved_area_ha=321.5,
        area_ha=1200,
        area_kind="planned",
        leading_industries=["锂电池", "<b>汽车</b>"],
        profile="第一段 <script>alert(2)</script>\n第二段",
        contacts=[{"name": SECRET_NAME, "role": "招商局", "phone": SECRET_PHONE}],
        hotline=HOTLINE,
        website="https://invest.example.cn/park",
        policies=[POLICY],
    )
    r = client.post("/api/v1/parks", json=body, headers=admin)
    assert r.status_code == 201, r.text
    park = r.json()
    for name, ring, status, price in (("大地块", PLOT, "available", 30), ("小地块", SMALL, "available", 12)):
        plot = {
            "kind": "land",
            "name": name,
            "park_id": park["id"],
            "status": status,
            "price_wan_per_mu": price,
            "land_use": "industrial_2",
            "plot_ratio": {"min": 1.0, "max": 2.5},
            "source": "plot survey 2026",
            "as_of": "2026-02-01",
            "published": True,
            "geometry": {"type": "Polygon", "coordinates": [ring]},
        }
        assert client.post("/api/v1/carriers", json=plot, headers=admin).status_code == 201
    yield park
    _remove(client, admin, f"/api/v1/parks/{park['id']}")


@pytest.fixture(scope="module")
def bare_park(client, admin) -> Iterator[dict]:
    r = client.post("/api/v1/parks", json=_park("空白测试园区"), headers=admin)
    assert r.status_code == 201, r.text
    yield r.json()
    _remove(client, admin, f"/api/v1/parks/{r.json()['id']}")
