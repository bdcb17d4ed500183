"""Reference and demo loads: idempotent, deterministic, all-or-nothing."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from app.core.settings import DatabaseSettings, Settings, using
from app.loaders.demo import load_demo_carriers
from app.loaders.demo_enterprises import load_demo_enterprises
from app.loaders.reference import LoadError, load_all
from tests.support.database import database_name, fresh_database, migrate
from tests.support.reference_files import GEODATA, cluster_lists_csv, parks_csv

# Other tests add their own records; the reference ones are those whose source the files give.
SNAPSHOT = (
    "SELECT (SELECT count(*) FROM regions), (SELECT count(*) FROM parks WHERE source NOT LIKE 'test%' "
    "AND source <> 'authz matrix'), (SELECT count(*) FROM clusters WHERE source NOT LIKE 'test%' "
    "AND source <> 'authz matrix'), (SELECT count(*) FROM cooperation_parks), "
    "(SELECT count(*) FROM cluster_parks), (SELECT string_agg(id::text, ',' ORDER BY id) FROM parks)"
)


def _snapshot(db) -> tuple:
    db.rollback()
    return tuple(db.execute(text(SNAPSHOT)).one())


def test_reference_load_is_idempotent(db) -> None:
    before = _snapshot(db)
    clusters = len({r["name"] for r in cluster_lists_csv()})
    assert before[:4] == (112, len(parks_csv()), clusters, 5)
    assert list(load_all(GEODATA))[:3] == ["regions: 112", f"clusters: {clusters}", f"parks: {len(parks_csv())}"]
    assert _snapshot(db) == before


def test_a_bad_row_names_itself_and_writes_nothing(db, tmp_path: Path) -> None:
    broken = tmp_path / "geodata"
    shutil.copytree(GEODATA, broken)
    lines = (broken / "parks.csv").read_text(encoding="utf-8").splitlines()
    lines[5] = lines[5].replace(",national,", ",galactic,").replace(",provincial,", ",galactic,", 1)
    (broken / "parks.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = _snapshot(db)
    with pytest.raises(LoadError, match=r"parks.csv row 6 .*level"):
        list(load_all(broken))
    assert _snapshot(db) == before


def _demo(db) -> tuple:
    db.rollback()
    return tuple(
        db.execute(
            text(
                "SELECT count(*), count(*) FILTER (WHERE kind = 'land'), min(id), round(sum(area_m2)) FROM carriers WHERE is_demo"
            )
        ).one()
    )


def test_demo_load_is_deterministic_and_replaces_itself(db) -> None:
    original = _demo(db)
    load_demo_carriers(plots=400, factories=100, seed=7)  # same request: skipped, same rows
    assert _demo(db) == original
    load_demo_carriers(plots=50, factories=10, seed=3)
    other = _demo(db)
    assert other[:2] == (60, 50)
    load_demo_carriers(plots=400, factories=100, seed=7)
    again = _demo(db)
    assert again[:2] == original[:2]
    # Same seed, same data (new ids, same areas): two loads compared, since tests that ran before
    # this one may have edited the demo rows it started from.
    load_demo_carriers(plots=50, factories=10, seed=3)
    load_demo_carriers(plots=400, factories=100, seed=7)
    assert _demo(db)[3] == again[3]
    # The distance triggers stood down in the bulk load; one rebuild measured every carrier.
    missing = db.execute(
        text(
            "SELECT count(*) FROM carriers c CROSS JOIN (SELECT DISTINCT kind FROM facilities WHERE published) k "
            "WHERE NOT EXISTS (SELECT 1 FROM facility_distances d "
            "WHERE d.subject = 'carrier' AND d.subject_id = c.id AND d.kind = k.kind)"
        )
    ).scalar_one()
    orphans = db.execute(
        text(
            "SELECT count(*) FROM facility_distances d "
            "WHERE d.subject = 'carrier' AND d.subject_id NOT IN (SELECT id FROM carriers)"
        )
    ).scalar_one()
    assert (missing, orphans) == (0, 0)


def test_demo_enterprises_down_to_none() -> None:
    """`load demo --enterprises 0` removes the demo enterprises (it used to fail on an empty draw), and a
    count too small for any external enterprise still loads its local ones. On a database of its own:
    in the suite's, other tests' projects may refer to demo enterprises."""
    url = fresh_database(database_name("demo_enterprises"))
    migrate(url)
    counts = text(
        "SELECT count(*) FILTER (WHERE is_local), count(*) FILTER (WHERE NOT is_local), "
        "(SELECT count(*) FROM targets WHERE is_demo) FROM enterprises WHERE is_demo"
    )
    engine = create_engine(url)
    try:
        with using(Settings(database=DatabaseSettings(url=url))):
            list(load_all(GEODATA))
            load_demo_enterprises(enterprises=3, seed=7)
            with engine.connect() as conn:
                assert tuple(conn.execute(counts).one()) == (3, 0, 0)
            load_demo_enterprises(enterprises=0, seed=7)
            with engine.connect() as conn:
                assert tuple(conn.execute(counts).one()) == (0, 0, 0)
    finally:
        engine.dispose()


def test_demo_carriers_lie_in_their_parks_county(db) -> None:
    db.rollback()
    outside = db.execute(
        text(
            "SELECT count(*) FROM carriers c JOIN parks p ON p.id = c.park_id JOIN regions r ON r.adcode = p.region_adcode "
            "WHERE c.is_demo AND NOT ST_Covers(r.geom, c.location)"
        )
    ).scalar_one()
    assert outside == 0


def test_cli_prints_the_database_url(database_url: str) -> None:
    out = subprocess.run(
        [str(Path(sys.executable).parent / "investmap"), "db", "url"],
        capture_output=True,
        text=True,
        env={**os.environ, "DATABASE_URL": database_url},
        check=True,
    ).stdout.strip()
    assert out == database_url.replace("postgresql+psycopg://", "postgresql://")


def test_cli_creates_users_and_keys(database_url: str) -> None:
    cli = str(Path(sys.executable).parent / "investmap")
    env = {**os.environ, "DATABASE_URL": database_url}
    out = subprocess.run(
        [cli, "users", "create", "cli_officer", "--role", "officer", "--regions", "360100"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout
    assert "created officer cli_officer" in out and "one-time password" in out
    listed = subprocess.run([cli, "users", "list"], capture_output=True, text=True, env=env, check=True).stdout
    assert any(line.split("\t")[1:4] == ["cli_officer", "officer", "360100"] for line in listed.splitlines())
    out = subprocess.run(
        [cli, "keys", "create", "cli-key", "--collections", "parks"], capture_output=True, text=True, env=env, check=True
    ).stdout
    key_id, secret = out.split()[1], out.split()[-1]
    assert secret.startswith("imk_")
    subprocess.run([cli, "keys", "revoke", key_id], capture_output=True, text=True, env=env, check=True)
    listed = subprocess.run([cli, "keys", "list"], capture_output=True, text=True, env=env, check=True).stdout
    assert f"{key_id}\tcli-key\tread\tparks\trevoked" in listed
