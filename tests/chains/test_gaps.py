"""Gap classes follow the data as it changes, the gap layer lists and draws them, and officers
record gaps by hand."""

from collections.abc import Iterator

import pytest

from tests.support.chains import created, delete, enterprise_body, patch, point_in

NANCHANG_COUNTY = "360121"
QINGSHANHU = "360111"


@pytest.fixture
def chain(client, admin) -> Iterator[dict]:
    """A chain of its own: 材料 (upstream) > 材料甲, and 应用 (downstream)."""
    body = {"name": "测试产业链 gaps", "source": "test suite", "published": True}
    with created(client, admin, "/api/v1/chains", body) as made:
        links = {}
        for name, extra in (
            ("材料", {"position": "upstream"}),
            ("材料甲", {"parent": "材料"}),
            ("应用", {"position": "downstream"}),
        ):
            parent = extra.pop("parent", None)
            link = {"name": name, **extra, **({"parent_id": links[parent]} if parent else {})}
            r = client.post(f"/api/v1/chains/{made['id']}/links", json=link, headers=admin)
            assert r.status_code == 201, r.text
            links[name] = r.json()["id"]
        yield {**made, "links": links}
        for name in ("材料甲", "材料", "应用"):
            delete(client, admin, f"/api/v1/chains/{made['id']}/links/{links[name]}")


def _classes(client, admin, chain: dict, **area) -> dict[str, tuple]:
    body = client.get(f"/api/v1/chains/{chain['id']}/coverage", params=area, headers=admin).json()
    return {lk["name"]: (lk["gap_class"], lk["enterprise_count"], lk["has_chain_leader"]) for lk in body["links"]}


def _gaps(client, admin, chain: dict, **params) -> dict[str, str]:
    r = client.get("/api/v1/gaps", params={"chain": chain["id"], **params}, headers=admin)
    assert r.status_code == 200, r.text
    return {g["link_name"]: g["gap_class"] for g in r.json()["items"]}


def test_classes_change_when_enterprises_are_added_and_moved(client, admin, db, chain) -> None:
    here = {"region": NANCHANG_COUNTY}
    assert _classes(client, admin, chain, **here) == {n: ("missing", 0, False) for n in ("材料", "材料甲", "应用")}
    home, elsewhere = point_in(db, NANCHANG_COUNTY), point_in(db, QINGSHANHU)
    on = [chain["links"]["材料甲"]]
    with created(client, admin, "/api/v1/enterprises", enterprise_body(home, link_ids=on, revenue_yi=5)) as first:
        # One small enterprise on 材料甲: weak there, and in 材料 above it.
        assert _classes(client, admin, chain, **here) == {
            "材料": ("weak", 1, False),
            "材料甲": ("weak", 1, False),
            "应用": ("missing", 0, False),
        }
        assert _gaps(client, admin, chain, **here) == {"材料": "weak", "材料甲": "weak", "应用": "missing"}
        with (
            created(
                client, admin, "/api/v1/enterprises", enterprise_body(home, link_ids=on, revenue_yi=20, tags=["chain_leader"])
            ),
            created(client, admin, "/api/v1/enterprises", enterprise_body(home, link_ids=on, revenue_yi=1)) as third,
        ):
            assert _classes(client, admin, chain, **here)["材料甲"] == ("covered", 3, True)
            assert _gaps(client, admin, chain, **here) == {"应用": "missing"}
            # Moving one enterprise out of the county makes the link weak again, here; there it is weak too.
            moved = {"location": {"type": "Point", "coordinates": elsewhere}}
            r = patch(client, admin, f"/api/v1/enterprises/{third['id']}", moved)
            assert r.status_code == 200 and r.json()["region_adcode"] == QINGSHANHU
            assert _classes(client, admin, chain, **here)["材料甲"] == ("weak", 2, True)
            assert _classes(client, admin, chain, region=QINGSHANHU)["材料甲"] == ("weak", 1, False)
            # The city holds both counties: covered there.
            assert _classes(client, admin, chain, region="360100")["材料甲"] == ("covered", 3, True)
        # An external enterprise never covers a link, even one in Jiangxi.
        outsider = enterprise_body(home, link_ids=[chain["links"]["应用"]], is_local=False)
        with created(client, admin, "/api/v1/enterprises", outsider) as ext:
            assert ext["region_adcode"] == NANCHANG_COUNTY
            assert _classes(client, admin, chain, **here)["应用"] == ("missing", 0, False)
        assert first["region_adcode"] == NANCHANG_COUNTY


def test_recorded_gaps_join_the_layer(client, admin, db, chain) -> None:
    gap = {
        "link_id": chain["links"]["应用"],
        "region_adcode": NANCHANG_COUNTY,
        "gap_class": "missing",
        "priority": "high",
        "reason": "缺少终端应用企业",
        "source": "test suite",
    }
    with created(client, admin, "/api/v1/gap_records", gap) as record:
        assert record["area_name"] == "南昌县" and record["chain_id"] == chain["id"] and record["target_count"] == 0
        items = client.get("/api/v1/gaps", params={"chain": chain["id"], "region": NANCHANG_COUNTY}, headers=admin).json()[
            "items"
        ]
        # The record replaces the computed gap of the same link and area.
        applied = [g for g in items if g["link_name"] == "应用"]
        assert len(applied) == 1 and applied[0]["kind"] == "recorded" and applied[0]["gap_id"] == record["id"]
        assert applied[0]["priority"] == "high" and applied[0]["reason"] == "缺少终端应用企业"
        assert applied[0]["data_class"] == "missing"
        # Listed for the city it lies in, not for another one; alone with kind=recorded.
        assert "应用" in _gaps(client, admin, chain, region="360100")
        assert "应用" not in _gaps(client, admin, chain, region="360700", kind="recorded")
        assert set(_gaps(client, admin, chain, kind="recorded")) == {"应用"}
        assert set(_gaps(client, admin, chain, priority="high")) == {"应用"}
        # A second record of the same link and area is a conflict.
        r = client.post("/api/v1/gap_records", json=gap, headers=admin)
        assert r.status_code == 409 and "gap" in r.json()["error"]["message"]
        r = patch(client, admin, f"/api/v1/gap_records/{record['id']}", {"priority": "low"})
        assert r.status_code == 200 and r.json()["priority"] == "low"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"gap_class": "covered"}, "gap_class"),
        ({"region_adcode": None}, "region_adcode"),
        ({"park_id": 1}, "park_id"),
        ({"region_adcode": "369999"}, "region_adcode"),
        ({"link_id": 999_999}, "link_id"),
        ({"reason": ""}, "reason"),
        ({"priority": "urgent"}, "priority"),
    ],
)
def test_bad_recorded_gaps_are_named(client, admin, chain, change: dict, field: str) -> None:
    gap = {"link_id": chain["links"]["应用"], "region_adcode": NANCHANG_COUNTY, "reason": "x", "source": "test suite", **change}
    r = client.post("/api/v1/gap_records", json=gap, headers=admin)
    assert r.status_code == 422, r.text
    assert r.json()["error"]["details"][0]["field"] == field


def test_the_layer_draws_gaps_where_they_should_be_filled(client, admin, db) -> None:
    # By default a chain's gaps are in its clusters' parks: drawn as those parks.
    rare_earth = client.get("/api/v1/chains", params={"q": "稀土"}).json()["items"][0]
    layer = client.get(
        "/api/v1/gaps", params={"chain": rare_earth["id"], "f": "geojson", "limit": 1000, "kind": "computed"}, headers=admin
    ).json()
    assert layer["type"] == "FeatureCollection" and layer["features"]
    for feature in layer["features"]:
        props = feature["properties"]
        assert props["area_kind"] == "cluster" and props["area_name"] == "赣州市稀土新材料及应用集群"
        assert props["gap_class"] in ("missing", "weak")
        assert feature["geometry"]["type"] == "MultiPoint" and len(feature["geometry"]["coordinates"]) == 3
    # Asked for a county, they are drawn as the county.
    county = client.get(
        "/api/v1/gaps", params={"chain": rare_earth["id"], "region": "360783", "f": "geojson"}, headers=admin
    ).json()["features"]
    assert county and {f["geometry"]["type"] for f in county} <= {"Polygon", "MultiPolygon"}
    ids = [f["id"] for f in county]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"region": "369999"}, "region"),
        ({"cluster": 99_999}, "cluster"),
        ({"kind": "guessed"}, "kind"),
        ({"gap_class": "covered"}, "gap_class"),
    ],
)
def test_bad_layer_parameters_are_named(client, admin, params: dict, field: str) -> None:
    r = client.get("/api/v1/gaps", params=params, headers=admin)
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == field


def test_sorting_by_severity_puts_missing_first(client, admin) -> None:
    items = client.get("/api/v1/gaps", params={"sort": "gap_class", "limit": 1000}, headers=admin).json()["items"]
    classes = [g["gap_class"] for g in items]
    assert classes == sorted(classes, key=["missing", "weak"].index) and set(classes) == {"missing", "weak"}
