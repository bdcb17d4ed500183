"""Every table migrates up and down cleanly, on a database of its own; migrations stand on their own."""

import ast
import importlib.util

from sqlalchemy import create_engine, inspect, text

from app.core.settings import PROJECT_ROOT
from tests.support.database import database_name, fresh_database, migrate

VERSIONS = PROJECT_ROOT / "migrations" / "versions"

APP_TABLES = {
    "regions",
    "parks",
    "cooperation_parks",
    "carriers",
    "clusters",
    "cluster_cities",
    "cluster_parks",
    "cluster_revenues",
    "cluster_list_entries",
    "cluster_figures",
    "park_counties",
    "load_runs",
}


def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"spatial_ref_sys", "alembic_version"}
    finally:
        engine.dispose()


def test_up_down_up(database_url: str) -> None:
    url = fresh_database(database_name("migrations"))
    migrate(url)
    assert APP_TABLES <= _tables(url)
    migrate(url, "base", down=True)
    assert _tables(url) == set()
    migrate(url)
    assert APP_TABLES <= _tables(url)
    engine = create_engine(url)
    indexes = {i["name"] for i in inspect(engine).get_indexes("carriers")}
    engine.dispose()
    # The spatial indexes are what makes bbox filters and tiles cheap: they must survive a round trip.
    assert {"idx_carriers_geom", "idx_carriers_location"} <= indexes


def test_no_migration_imports_the_application() -> None:
    """A migration is frozen at its revision: were it to import app code, a fresh `alembic upgrade
    head` would run today's code against yesterday's schema (migration 0008 once did)."""
    found = []
    for path in sorted(VERSIONS.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            found += [f"{path.name}: {n}" for n in names if n == "app" or n.startswith("app.")]
    assert found == []


def test_the_stored_features_migration_writes_what_the_carriers_write(db) -> None:
    """Migration 0008 fills carrier_features by its own SQL; for carriers that existed then it must
    write the texts app/carriers/features.py writes. When the carriers' public output changes, a new
    migration rewrites the texts with the new statement: check that one here instead."""
    spec = importlib.util.spec_from_file_location("m0008", VERSIONS / "0008_carrier_features.py")
    assert spec is not None and spec.loader is not None
    m0008 = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m0008)
    db.execute(text("CREATE TEMP TABLE frozen (id int PRIMARY KEY, feature text) ON COMMIT DROP"))
    db.execute(text(m0008._FILL.replace("INSERT INTO carrier_features", "INSERT INTO frozen")))
    carriers, same = db.execute(
        text(
            "SELECT (SELECT count(*) FROM carriers), count(*) FILTER (WHERE f.feature = c.feature) "
            "FROM frozen f JOIN carrier_features c USING (id)"
        )
    ).one()
    db.rollback()
    assert carriers >= 500 and same == carriers
