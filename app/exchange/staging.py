"""The valid rows of a carrier import, set-based in PostgreSQL: one COPY into a staging table,
one statement for the place of every row (carriers.service.placed), one to tell new, changed and
unchanged records apart by the plot code (宗地编号) within the park, and one INSERT and one
UPDATE for the commit; all in the caller's transaction, which a dry run rolls back.

A write of more than BULK_ROWS records runs as a bulk load (`investmap.bulk`, migration 0003):
the row triggers of the audit trail and the history stand down (the import writes its one audit
entry with its counts) and the overview grid is recounted once (`rebuild_cells`): per row they
cost milliseconds, a recount of the whole table a fraction of that per carrier. The recount
truncates the grid, so it waits (up to the lock timeout) for the tile reads in flight.
"""

from typing import Any

import numpy as np
import pandas as pd
import shapely
from sqlalchemy import column, select, table, text
from sqlalchemy.orm import Session

from app.carriers.cells import rebuild_cells
from app.carriers.features import refresh_carrier_features
from app.carriers.models import Carrier
from app.carriers.service import placed
from app.core.database import copy_frame
from app.core.errors import Problem
from app.infrastructure import distances
from app.infrastructure.models import DistanceSubject

BULK_ROWS = 1000
STAGING = "import_carriers"
# What an import writes of a carrier, as the staging table and the carriers name it.
COLUMNS = (
    "kind", "name", "code", "status", "land_use", "lease_term_years", "readiness", "price_wan_per_mu",
    "rent_yuan_m2_month", "sale_price_yuan_m2", "floors", "storey_height_m", "floor_load_t_m2", "has_crane",
    "is_standard_land", "investment_intensity_wan_per_mu", "tax_per_mu_wan", "energy_tce_per_wan", "description",
    "plot_ratio_min", "plot_ratio_max", "building_density_pct_min", "building_density_pct_max", "green_ratio_pct_min",
    "green_ratio_pct_max", "height_limit_m_min", "height_limit_m_max", "area_m2", "geom",
)  # fmt: skip
PROVENANCE = ("source", "as_of", "is_demo")
_WHOLE = ("lease_term_years", "floors")
_LIST = ", ".join(COLUMNS)
_STAGED = table(STAGING, column("id"), column("action"))


def stage(session: Session, rows: pd.DataFrame, shapes: np.ndarray) -> None:
    """The validated rows (i: their position) with their WGS-84 shapes, in the staging table."""
    if len(rows) > BULK_ROWS:
        # The statements over a file of up to INVESTMAP_IMPORT_MAX_ROWS rows may outlast the API's timeout.
        session.execute(text("SELECT set_config('statement_timeout', '0', true)"))
    # The carriers' own column types (numeric scales round as a write would), none of their rules.
    session.execute(text(f"CREATE TEMP TABLE {STAGING} ON COMMIT DROP AS SELECT 0 AS i, id, {_LIST} FROM carriers WITH NO DATA"))
    session.execute(text(f"ALTER TABLE {STAGING} ADD COLUMN action text"))
    frame = rows.reindex(columns=["i", *COLUMNS[:-1]])
    for name in _WHOLE:  # as 50, not 50.0, which an integer column refuses
        frame[name] = frame[name].astype("Int64")
    frame["geom"] = shapely.to_wkb(shapely.set_srid(shapes[rows["i"].to_numpy(dtype=int)], 4326), hex=True, include_srid=True)
    copy_frame(session, frame, STAGING)


def misplaced(session: Session, park_id: int) -> list[tuple[int, Problem]]:
    """(i, problem) of each staged row outside its park's county or too large; those rows unstaged."""
    found = [(i, p) for i, _, p in placed(session, f"SELECT i, geom FROM {STAGING}", park_id, {}, every=False) if p]
    if found:
        session.execute(text(f"DELETE FROM {STAGING} WHERE i = ANY(:bad)"), {"bad": [i for i, _ in found]})
    return found


_COMPARED = ", ".join(COLUMNS + PROVENANCE)


def classify(session: Session, park_id: int, provenance: dict[str, Any]) -> None:
    """Each staged row's action: update (the park has its code), unchanged (and every written field
    is as stored), else create; a plot without a stated area gets its area on the ellipsoid."""
    session.execute(text(f"UPDATE {STAGING} SET area_m2 = ST_Area(geom::geography) WHERE area_m2 IS NULL"))
    session.execute(
        text(f"""
        UPDATE {STAGING} s SET id = c.id,
               action = CASE WHEN ({", ".join("c." + n for n in COLUMNS + PROVENANCE)}) IS NOT DISTINCT FROM
                                  ({", ".join("s." + n for n in COLUMNS)}, :source, CAST(:as_of AS date), false)
                             THEN 'unchanged' ELSE 'update' END
        FROM carriers c WHERE c.park_id = :park AND c.code = s.code
        """),
        {"park": park_id, **provenance},
    )
    session.execute(text(f"UPDATE {STAGING} SET action = 'create' WHERE action IS NULL"))


def write(session: Session, park_id: int, provenance: dict[str, Any]) -> int:
    """Insert the new rows and update the changed ones; the number written."""
    params = {"park": park_id, **provenance}
    written: int = session.execute(text(f"SELECT count(*) FROM {STAGING} WHERE action <> 'unchanged'")).scalar_one()
    if not written:
        return 0
    bulk = written > BULK_ROWS
    if bulk:
        session.execute(text("SELECT set_config('investmap.bulk', 'on', true)"))
    with distances.deferred(session):  # one refresh of the written rows' distances below, not one per row
        session.execute(
            text(f"UPDATE {STAGING} SET id = nextval(pg_get_serial_sequence('carriers', 'id')) WHERE action = 'create'")
        )
        session.execute(
            text(f"""
            INSERT INTO carriers (id, park_id, published, {_COMPARED})
            SELECT id, :park, false, {_LIST}, :source, CAST(:as_of AS date), false FROM {STAGING} WHERE action = 'create'
            """),
            params,
        )
        # A re-import keeps what the file does not say: whether the record is published.
        session.execute(
            text(f"""
            UPDATE carriers c SET {", ".join(f"{n} = s.{n}" for n in COLUMNS)},
                   source = :source, as_of = CAST(:as_of AS date), is_demo = false
            FROM {STAGING} s WHERE c.id = s.id AND s.action = 'update'
            """),
            params,
        )
    if bulk:
        rebuild_cells(session)  # the grid's triggers stood down
        session.execute(text("SELECT set_config('investmap.bulk', 'off', true)"))
    written_ids = select(_STAGED.c.id).where(_STAGED.c.action != "unchanged")
    refresh_carrier_features(session, Carrier.id.in_(written_ids))
    distances.refresh(session, DistanceSubject.CARRIER, session.execute(written_ids).scalars().all())
    return written


def outcomes(session: Session) -> dict[int, tuple[int | None, str]]:
    """i → (id, action) of every staged row."""
    rows = session.execute(text(f"SELECT i, id, action FROM {STAGING}")).all()
    return {i: (id_, action) for i, id_, action in rows}
