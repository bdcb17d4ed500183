"""The brochure as HTML: one Jinja2 template with autoescape on for every interpolation (a park
named `<img onerror=...>` prints as text), a print stylesheet served by the service (A4, page
breaks, running header, page numbers), the maps and the QR code embedded as data: images.

The same HTML is the web edition and, printed by Chromium, the PDF (pdf.py): only where its
stylesheet and font are fetched from differs (`assets`)."""

import base64
import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import segno
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from app.infrastructure.models import FacilityKind

from .model import Brochure, DistanceRow, Edition, LandSort, Lang
from .texts import CODED_FIGURES, FIGURE_LABELS, TEXTS, code_label

HERE = Path(__file__).parent
STATIC = HERE / "static"
_ENV = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True)
class Extras:
    """What the page shows beside the data."""

    live_url: str  # the same scope on the live map (the QR code's address)
    version: int  # the data version the brochure was gathered at
    assets: str  # where brochure.css and the font are fetched from
    location_png: bytes | None
    detail_png: bytes | None
    sort: LandSort
    running: bool = False  # link running.css (the PDF's running header, written by `running_css`)


def _data_uri(png: bytes | None) -> str | None:
    return None if png is None else "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def qr_png(url: str) -> bytes:
    """The QR code of `url`: error correction M, as the share dialog draws it."""
    out = io.BytesIO()
    segno.make_qr(url, error="m").save(out, kind="png", scale=8, border=2)
    return out.getvalue()


def _css_string(text: str) -> str:
    """`text` as a CSS string literal: a record's name cannot end the string or the rule."""
    escaped = "".join(c if c.isprintable() and c not in '"\\' else f"\\{ord(c):x} " for c in text)
    return f'"{escaped}"'


def running_css(header: str) -> str:
    """The PDF's running header (the scope's name and the brochure's kind) in the top margin of
    every page. A margin box takes its text from CSS only, so it is written per brochure."""
    font = '8pt "WenQuanYi Micro Hei", "Brochure CJK", sans-serif'
    return f"@page {{ @top-left {{ content: {_css_string(header)}; font: {font}; color: #777; }} }}\n"


def header_of(b: Brochure, lang: Lang) -> str:
    return f"{b.name} · {TEXTS[lang.value][f'guide_{b.scope.value}']}"


def _number(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _range(low: float | None, high: float | None) -> str:
    if low is None and high is None:
        return ""
    if high is None:
        return f"≥ {_number(low)}"
    if low is None:
        return f"≤ {_number(high)}"
    return _number(low) if low == high else f"{_number(low)}–{_number(high)}"


def _helpers(lang: Lang) -> dict[str, Any]:
    """What every template of one language uses: its texts and how it writes codes and numbers."""
    t = TEXTS[lang.value]

    def label(registry: str, code: str | None) -> str:
        return code_label(registry, code, lang.value)

    def figure_label(key: str, basis: str | None = None) -> str:
        if key == "area":
            return label("park_area_kind", basis) if basis else t["area_unstated"]
        return t[FIGURE_LABELS.get(key, key)]

    def figure_value(key: str, value: object) -> str:
        return label(CODED_FIGURES[key], str(value)) if key in CODED_FIGURES else _number(value)

    return {
        "t": t,
        "lang": lang.value,
        "label": label,
        "figure_label": figure_label,
        "figure_value": figure_value,
        "number": _number,
        "range": _range,
    }


def _distance_table(b: Brochure) -> tuple[list[str], list[tuple[str, dict[str, DistanceRow]]]]:
    """The nearest facilities as a table: the kinds any park has (in the catalogue's order, as
    gathered), and per park its row of each."""
    kinds = [kind for kind in FacilityKind.values() if any(d.kind == kind for d in b.distances)]
    parks: dict[int, tuple[str, dict[str, DistanceRow]]] = {}
    for d in b.distances:
        parks.setdefault(d.park_id, (d.park_name, {}))[1][d.kind] = d
    return kinds, list(parks.values())


def _part(b: Brochure, lang: Lang, extras: Extras) -> dict[str, Any]:
    """What body.html.j2 shows of one brochure."""
    t = TEXTS[lang.value]
    sources = b.sources()
    kinds, distances = _distance_table(b)
    return {
        "distance_kinds": kinds,
        "distances": distances,
        "b": b,
        "internal": b.edition is Edition.INTERNAL,
        "title": t[f"guide_{b.scope.value}"],
        "source_no": {s: i + 1 for i, s in enumerate(sources)},
        "sources": sources,
        "extras": extras,
        "location_map": _data_uri(extras.location_png),
        "detail_map": _data_uri(extras.detail_png),
        "qr": _data_uri(qr_png(extras.live_url)),
        "sorted_note": t[f"sorted_{extras.sort.value}"],
    }


def render_html(b: Brochure, lang: Lang, extras: Extras, today: date) -> str:
    context = _helpers(lang) | _part(b, lang, extras) | {"today": today.isoformat()}
    return _ENV.get_template("brochure.html.j2").render(context)


def render_booklet(city: str, parts: list[tuple[Brochure, Extras]], lang: Lang, version: int, assets: str, today: date) -> str:
    """A city's booklet: a cover, the contents, then the brochure of each of its parks. Each
    park's body is rendered with the very context a brochure of its own gets (`_part`), so no
    list of its variables is kept twice; the body is the escaped output of the same
    autoescaping environment, hence Markup."""
    helpers = _helpers(lang)
    body = _ENV.get_template("body.html.j2")
    context = {"today": today.isoformat()}
    return _ENV.get_template("booklet.html.j2").render(
        helpers
        | context
        | {
            "city": city,
            "parts": [{"b": b, "body": Markup(body.render(helpers | _part(b, lang, extras) | context))} for b, extras in parts],
            "has_demo": any(b.has_demo for b, _ in parts),
            "version": version,
            "assets": assets,
        }
    )
