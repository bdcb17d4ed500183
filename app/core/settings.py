"""Every setting of the service, split by concern the way tipg does, each read from the environment.

Each class has its own prefix so that an operator reads one block of the README's configuration
table and sets just that block; `DATABASE_URL`, `HOST` and `PORT` keep their conventional
unprefixed names because PostgreSQL tools, PaaS and process managers already set them. The
README's table lists every variable below (tests/core/test_settings.py compares the two).

`Settings` gathers the blocks. `create_app(settings)` serves with the settings it is given and
keeps them on `app.state.settings`; code below the routers asks `settings()`, which answers the
settings of the app serving the current request (set by `ActiveSettings`), or of a `using`
block, else the environment's, read once per process. So a test builds an app with settings of
its own without touching the environment or any cache.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from starlette.types import ASGIApp, Receive, Scope, Send

# The repository root: app/core/settings.py -> parents[2]. The embedded cluster and the
# built frontend live next to the code so that a clone is self-contained.
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _config(prefix: str) -> SettingsConfigDict:
    # Frozen: settings are values (hashable: an engine is kept per database settings).
    return SettingsConfigDict(env_prefix=prefix, extra="ignore", frozen=True, populate_by_name=True)


class DatabaseSettings(BaseSettings):
    """Where the data lives. Without DATABASE_URL the embedded cluster under var/ is used."""

    model_config = _config("INVESTMAP_")

    url: str | None = Field(
        default=None, validation_alias="DATABASE_URL", description="SQLAlchemy/libpq URL of an existing PostGIS database"
    )
    replica_urls: str = Field(
        default="",
        validation_alias="DATABASE_REPLICA_URLS",
        description="comma-separated URLs of streaming read replicas of DATABASE_URL; empty: the primary answers all",
    )
    replica_backoff_s: float = Field(
        default=5, gt=0, description="seconds a read replica that failed or is not a replica is left out"
    )
    var_dir: Path = Field(default=PROJECT_ROOT / "var", description="state of the embedded cluster")
    db_name: str = Field(default="investmap", description="database name inside the embedded cluster")
    db_pool_size: int = Field(default=10, ge=1, description="connections each worker keeps open")
    # What one API statement may wait for a lock, and run, before the request answers 503 (the CLI's
    # bulk loads lift both for their own transaction).
    lock_timeout_ms: int = Field(default=5_000, ge=0, description="0: wait for locks without limit")
    statement_timeout_ms: int = Field(default=30_000, ge=0, description="0: no limit")
    slow_statement_ms: int = Field(
        default=1_000, ge=0, description="statements slower than this are logged (shape of parameters, no values)"
    )
    pg_bin: Path = Field(
        default=Path("/usr/lib/postgresql/15/bin"),
        description="PostgreSQL server and client binaries (embedded cluster, backup, restore)",
    )


class ServerSettings(BaseSettings):
    """The HTTP side: where `investmap serve` listens and which address links name."""

    model_config = _config("INVESTMAP_")

    host: str = Field(default="127.0.0.1", validation_alias="HOST")
    port: int = Field(default=8000, ge=1, le=65535, validation_alias="PORT")
    public_url: str | None = Field(
        default=None, description="external base URL used in links when behind a proxy (else taken from the request)"
    )
    allowed_hosts: str = Field(
        default="localhost",
        description="comma-separated host names whose Host header links may use when no public "
        "URL is set; other Host headers get links to the address the request came in on (app/core/urls.py)",
    )
    cors_origins: str = Field(
        default="",
        description="comma-separated origins of partner web apps allowed to call the API from a browser "
        "(with an API key, not cookies); empty: none",
    )


class ApiSettings(BaseSettings):
    """Paging, size and caching limits of the REST API."""

    model_config = _config("INVESTMAP_")

    default_limit: int = Field(default=100, ge=1, description="page size of a list without `limit`")
    max_limit: int = Field(default=10_000, ge=1, description="largest `limit` of a list or an OGC page")
    # Deeper pages follow the `next` link (a key cursor), which costs what the first page does.
    max_offset: int = Field(default=10_000, ge=0, description="largest `offset` a list accepts")
    max_body_mb: float = Field(default=2, gt=0, description="request body limit of JSON writes")
    max_upload_mb: float = Field(default=50, gt=0, description="request body limit of routes declared as uploads")
    max_vertices: int = Field(default=50_000, ge=4, description="vertices of one geometry")
    max_request_vertices: int = Field(default=100_000, ge=4, description="vertices of all geometries of one request")
    cache_max_age: int = Field(default=30, ge=0, description="seconds the public may cache REST reads")


class CacheSettings(BaseSettings):
    """In-process caches of encoded answers, per worker (app/core/lru.py)."""

    model_config = _config("INVESTMAP_")

    tile_cache_mb: int = Field(default=256, ge=0, description="vector tiles; 0 turns the cache off")
    ogc_cache_mb: int = Field(default=128, ge=0, description="OGC feature pages; 0 turns the cache off")


class AccountSettings(BaseSettings):
    """Sign-in and API key policy."""

    model_config = _config("INVESTMAP_")

    session_hours: float = Field(default=12, gt=0, description="how long a browser session lasts")
    max_failed_logins: int = Field(
        default=5, ge=1, description="wrong passwords for one account from one address before it is locked there"
    )
    max_failed_logins_per_account: int = Field(
        default=50, ge=1, description="wrong passwords for one account from all addresses before it is locked"
    )
    max_failed_logins_per_ip: int = Field(
        default=30, ge=1, description="failed sign-ins from one address, any account, before it gets 429"
    )
    lockout_minutes: float = Field(default=15, gt=0, description="how long failures count and locks last")
    min_password_length: int = Field(default=10, ge=8, le=128, description="shortest password people may choose")
    admin_username: str = Field(
        default="admin",
        pattern=r"^[A-Za-z0-9_.-]{3,64}$",
        description="the first admin's name (`investmap users ensure-admin`, `make run`)",
    )
    key_rate_per_minute: int = Field(default=600, ge=1, description="requests per minute per API key (per process)")


class CarrierSettings(BaseSettings):
    """Where a carrier may lie and how large a plot may be: set per deployment, since boundaries
    drawn for display and parks on a county border need some slack."""

    model_config = _config("INVESTMAP_CARRIER_")

    region_tolerance_m: float = Field(default=2000, ge=0, description="how far a carrier may reach beyond its park's county")
    max_plot_ha: float = Field(default=1000, gt=0, description="the largest land plot accepted, in hectares")


class ImportSettings(BaseSettings):
    """Bounds of one file import (app/exchange/); the upload itself is bounded by INVESTMAP_MAX_UPLOAD_MB."""

    model_config = _config("INVESTMAP_IMPORT_")

    max_rows: int = Field(default=250_000, ge=1, description="features or rows one import may hold")
    max_unpacked_mb: float = Field(default=1000, gt=0, description="what an uploaded zip or KMZ may unpack to")
    job_lease_s: float = Field(
        default=60, gt=0, description="an import job whose worker was silent this long is failed (its worker died)"
    )
    max_active_jobs: int = Field(default=3, ge=1, description="import jobs one person may have queued or running at once")


class GapSettings(BaseSettings):
    """When a link with local enterprises still counts as a gap (弱 weak). Set per deployment, since
    what is "few" or "small" differs between a county and the province; a request may override them."""

    model_config = _config("INVESTMAP_GAP_")

    min_count: int = Field(default=3, ge=1, description="fewer local enterprises than this: weak")
    min_revenue_yi: float = Field(default=10.0, ge=0, description="their revenue below this (亿元): weak")


class ProjectSettings(BaseSettings):
    """When a key project counts as behind (app/projects/status.py), and how long an admin may
    undo a signing. Offices set their own tolerance of lateness."""

    model_config = _config("INVESTMAP_PROJECT_")

    amber_days: int = Field(default=30, ge=0, description="a stage later than this many days: amber")
    red_days: int = Field(default=90, ge=1, description="a stage later than this many days: red")
    investment_shortfall: float = Field(
        default=0.2, gt=0, lt=1, description="cumulative investment below the planned path by this share: amber"
    )
    undo_signing_hours: float = Field(default=72, ge=0, description="how long after signing an admin may undo it")
    month_close_day: int = Field(
        default=10,
        ge=1,
        le=28,
        description="a month's reports close on this day of the next month; then only admins and leaders correct them",
    )


class DemoSettings(BaseSettings):
    """Whether the public sees generated demo records (issue 16): never unless the deployment asks
    (`make run` does). Staff always see them, flagged; a write key its own."""

    model_config = _config("INVESTMAP_DEMO_")

    public: bool = Field(default=False, description="show demo records to the public (anonymous and read-only callers)")


class WebSettings(BaseSettings):
    """Basemaps the map page offers (app/web/basemaps.py). Online basemaps are configuration, not
    code: a government intranet usually mirrors tiles on its own server, so every template can be
    pointed elsewhere, and a basemap whose template is empty is not offered at all."""

    model_config = _config("INVESTMAP_")

    osm_tile_url: str = Field(
        default="https://tile.openstreetmap.org/{z}/{x}/{y}.png", description="OpenStreetMap tile template; empty disables it"
    )
    amap_tile_url: str = Field(
        default="https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",
        description="Amap (GCJ-02) tile template; empty disables it",
    )
    tianditu_key: str | None = Field(default=None, description="天地图 browser key (tk); unset hides Tianditu")
    default_basemap: Literal["offline", "osm", "tianditu", "amap"] = Field(
        default="offline", description="the basemap the page opens with"
    )


class BrochureSettings(BaseSettings):
    """招商册: how the brochures are printed and how many rows a table of one holds (app/brochures)."""

    model_config = _config("INVESTMAP_BROCHURE_")

    chromium: Path = Field(default=Path("/usr/bin/chromium"), description="the headless Chromium that prints the PDFs")
    pdf_timeout_s: float = Field(default=60, gt=0, description="seconds one PDF may take before the request answers 503")
    max_pdf_mb: float = Field(default=20, gt=0, description="a PDF larger than this is refused (503), not served")
    max_prints: int = Field(default=2, ge=1, le=16, description="PDFs printed at once per worker; more wait, then 503")
    cache_mb: int = Field(default=64, ge=0, description="printed brochures kept per worker, by data version; 0 turns it off")
    max_rows: int = Field(default=20, ge=1, le=200, description="rows of each table (land, factories, enterprises, targets)")
    max_parks: int = Field(default=60, ge=1, le=500, description="parks listed and drawn in a region, cluster or chain brochure")
    warm_up: bool = Field(
        default=True, description="a worker imports the map renderer and starts its browser as it starts, not at the first PDF"
    )
    booklet_lease_s: float = Field(
        default=60, gt=0, description="a booklet job whose worker was silent this long is failed (its worker died)"
    )


class InquirySettings(BaseSettings):
    """Investment inquiries (app/inquiries): how fast officers should answer, how long contact
    details are kept, how many a visitor may send, and where notifications go (unset: in the app only)."""

    model_config = _config("INVESTMAP_INQUIRY_")

    first_response_hours: float = Field(default=48, gt=0, description="an inquiry not contacted within this is overdue")
    retention_days: int = Field(default=365, ge=1, description="closed and converted inquiries are anonymised after this")
    per_ip_per_hour: int = Field(default=5, ge=1, description="inquiries one address may send in an hour (per process)")
    duplicate_hours: float = Field(default=24, ge=0, description="an identical inquiry within this folds into the first")
    smtp_host: str | None = Field(default=None, description="SMTP server for e-mail notifications; unset: no e-mail")
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_starttls: bool = Field(default=False, description="upgrade the SMTP connection with STARTTLS")
    smtp_user: str | None = Field(default=None, description="SMTP login, if the server wants one")
    smtp_password: str | None = Field(default=None)
    mail_from: str = Field(default="investmap@localhost", description="sender address of notification e-mails")
    webhook_url: str | None = Field(default=None, description="URL receiving a signed JSON POST per new inquiry")
    webhook_secret: str | None = Field(default=None, description="shared secret of the webhook's HMAC-SHA256 signature")


class ObservabilitySettings(BaseSettings):
    """Metrics and logs (app/core/metrics.py)."""

    model_config = _config("INVESTMAP_")

    metrics_token: str | None = Field(
        default=None, description="bearer token /metrics asks for; unset: only loopback callers may read it"
    )
    json_logs: bool = Field(default=False, description="log each request as one JSON object per line")


class Settings(BaseModel):
    """All settings of one running service; each block reads its variables from the environment
    unless given."""

    model_config = ConfigDict(frozen=True)

    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    server: ServerSettings = Field(default_factory=ServerSettings)
    api: ApiSettings = Field(default_factory=ApiSettings)
    caches: CacheSettings = Field(default_factory=CacheSettings)
    accounts: AccountSettings = Field(default_factory=AccountSettings)
    carriers: CarrierSettings = Field(default_factory=CarrierSettings)
    imports: ImportSettings = Field(default_factory=ImportSettings)
    gaps: GapSettings = Field(default_factory=GapSettings)
    projects: ProjectSettings = Field(default_factory=ProjectSettings)
    demo: DemoSettings = Field(default_factory=DemoSettings)
    web: WebSettings = Field(default_factory=WebSettings)
    brochures: BrochureSettings = Field(default_factory=BrochureSettings)
    inquiries: InquirySettings = Field(default_factory=InquirySettings)
    observability: ObservabilitySettings = Field(default_factory=ObservabilitySettings)


_ACTIVE: ContextVar[Settings | None] = ContextVar("investmap_settings", default=None)


@lru_cache(maxsize=1)
def from_environment() -> Settings:
    return Settings()


def settings() -> Settings:
    """The settings in effect: the serving app's during a request, a `using` block's, else the environment's."""
    return _ACTIVE.get() or from_environment()


@contextmanager
def using(active: Settings) -> Iterator[Settings]:
    """Run a block (a load, a test's setup) with `active` as the settings in effect."""
    token = _ACTIVE.set(active)
    try:
        yield active
    finally:
        _ACTIVE.reset(token)


class ActiveSettings:
    """ASGI middleware: the app's settings are in effect while it handles a request (and its
    lifespan); worker threads of the request inherit them (contextvars are copied)."""

    def __init__(self, app: ASGIApp, active: Settings) -> None:
        self.app = app
        self.active = active

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        with using(self.active):
            await self.app(scope, receive, send)
