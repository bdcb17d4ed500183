"""The embedded PostgreSQL/PostGIS cluster that `make run` and `make test` use by default.

Debian keeps the server binaries in /usr/lib/postgresql/15/bin, off PATH. `initdb` and
`postgres` refuse to run as root, so when we are root they run as the `postgres` system
user on a data directory that user owns. The socket goes to /tmp because unix socket paths
are limited to ~100 bytes and a deep checkout would overflow that.

The port is chosen once, at the first start, and kept in var/pg/port: the cluster comes back
on the same port after every restart, so a running service's URL stays right and it recovers
by itself (a port taken by another program is an error, never a silent move). Connections over
TCP need the superuser's password, generated at initdb and kept in var/pg/password (mode 0600);
the socket admits only the `postgres` system user (peer). Commits are durable
(`synchronous_commit` stays on); bulk loads relax it for their own transaction only.
"""

import os
import secrets
import shutil
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

from app.core.database import SUPERUSER, embedded_url
from app.core.settings import settings

SOCKET_DIR = "/tmp"
# Host-based authentication of a cluster this code created or converted; the superuser may stream
# the WAL to a read replica (`pg_basebackup -R`, deploy/README.md).
HBA = """# written by InvestMap (app/cli/cluster.py): a password over TCP, the postgres system user on the socket
local   all   all                  peer
host    all   all   127.0.0.1/32   scram-sha-256
host    all   all   ::1/128        scram-sha-256
host    replication   all   127.0.0.1/32   scram-sha-256
"""


class ClusterError(RuntimeError):
    """The embedded cluster could not be started or reached."""


def _as_server_user(cmd: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", SUPERUSER, "--", *cmd]
    return cmd


def pg_bin() -> Path:
    """Where the PostgreSQL 15 server binaries are (INVESTMAP_PG_BIN): Debian keeps them off PATH."""
    return settings().database.pg_bin


def _run(cmd: list[str]) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(_as_server_user(cmd), capture_output=True, text=True)
    if proc.returncode != 0:
        raise ClusterError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}")
    return proc


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _port_is_free(port: int) -> bool:
    """Nothing listens on `port`. SO_REUSEADDR as PostgreSQL sets it: connections of the server's
    last run that linger in TIME_WAIT do not make the port taken."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _make_traversable(path: Path) -> None:
    """Let the postgres user reach a data directory below root-owned folders.

    Only the search bit is added, and only on folders that lack it for others: the
    content of the folders stays unreadable to that user.
    """
    for parent in reversed(path.parents):
        mode = parent.stat().st_mode
        if not mode & 0o001:
            parent.chmod(mode | 0o001)


def _write_private(path: Path, text: str, owner: str | None = None) -> None:
    """Write `text` to a file only its owner can read, created with that mode (never readable in between)."""
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    if owner is not None:
        shutil.chown(path, owner, owner)


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

    @property
    def port_file(self) -> Path:
        return self.root / "port"

    @property
    def password_file(self) -> Path:
        return self.root / "password"

    def is_initialised(self) -> bool:
        return (self.data_dir / "PG_VERSION").exists()

    def running_port(self) -> int | None:
        """The port of the running server, from postmaster.pid (line 4), or None."""
        status = subprocess.run(
            _as_server_user([str(pg_bin() / "pg_ctl"), "status", "-D", str(self.data_dir)]),
            capture_output=True,
            text=True,
        )
        if status.returncode != 0:
            return None
        lines = (self.data_dir / "postmaster.pid").read_text().splitlines()
        return int(lines[3])

    def port(self) -> int:
        """The cluster's port, running or not: the one kept in var/pg/port."""
        if self.port_file.exists():
            return int(self.port_file.read_text())
        # A cluster started before the port was kept: keep the one it runs on.
        running = self.running_port()
        if running is None:
            raise ClusterError(f"the embedded cluster in {self.data_dir} has no port yet: run `investmap db up`")
        self.port_file.write_text(f"{running}\n")
        return running

    def password(self) -> str | None:
        """The superuser's password; None for a cluster of older code not yet converted (see `secure`)."""
        return self.password_file.read_text().strip() if self.password_file.exists() else None

    def init(self) -> None:
        if not (pg_bin() / "initdb").exists():
            raise ClusterError(f"{pg_bin()}/initdb not found: install postgresql-15-postgis-3 (make deps)")
        self.root.mkdir(parents=True, exist_ok=True)
        server_user = SUPERUSER if os.geteuid() == 0 else None
        if server_user:
            _make_traversable(self.root)
            shutil.chown(self.root, SUPERUSER, SUPERUSER)
        password = secrets.token_urlsafe(24)
        _write_private(self.password_file, password + "\n")
        # initdb reads the password from a file the server user can read; it is removed at once.
        pwfile = self.root / "initdb-password"
        _write_private(pwfile, password + "\n", owner=server_user)
        try:
            _run(
                [
                    str(pg_bin() / "initdb"),
                    "-D",
                    str(self.data_dir),
                    "-U",
                    SUPERUSER,
                    f"--pwfile={pwfile}",
                    "--auth-local=peer",
                    "--auth-host=scram-sha-256",
                    "--encoding=UTF8",
                    "--locale=C.UTF-8",
                ]
            )
        finally:
            pwfile.unlink(missing_ok=True)
        (self.data_dir / "pg_hba.conf").write_text(HBA)

    def start(self) -> int:
        """Start (initialising first if needed) on the kept port and return it. Idempotent."""
        if not self.is_initialised():
            self.init()
        port = self.running_port()
        if port is not None and "synchronous_commit=off" in (self.data_dir / "postmaster.opts").read_text():
            # Started by an older version that traded durability for speed on the server's command
            # line, which only a restart undoes.
            self.stop()
            port = None
        if port is None:
            port = int(self.port_file.read_text()) if self.port_file.exists() else _free_port()
            if not _port_is_free(port):
                raise ClusterError(
                    f"port {port} of the embedded cluster (kept in {self.port_file}) is taken by another program: "
                    f"stop that program, or delete {self.port_file} to let the cluster pick a new port "
                    "(then restart the services using it)"
                )
            options = (
                f"-p {port} -k {SOCKET_DIR} -c listen_addresses=127.0.0.1 "
                "-c shared_buffers=512MB -c max_connections=200 -c work_mem=16MB -c jit=off"
            )
            _run(
                [
                    str(pg_bin() / "pg_ctl"),
                    "start",
                    "-w",
                    "-t",
                    "60",
                    "-D",
                    str(self.data_dir),
                    "-l",
                    str(self.log_file),
                    "-o",
                    options,
                ]
            )
        if not self.port_file.exists() or int(self.port_file.read_text()) != port:
            self.port_file.write_text(f"{port}\n")
        self.secure(port)
        return port

    def secure(self, port: int) -> None:
        """Convert a running cluster created with `--auth=trust` (older code) to password authentication.

        Idempotent: a cluster whose pg_hba.conf already is ours is left alone. The password is
        kept before the role gets it, so an interrupted conversion is finished by the next start.
        """
        hba = self.data_dir / "pg_hba.conf"
        if hba.read_text() == HBA:
            return
        password = self.password() or secrets.token_urlsafe(24)
        if not self.password_file.exists():
            _write_private(self.password_file, password + "\n")
        # Still trust (or a half-done conversion: the password is set already): the TCP connection gets in.
        with psycopg.connect(
            host="127.0.0.1", port=port, user=SUPERUSER, password=password, dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(SUPERUSER), sql.Literal(password)))
            hba.write_text(HBA)
            conn.execute("SELECT pg_reload_conf()")

    def stop(self, mode: str = "fast") -> bool:
        if self.running_port() is None:
            return False
        _run([str(pg_bin() / "pg_ctl"), "stop", "-w", "-m", mode, "-D", str(self.data_dir)])
        return True

    def url(self, database: str, port: int | None = None) -> str:
        """The SQLAlchemy URL of `database`, valid across restarts (kept port, kept password)."""
        return embedded_url(self.var_dir, database, port or self.port())


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
