"""The brochure's maps, drawn on the server from the service's own data, offline (no tile server):
a location map (the province's cities, the scope's counties, its parks) and a detail map (the
parks' outlines or points, land plots coloured by status, factories), each with a scale bar and
a north arrow, as PNG. Text on the images is ASCII only (the scale, "N"): the legend is HTML.

Drawn in a transverse Mercator centred on the data, so that the scale bar holds across the map.
Matplotlib's object API is used without pyplot: no global state, safe in the threadpool.
"""

import io
import math
from dataclasses import dataclass
from typing import Any

import geopandas as gpd  # type: ignore[import-untyped]
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Polygon, Rectangle
from shapely import wkb
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from app.carriers import queries as carrier_queries
from app.carriers.models import Carrier, CarrierKind, CarrierStatus
from app.parks.models import Park
from app.regions.models import Region

from .scopes import Area

WIDTH_PX, HEIGHT_PX, DPI = 1200, 750, 150
# Plots drawn on one map at most: beyond this a city's map is a carpet of dots anyway.
MAX_PLOTS = 5000
STATUS_COLOURS = {
    CarrierStatus.AVAILABLE.value: "#2e9d5b",
    CarrierStatus.RESERVED.value: "#e0a020",
    CarrierStatus.TAKEN.value: "#9a9a9a",
}
PARK_COLOUR = "#c0392b"
FACTORY_COLOUR = "#2c5aa0"
SIMPLIFY_DEG = 0.002


@dataclass(frozen=True)
class MapData:
    cities: gpd.GeoSeries  # the province's cities, for the location map
    counties: gpd.GeoSeries  # the counties the scope's parks lie in, or the scope region's
    park_outlines: gpd.GeoSeries
    park_points: gpd.GeoSeries
    plots: gpd.GeoDataFrame  # geometry, status
    factories: gpd.GeoSeries


def _series(session: Session, geom: ColumnElement[Any], *where: Any, limit: int | None = None) -> gpd.GeoSeries:
    rows = session.execute(select(func.ST_AsBinary(geom)).where(*where).limit(limit)).scalars().all()
    return gpd.GeoSeries([wkb.loads(bytes(b)) for b in rows if b is not None], crs=4326)


def map_data(session: Session, a: Area) -> MapData:
    """The geometries of the scope's maps, as its reader may see them."""
    parks = Park.id.in_(a.parks)
    counties = select(Park.region_adcode).where(parks)
    if a.scope.value in ("county", "city"):
        region_counties = Region.adcode.in_(
            select(Region.adcode).where((Region.adcode == a.key) | (Region.parent_adcode == a.key))
        )
        in_scope: Any = region_counties & (Region.level == "county")
    else:
        in_scope = Region.adcode.in_(counties)
    carriers = carrier_queries.visible(a.user).where(Carrier.park_id.in_(a.parks))
    plot_rows = session.execute(
        carriers.with_only_columns(func.ST_AsBinary(Carrier.geom), Carrier.status)
        .where(Carrier.kind == CarrierKind.LAND.value)
        .order_by(Carrier.id)
        .limit(MAX_PLOTS)
    ).all()
    plots = gpd.GeoDataFrame(
        {"status": [s for _, s in plot_rows]}, geometry=[wkb.loads(bytes(g)) for g, _ in plot_rows], crs=4326
    )
    factory_rows = session.execute(
        carriers.with_only_columns(func.ST_AsBinary(Carrier.location))
        .where(Carrier.kind != CarrierKind.LAND.value)
        .limit(MAX_PLOTS)
    ).scalars()
    return MapData(
        cities=_series(session, func.ST_SimplifyPreserveTopology(Region.geom, SIMPLIFY_DEG), Region.level == "city"),
        counties=_series(session, func.ST_SimplifyPreserveTopology(Region.geom, SIMPLIFY_DEG / 4), in_scope),
        park_outlines=_series(session, Park.boundary.expression, parks, Park.boundary.is_not(None)),
        park_points=_series(session, Park.location.expression, parks),
        plots=plots,
        factories=gpd.GeoSeries([wkb.loads(bytes(b)) for b in factory_rows], crs=4326),
    )


def _local_crs(frame: gpd.GeoSeries) -> str:
    lon = (frame.total_bounds[0] + frame.total_bounds[2]) / 2
    return f"+proj=tmerc +lon_0={lon:.4f} +lat_0=0 +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m +no_defs"


def _nice_length(width_m: float) -> float:
    """A round scale-bar length near a fifth of the map's width: 1, 2 or 5 times a power of ten."""
    target = width_m / 5
    power = 10.0 ** math.floor(math.log10(target))
    return max(m * power for m in (1, 2, 5) if m * power <= target)


def _furniture(ax: Axes) -> None:
    """Scale bar (bottom left) and north arrow (top right), in data units (metres)."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    w, h = x1 - x0, y1 - y0
    length = _nice_length(w)
    bx, by = x0 + w * 0.04, y0 + h * 0.05
    for i in range(2):
        ax.add_patch(
            Rectangle(
                (bx + i * length / 2, by),
                length / 2,
                h * 0.012,
                facecolor="black" if i == 0 else "white",
                edgecolor="black",
                lw=0.6,
            )
        )
    label = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"
    ax.text(bx + length / 2, by + h * 0.025, label, ha="center", va="bottom", fontsize=7)
    ax.text(bx, by - h * 0.005, "0", ha="center", va="top", fontsize=6)
    nx, ny = x1 - w * 0.05, y1 - h * 0.16
    ax.add_patch(Polygon([(nx - w * 0.012, ny), (nx, ny + h * 0.09), (nx + w * 0.012, ny)], closed=True, facecolor="black"))
    ax.text(nx, ny + h * 0.1, "N", ha="center", va="bottom", fontsize=9, fontweight="bold")


def _png(draw: Any, extent: gpd.GeoSeries) -> bytes:
    crs = _local_crs(extent)
    fig = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    ax.set_aspect("equal")
    draw(ax, crs)
    minx, miny, maxx, maxy = extent.to_crs(crs).total_bounds
    # A margin, and at least 1 km across: a single park point still shows its surroundings.
    pad = max((maxx - minx) * 0.08, (maxy - miny) * 0.08, 100)
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    half_w = max((maxx - minx) / 2 + pad, ((maxy - miny) / 2 + pad) * WIDTH_PX / HEIGHT_PX, 500)
    half_h = half_w * HEIGHT_PX / WIDTH_PX
    ax.set_xlim(cx - half_w, cx + half_w)
    ax.set_ylim(cy - half_h, cy + half_h)
    _furniture(ax)
    out = io.BytesIO()
    # Light compression: zlib's default takes longer than drawing the map, for a few per cent of size.
    fig.savefig(out, format="png", dpi=DPI, facecolor="white", pil_kwargs={"compress_level": 1})
    return out.getvalue()


def location_map(data: MapData) -> bytes | None:
    """The province's cities, the scope's counties filled, its parks as dots."""
    if data.cities.empty:
        return None

    def draw(ax: Axes, crs: str) -> None:
        data.cities.to_crs(crs).plot(ax=ax, facecolor="#f4f1ea", edgecolor="#8a8a8a", linewidth=0.5)
        if not data.counties.empty:
            data.counties.to_crs(crs).plot(ax=ax, facecolor="#f6d5c8", edgecolor="#c0392b", linewidth=0.6)
        if not data.park_points.empty:
            data.park_points.to_crs(crs).plot(ax=ax, color=PARK_COLOUR, markersize=14, edgecolor="white", linewidth=0.5)

    return _png(draw, data.cities)


def detail_map(data: MapData) -> bytes | None:
    """The parks and their carriers: plots coloured by status, factories, outlines or points."""
    shapes = [s for s in (data.park_outlines, data.park_points, data.plots.geometry, data.factories) if not s.empty]
    if not shapes:
        return None
    extent = gpd.GeoSeries(list(gpd.pd.concat(shapes)), crs=4326)

    def draw(ax: Axes, crs: str) -> None:
        if not data.counties.empty:
            data.counties.to_crs(crs).plot(ax=ax, facecolor="#faf8f3", edgecolor="#b0b0b0", linewidth=0.6)
        if not data.park_outlines.empty:
            data.park_outlines.to_crs(crs).plot(ax=ax, facecolor="#fdecea", edgecolor=PARK_COLOUR, linewidth=1.0)
        plots = data.plots.geometry.to_crs(crs)
        for status, colour in STATUS_COLOURS.items():
            chosen = plots[(data.plots["status"] == status).to_numpy()]
            if not chosen.empty:
                chosen.plot(ax=ax, facecolor=colour, edgecolor="#333333", linewidth=0.2)
        if not data.factories.empty:
            data.factories.to_crs(crs).plot(ax=ax, color=FACTORY_COLOUR, marker="s", markersize=6)
        if not data.park_points.empty:
            data.park_points.to_crs(crs).plot(
                ax=ax, color=PARK_COLOUR, markersize=30, marker="*", edgecolor="white", linewidth=0.4
            )

    return _png(draw, extent)
