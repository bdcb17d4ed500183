"""Import speed: N plots in a GeoPackage (CGCS2000 Gauss-Krüger zone 39), a dry run and a commit
through the import pipeline (app/exchange/), side by side with `ogr2ogr` loading the same file
into PostGIS; then the export of those plots to a GeoPackage.

    .venv/bin/investmap db up && .venv/bin/python bench/import.py --plots 2000

It imports into the first park of Nanchang's counties of the database in effect and deletes the
plots it made afterwards (their codes start with BENCH-).
"""

import argparse
import math
import resource
import subprocess
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.carriers.models import Carrier
from app.carriers.queries import filtered
from app.core.auth import Principal
from app.core.database import database_url, get_engine
from app.core.settings import settings
from app.exchange.carriers import ImportOptions, run_import
from app.exchange.export import export_query, write_file
from app.exchange.router import CARRIERS, CarrierFileQuery
from tests.support.gisfiles import frame, park_place, squares


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--plots", type=int, default=2000)
    n = parser.parse_args().plots
    admin = Principal("bench", role="admin")
    with tempfile.TemporaryDirectory() as folder, Session(get_engine()) as session:
        place = park_place(session, "r.parent_adcode = '360100'")
        side = math.ceil(math.sqrt(n))  # a grid of 20 m plots, 10 m apart, around the point
        rows = [replace(place, lat=place.lat + k * 30 / 111_000) for k in range(side)]
        plots = [plot for row in rows for plot in squares(row, side, side_m=20)][:n]
        gpkg = Path(folder) / "plots.gpkg"
        frame(plots, "gk39", 宗地编号=[f"BENCH-{i}" for i in range(n)], 容积率=["≥1.2"] * n).to_file(gpkg, engine="pyogrio")
        options = ImportOptions(park_id=place.park_id, file_name=gpkg.name)
        for commit in (False, True):
            started = time.perf_counter()
            report = run_import(session, admin, gpkg, Path(folder), options, commit)
            session.commit()
            took = time.perf_counter() - started
            print(
                f"{'commit' if commit else 'dry run'}: {n:,} plots in {took:.1f} s ({n / took:,.0f} rows/s), {report['counts']}"
            )
        url = database_url(settings().database).replace("postgresql+psycopg://", "postgresql://")
        started = time.perf_counter()
        subprocess.run(
            ["ogr2ogr", "-f", "PostgreSQL", f"PG:{url}", str(gpkg), "-nln", "bench_ogr", "-t_srs", "EPSG:4326", "-overwrite"],
            check=True,
        )
        print(f"ogr2ogr: {time.perf_counter() - started:.1f} s")
        q = CarrierFileQuery.model_validate({"park": place.park_id, "format": "gpkg"})
        started = time.perf_counter()
        stmt, names = export_query(admin, CARRIERS, filtered(q, admin), Carrier.id, q)
        write_file(session, stmt, names, "gpkg", "wgs84", Path(folder), "export")
        print(f"export to GeoPackage: {time.perf_counter() - started:.1f} s")
        session.execute(text("SELECT set_config('investmap.bulk', 'on', true)"))
        session.execute(text("DELETE FROM carriers WHERE code LIKE 'BENCH-%'"))
        session.execute(text("DROP TABLE IF EXISTS bench_ogr"))
        session.commit()
    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")


if __name__ == "__main__":
    main()
