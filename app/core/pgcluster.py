"""The embedded PostgreSQL/PostGIS cluster that `make run` and `make test` use by default.

Debian keeps the server binaries in /usr/lib/postgresql/15/bin, off PATH. `initdb` and
`postgres` refuse to run as root, so when we are root they run as the `postgres` system
user on a data directory that user owns. The socket goes to /tmp because unix socket paths
are limited to ~100 bytes and a deep checkout would overflow that. The port is chosen free
at first start and then read back from postmaster.pid, never assumed to be 5432.
"""

import os
import shutil
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

PG_BIN = Path(os.environ.get("INVESTMAP_PG_BIN", "/usr/lib/postgresql/15/bin"))
SOCKET_DIR = "/tmp"
SUPERUSER = "postgres"


class ClusterError(RuntimeError):
    """The embedded cluster could not be started or reached."""


def _as_server_user(cmd: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", SUPERUSER, "--", *cmd]
    return cmd


def _run(cmd: list[str]) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(_as_server_user(cmd), capture_output=True, text=True)
    if proc.returncode != 0:
        raise ClusterError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}")
    return proc


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _make_traversable(path: Path) -> None:
    """Let the postgres user reach a data directory below root-owned folders.

    Only the search bit is added, and only on folders that lack it for others: the
    content of the folders stays unreadable to that user.
    """
    for parent in reversed(path.parents):
        mode = parent.stat().st_mode
        if not mode & 0o001:
            parent.chmod(mode | 0o001)


@dataclass(frozen=True)
class EmbeddedCluster:
    var_dir: Path

    @property
    def root(self) -> Path:
        return self.var_dir / "pg"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def log_file(self) -> Path:
        return self.root / "server.log"

    def is_initialised(self) -> bool:
        return (self.data_dir / "PG_VERSION").exists()

    def running_port(self) -> int | None:
        """The port of the running server, from postmaster.pid (line 4), or None."""
        status = subprocess.run(
            _as_server_user([str(PG_BIN / "pg_ctl"), "status", "-D", str(self.data_dir)]),
            capture_output=True,
            text=True,
        )
        if status.returncode != 0:
            return None
        lines = (self.data_dir / "postmaster.pid").read_text().splitlines()
        return int(lines[3])

    def init(self) -> None:
        if not (PG_BIN / "initdb").exists():
            raise ClusterError(f"{PG_BIN}/initdb not found: install postgresql-15-postgis-3 (make deps)")
        self.root.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            _make_traversable(self.root)
            shutil.chown(self.root, SUPERUSER, SUPERUSER)
        _run([
            str(PG_BIN / "initdb"), "-D", str(self.data_dir), "-U", SUPERUSER,
            # trust is acceptable only because the server listens on loopback and a
            # socket in /tmp; a production deployment uses DATABASE_URL instead.
            "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8",
        ])

    def start(self) -> int:
        """Start (initialising first if needed) and return the port. Idempotent."""
        if not self.is_initialised():
            self.init()
        port = self.running_port()
        if port is not None:
            return port
        port = _free_port()
        options = (
            f"-p {port} -k {SOCKET_DIR} -c listen_addresses=127.0.0.1 "
            "-c shared_buffers=512MB -c max_connections=200 -c work_mem=16MB "
            "-c synchronous_commit=off -c jit=off"
        )
        _run([
            str(PG_BIN / "pg_ctl"), "start", "-w", "-t", "60", "-D", str(self.data_dir),
            "-l", str(self.log_file), "-o", options,
        ])
        return port

    def stop(self) -> bool:
        if self.running_port() is None:
            return False
        _run([str(PG_BIN / "pg_ctl"), "stop", "-w", "-m", "fast", "-D", str(self.data_dir)])
        return True

    def url(self, database: str, port: int | None = None) -> str:
        port = port or self.running_port()
        if port is None:
            raise ClusterError(f"the embedded cluster in {self.data_dir} is not running: run `investmap db up`")
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{port}/{database}"


def libpq_url(url: str) -> str:
    """A SQLAlchemy URL stripped of its driver part, for psycopg and command-line tools."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def ensure_database(url: str) -> None:
    """Create the database of `url` if missing, with PostGIS enabled in it."""
    base, _, name = libpq_url(url).rpartition("/")
    name = name.split("?", 1)[0]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")


def drop_database(url: str) -> None:
    base, _, name = libpq_url(url).rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name.split("?", 1)[0])))
