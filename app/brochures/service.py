"""A brochure, built and cached: gathered (gather.py), drawn (maps.py), written (render.py) and,
for the PDF, printed (pdf.py). Cached per worker by the data version of every table it reads,
so that a brochure is rebuilt only after its data changed (core/lru.py: an edit makes the old
entry unreachable at once)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from app.core.auth import Principal
from app.core.lru import ByteLRU
from app.core.settings import settings
from app.core.versions import DataVersions

from .gather import gather, reader
from .maps import detail_map, location_map, map_data
from .model import Brochure, Edition, LandSort, Lang, Scope
from .pdf import print_pdf
from .render import STATIC, Extras, render_html, running_css
from .scopes import area

# What a brochure reads: its cache key carries the sum of their versions.
TABLES = (
    "regions",
    "parks",
    "carriers",
    "clusters",
    "cluster_parks",
    "cluster_cities",
    "cluster_revenues",
    "chains",
    "chain_clusters",
    "chain_links",
    "chain_gaps",
    "enterprises",
    "enterprise_links",
    "targets",
)
# The CJK font (fonts-wqy-microhei, installed by scripts/ensure-system.sh): served to browsers
# of the web edition and embedded in the PDF.
FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
ASSETS = {"brochure.css": STATIC / "brochure.css", "internal.css": STATIC / "internal.css", FONT.name: FONT}


@dataclass(frozen=True)
class Ask:
    """One brochure: which scope, edition, language and order of its tables."""

    scope: Scope
    key: str
    edition: Edition
    lang: Lang
    sort: LandSort


def live_url(base: str, ask: Ask) -> str:
    """The same scope live: on the map page (a park opened, a region's or cluster's parks); a
    chain, which the public map has no view of, as this brochure's web edition."""
    lang = "&lang=en" if ask.lang is Lang.EN else ""
    if ask.scope is Scope.PARK:
        return f"{base}/?open=park:{ask.key}{lang}"
    if ask.scope in (Scope.COUNTY, Scope.CITY):
        return f"{base}/?region={ask.key}{lang}"
    if ask.scope is Scope.CLUSTER:
        return f"{base}/?cluster={ask.key}{lang}"
    return f"{base}/api/v1/brochures/chain/{ask.key}.html?lang={ask.lang.value}"


def _page(
    session: Session, ask: Ask, staff: Principal | None, base: str, version: int, assets: str, running: bool
) -> tuple[Brochure, str]:
    """The brochure and its HTML; `running`: for printing (links running.css)."""
    brochure = gather(session, ask.scope, ask.key, ask.edition, ask.lang, ask.sort, staff)
    data = map_data(session, area(ask.scope, ask.key, reader(ask.edition, staff)))
    extras = Extras(
        live_url=live_url(base, ask),
        version=version,
        assets=assets,
        location_png=location_map(data),
        detail_png=detail_map(data),
        sort=ask.sort,
        running=running,
    )
    return brochure, render_html(brochure, ask.lang, extras, date.today())


def build_pdf(session: Session, ask: Ask, staff: Principal | None, base: str, version: int) -> bytes:
    """The brochure printed, uncached (the CLI's; the app's go through `Brochures`)."""
    config = settings().brochures
    brochure, page = _page(session, ask, staff, base, version, ".", running=True)
    texts = {"running.css": running_css(brochure, ask.lang)}
    return print_pdf(page, ASSETS, texts, config.chromium, config.pdf_timeout_s, int(config.max_pdf_mb * 1024 * 1024))


class Brochures:
    """The brochures of one app, cached by data version (app.state.brochures)."""

    def __init__(self, versions: DataVersions, cache_mb: int) -> None:
        self.versions = versions
        self.cache = ByteLRU(cache_mb)

    def _cached(self, key: tuple[object, ...], build: Callable[[], bytes]) -> bytes:
        found = self.cache.get(key)
        if found is None:
            found = build()
            self.cache.put(key, found)
        return found

    def html(self, session: Session, ask: Ask, staff: Principal | None, base: str, assets: str) -> bytes:
        version = self.versions.version(TABLES)
        return self._cached(
            ("html", ask, base, assets, version),
            lambda: _page(session, ask, staff, base, version, assets, running=False)[1].encode(),
        )

    def pdf(self, session: Session, ask: Ask, staff: Principal | None, base: str) -> bytes:
        version = self.versions.version(TABLES)

        return self._cached(("pdf", ask, base, version), lambda: build_pdf(session, ask, staff, base, version))
