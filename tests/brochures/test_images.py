"""The 招商册's images (issue 15): maps drawn on the server from the service's own data, and the QR
code that leads back to the same scope on the live map."""

import base64
import io
import re

import zxingcpp
from PIL import Image

from app.brochures.maps import HEIGHT_PX, STATUS_COLOURS, WIDTH_PX, detail_map, location_map, map_data
from app.brochures.model import Scope
from app.brochures.scopes import area
from app.core.auth import ANONYMOUS


def _colour(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def test_the_maps_draw_the_parks_plots_by_status(db, hostile_park) -> None:
    data = map_data(db, area(Scope.PARK, str(hostile_park["id"]), ANONYMOUS))
    assert len(data.plots) == 2 and set(data.plots["status"]) == {"available"} and len(data.park_points) == 1
    for png in (detail_map(data), location_map(data)):
        assert png is not None
        image = Image.open(io.BytesIO(png)).convert("RGB")
        assert image.size == (WIDTH_PX, HEIGHT_PX)
        colours = image.getcolors(maxcolors=1 << 20)
        assert colours is not None and len(colours) > 20  # not a blank page
    image = Image.open(io.BytesIO(detail_map(data) or b"")).convert("RGB")
    counts = dict((c, n) for n, c in image.getcolors(maxcolors=1 << 20) or [])
    # The larger plot fills a good part of the detail map in the colour of "available".
    assert counts.get(_colour(STATUS_COLOURS["available"]), 0) > WIDTH_PX * HEIGHT_PX * 0.02


def test_the_qr_code_leads_to_the_same_scope_on_the_live_map(client, hostile_park) -> None:
    html = client.get(f"/api/v1/brochures/park/{hostile_park['id']}.html", params={"lang": "en"}).text
    uri = re.search(r'<img src="data:image/png;base64,([^"]+)" alt="QR"', html)
    assert uri
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(base64.b64decode(uri.group(1)))))
    expected = f"http://testserver/?open=park:{hostile_park['id']}&lang=en"
    assert [d.text for d in decoded] == [expected]
    assert f'href="{expected.replace("&", "&amp;")}"' in html
