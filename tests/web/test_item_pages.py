"""The pages of parks and carriers that share well (issue 13): /p/{id} and /c/{id} carry the
item's title, description, canonical URL and Open Graph tags, escaped, and send people on to the
map with the item open; drafts are not found there."""

import io
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import text
from sqlalchemy.orm import Session

HOSTILE = 'Park "><script>alert(1)</script> & <b>'


class _Head(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.links: dict[str, str] = {}
        self.tags: list[str] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        a = {k: v or "" for k, v in attrs}
        if tag == "meta":
            key = a.get("property") or a.get("name") or a.get("itemprop") or a.get("http-equiv")
            if key:
                self.meta[key] = a.get("content", "")
        elif tag == "link":
            self.links[a.get("rel", "")] = a.get("href", "")
        self._in_title = tag == "title"

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False


def _parsed(body: str) -> _Head:
    head = _Head()
    head.feed(body)
    return head


@pytest.fixture
def hostile_park(db: Session) -> Iterator[int]:
    """A published park whose name is markup, with industries (deleted afterwards)."""
    park_id = db.execute(
        text(
            "INSERT INTO parks (name, level, type, kind, region_adcode, location, source, published, leading_industries, "
            "approved_area_ha) VALUES (:n, 'provincial', 'industrial', 'provincial_dz', '360121', "
            "ST_SetSRID(ST_MakePoint(116.0, 28.5), 4326), "
            "'test', true, ARRAY['锂电', 'AI <i>'], 250.5) RETURNING id"
        ),
        {"n": HOSTILE},
    ).scalar_one()
    db.commit()
    yield park_id
    db.execute(text("DELETE FROM parks WHERE id = :i"), {"i": park_id})
    db.commit()


def test_a_park_page_shares_its_name_and_offer(client: TestClient, hostile_park: int, db: Session) -> None:
    r = client.get(f"/p/{hostile_park}")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "<script>" not in r.text and "<i>" not in r.text
    head = _parsed(r.text)
    assert "script" not in head.tags and "i" not in head.tags
    assert head.meta["og:title"] == HOSTILE and head.title == f"{HOSTILE} · 招商一张图 · 江西"
    description = head.meta["og:description"]
    assert description == head.meta["description"]
    assert "省级工业园区" in description and "核准面积 250.5 公顷" in description and "锂电、AI <i>" in description
    assert "可供地块 0 宗" in description
    assert head.links["canonical"] == head.meta["og:url"] == f"http://testserver/p/{hostile_park}"
    assert head.meta["refresh"] == f"0; url=/?open=park:{hostile_park}"

    english = _parsed(client.get(f"/p/{hostile_park}?lang=en").text)
    assert "provincial industrial park" in english.meta["og:description"]
    assert english.meta["refresh"].endswith(f"open=park:{hostile_park}&lang=en")

    again = client.get(f"/p/{hostile_park}", headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304

    db.execute(text("UPDATE parks SET published = false WHERE id = :i"), {"i": hostile_park})
    db.commit()
    assert client.get(f"/p/{hostile_park}").status_code == 404
    assert client.get("/p/99999999").status_code == 404


def test_a_carrier_page(client: TestClient, db: Session) -> None:
    row = db.execute(
        text(
            "SELECT c.id, c.name, p.name AS park, c.area_m2, c.is_demo FROM carriers c JOIN parks p ON p.id = c.park_id "
            "WHERE c.published AND p.published AND c.kind = 'land' ORDER BY c.id LIMIT 1"
        )
    ).one()
    head = _parsed(client.get(f"/c/{row.id}").text)
    assert head.meta["og:title"] == row.name
    assert row.park in head.meta["og:description"] and "面积" in head.meta["og:description"]
    assert head.meta["og:description"].startswith("演示数据") == row.is_demo
    assert head.meta["refresh"] == f"0; url=/?open=carrier:{row.id}"


def test_a_shared_link_shows_the_parks_map(client: TestClient, db: Session) -> None:
    """og:image is a PNG the service draws of the park (WeChat shows no SVG), absolute, its size
    as the tags say; a carrier's page shows its park's map; a draft park has no image."""
    park_id, carrier_id = db.execute(
        text(
            "SELECT p.id, c.id FROM parks p JOIN carriers c ON c.park_id = p.id "
            "WHERE p.published AND c.published AND c.kind = 'land' ORDER BY p.id, c.id LIMIT 1"
        )
    ).one()
    head = _parsed(client.get(f"/p/{park_id}").text)
    image = head.meta["og:image"]
    assert image == f"http://testserver/api/v1/brochures/park/{park_id}.png"
    assert head.meta["twitter:image"] == head.meta["image"] == image
    assert head.meta["twitter:card"] == "summary_large_image" and head.meta["og:image:type"] == "image/png"
    assert head.meta["twitter:title"] == head.meta["og:title"]
    assert head.meta["og:image:alt"].endswith("位置图")
    assert _parsed(client.get(f"/c/{carrier_id}").text).meta["og:image"] == image

    r = client.get(image.removeprefix("http://testserver"))
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    with Image.open(io.BytesIO(r.content)) as png:
        assert png.format == "PNG"
        assert png.size == (int(head.meta["og:image:width"]), int(head.meta["og:image:height"]))
        # Not a blank canvas: the park and its plots are drawn in colour.
        colours = png.convert("RGB").getcolors(maxcolors=1 << 20) or []
        assert len(colours) > 20
    assert client.get(image, headers={"If-None-Match": r.headers["etag"]}).status_code == 304

    db.execute(text("UPDATE parks SET published = false WHERE id = :i"), {"i": park_id})
    db.commit()
    try:
        assert client.get(f"/api/v1/brochures/park/{park_id}.png").status_code == 404
    finally:
        db.execute(text("UPDATE parks SET published = true WHERE id = :i"), {"i": park_id})
        db.commit()
    assert client.get("/api/v1/brochures/park/99999999.png").status_code == 404
