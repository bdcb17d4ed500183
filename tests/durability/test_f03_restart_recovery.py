"""Finding 3 (and the durability half of 2): the embedded database stops and restarts while
requests flow. During the outage every endpoint answers 503 with the usual bilingual JSON body
and Retry-After (REST, OGC in its own shape, tiles); `/healthz` stays 200 and `/readyz` says
503; within 10 s of the restart the service answers again by itself; no acknowledged write is
lost, after a clean stop or a crash (`pg_ctl stop -m immediate`)."""

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import pytest
from sqlalchemy import create_engine, text

from app.cli.cluster import EmbeddedCluster
from tests.durability.conftest import DB_NAME, embedded_env, service_on, sign_in

READS = {
    "rest": "/api/v1/clusters?limit=5",
    "ogc": "/ogc/collections/clusters/items?limit=5",
    "tile": "/tiles/all/7/104/54.mvt",
}
RECOVERY_SECONDS = 10


@dataclass
class Answer:
    kind: str
    at: float  # when the answer arrived (time.monotonic)
    status: int  # 0: no HTTP answer at all
    response: httpx.Response | None
    cluster_id: int | None = None


@dataclass
class Traffic:
    """A writer creating clusters and a reader per kind of READS, each on its own keep-alive connection."""

    base: str
    headers: dict[str, str]
    answers: list[Answer] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def _loop(self, kind: str) -> None:
        with httpx.Client(base_url=self.base, timeout=30) as http:
            n = 0
            while not self.stop.is_set():
                n += 1
                try:
                    if kind == "write":
                        r = http.post(
                            "/api/v1/clusters",
                            headers=self.headers,
                            json={"name": f"restart-{n}-{time.monotonic_ns()}", "tier": "provincial", "source": "restart test"},
                        )
                    else:
                        r = http.get(READS[kind])
                except httpx.TransportError:
                    self.answers.append(Answer(kind, time.monotonic(), 0, None))
                    continue
                created = r.json()["id"] if kind == "write" and r.status_code == 201 else None
                self.answers.append(Answer(kind, time.monotonic(), r.status_code, r, created))
                time.sleep(0.05)

    def __enter__(self) -> "Traffic":
        self.threads = [threading.Thread(target=self._loop, args=(k,)) for k in ("write", *READS)]
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for t in self.threads:
            t.join()

    def between(self, start: float, end: float) -> list[Answer]:
        return [a for a in list(self.answers) if start <= a.at <= end]

    def acknowledged(self) -> set[int]:
        return {a.cluster_id for a in list(self.answers) if a.cluster_id is not None}


@pytest.fixture(scope="module")
def service(own_cluster: EmbeddedCluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with service_on(embedded_env(own_cluster), tmp_path_factory.mktemp("service") / "service.log") as base:
        yield base


def stored(cluster: EmbeddedCluster, ids: set[int]) -> set[int]:
    engine = create_engine(cluster.url(DB_NAME))
    try:
        with engine.connect() as conn:
            return set(conn.execute(text("SELECT id FROM clusters WHERE id = ANY(:ids)"), {"ids": list(ids)}).scalars())
    finally:
        engine.dispose()


def wait_until(check, seconds: float) -> float:  # type: ignore[no-untyped-def]
    """Poll `check` until true; the seconds it took (fails after `seconds`)."""
    start = time.monotonic()
    while not check():
        assert time.monotonic() - start < seconds, f"not within {seconds} s"
        time.sleep(0.1)
    return time.monotonic() - start


def assert_unavailable(answer: Answer) -> None:
    r = answer.response
    assert r is not None and answer.status == 503, (answer.kind, answer.status, r and r.text)
    assert r.headers["content-type"].startswith("application/json") and int(r.headers["retry-after"]) > 0
    body = r.json()
    if answer.kind in ("ogc", "tile"):  # the OGC exception shape, carrying the service's error object
        assert body["code"] == "ServiceUnavailable" and body["description_zh"]
    assert body["error"]["code"] == "database_unavailable" and body["error"]["message_zh"]


def test_outage_answers_503_and_the_service_recovers_by_itself(own_cluster: EmbeddedCluster, service: str) -> None:
    headers = sign_in(service)
    port = own_cluster.port()
    with Traffic(service, headers) as traffic:
        wait_until(lambda: len(traffic.acknowledged()) >= 5, 30)
        own_cluster.stop()
        down = time.monotonic()
        time.sleep(3)
        assert httpx.get(f"{service}/healthz").status_code == 200
        ready = httpx.get(f"{service}/readyz")
        assert ready.status_code == 503 and ready.json()["error"]["code"] == "database_unavailable"
        outage = traffic.between(down + 0.5, time.monotonic())
        assert own_cluster.start() == port, "the cluster came back on another port"
        up = time.monotonic()
        recovered = wait_until(
            lambda: {a.kind for a in traffic.between(up, time.monotonic()) if a.status in (200, 201)} == {"write", *READS},
            RECOVERY_SECONDS,
        )
        time.sleep(1)
    assert {a.kind for a in outage} == {"write", *READS}
    for answer in outage:
        assert_unavailable(answer)
    # Around the stop and the restart too, an answer is a success or a proper 503, never a 500.
    assert {a.status for a in traffic.answers} <= {200, 201, 503}
    for answer in traffic.answers:
        if answer.status == 503:
            assert_unavailable(answer)
    assert httpx.get(f"{service}/readyz").status_code == 200
    acknowledged = traffic.acknowledged()
    assert stored(own_cluster, acknowledged) == acknowledged
    print(f"recovered {recovered:.1f} s after the restart; {len(outage)} answers during the outage")


def test_readyz_names_pending_migrations(own_cluster: EmbeddedCluster, service: str) -> None:
    from app.core.migrations import head_revision
    from tests.support.database import migrate

    url = own_cluster.url(DB_NAME)
    migrate(url, "-1", down=True)
    try:
        r = httpx.get(f"{service}/readyz")
        assert r.status_code == 503 and int(r.headers["retry-after"]) > 0
        error = r.json()["error"]
        assert error["code"] == "migrations_pending" and error["message_zh"]
        assert error["details"][0]["field"] == "migrations" and head_revision() in error["message"]
    finally:
        migrate(url)
    assert httpx.get(f"{service}/readyz").json() == {"status": "ready", "database": "ok", "migrations": head_revision()}


def test_acknowledged_writes_survive_a_crash(own_cluster: EmbeddedCluster, service: str) -> None:
    headers = sign_in(service)
    acknowledged = set()
    with httpx.Client(base_url=service, timeout=30) as http:
        for n in range(20):
            r = http.post(
                "/api/v1/clusters",
                headers=headers,
                json={"name": f"crash-{n}-{time.monotonic_ns()}", "tier": "provincial", "source": "crash test"},
            )
            assert r.status_code == 201, r.text
            acknowledged.add(r.json()["id"])
    own_cluster.stop("immediate")  # a crash: no checkpoint, the WAL is all there is
    own_cluster.start()
    assert stored(own_cluster, acknowledged) == acknowledged
    wait_until(lambda: httpx.get(f"{service}/readyz").status_code == 200, RECOVERY_SECONDS)


def test_a_taken_port_is_named_not_replaced(own_cluster: EmbeddedCluster) -> None:
    import socket

    from app.cli.cluster import ClusterError

    port = own_cluster.port()
    own_cluster.stop()
    with socket.socket() as squatter:
        squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # the server's last connections linger
        squatter.bind(("127.0.0.1", port))
        squatter.listen()
        with pytest.raises(ClusterError, match=f"port {port} .*taken by another program"):
            own_cluster.start()
    assert own_cluster.start() == port


def test_a_cluster_running_without_durability_is_restarted_durable(own_cluster: EmbeddedCluster) -> None:
    """What older versions left running: synchronous_commit=off on the server's command line.
    `investmap db up` restarts it (same port) so that every commit waits for the disk again."""
    from app.cli.cluster import _run, pg_bin

    port = own_cluster.port()
    own_cluster.stop()
    _run(
        [
            str(pg_bin() / "pg_ctl"),
            "start",
            "-w",
            "-D",
            str(own_cluster.data_dir),
            "-l",
            str(own_cluster.log_file),
            "-o",
            f"-p {port} -k /tmp -c listen_addresses=127.0.0.1 -c synchronous_commit=off",
        ]
    )
    assert own_cluster.start() == port
    engine = create_engine(own_cluster.url(DB_NAME))
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SHOW synchronous_commit")).scalar_one() == "on"
    finally:
        engine.dispose()
