"""The map page as a user meets it, in headless Chromium against the real service."""

import json
import math
import re
from collections import Counter
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import mapbox_vector_tile
import pytest
import shapely
from playwright.sync_api import Page, expect

from app.geo.coords import wgs84_to_gcj02
from tests.browser.browser_page import PHONE, UserPage

MU_M2 = 10_000 / 15
VIEW_JS = "() => { const m = window.investmap.map; const c = m.getCenter(); return [c.lat, c.lng, m.getZoom()]; }"


def api(base: str, path: str, **params: Any) -> Any:
    r = httpx.get(f"{base}/api/v1/{path}", params=params)
    r.raise_for_status()
    return r.json()


def listed_park_ids(page: Page) -> list[int]:
    return sorted(page.locator(".result[data-park-id]").evaluate_all("els => els.map(e => +e.dataset.parkId)"))


def city_counts(page: Page) -> list[int]:
    return sorted(page.locator("[data-city-count]").evaluate_all("els => els.map(e => +e.dataset.cityCount)"))


def url_state(page: Page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(page.url).query).items()}


def open_filters(page: Page) -> None:
    if not page.locator("#filters details").evaluate("d => d.open"):
        page.locator("#filters summary").click()


def test_parks_are_on_the_map_and_in_the_list(
    new_page: Callable[..., UserPage], live_server: str, shots: Callable[[Page, str], None]
) -> None:
    user = new_page()
    page = user.open()
    parks = api(live_server, "parks", limit=1000)["items"]
    assert listed_park_ids(page) == sorted(p["id"] for p in parks)
    expect(page.locator("#list-count")).to_have_text(f"共 {len(parks)} 个园区")
    # Province zoom: one bubble per city with its number of zones (a park's parts count under it), not a pin per park.
    shown = {p["id"] for p in parks}
    zones = [p for p in parks if p["parent_id"] not in shown]
    assert len(zones) < len(parks)
    assert city_counts(page) == sorted(Counter(p["city_adcode"] for p in zones).values())
    assert page.locator(".park-dot[data-park-id]").count() == 0
    shots(page, "desktop-province")
    user.assert_clean()


def test_a_filter_changes_map_and_list_to_the_api_set(
    new_page: Callable[..., UserPage], live_server: str, shots: Callable[[Page, str], None]
) -> None:
    user = new_page()
    page = user.open()
    open_filters(page)
    page.select_option("#f-level", "national")
    national_parks = api(live_server, "parks", level="national", limit=1000)["items"]
    national = sorted(p["id"] for p in national_parks)
    expect(page.locator(".result[data-park-id]")).to_have_count(len(national))
    assert listed_park_ids(page) == national
    # The city bubbles count national zones: 25, not the 31 rows with their sub-parks and parts (issue 16).
    zones = api(live_server, "parks", level="national", top_level="true", limit=1000)["items"]
    assert sum(city_counts(page)) == len(zones) == 25
    assert url_state(page)["level"] == "national"
    expect(page.locator(".chip[data-remove=level]")).to_have_text(re.compile("国家级"))

    # A carrier criterion keeps the parks that offer a match: factories here.
    page.select_option("#f-kind", "factory")
    factories = api(live_server, "carriers", kind="factory", limit=10_000)["items"]
    expected = sorted({c["park_id"] for c in factories} & set(national))
    assert 0 < len(expected) < len(national)
    expect(page.locator(".result[data-park-id]")).to_have_count(len(expected))
    assert listed_park_ids(page) == expected
    # A part counts in its city's bubble only when its zone is not shown itself.
    parent_of = {p["id"]: p["parent_id"] for p in national_parks}
    assert sum(city_counts(page)) == len([i for i in expected if parent_of[i] not in expected])
    shots(page, "desktop-filtered")

    # Nothing matches: the list says so and offers to clear the filters.
    page.fill("#f-industry", "不存在的产业")
    page.press("#f-industry", "Enter")
    expect(page.locator("[data-list-state=empty]")).to_be_visible()
    assert city_counts(page) == []
    page.locator("[data-list-state=empty] [data-clear-filters]").click()
    expect(page.locator(".result[data-park-id]")).to_have_count(len(api(live_server, "parks", limit=1000)["items"]))
    assert "level" not in url_state(page)
    user.assert_clean()


def test_clicking_a_park_opens_its_drawer(
    new_page: Callable[..., UserPage], live_server: str, shots: Callable[[Page, str], None]
) -> None:
    park = api(live_server, "parks", q="小蓝经开区")["items"][0]
    detail = api(live_server, f"parks/{park['id']}")
    lon, lat = park["location"]["coordinates"]
    user = new_page()
    page = user.open(f"?c={lat},{lon},12")
    page.locator(f".park-dot[data-park-id='{park['id']}']").click()
    drawer = page.locator("#detail")
    expect(drawer.locator("h2")).to_have_text(park["name"])
    expect(drawer.locator(".badges")).to_contain_text("国家级")
    expect(drawer.locator(".badges")).to_contain_text("经济技术开发区")
    # Issue 16: 18 km² is the planned area (国办函〔2012〕113号), not a catalogue 核准面积.
    expect(drawer.locator(".kv[data-area-kind='planned']")).to_contain_text("规划面积")
    expect(drawer.locator(".kv[data-area-kind='planned']")).to_contain_text("1,800 公顷")
    expect(drawer.locator(".kv", has_text="核准面积")).to_have_count(0)
    expect(drawer.locator(".kv", has_text="批准时间")).to_contain_text(park["approval_date"])
    assert drawer.locator(".tag").all_inner_texts() == park["leading_industries"]
    expect(drawer.locator("[data-approx]")).to_contain_text("大致位置")  # its point is town-level
    expect(drawer.locator("[data-as-of]")).to_have_text(park["as_of"])
    counts = detail["available_carriers"]
    expect(drawer.locator("[data-carrier-counts]")).to_have_text(
        f"可供地块 {counts['land']} · 厂房 {counts['factory']} · 楼宇 {counts['office']}"
    )
    demo = detail["available_carriers_demo"]  # the plots here are generated: the drawer says how many
    expect(drawer.locator("[data-demo-counts]")).to_have_text(
        f"其中演示数据：地块 {demo['land']} · 厂房 {demo['factory']} · 楼宇 {demo['office']}"
    )
    assert url_state(page)["open"] == f"park:{park['id']}"
    shots(page, "desktop-park-drawer")

    # One of its carriers: demo data says so, the area is given in 亩 and m².
    first = drawer.locator("[data-open-carrier]").first
    carrier = api(live_server, f"carriers/{first.get_attribute('data-open-carrier')}")
    first.click()
    expect(drawer.locator("h2")).to_have_text(carrier["name"])
    expect(drawer.locator("[data-demo]")).to_contain_text("演示数据")
    mu = f"{carrier['area_m2'] / MU_M2:,.1f}".removesuffix(".0")
    expect(drawer.locator("[data-area]")).to_have_text(f"{mu} 亩（{carrier['area_m2']:,.0f} m²）")
    ratio = carrier["plot_ratio"]
    expect(drawer.locator("[data-plot-ratio]")).to_have_text(
        f"{ratio['min']:g}–{ratio['max']:g}" if ratio["max"] is not None else f"≥ {ratio['min']:g}"
    )
    expect(drawer.locator(".kv", has_text="所在园区")).to_contain_text(park["name"])
    shots(page, "desktop-carrier-drawer")
    user.assert_clean()


def test_language_switch_changes_the_labels(
    new_page: Callable[..., UserPage], live_server: str, shots: Callable[[Page, str], None]
) -> None:
    user = new_page()
    page = user.open()
    total = len(api(live_server, "parks", limit=1000)["items"])
    page.locator("#lang-btn").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("button[data-tab=parks]")).to_contain_text("Parks")
    expect(page.locator("#list-count")).to_have_text(f"{total} parks")
    expect(page.locator("#search-input")).to_have_attribute("placeholder", "Search parks, cities or counties")
    expect(page.locator(".lc-title")).to_have_text("Layers")
    expect(page.locator(".result").first).to_contain_text("national · ")
    assert url_state(page)["lang"] == "en"
    shots(page, "desktop-english")
    page.locator("#lang-btn").click()
    expect(page.locator("button[data-tab=parks]")).to_contain_text("园区")
    expect(page.locator(".lc-title")).to_have_text("图层")
    user.assert_clean()


def test_a_shared_url_restores_view_filters_and_open_item(new_page: Callable[..., UserPage], live_server: str) -> None:
    user = new_page()
    page = user.open()
    open_filters(page)
    page.select_option("#f-type", "hitech")
    expect(page.locator(".result[data-park-id]")).to_have_count(
        len(api(live_server, "parks", type="hitech", limit=1000)["items"])
    )
    page.locator(".result[data-park-id]").nth(2).click()  # zooms to it and opens it
    page.wait_for_function("() => window.investmap.map.getZoom() >= 12")
    page.wait_for_timeout(800)  # the end of the fly animation
    title = page.locator("#detail h2").inner_text()
    page.locator("#share-btn").click()
    expect(page.locator("[data-qr] svg")).to_be_visible()
    shared = page.locator("[data-share-url]").input_value()
    assert shared == page.url
    view = page.evaluate(VIEW_JS)

    other = new_page()
    fresh = other.page
    fresh.goto(shared)
    fresh.wait_for_selector("body[data-parks-drawn]")
    expect(fresh.locator("#detail h2")).to_have_text(title)
    again = fresh.evaluate(VIEW_JS)
    assert again[2] == view[2]
    assert abs(again[0] - view[0]) < 1e-4 and abs(again[1] - view[1]) < 1e-4
    expect(fresh.locator(".chip[data-remove=type]")).to_be_visible()
    assert url_state(fresh)["type"] == "hitech"
    user.assert_clean()
    other.assert_clean()


def test_phone_shows_a_bottom_sheet_over_a_usable_map(
    new_page: Callable[..., UserPage], live_server: str, shots: Callable[[Page, str], None]
) -> None:
    user = new_page(viewport=PHONE, has_touch=True)
    page = user.open()
    sheet = page.locator("#panel").bounding_box()
    assert sheet is not None
    visible = PHONE["height"] - sheet["y"]
    assert 100 < visible < 200, visible  # the peek: tabs and the count, the map above it
    map_box = page.locator("#map").bounding_box()
    assert map_box == {"x": 0, "y": 0, "width": PHONE["width"], "height": PHONE["height"]}
    total = len(api(live_server, "parks", limit=1000)["items"])
    expect(page.locator("button[data-tab=parks] .tab-count")).to_have_text(str(total))
    shots(page, "phone-peek")

    zoom = float(url_state(page)["c"].split(",")[2])
    page.locator(".leaflet-control-zoom-in").click()
    page.wait_for_function(f"() => window.investmap.map.getZoom() === {zoom + 1}")
    before = url_state(page)["c"]
    page.mouse.move(200, 300)
    page.mouse.down()
    page.mouse.move(120, 220, steps=8)
    page.mouse.up()
    page.wait_for_function(f"() => !location.search.includes('c={before.replace(',', '%2C')}')")

    page.locator("#sheet-handle").click()  # a tap opens the sheet half-way
    page.wait_for_timeout(400)
    half = page.locator("#panel").bounding_box()
    assert half is not None and abs((PHONE["height"] - half["y"]) - PHONE["height"] * 0.5) < 10
    page.locator(".result[data-park-id]").first.click()
    expect(page.locator("#detail h2")).to_be_visible()
    drawer = page.locator("#detail").bounding_box()
    assert drawer is not None and drawer["y"] > PHONE["height"] * 0.2 and drawer["width"] == PHONE["width"]
    page.wait_for_timeout(900)  # the end of the fly to it
    shots(page, "phone-detail")
    user.assert_clean()


def world_pixel(lon: float, lat: float, zoom: float) -> tuple[float, float]:
    """Web Mercator pixel of a position at `zoom`, as Leaflet's EPSG:3857 computes it."""
    scale = 256 * 2**zoom
    y = math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))
    return (lon + 180) / 360 * scale, (1 - y / math.pi) / 2 * scale


def basemap_pixel(page: Page, tile_xyz: Callable[[str], tuple[int, int, int]], lon: float, lat: float) -> tuple[float, float]:
    """Where (lon, lat), in the basemap's own datum, lies on the page: read off a drawn basemap tile."""
    tile = page.locator("img.leaflet-tile-loaded").first
    x, y, z = tile_xyz(tile.get_attribute("src") or "")
    box = tile.bounding_box()
    assert box is not None
    px, py = world_pixel(lon, lat, z)
    return box["x"] + px - x * 256, box["y"] + py - y * 256


def drawn_offset(page: Page, park_id: int, tile_xyz: Callable[[str], tuple[int, int, int]], lon: float, lat: float) -> float:
    """Distance in px between the park's marker and where (lon, lat) lies on the basemap tiles."""
    marker = page.locator(f".park-dot[data-park-id='{park_id}']")
    expect(marker).to_be_visible()  # the markers may be drawn again as the page's state settles
    dot = marker.bounding_box()
    assert dot is not None
    return math.dist(basemap_pixel(page, tile_xyz, lon, lat), (dot["x"] + dot["width"] / 2, dot["y"] + dot["height"] / 2))


def amap_tile(src: str) -> tuple[int, int, int]:
    q = parse_qs(urlparse(src).query)
    return int(q["x"][0]), int(q["y"][0]), int(q["z"][0])


def osm_tile(src: str) -> tuple[int, int, int]:
    z, x, y = re.findall(r"/(\d+)/(\d+)/(\d+)\.png", src)[0]
    return int(x), int(y), int(z)


@pytest.mark.parametrize(
    ("basemap", "stub", "tile_xyz", "shifted"),
    [
        ("amap", "autonavi.com", amap_tile, True),
        ("osm", "tile.openstreetmap.org", osm_tile, False),
    ],
)
def test_overlays_line_up_with_the_basemap_datum(
    new_page: Callable[..., UserPage],
    live_server: str,
    shots: Callable[[Page, str], None],
    basemap: str,
    stub: str,
    tile_xyz: Callable[[str], tuple[int, int, int]],
    shifted: bool,
) -> None:
    park = api(live_server, "parks", q="南昌经开区")["items"][0]
    lon, lat = park["location"]["coordinates"]
    gcj_lon, gcj_lat = wgs84_to_gcj02(lon, lat)
    user = new_page(stub_tiles=stub)
    page = user.open(f"?bm={basemap}&c={lat},{lon},15&layers=parks")
    page.wait_for_selector("img.leaflet-tile-loaded")
    page.wait_for_selector(f".park-dot[data-park-id='{park['id']}']")  # a busy machine may draw it after the tiles
    to_gcj = drawn_offset(page, park["id"], tile_xyz, gcj_lon, gcj_lat)
    to_wgs = drawn_offset(page, park["id"], tile_xyz, lon, lat)
    # At zoom 15 the GCJ-02 shift here is ~60 px: the marker sits on exactly one of the two.
    assert min(to_gcj, to_wgs) < 1.5 and max(to_gcj, to_wgs) > 40
    assert (to_gcj < to_wgs) is shifted
    # The view itself is kept in WGS-84: the URL still names the park's own coordinates.
    c = url_state(page)["c"].split(",")
    assert abs(float(c[0]) - lat) < 1e-4 and abs(float(c[1]) - lon) < 1e-4
    shots(page, f"basemap-{basemap}")
    user.assert_clean()


def test_search_suggests_as_one_types_and_a_choice_filters_or_opens(new_page: Callable[..., UserPage], live_server: str) -> None:
    user = new_page()
    page = user.open()
    page.locator("#search-input").press_sequentially("赣州", delay=30)
    suggestions = page.locator(".sugg[data-index] .sugg-text b")
    expect(suggestions.first).to_have_text("赣州市")
    expected = [i["name"] for i in api(live_server, "search", q="赣州", limit=8)["items"]]
    assert suggestions.all_inner_texts()[: len(expected)] == expected
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")  # the city: filter by it and fit it
    in_city = sorted(p["id"] for p in api(live_server, "parks", region="360700", limit=1000)["items"])
    expect(page.locator(".result[data-park-id]")).to_have_count(len(in_city))
    assert listed_park_ids(page) == in_city and url_state(page)["region"] == "360700"

    page.locator("#search-input").fill("")
    page.locator("#search-input").press_sequentially("小蓝", delay=30)
    expect(page.locator(".sugg[data-index='0'] .sugg-text b")).to_have_text("南昌小蓝经济技术开发区")
    page.locator(".sugg[data-index='0']").click()
    expect(page.locator("#detail h2")).to_have_text("南昌小蓝经济技术开发区")
    page.locator("#search-input").fill("")
    page.locator("#search-input").press_sequentially("没有这个地方", delay=20)
    expect(page.locator(".sugg-empty")).to_contain_text("没有匹配")
    user.assert_clean()


def record_tiles(page: Page) -> list[str]:
    """A list that fills with the URLs of the carrier tiles the page asks for from now on."""
    urls: list[str] = []
    page.on("request", lambda r: urls.append(r.url) if "/tiles/land,factories/" in r.url else None)
    return urls


def wait_drawn(page: Page) -> int:
    """How many carrier features (or grid cells) the layer drew, once its tiles have all come."""
    page.wait_for_selector("body[data-carriers-drawn]", state="attached")
    return int(page.locator("body").get_attribute("data-carriers-drawn") or 0)


def tiles_content(urls: list[str]) -> dict[str, list[dict]]:
    """The tiles' features per layer, decoded by an independent decoder (mapbox-vector-tile)."""
    content: dict[str, list[dict]] = {"land": [], "factories": []}
    for url in urls:
        r = httpx.get(url)
        r.raise_for_status()
        for name, layer in mapbox_vector_tile.decode(r.content).items():
            content[name] += layer["features"]
    return content


def test_carriers_are_drawn_from_tiles_with_the_filters_the_list_has(
    new_page: Callable[..., UserPage], live_server: str, shots: Callable[[Page, str], None]
) -> None:
    park = api(live_server, "parks", q="赣州经开区")["items"][0]
    lon, lat = park["location"]["coordinates"]
    user = new_page()
    asked = record_tiles(user.page)
    page = user.open(f"?c={lat},{lon},7&tab=carriers")
    expect(page.locator(".map-chip")).to_have_text("放大到设区市级别查看可用载体")  # too far out: it says so
    assert asked == []

    # City zoom: the tiles' grid cells counting the carriers, summed into density squares on
    # screen, none lost; the list has the largest carriers in view (issue 12).
    page.evaluate("() => { window.investmap.map.setZoom(10); }")
    drawn = wait_drawn(page)
    urls = list(asked)
    assert urls and all(re.search(r"/tiles/land,factories/10/\d+/\d+\.mvt\?clip=false$", u) for u in urls)
    content = tiles_content(urls)
    cells = content["land"] + content["factories"]
    assert all(f["properties"]["count"] >= 1 for f in cells)
    squares, total = (int(n) for n in (page.locator("body").get_attribute("data-carrier-squares") or "").split("/"))
    assert drawn == squares and 0 < squares <= len(cells)
    assert total == sum(f["properties"]["count"] for f in cells)
    expect(page.locator("[data-list-top]")).to_be_visible()
    shots(page, "carrier-cells")

    # Park zoom, at the first of them: each plot and factory once, however many tiles it meets; the list shows those in view.
    page.locator("[data-zoom-in]").click()
    page.wait_for_function("() => window.investmap.map.getZoom() === 12")
    drawn = wait_drawn(page)
    at12 = [u for u in asked if "/12/" in u]
    ids = {f["id"] for layer in tiles_content(at12).values() for f in layer}
    assert drawn == len(ids) > 0
    expect(page.locator(".result[data-carrier-id]").first).to_be_visible()
    listed = page.locator(".result[data-carrier-id]").evaluate_all("els => els.map(e => +e.dataset.carrierId)")
    assert set(listed) <= ids

    # A filter reaches the tiles: only available carriers are drawn, and the list agrees.
    open_filters(page)
    with page.expect_request(lambda r: "/tiles/land,factories/12/" in r.url and "status=available" in r.url):
        page.select_option("#f-status", "available")
    drawn = wait_drawn(page)
    filtered = [u for u in asked if "status=available" in u]
    content = tiles_content(filtered)
    ids = {f["id"] for layer in content.values() for f in layer}
    assert drawn == len(ids) > 0
    assert {f["properties"]["status"] for layer in content.values() for f in layer} == {"available"}
    expect(page.locator(".chip[data-remove=status]")).to_be_visible()
    page.wait_for_selector(".result[data-carrier-id]")
    listed = page.locator(".result[data-carrier-id]").evaluate_all("els => els.map(e => +e.dataset.carrierId)")
    assert listed and set(listed) <= ids
    shots(page, "carriers-filtered")
    user.assert_clean()


def test_clicking_a_plot_on_the_map_opens_its_drawer(new_page: Callable[..., UserPage], live_server: str) -> None:
    plot = api(live_server, "carriers", kind="land", limit=1)["items"][0]
    inside = shapely.point_on_surface(shapely.from_geojson(json.dumps(plot["geometry"])))
    user = new_page()
    page = user.page
    page.goto(f"{live_server}/?c={inside.y},{inside.x},16&layers=carriers")  # no parks: nothing over the plot
    wait_drawn(page)
    box = page.locator("#map").bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # the view's centre: the plot
    expect(page.locator("#detail h2")).to_have_text(plot["name"])
    assert url_state(page)["open"] == f"carrier:{plot['id']}"
    user.assert_clean()


@pytest.mark.parametrize(
    ("basemap", "stub", "tile_xyz", "shifted"),
    [
        ("amap", "autonavi.com", amap_tile, True),
        ("osm", "tile.openstreetmap.org", osm_tile, False),
    ],
)
def test_carrier_tiles_line_up_with_the_basemap_datum(
    new_page: Callable[..., UserPage],
    live_server: str,
    basemap: str,
    stub: str,
    tile_xyz: Callable[[str], tuple[int, int, int]],
    shifted: bool,
) -> None:
    """The tiles are WGS-84: on Amap each feature is drawn shifted to GCJ-02, like every overlay.
    A factory opens where it lies on the basemap, not where its raw coordinates would put it."""
    factory = api(live_server, "carriers", kind="factory", limit=1)["items"][0]
    lon, lat = factory["geometry"]["coordinates"]
    user = new_page(stub_tiles=stub)
    page = user.page
    page.goto(f"{live_server}/?bm={basemap}&c={lat},{lon},15&layers=carriers")
    page.wait_for_selector("img.leaflet-tile-loaded")
    wait_drawn(page)
    right, wrong = (wgs84_to_gcj02(lon, lat), (lon, lat)) if shifted else ((lon, lat), wgs84_to_gcj02(lon, lat))
    wrong_px, right_px = basemap_pixel(page, tile_xyz, *wrong), basemap_pixel(page, tile_xyz, *right)
    assert math.dist(wrong_px, right_px) > 40  # ~60 px at zoom 15 here
    page.mouse.click(*wrong_px)
    page.wait_for_timeout(300)
    title = page.locator("#detail h2")
    assert not title.count() or title.inner_text() != factory["name"]
    page.mouse.click(*right_px)
    expect(page.locator("#detail h2")).to_have_text(factory["name"])
    user.assert_clean()
