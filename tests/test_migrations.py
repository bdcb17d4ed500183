"""Every table migrates up and down cleanly, on a database of its own."""

from sqlalchemy import create_engine, inspect

from tests.conftest import fresh_database, migrate

APP_TABLES = {"regions", "parks", "cooperation_parks", "carriers", "clusters", "cluster_cities", "cluster_parks",
              "cluster_revenues", "load_runs"}


def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"spatial_ref_sys", "alembic_version"}
    finally:
        engine.dispose()


def test_up_down_up(database_url: str) -> None:
    url = fresh_database("investmap_test_migrations")
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
