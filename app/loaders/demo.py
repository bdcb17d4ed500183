"""`investmap load demo`: generated land plots and factories, flagged is_demo.

Plots are scattered around each park's representative point, kept inside the park's county,
with indicators in the ranges Jiangxi's industrial land is usually offered at. Everything is
drawn from one seeded generator, so the same arguments give the same rows; an identical
request is skipped, a different one replaces the previous demo carriers. Rows go in by one
COPY: 200,000 plots take seconds, not the hours row-by-row INSERTs would.
"""

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from geoalchemy2.shape import to_shape
from rich.progress import Progress
from shapely.geometry.base import BaseGeometry
from sqlalchemy import delete, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from app.audit.models import AuditEntry
from app.carriers.cells import rebuild_cells
from app.carriers.features import refresh_carrier_features
from app.carriers.models import MU_M2, Carrier
from app.core.database import copy_frame, get_engine, relax_for_bulk_load
from app.infrastructure import distances
from app.loaders.models import LoadRun
from app.parks.models import Park
from app.regions.models import Region

DEMO_SOURCE = "InvestMap demo generator: not a real listing / 演示数据，非真实挂牌"
# Every demo name says so, in Chinese and in English.
DEMO_PREFIX = "【演示 DEMO】"
M_PER_DEG_LAT = 111_320.0
SPREAD_DEG = 0.03  # ~3 km: plots cluster around the park's point as real parks do


@dataclass
class ParkSite:
    ids: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    county: list[BaseGeometry]
    short: list[str]


def _sites(session: Session) -> ParkSite:
    rows = session.execute(
        select(Park.id, Park.location, Park.short_name, Park.name, Region.geom)
        .join(Region, Region.adcode == Park.region_adcode)
        # Published real parks only: drafts come and go, and would change what a seed generates.
        .where(Park.is_demo.is_(False), Park.published)
        .order_by(Park.id)
    ).all()
    if not rows:
        raise RuntimeError("no parks loaded: run `investmap load reference` first")
    points = [to_shape(r.location) for r in rows]
    counties = [to_shape(r.geom) for r in rows]
    for c in counties:
        shapely.prepare(c)
    return ParkSite(
        np.array([r.id for r in rows]),
        shapely.get_x(points),
        shapely.get_y(points),
        counties,
        [r.short_name or r.name for r in rows],
    )


def _scatter(
    rng: np.random.Generator, sites: ParkSite, n: int, park: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """n points near random parks (or near the parks of the indices `park`), each inside its
    park's county (resampled until it is)."""
    if park is None:
        park = rng.integers(0, len(sites.ids), n)
    lon = sites.lon[park] + rng.normal(0, SPREAD_DEG, n)
    lat = sites.lat[park] + rng.normal(0, SPREAD_DEG, n)
    for _ in range(20):
        outside = np.zeros(n, dtype=bool)
        for i in np.unique(park):
            sel = park == i
            outside[sel] = ~shapely.contains_xy(sites.county[i], lon[sel], lat[sel])
        if not outside.any():
            break
        k = int(outside.sum())
        lon[outside] = sites.lon[park[outside]] + rng.normal(0, SPREAD_DEG / 3, k)
        lat[outside] = sites.lat[park[outside]] + rng.normal(0, SPREAD_DEG / 3, k)
    else:
        # The park's own point is inside its county by construction: use it for the stragglers.
        lon[outside], lat[outside] = sites.lon[park[outside]], sites.lat[park[outside]]
    return park, lon, lat


def _rectangles(rng: np.random.Generator, lon: np.ndarray, lat: np.ndarray, area_m2: np.ndarray) -> np.ndarray:
    """Rotated rectangles of the given areas centred on the points, as shapely polygons."""
    n = len(lon)
    aspect = rng.uniform(1.0, 2.5, n)
    half_w = np.sqrt(area_m2 / aspect) / 2
    half_h = half_w * aspect
    theta = rng.uniform(0, math.pi, n)
    corners = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1], [-1, -1]], dtype=float)
    x = corners[None, :, 0] * half_w[:, None]
    y = corners[None, :, 1] * half_h[:, None]
    xr = x * np.cos(theta)[:, None] - y * np.sin(theta)[:, None]
    yr = x * np.sin(theta)[:, None] + y * np.cos(theta)[:, None]
    dlon = xr / (M_PER_DEG_LAT * np.cos(np.radians(lat))[:, None])
    dlat = yr / M_PER_DEG_LAT
    coords = np.stack([lon[:, None] + dlon, lat[:, None] + dlat], axis=-1)
    plots = shapely.polygons(coords)
    assert isinstance(plots, np.ndarray)  # one polygon per row of `coords`, not a single one
    return plots


def _pick(rng: np.random.Generator, values: list[object], weights: list[float], n: int) -> np.ndarray:
    return rng.choice(np.array(values, dtype=object), n, p=np.array(weights) / sum(weights))


def _plots(rng: np.random.Generator, sites: ParkSite, n: int) -> pd.DataFrame:
    park, lon, lat = _scatter(rng, sites, n)
    area_mu = np.clip(rng.lognormal(math.log(50), 0.7, n), 10, 600).round(1)
    area_m2 = area_mu * MU_M2
    geoms = _rectangles(rng, lon, lat, area_m2)
    ratio_min = _pick(rng, [0.8, 1.0, 1.2, 1.5], [2, 5, 3, 1], n)
    standard = rng.random(n) < 0.3
    return pd.DataFrame(
        {
            "kind": "land",
            "name": [f"{DEMO_PREFIX}{sites.short[p]}地块 D{i + 1:06d}" for i, p in enumerate(park)],
            "park_id": sites.ids[park],
            "status": _pick(rng, ["available", "reserved", "taken"], [70, 15, 15], n),
            "geom": shapely.to_wkb(shapely.set_srid(geoms, 4326), hex=True, include_srid=True),
            "area_m2": area_m2.round(2),
            "land_use": _pick(
                rng, ["industrial_1", "industrial_2", "industrial_3", "warehouse", "rnd", "mixed"], [40, 35, 5, 8, 7, 5], n
            ),
            "plot_ratio_min": ratio_min,
            "plot_ratio_max": (ratio_min.astype(float) + _pick(rng, [1.0, 1.5, 2.0], [1, 2, 1], n).astype(float)),
            "building_density_pct_min": _pick(rng, [30, 35, 40], [2, 1, 2], n),
            "building_density_pct_max": _pick(rng, [55, 60, 65], [1, 2, 1], n),
            "green_ratio_pct_min": None,
            "green_ratio_pct_max": _pick(rng, [10, 15, 20], [1, 2, 2], n),
            "height_limit_m_max": _pick(rng, [24, 36, 50, None], [2, 2, 1, 2], n),
            "lease_term_years": 50,
            "readiness": _pick(rng, ["七通一平", "五通一平", "三通一平"], [3, 4, 2], n),
            "price_wan_per_mu": rng.uniform(12, 45, n).round(1),
            "is_standard_land": standard,
            "investment_intensity_wan_per_mu": np.where(standard, rng.uniform(200, 450, n).round(0), np.nan),
            "tax_per_mu_wan": np.where(standard, rng.uniform(10, 35, n).round(1), np.nan),
            "energy_tce_per_wan": np.where(standard, rng.uniform(0.05, 0.5, n).round(3), np.nan),
        }
    )


def _factories(rng: np.random.Generator, sites: ParkSite, n: int) -> pd.DataFrame:
    park, lon, lat = _scatter(rng, sites, n)
    points = shapely.points(lon, lat)
    return pd.DataFrame(
        {
            "kind": "factory",
            "name": [f"{DEMO_PREFIX}{sites.short[p]}标准厂房 F{i + 1:06d}" for i, p in enumerate(park)],
            "park_id": sites.ids[park],
            "status": _pick(rng, ["available", "reserved", "taken"], [60, 15, 25], n),
            "geom": shapely.to_wkb(shapely.set_srid(points, 4326), hex=True, include_srid=True),
            "area_m2": np.clip(rng.lognormal(math.log(5000), 0.6, n), 800, 40_000).round(0),
            "rent_yuan_m2_month": rng.uniform(8, 22, n).round(1),
            "sale_price_yuan_m2": np.where(rng.random(n) < 0.4, rng.uniform(1800, 3500, n).round(0), np.nan),
            "floors": _pick(rng, [1, 2, 3, 4, 5], [3, 2, 3, 2, 1], n),
            "storey_height_m": _pick(rng, [4.5, 5.4, 6.0, 8.0, 10.0, 12.0], [1, 2, 2, 2, 1, 1], n),
            "floor_load_t_m2": _pick(rng, [0.5, 0.8, 1.0, 1.5, 2.0, 3.0], [1, 2, 3, 2, 1, 1], n),
            "has_crane": rng.random(n) < 0.3,
        }
    )


def begin_load(session: Session, name: str, signature: str, table: str) -> bool:
    """False when the same load (`signature`) already ran; else ready to load, in bulk."""
    last = session.get(LoadRun, name)
    if last is not None and last.signature == signature:
        print(f"{name} already loaded ({signature}): nothing to do")
        return False
    # Row-by-row audit and history of 250,000 generated rows would only bury the real trail:
    # the triggers stand down for this transaction and one summary entry is written instead.
    session.execute(text("SELECT set_config('investmap.bulk', 'on', true)"))
    session.add(
        AuditEntry(
            actor="cli:load demo",
            action="load",
            table_name=table,
            changes={"demo": {"before": last.signature if last else None, "after": signature}},
        )
    )
    return True


def end_load(session: Session, name: str, signature: str) -> None:
    stmt = insert(LoadRun).values(name=name, signature=signature)
    session.execute(stmt.on_conflict_do_update(index_elements=[LoadRun.name], set_={"signature": signature}))


def load_demo_carriers(plots: int, factories: int, seed: int) -> None:
    signature = f"plots={plots} factories={factories} seed={seed}"
    with Session(get_engine()) as session, session.begin():
        relax_for_bulk_load(session)
        if not begin_load(session, "demo", signature, "carriers"):
            return
        rng = np.random.default_rng(seed)
        sites = _sites(session)
        with Progress() as progress:
            task = progress.add_task("demo carriers", total=4)
            session.execute(delete(Carrier).where(Carrier.is_demo))
            progress.advance(task)
            frames = [_plots(rng, sites, plots), _factories(rng, sites, factories)]
            progress.advance(task)
            for frame in frames:
                frame["source"] = f"{DEMO_SOURCE} (seed {seed})"
                frame["is_demo"] = True
                frame["published"] = True
                if len(frame):
                    copy_frame(session, frame, "carriers")
            # One INSERT ... SELECT builds every new carrier's OGC Feature text in PostgreSQL.
            refresh_carrier_features(session, Carrier.is_demo)
            rebuild_cells(session)  # the triggers stand down in a bulk load
            distances.rebuild(session)  # theirs too (migration 0018)
            progress.advance(task)
            end_load(session, "demo", signature)
            progress.advance(task)
        print(f"demo carriers loaded: {plots} plots, {factories} factories (seed {seed})")
    vacuum_analyze("carriers")
    vacuum_analyze("carrier_features")
    vacuum_analyze("carrier_cells")  # tiles read its index alone once the visibility map is set
    vacuum_analyze("facility_distances")  # so does site matching (migration 0018)
    vacuum_analyze("carrier_distances")  # and its one row per carrier (migration 0024)


def vacuum_analyze(table: str) -> None:
    """Fresh statistics and visibility map after a bulk load, so the planner picks index-only scans.

    VACUUM cannot run inside a transaction, hence the autocommit connection.
    """
    with get_engine().connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        # Not bounded like an API statement; RESET gives the pooled connection its limit back.
        conn.execute(text("SET statement_timeout = 0"))
        conn.execute(text(f"VACUUM ANALYZE {table}"))
        conn.execute(text("RESET statement_timeout"))
