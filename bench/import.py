"""Import speed (issue 11): N plots in a GeoPackage (CGCS2000 Gauss-Krüger zone 39), a dry run and
a commit through the import pipeline (app/exchange/), side by side with `ogr2ogr` loading the same
file into a scratch table of the same database; then the export of those plots to a GeoPackage,
side by side with `ogr2ogr` writing the scratch table to one.

    .venv/bin/investmap db up && .venv/bin/investmap load reference
    PYTHONPATH=. .venv/bin/python bench/import.py --plots 200000

Use a database of your own (DATABASE_URL): it imports into the first park of Nanchang's counties,
and deletes the plots it made (codes BENCH-…) and the scratch table afterwards.
"""

import argparse
import math
import resource
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.carriers.cells import rebuild_cells
from app.carriers.models import Carrier
from app.carriers.queries import filtered
from app.core.auth import Principal
from app.core.database import database_url, get_engine, relax_for_bulk_load
from app.core.settings import settings
from app.exchange.carriers import ImportOptions, run_import
from app.exchange.export import export_query, write_file
from app.exchange.router import CARRIERS, CarrierFileQuery
from tests.support.gisfiles import frame, park_place, squares


def _timed(run: Callable[[], object]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def _clean(session: Session) -> None:
    """The plots a run made (codes BENCH-…) and the scratch table gone, the grid recounted."""
    relax_for_bulk_load(session)
    session.execute(text("SELECT set_config('investmap.bulk', 'on', true)"))
    session.execute(text("DELETE FROM carriers WHERE code LIKE 'BENCH-%'"))
    rebuild_cells(session)
    session.execute(text("DROP TABLE IF EXISTS bench_ogr"))
    session.commit()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--plots", type=int, default=200_000)
    n = parser.parse_args().plots
    admin = Principal("bench", role="admin")
    url = database_url(settings().database).replace("postgresql+psycopg://", "postgresql://")
    with tempfile.TemporaryDirectory() as folder, Session(get_engine()) as session:
        _clean(session)  # what an interrupted run left
        # Nanchang's largest county, and a square grid of 10 m plots 5 m apart around a point deep inside it.
        place = park_place(session, "r.parent_adcode = '360100' AND ST_Area(r.geom::geography) > 1.5e9")
        side = math.ceil(math.sqrt(n))
        half = side * 15 / 2 / 111_000
        corner = replace(place, lon=place.lon - half / math.cos(math.radians(place.lat)), lat=place.lat - half)
        rows = [replace(corner, lat=corner.lat + k * 15 / 111_000) for k in range(side)]
        plots = [plot for row in rows for plot in squares(row, side, side_m=10)][:n]
        gpkg = Path(folder) / "plots.gpkg"
        frame(plots, "gk39", 宗地编号=[f"BENCH-{i}" for i in range(n)], 容积率=["≥1.2"] * n).to_file(gpkg, engine="pyogrio")
        options = ImportOptions(park_id=place.park_id, file_name=gpkg.name)

        ogr = _timed(
            lambda: subprocess.run(
                ["ogr2ogr", "-f", "PostgreSQL", f"PG:{url}", str(gpkg), "-nln", "bench_ogr", "-t_srs", "EPSG:4326", "-overwrite"],
                check=True,
                capture_output=True,
            ),
        )
        times = {}
        for label, commit in (("dry run", False), ("commit", True), ("re-import (unchanged)", True)):
            times[label] = _timed(lambda c=commit: (run_import(session, admin, gpkg, Path(folder), options, c), session.commit()))
        q = CarrierFileQuery.model_validate({"park": place.park_id, "format": "gpkg", "q": "BENCH"})

        def export() -> None:
            stmt, names = export_query(admin, CARRIERS, filtered(q, admin), Carrier.id, q)
            write_file(session, stmt, names, "gpkg", "wgs84", Path(folder), "export")

        ours_export = _timed(export)
        ogr_export = _timed(
            lambda: subprocess.run(
                ["ogr2ogr", "-f", "GPKG", str(Path(folder) / "ogr.gpkg"), f"PG:{url}", "bench_ogr"],
                check=True,
                capture_output=True,
            ),
        )
    load = times["dry run"] + times["commit"]
    print(f"{n:,} plots, a GeoPackage in CGCS2000 GK zone 39      seconds    rows/s  × ogr2ogr")
    line = "  {:<46} {:8.1f} {:9,.0f} {}"
    print(line.format("ogr2ogr into a scratch table", ogr, n / ogr, ""))
    for label, took in [*times.items(), ("dry run + commit", load)]:
        print(line.format(f"InvestMap {label}", took, n / took, f"{took / ogr:8.2f}"))
    print(line.format("ogr2ogr export to GeoPackage", ogr_export, n / ogr_export, ""))
    print(line.format("InvestMap export to GeoPackage", ours_export, n / ours_export, f"{ours_export / ogr_export:8.2f}"))
    print(f"  peak memory of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")
    with Session(get_engine()) as session:
        _clean(session)


if __name__ == "__main__":
    main()
