"""Site selection on the map page itself (issue 12), as an enterprise uses it: two cities at once and
a land use in the filters, the map moving to them, a park's drawer listing only the carriers that
match (and saying how many others there are) with its straight-line distances, the carriers tab at
city zoom, and a comparison gathered from the list and a drawer. One page, one story."""

from collections.abc import Callable
from typing import Any

import httpx
import shapely
from playwright.sync_api import Page, expect

from tests.browser.browser_page import PHONE, UserPage

CITIES = ("360100", "360400")  # 南昌, 九江
LAND_USE = "industrial_2"
VIEW_BOUNDS_JS = """() => { const b = window.investmap.map.getBounds();
  return [b.getSouth(), b.getWest(), b.getNorth(), b.getEast(), window.investmap.map.getZoom()]; }"""


def api(base: str, path: str, **params: Any) -> Any:
    r = httpx.get(f"{base}/api/v1/{path}", params=params)
    r.raise_for_status()
    return r.json()


def outline_bounds(base: str, adcodes: tuple[str, ...]) -> tuple[float, float, float, float]:
    """South, west, north, east of the cities' outlines as the page draws them."""
    points: list[list[float]] = []

    def walk(c: Any) -> None:
        if isinstance(c[0], (int, float)):
            points.append(c)
        else:
            for x in c:
                walk(x)

    for f in api(base, "map/regions", level="city")["features"]:
        if f["id"] in adcodes:
            walk(f["geometry"]["coordinates"])
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    return min(lats), min(lons), max(lats), max(lons)


def ids(page: Page, attr: str) -> list[int]:
    return page.locator(f".result[data-{attr}-id]").evaluate_all(f"els => els.map(e => +e.dataset.{attr}Id)")


def test_an_enterprise_narrows_the_map_and_compares(
    new_page: Callable[..., UserPage], live_server: str, shots: Callable[[Page, str], None]
) -> None:
    user = new_page()
    page = user.open()
    page.locator("#filters summary").click()

    # Two cities at once: the list is the union of each city's parks, and the map moves to them.
    page.locator("#f-region [data-region-toggle]").click()
    for adcode in CITIES:
        page.locator(f"#filters input[name=region][value='{adcode}']").check()
    union = {p["id"] for c in CITIES for p in api(live_server, "parks", region=c, limit=1000)["items"]}
    expect(page.locator(".result[data-park-id]")).to_have_count(len(union))
    assert set(ids(page, "park")) == union
    expect(page.locator("[data-region-summary]")).to_have_text("已选 2 个地区")
    south, west, north, east = outline_bounds(live_server, CITIES)
    page.wait_for_function(f"() => window.investmap.map.getBounds().contains([[{south}, {west}], [{north}, {east}]])")
    s, w, n, e, zoom = page.evaluate(VIEW_BOUNDS_JS)
    assert zoom >= 7.5 and s > 24.4 and n < 30.5  # fitted to the two cities, not left on the whole province
    fitted = page.evaluate("() => { const c = window.investmap.map.getCenter(); return [c.lat, c.lng]; }")
    assert "region=360100%2C360400" in page.url or "region=360100,360400" in page.url

    # A land use: parks offering such a plot in either city, as the map API counts them.
    page.select_option("#f-land_use", LAND_USE)
    both = {"region": ",".join(CITIES), "land_use": LAND_USE}
    parks = api(live_server, "map/parks", f="geojson", limit=1000, count="true", **both)
    assert 0 < parks["numberMatched"] < len(union)
    expect(page.locator(".result[data-park-id]")).to_have_count(parks["numberMatched"])
    expect(page.locator(".chip[data-remove=land_use]")).to_contain_text("二类工业用地")

    # The drawer of a park with both matching and other available carriers lists only the matching.
    def counts(park: int) -> tuple[int, int]:
        base = {"park": park, "status": "available", "limit": 1, "count": "true"}
        return api(live_server, "carriers", land_use=LAND_USE, **base)["count"], api(live_server, "carriers", **base)["count"]

    park, (matching, available) = next((f["id"], c) for f in parks["features"] if (c := counts(f["id"]))[0] and c[1] > c[0])
    page.locator(f".result[data-park-id='{park}']").click()
    drawer = page.locator("#detail")
    expect(drawer.locator("[data-drawer-matching]")).to_have_attribute("data-drawer-matching", str(matching))
    expect(drawer.locator("[data-drawer-others]")).to_have_attribute("data-drawer-others", str(available - matching))
    listed = drawer.locator("[data-open-carrier]").evaluate_all("els => els.map(e => +e.dataset.openCarrier)")
    expected = api(live_server, "carriers", park=park, status="available", land_use=LAND_USE, limit=6, sort="-area_m2")
    assert listed == [c["id"] for c in expected["items"]]
    # Its distances: the API's straight-line km to each kind of facility, said to be straight-line.
    distances = {k: v for k, v in api(live_server, f"parks/{park}")["distances"].items() if v}
    assert distances
    section = drawer.locator("[data-distances]")
    expect(section.locator("h3")).to_have_text("交通区位（直线距离）")
    shown = section.locator("[data-km]").evaluate_all("els => els.map(e => +e.dataset.km)")
    assert shown == list(v["km"] for v in distances.values())
    expect(section).not_to_contain_text("驾车")
    drawer.locator("[data-compare-add]").click()  # a park: the next carrier starts a carriers' comparison
    expect(page.locator("#compare-tray [data-tray-count]")).to_have_attribute("data-tray-count", "1")
    drawer.locator("[data-close]").click()

    # The carriers tab at city zoom: the hundred largest matching carriers in view, not "zoom in".
    page.locator(".chip[data-remove=land_use]").click()
    cities = {"region": ",".join(CITIES)}
    with page.expect_response(lambda r: "/api/v1/map/carriers?" in r.url and "limit=100" in r.url) as answer:
        # Back to the two cities (the park's drawer had flown to park zoom).
        page.evaluate(f"() => {{ window.investmap.map.setView({fitted}, {zoom}); }}")
    page.locator(".tabs [data-tab=carriers]").click()
    url = answer.value.url
    assert "sort=-area_m2" in url and "land_use" not in url
    expect(page.locator("[data-list-top]")).to_contain_text("按面积排列的前 100 个载体")
    bbox = httpx.URL(url).params["bbox"]
    every = api(live_server, "map/carriers", f="geojson", limit=1500, count="true", bbox=bbox, **cities)
    assert every["numberMatched"] > 100
    expect(page.locator(".result[data-carrier-id]")).to_have_count(100)
    areas = {f["id"]: f["properties"]["area_m2"] for f in every["features"]}
    top = ids(page, "carrier")
    assert min(areas[i] for i in top) >= max((a for i, a in areas.items() if i not in top), default=0)
    assert [areas[i] for i in top] == sorted((areas[i] for i in top), reverse=True)
    # "Zoom in" goes to the first of them, at park zoom: never an empty spot.
    first = next(f for f in every["features"] if f["id"] == top[0])
    page.locator("[data-zoom-in]").click()
    page.wait_for_function("() => window.investmap.map.getZoom() === 12")
    centre = shapely.geometry.shape(first["geometry"]).centroid
    assert page.evaluate(f"() => window.investmap.map.getBounds().contains([{centre.y}, {centre.x}])")

    # A comparison gathered from the list (two rows) and a drawer (a third), opened from the tray.
    expect(page.locator("[data-list-top]")).to_have_count(0)  # park zoom: every carrier in view
    expect(page.locator(".result[data-carrier-id]").first).to_be_visible()
    rows = page.locator(".result[data-carrier-id]")
    chosen = ids(page, "carrier")[:3]
    page.locator(f".result[data-carrier-id='{chosen[0]}'] [data-compare-add]").click()
    expect(page.locator("#compare-tray .tray-note")).to_contain_text("对比只能同为园区或同为载体")
    page.locator(f".result[data-carrier-id='{chosen[1]}'] [data-compare-add]").click()
    assert page.locator("#detail").is_hidden()  # the button did not open the row
    rows.filter(has=page.locator(f"[data-compare-add='carrier:{chosen[2]}']")).locator("b").click()
    expect(page.locator("#detail h2")).to_be_visible()
    page.locator("#detail [data-compare-add]").click()
    expect(page.locator("#detail [data-compare-add]")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#compare-tray [data-tray-count]")).to_have_attribute("data-tray-count", "3")
    page.locator("#compare-tray [data-tray-open]").click()
    table = page.locator("#sites table.compare")
    names = [c["name"] for c in api(live_server, "sites/compare", carriers=",".join(map(str, chosen)))["items"]]
    expect(table.locator("thead th")).to_have_count(4)
    assert [t.split("来源")[0].strip() for t in table.locator("thead th").all_inner_texts()[1:]] == names
    expect(page.locator("#sites")).to_contain_text("距离均为直线距离，非驾车距离。")
    shots(page, "map-selection-compare")

    # The link reopens the same comparison.
    assert f"cmp=carrier%3A{'%2C'.join(map(str, chosen))}" in page.url
    page.goto(page.url)
    expect(table.locator("thead th")).to_have_count(4)
    assert [t.split("来源")[0].strip() for t in table.locator("thead th").all_inner_texts()[1:]] == names
    expect(page.locator("#compare-tray [data-tray-count]")).to_have_attribute("data-tray-count", "3")

    # On a phone, in English: the comparison stays, in English, scrolling sideways; a drawer's distances say straight-line.
    page.set_viewport_size(PHONE)
    page.locator("#lang-btn").click()
    expect(table.locator("tbody th").first).to_have_text("park")
    expect(page.locator("#compare-tray [data-tray-count]")).to_have_text("Compare (3/4)")
    assert page.locator("#sites .compare-scroll").evaluate("e => e.scrollWidth > e.clientWidth")
    shots(page, "map-selection-compare-phone")
    page.goto(f"{live_server}/?lang=en&open=carrier:{chosen[0]}")
    expect(page.locator("#detail [data-distances] h3")).to_have_text("Nearby facilities (straight-line distance)")
    expect(page.locator("#detail [data-distances] [data-km]").first).to_contain_text("km straight-line")
    user.assert_clean()


def test_a_radius_round_the_map_centre_and_an_airport_limit(new_page: Callable[..., UserPage], live_server: str) -> None:
    user = new_page()
    page = user.open("?c=28.68000,115.89000,10")
    page.locator("#filters summary").click()
    with page.expect_response(lambda r: "/api/v1/map/carriers?" in r.url and "within_km=15" in r.url) as carriers:
        page.locator("#f-within_km").fill("15")
        page.locator("#f-within_km").press("Tab")
    near = "115.89000,28.68000"  # the map's centre, as the URL has it
    assert httpx.URL(carriers.value.url).params["near"] == near
    assert f"near={near.replace(',', '%2C')}" in page.url
    expect(page.locator("path.filter-ring")).to_have_count(1)
    everything = api(live_server, "map/parks", limit=1000)["items"]
    ringed = api(live_server, "map/parks", near=near, within_km=15, limit=1000)["items"]
    assert 0 < len(ringed) < len(everything)
    expect(page.locator(".result[data-park-id]")).to_have_count(len(ringed))
    assert set(ids(page, "park")) == {p["id"] for p in ringed}
    expect(page.locator(".chip[data-remove=within_km]")).to_have_text("15 公里范围内（直线）×")
    # An airport limit on top: the API's set again.
    page.locator("#f-max_km_to_airport").fill("12")
    page.locator("#f-max_km_to_airport").press("Tab")
    both = api(live_server, "map/parks", near=near, within_km=15, max_km_to_airport=12, limit=1000)["items"]
    assert len(both) < len(ringed)
    expect(page.locator(".result[data-park-id]")).to_have_count(len(both))
    # Its chip takes the ring and its centre away.
    page.locator(".chip[data-remove=within_km]").click()
    expect(page.locator("path.filter-ring")).to_have_count(0)
    assert "near=" not in page.url and "within_km" not in page.url
    user.assert_clean()
