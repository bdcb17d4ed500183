"""Finding 17, embedded cluster: no connection is trusted. TCP needs the password generated at
initdb (kept in var/pg/password, mode 0600), the URLs the code builds carry it, and a cluster
created by older code with `--auth=trust` is converted when it is started (`investmap db up`)."""

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from app.cli.cluster import HBA, EmbeddedCluster, libpq_url
from tests.durability.conftest import DB_NAME, embedded_env

TRUST_HBA = """local all all trust
host all all 127.0.0.1/32 trust
host all all ::1/128 trust
"""


def connects(cluster: EmbeddedCluster, password: str | None) -> bool:
    try:
        psycopg.connect(
            host="127.0.0.1", port=cluster.port(), user="postgres", dbname=DB_NAME, password=password or "", connect_timeout=5
        ).close()
    except psycopg.OperationalError as exc:
        assert "password" in str(exc)
        return False
    return True


def test_tcp_connections_need_the_generated_password(own_cluster: EmbeddedCluster) -> None:
    password = own_cluster.password()
    assert password and len(password) >= 24
    assert stat.S_IMODE(own_cluster.password_file.stat().st_mode) == 0o600
    assert (own_cluster.data_dir / "pg_hba.conf").read_text() == HBA and "trust" not in HBA
    assert not connects(own_cluster, None)
    assert not connects(own_cluster, "wrong")
    assert connects(own_cluster, password)


def test_db_url_prints_a_url_that_gets_in(own_cluster: EmbeddedCluster) -> None:
    cli = str(Path(sys.executable).parent / "investmap")
    url = subprocess.run(
        [cli, "db", "url"], env=embedded_env(own_cluster), capture_output=True, text=True, check=True
    ).stdout.strip()
    assert url == libpq_url(own_cluster.url(DB_NAME))
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT current_user").fetchone() == ("postgres",)


def test_a_cluster_made_with_trust_is_converted_when_started(own_cluster: EmbeddedCluster) -> None:
    old = own_cluster.password()
    # What older code left behind: trust everywhere, no password file.
    (own_cluster.data_dir / "pg_hba.conf").write_text(TRUST_HBA)
    with psycopg.connect(libpq_url(own_cluster.url(DB_NAME)), autocommit=True) as conn:
        conn.execute("SELECT pg_reload_conf()")
    own_cluster.password_file.unlink()
    deadline = time.monotonic() + 10
    while not connects(own_cluster, None):
        assert time.monotonic() < deadline, "the trust configuration was not loaded"
        time.sleep(0.1)

    own_cluster.start()  # what `investmap db up` does

    new = own_cluster.password()
    assert new and new != old
    assert stat.S_IMODE(own_cluster.password_file.stat().st_mode) == 0o600
    deadline = time.monotonic() + 10
    while connects(own_cluster, None):  # the server reloads its configuration on a signal, in a moment
        assert time.monotonic() < deadline, "still trusted after the conversion"
        time.sleep(0.1)
    assert not connects(own_cluster, old)
    assert connects(own_cluster, new)


@pytest.mark.skipif(os.geteuid() != 0, reason="peer authentication maps the postgres system user; needs root to switch")
def test_the_socket_admits_only_the_postgres_system_user(own_cluster: EmbeddedCluster) -> None:
    psql = "/usr/lib/postgresql/15/bin/psql"
    args = ["-h", "/tmp", "-p", str(own_cluster.port()), "-U", "postgres", "-d", DB_NAME, "-Atc", "SELECT 1"]
    as_postgres = subprocess.run(["runuser", "-u", "postgres", "--", psql, *args], capture_output=True, text=True)
    assert as_postgres.stdout.strip() == "1", as_postgres.stderr
    as_root = subprocess.run(
        [psql, "-w", *args], capture_output=True, text=True, env={k: v for k, v in os.environ.items() if k != "PGPASSWORD"}
    )
    assert as_root.returncode != 0 and "Peer authentication failed" in as_root.stderr
