"""Requirement matching on a hand-built set whose right order is known: the ranking, every verdict
line, hard and soft switches, exclusions counted, drafts unseen; and its bad inputs."""

import json
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.carriers.models import MU_M2
from app.core.auth import ANONYMOUS, Principal
from app.sites import matching
from app.sites.schemas import MatchRequest

# 铜鼓县: no park or carrier of the suite's data within 20 km of this point.
LON, LAT = 114.40929, 28.607457
STAFF = Principal("staff", role="admin")
# name: (area in mu, price, published)
SITES = {
    "A": (50, 20.0, True),
    "B": (50, 33.0, True),  # 10% over budget: a near miss
    "C": (35, 10.0, True),  # too small: excluded by the hard area limit
    "D": (55, 50.0, True),  # 67% over budget: price scores 0
    "E": (45, None, True),  # no published price: unknown, half a score
    "F": (50, 5.0, False),  # a draft: the best on paper, unseen by the public
}


def _square(lon: float, lat: float, mu: float) -> str:
    # ~ the size asked for; the stated area is what counts.
    side = (mu * MU_M2) ** 0.5 / 100_000
    return f"POLYGON(({lon} {lat},{lon + side} {lat},{lon + side} {lat + side},{lon} {lat + side},{lon} {lat}))"


@pytest.fixture
def sites(db: Session) -> Iterator[dict[str, int]]:
    park = db.execute(
        text(
            "INSERT INTO parks (name, level, type, kind, region_adcode, location, source, published, leading_industries) "
            "VALUES ('测试园区', 'provincial', 'industrial', 'provincial_park', '360926', "
            "ST_SetSRID(ST_MakePoint(:lon, :lat), 4326), 'test', true, "
            "'{汽车零部件}') RETURNING id"
        ),
        {"lon": LON, "lat": LAT},
    ).scalar_one()
    db.execute(
        text(
            "INSERT INTO facilities (kind, name, location, source, published) "
            "VALUES ('rail_station', '测试站', ST_SetSRID(ST_MakePoint(:lon, :lat), 4326), 'test', true)"
        ),
        {"lon": LON + 0.05, "lat": LAT},
    )
    ids = {}
    for i, (name, (mu, price, published)) in enumerate(SITES.items()):
        ids[name] = db.execute(
            text(
                "INSERT INTO carriers (kind, name, park_id, status, geom, area_m2, land_use, price_wan_per_mu, source, "
                "published) VALUES ('land', :name, :park, 'available', ST_GeomFromText(:wkt, 4326), :m2, 'industrial_1', "
                ":price, 'test', :pub) RETURNING id"
            ),
            {
                "name": name,
                "park": park,
                "wkt": _square(LON + i * 0.002, LAT + 0.001, mu),
                "m2": mu * MU_M2,
                "price": price,
                "pub": published,
            },
        ).scalar_one()
    yield ids
    db.rollback()


def _match(db: Session, body: dict, user: Principal = ANONYMOUS) -> dict:
    req = MatchRequest.model_validate({"kind": "land", "near": {"lon": LON, "lat": LAT, "km": 5}, **body})
    return json.loads(db.execute(matching.statement(req, user)).scalar_one())


REQUIREMENT = {
    "area": {"min": 40, "max": 60, "unit": "mu"},
    "price": {"max": 30, "weight": 2},
    "distances": {"rail_station": {"km": 30}},
    "industry": {"keyword": "汽车", "weight": 0},
}


def test_ranking_scores_and_every_verdict_line(db: Session, sites: dict[str, int]) -> None:
    got = _match(db, REQUIREMENT)
    by_id = {v: k for k, v in sites.items()}
    assert [(by_id[r["id"]], r["score"], r["rank"]) for r in got["results"]] == [
        ("A", 100, 1),
        ("B", 90, 2),
        ("E", 75, 3),
        ("D", 50, 4),
    ]
    assert (got["candidates"], got["matched"]) == (5, 4)
    assert got["excluded"] == {
        "total": 1,
        "by": {"area": 1},
        "zh": "排除 1 个：面积不符 1 个",
        "en": "1 excluded: 1 wrong size",
    }
    lines = {by_id[r["id"]]: [(v["criterion"], v["verdict"], v["zh"], v["en"]) for v in r["verdicts"]] for r in got["results"]}
    assert lines["B"][0] == ("area", "met", "面积 50.0 亩，符合 40–60 亩", "area 50.0 mu, within 40–60 mu")
    assert lines["B"][1] == ("price", "near", "价格 33.00 万元/亩，超出预算 3.00", "price 33.00 10k yuan/mu, 3.00 over budget")
    assert lines["B"][2] == ("industry", "met", "园区主导产业含“汽车”", "the park's leading industries include “汽车”")
    assert lines["D"][1] == ("price", "miss", "价格 50.00 万元/亩，超出预算 20.00", "price 50.00 10k yuan/mu, 20.00 over budget")
    assert lines["E"][1] == ("price", "unknown", "未公布价格", "no published price")
    criterion, verdict, zh, en = lines["A"][3]
    assert (criterion, verdict) == ("distance_rail_station", "met")
    assert zh.startswith("距最近高铁 / 铁路客运站（测试站）直线 ") and zh.endswith(" 公里，不超过 30 公里")
    assert "straight-line" in en
    assert [p["ranks"] for p in got["parks"]] == [[1, 2, 3, 4]]


def test_hard_and_soft_switch(db: Session, sites: dict[str, int]) -> None:
    hard_price = {**REQUIREMENT, "price": {"max": 30, "hard": True}}
    got = _match(db, hard_price)
    assert [r["id"] for r in got["results"]] == [sites["A"]]
    # A near miss and an unknown price fail a hard limit too.
    assert got["excluded"]["by"] == {"area": 1, "price": 3}
    assert got["excluded"]["total"] == 4
    # The area made soft: C is ranked, scored down by its 12.5% shortfall (1 - 0.125 / 0.5 = 0.75).
    soft_area = {**REQUIREMENT, "area": {"min": 40, "max": 60, "hard": False}}
    ranked = {r["id"]: r for r in _match(db, soft_area)["results"]}
    c = ranked[sites["C"]]
    assert c["verdicts"][0]["zh"] == "面积 35.0 亩，比要求少 5.0 亩"
    assert c["verdicts"][0]["en"] == "area 35.0 mu, 5.0 mu smaller than asked"
    assert c["score"] == round(100 * (0.75 + 2 * 1 + 1) / 4)


def test_each_excluded_site_is_counted_once_under_the_first_hard_criterion_it_fails(db: Session, sites: dict[str, int]) -> None:
    # The region is checked first: outside Nanchang, C (also too small) counts as outside only.
    outside = _match(db, {**REQUIREMENT, "regions": {"adcodes": ["360100", "360400"]}, "price": {"max": 30, "hard": True}})
    assert (outside["candidates"], outside["matched"], outside["results"]) == (5, 0, [])
    assert outside["excluded"]["by"] == {"region": 5, "area": 0, "price": 0}
    assert outside["excluded"]["zh"] == "排除 5 个：不在所选地区 5 个"
    # In 宜春 (the park's city): the area, then the price, then the distance.
    inside = _match(
        db,
        {
            **REQUIREMENT,
            "regions": {"adcodes": ["360900"]},
            "price": {"max": 30, "hard": True},
            "distances": {"rail_station": {"km": 30, "hard": True}},
        },
    )
    assert inside["excluded"]["by"] == {"region": 0, "area": 1, "price": 3, "distance_rail_station": 0}
    assert (inside["excluded"]["total"], inside["matched"]) == (4, 1)
    assert [r["id"] for r in inside["results"]] == [sites["A"]]


def test_the_public_never_sees_drafts(db: Session, sites: dict[str, int]) -> None:
    public = _match(db, REQUIREMENT)
    assert sites["F"] not in {r["id"] for r in public["results"]}
    staff = _match(db, REQUIREMENT, STAFF)
    # Staff see it, tied first with A (equal scores rank by id).
    assert [(r["id"], r["score"]) for r in staff["results"][:2]] == [(sites["A"], 100), (sites["F"], 100)]
    assert staff["candidates"] == 6


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "castle"}, "kind"),
        ({"kind": "land", "area": {"min": 60, "max": 40}}, "area"),
        ({"kind": "land", "area": {"unit": "mu"}}, "area"),
        ({"kind": "land", "price": {"max": -3}}, "price.max"),
        ({"kind": "land", "distances": {"spaceport": {"km": 5}}}, "distances.spaceport.[key]"),
        ({"kind": "land", "distances": {"airport": {"km": 0}}}, "distances.airport.km"),
        ({"kind": "land", "regions": {"adcodes": ["3601"]}}, "regions.adcodes.0"),
        ({"kind": "land", "regions": {"adcodes": ["360100", "369999"]}}, "regions.adcodes.1"),
        ({"kind": "land", "near": {"lon": 121.47, "lat": 31.23, "km": 5}}, "near"),
        ({"kind": "land", "limit": 1000}, "limit"),
        ({"kind": "land", "colour": "red"}, "colour"),
    ],
)
def test_bad_requirements_are_refused_naming_the_field(client, body: dict, field: str) -> None:
    r = client.post("/api/v1/sites/match", json=body)
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err["details"][0]["field"] == field
    assert err["message"] and err["message_zh"]


def test_the_shared_link_answers_as_the_post(client) -> None:
    body = {"kind": "land", "area": {"min": 20, "unit": "mu"}, "regions": {"adcodes": ["360100"]}, "limit": 5}
    posted = client.post("/api/v1/sites/match", json=body)
    linked = client.get("/api/v1/sites/match", params={"r": json.dumps(body)})
    assert posted.status_code == linked.status_code == 200
    assert posted.json() == linked.json()
    assert posted.json()["results"]
    assert client.get("/api/v1/sites/match", params={"r": "{not json"}).json()["error"]["details"][0]["field"] == "r"


def test_a_requirement_is_read_as_json_means_it(client) -> None:
    # "20" is text, not a number of results; true is not a weight.
    for body, field in (
        ({"kind": "land", "limit": "20"}, "limit"),
        ({"kind": "land", "price": {"max": 10, "weight": True}}, "weight"),
    ):
        r = client.post("/api/v1/sites/match", json=body)
        assert r.status_code == 422, r.text
        assert r.json()["error"]["details"][0]["field"] == field


def test_the_comparison_opened_from_a_match_shows_its_verdicts(db: Session, sites: dict[str, int]) -> None:
    from app.sites.compare import compare

    req = MatchRequest.model_validate({"kind": "land", **REQUIREMENT})
    got = compare(db, ANONYMOUS, "carriers", [sites["B"], sites["C"], sites["A"]], req)["requirement"]
    # C fails the hard area limit: judged, but given no score (the match excluded it).
    assert got["scores"] == [90, None, 100]
    assert got["scoring"] == matching.SCORING
    rows = {r["criterion"]: r for r in got["rows"]}
    assert list(rows) == ["area", "price", "industry", "distance_rail_station"]
    assert (rows["area"]["zh"], rows["area"]["en"], rows["area"]["hard"]) == ("面积", "area", True)
    assert [v["verdict"] for v in rows["area"]["values"]] == ["met", "near", "met"]
    assert rows["area"]["values"][1]["zh"] == "面积 35.0 亩，比要求少 5.0 亩"
    assert [v["verdict"] for v in rows["price"]["values"]] == ["near", "met", "met"]
    assert (rows["price"]["zh"], rows["price"]["weight"]) == ("价格", 2.0)
    assert rows["distance_rail_station"]["en"] == "to the nearest high-speed rail / rail station (straight line)"
    assert [v["verdict"] for v in rows["distance_rail_station"]["values"]] == ["met"] * 3
