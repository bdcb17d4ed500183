"""English names of regions and parks, and the search by pinyin and English (issue 13)."""

from typing import Any

from fastapi.testclient import TestClient


def search(client: TestClient, q: str, limit: int = 8) -> list[tuple[str, str]]:
    items: list[dict[str, Any]] = client.get("/api/v1/search", params={"q": q, "limit": limit}).json()["items"]
    return [(i["kind"], i["name"]) for i in items]


def test_every_region_has_its_romanised_english_name(client: TestClient) -> None:
    names = {
        r["adcode"]: r["name_en"]
        for level in ("province", "city", "county")
        for r in client.get("/api/v1/regions", params={"level": level, "limit": 500}).json()["items"]
    }
    assert len(names) == 112 and all(names.values())
    codes = ("360000", "360100", "360113", "360121", "360800", "360704", "361124", "360482", "360730")
    assert {a: names[a] for a in codes} == {
        "360000": "Jiangxi Province",
        "360100": "Nanchang City",
        "360113": "Honggutan District",
        "360121": "Nanchang County",
        "360800": "Ji'an City",  # an apostrophe where the syllable starts with a vowel
        "360704": "Ganxian District",  # a one-syllable specific part keeps its generic in pinyin
        "361124": "Yanshan County",  # 铅山: the place-name reading, not qian
        "360482": "Gongqingcheng City",
        "360730": "Ningdu County",  # 都 read du in place names, not dou
    }


def test_parks_carry_their_official_english_name_or_a_pinyin_rendering(client: TestClient) -> None:
    parks = {p["name"]: p for p in client.get("/api/v1/parks", params={"limit": 1000}).json()["items"]}
    official = parks["南昌经济技术开发区"]
    assert official["name_en"] == "Nanchang Economic and Technological Development Zone"
    assert official["name_pinyin"] == "Nanchang Jingji Jishu Kaifaqu"
    ganzhou = parks["赣州经济技术开发区"]
    assert (ganzhou["name_en"], ganzhou["name_pinyin"]) == (None, "Ganzhou Jingji Jishu Kaifaqu")
    assert parks["南昌高新技术产业开发区"]["name_pinyin"] == "Nanchang Gaoxin Jishu Chanye Kaifaqu"
    assert all(p["name_pinyin"] for p in parks.values()) and sum(bool(p["name_en"]) for p in parks.values()) == 2
    assert official["region_name_en"] == "Qingshanhu District"


def test_search_by_pinyin_initials_and_english(client: TestClient) -> None:
    assert search(client, "nanchang etdz") == [("park", "南昌经济技术开发区"), ("park", "南昌小蓝经济技术开发区")]
    # Whole initials first (南昌市 ncs, 南昌 nc, 南城 nc), cities before counties; then parks whose initials start so.
    nc = search(client, "nc", 5)
    assert nc[0] == ("region", "南昌市") and set(nc[1:3]) == {("region", "南昌县"), ("region", "南城县")}
    assert nc[3:] == [("park", "南昌综合保税区"), ("park", "南昌经济技术开发区")]
    assert search(client, "ncjk") == [("park", "南昌经济技术开发区")]  # the short name's initials (南昌经开区)
    assert search(client, "Honggutan") == [("region", "红谷滩区")]
    assert search(client, "nanchang city") == [("region", "南昌市")]
    assert search(client, "Ji'an", 2) == search(client, "jian", 2) == [("region", "吉安市"), ("region", "吉安县")]
    assert search(client, "ganzhou kaifaqu", 20) == [("park", "赣州经济技术开发区"), ("park", "赣州高新技术产业开发区")]


def test_the_park_list_filter_takes_pinyin_and_english_too(client: TestClient) -> None:
    def names(q: str) -> list[str]:
        return sorted(p["name"] for p in client.get("/api/v1/map/parks", params={"q": q, "limit": 1000}).json()["items"])

    assert names("nanchang etdz") == ["南昌小蓝经济技术开发区", "南昌经济技术开发区"]
    assert names("Ganjiang New Area") == ["江西赣江新区"]
    assert names("%") == []


def test_an_english_park_page_names_the_park_and_its_county_in_english(client: TestClient) -> None:
    parks = {p["name"]: p["id"] for p in client.get("/api/v1/parks", params={"limit": 1000}).json()["items"]}
    official = client.get(f"/p/{parks['南昌经济技术开发区']}?lang=en").text
    assert '<meta property="og:title" content="Nanchang Economic and Technological Development Zone">' in official
    assert "development zone in Qingshanhu District, Jiangxi" in official
    romanised = client.get(f"/p/{parks['赣州经济技术开发区']}?lang=en").text
    assert '<meta property="og:title" content="赣州经济技术开发区 (Ganzhou Jingji Jishu Kaifaqu)">' in romanised
