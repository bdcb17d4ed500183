"""A brochure, built and cached: gathered (gather.py), drawn (maps.py), written (render.py) and,
for the PDF, printed (pdf.py). Cached per worker by the data version of every table it reads,
so that a brochure is rebuilt only after its data changed (core/lru.py: an edit makes the old
entry unreachable at once)."""

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path

from sqlalchemy.orm import Session

from app.core.auth import ANONYMOUS, Principal
from app.core.errors import NotFound, Problem
from app.core.lru import ByteLRU
from app.core.settings import Settings, settings
from app.core.versions import DataVersions

from .booklets import Booklets
from .gather import gather, reader
from .model import Brochure, Edition, LandSort, Lang, Scope
from .pdf import Printer
from .render import STATIC, Extras, header_of, render_booklet, render_html, running_css
from .scopes import area, head, park_order
from .texts import TEXTS

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
    "facilities",  # the nearest facilities (facility_distances follows parks and facilities)
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


def _parts(
    session: Session, ask: Ask, staff: Principal | None, base: str, version: int, assets: str, running: bool
) -> tuple[Brochure, Extras]:
    """The brochure and what its page shows beside it; `running`: for printing (links running.css)."""
    # Imported when a brochure is first drawn: geopandas and matplotlib would double the app's start-up.
    from .maps import detail_map, location_map, map_data

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
    return brochure, extras


def printer() -> Printer:
    """A printer with the brochure settings in effect."""
    config = settings().brochures
    return Printer(config.chromium, config.max_prints)


def _print(printer: Printer, page: str, header: str) -> bytes:
    config = settings().brochures
    texts = {"running.css": running_css(header)}
    return printer.print(page, ASSETS, texts, config.pdf_timeout_s, int(config.max_pdf_mb * 1024 * 1024))


def build_pdf(printer: Printer, session: Session, ask: Ask, staff: Principal | None, base: str, version: int) -> bytes:
    """The brochure printed, uncached (the CLI's; the app's go through `Brochures`)."""
    brochure, extras = _parts(session, ask, staff, base, version, ".", running=True)
    return _print(printer, render_html(brochure, ask.lang, extras, date.today()), header_of(brochure, ask.lang))


def build_booklet(
    printer: Printer,
    session: Session,
    adcode: str,
    lang: Lang,
    base: str,
    version: int,
    progress: Callable[[int, int], None] | None = None,
) -> bytes:
    """Every public park of a city (national ones first, at most INVESTMAP_BROCHURE_MAX_PARKS) in
    one PDF: a cover, the contents, then each park's public brochure. `progress(done, total)` is
    told after each park."""
    city = head(session, Scope.CITY, adcode, ANONYMOUS, lang.value)
    parks = area(Scope.CITY, adcode, ANONYMOUS).parks.order_by(*park_order()).limit(settings().brochures.max_parks)
    ids = list(session.execute(parks).scalars())
    parts = []
    for done, park_id in enumerate(ids, start=1):
        ask = Ask(Scope.PARK, str(park_id), Edition.PUBLIC, lang, LandSort.AREA)
        parts.append(_parts(session, ask, None, base, version, ".", running=True))
        if progress is not None:
            progress(done, len(ids))
    page = render_booklet(city.name, parts, lang, version, ".", date.today())
    return _print(printer, page, f"{city.name} · {TEXTS[lang.value]['booklet']}")


def _import_maps() -> None:
    from . import maps  # noqa: F401 - imported for its import's sake: geopandas and matplotlib


class Brochures:
    """The brochures of one app, cached by data version, printed by its one browser (app.state.brochures)."""

    def __init__(self, versions: DataVersions, settings: Settings) -> None:
        self.versions = versions
        self.settings = settings
        self.cache = ByteLRU(settings.brochures.cache_mb, "brochures")
        self.printer = Printer(settings.brochures.chromium, settings.brochures.max_prints)
        self.booklets = Booklets(settings.database.var_dir / "booklets", settings, partial(build_booklet, self.printer))
        self._warm_up: list[threading.Thread] = []

    def start(self) -> None:
        """With INVESTMAP_BROCHURE_WARM_UP, what the first brochure would wait for (the map
        renderer's import, the browser's start) done in the background as the worker starts, side
        by side: the browser starts in processes of its own while this one imports."""
        if self.settings.brochures.warm_up:
            timeout_s = self.settings.brochures.pdf_timeout_s
            self._warm_up = [
                threading.Thread(target=self.printer.start, args=(timeout_s,), name="brochure-browser", daemon=True),
                threading.Thread(target=_import_maps, name="brochure-maps", daemon=True),
            ]
            for thread in self._warm_up:
                thread.start()

    def warming(self) -> Problem | None:
        """What `/readyz` waits for while the warm-up runs (app.state.warm_ups). A browser that did
        not start ends the warm-up too: the first print tries again, and says so if it fails."""
        if any(thread.is_alive() for thread in self._warm_up):
            return Problem("brochures", "the brochure printer is starting", "招商册打印程序正在启动")
        return None

    def stop(self) -> None:
        self.booklets.stop()
        self.printer.close()

    def _cached(self, key: tuple[object, ...], build: Callable[[], bytes]) -> bytes:
        found = self.cache.get(key)
        if found is None:
            found = build()
            self.cache.put(key, found)
        return found

    def html(self, session: Session, ask: Ask, staff: Principal | None, base: str, assets: str) -> bytes:
        version = self.versions.version(TABLES)

        def build() -> bytes:
            brochure, extras = _parts(session, ask, staff, base, version, assets, running=False)
            return render_html(brochure, ask.lang, extras, date.today()).encode()

        return self._cached(("html", ask, base, assets, version), build)

    def pdf(self, session: Session, ask: Ask, staff: Principal | None, base: str) -> bytes:
        version = self.versions.version(TABLES)

        return self._cached(("pdf", ask, base, version), lambda: build_pdf(self.printer, session, ask, staff, base, version))

    def share_png(self, session: Session, scope: Scope, key: str) -> bytes:
        """The scope's map as the public sees it (the image of a shared park's link: og:image).
        The detail map, or the location map when the scope has nothing to draw close up."""
        version = self.versions.version(TABLES)
        # Asked on every request, cached or not (one indexed row): a park withdrawn a moment ago
        # is not found, even before the new data version reaches this worker.
        head(session, scope, key, ANONYMOUS, "zh")

        def build() -> bytes:
            from .maps import detail_map, location_map, map_data

            data = map_data(session, area(scope, key, ANONYMOUS))
            png = detail_map(data) or location_map(data)
            if png is None:
                raise NotFound("map", "地图", key)
            return png

        return self._cached(("share", scope, key, version), build)
