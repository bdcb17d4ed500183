"""Settings, split by concern the way tipg does, each read from the environment.

Every class has its own prefix so an operator can read one block of the README and set
just that block. `DATABASE_URL` keeps its conventional unprefixed name because every
PostgreSQL tool and PaaS already sets it.
"""

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

# The repository root: app/core/settings.py -> parents[2]. The embedded cluster and the
# built frontend live next to the code so that a clone is self-contained.
PROJECT_ROOT = Path(__file__).resolve().parents[2]


class DatabaseSettings(BaseSettings):
    """Where the data lives. Without DATABASE_URL the embedded cluster under var/ is used."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore")

    database_url: str | None = Field(default=None, description="SQLAlchemy/libpq URL of an existing PostGIS database")
    investmap_var_dir: Path = Field(default=PROJECT_ROOT / "var", description="state of the embedded cluster")
    investmap_db_name: str = Field(default="investmap", description="database name inside the embedded cluster")
    investmap_db_pool_size: int = Field(default=10, ge=1)
    # What one API statement may wait for a lock, and run, before the request answers 503 (the CLI's
    # bulk loads lift both for their own transaction).
    investmap_lock_timeout_ms: int = Field(default=5_000, ge=0, description="0: wait for locks without limit")
    investmap_statement_timeout_ms: int = Field(default=30_000, ge=0, description="0: no limit")


class ServerSettings(BaseSettings):
    """The HTTP side."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore")

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    investmap_public_url: str | None = Field(
        default=None, description="external base URL used in links when behind a proxy (else taken from the request)"
    )
    investmap_allowed_hosts: str = Field(
        default="localhost", description="comma-separated host names whose Host header links may use when no public "
        "URL is set; other Host headers get links to the address the request came in on (app/core/urls.py)"
    )


class ApiSettings(BaseSettings):
    """Paging, size and caching limits of the REST API."""

    model_config = SettingsConfigDict(env_prefix="INVESTMAP_", extra="ignore")

    default_limit: int = Field(default=100, ge=1)
    max_limit: int = Field(default=10_000, ge=1)
    # Deeper pages follow the `next` link (a key cursor), which costs what the first page does.
    max_offset: int = Field(default=10_000, ge=0, description="largest `offset` a list accepts")
    max_body_mb: float = Field(default=2, gt=0, description="request body limit of JSON writes")
    max_upload_mb: float = Field(default=50, gt=0, description="request body limit of routes declared as uploads")
    max_vertices: int = Field(default=50_000, ge=4, description="vertices of one geometry")
    max_request_vertices: int = Field(default=100_000, ge=4, description="vertices of all geometries of one request")
    cache_max_age: int = Field(default=30, ge=0, description="seconds the public may cache REST reads")


@lru_cache
def database_settings() -> DatabaseSettings:
    return DatabaseSettings()


@lru_cache
def server_settings() -> ServerSettings:
    return ServerSettings()


@lru_cache
def api_settings() -> ApiSettings:
    return ApiSettings()


class AccountSettings(BaseSettings):
    """Sign-in and API key policy."""

    model_config = SettingsConfigDict(env_prefix="INVESTMAP_", extra="ignore")

    session_hours: float = Field(default=12, gt=0, description="how long a browser session lasts")
    max_failed_logins: int = Field(
        default=5, ge=1, description="wrong passwords for one account from one address before it is locked there")
    max_failed_logins_per_account: int = Field(
        default=50, ge=1, description="wrong passwords for one account from all addresses before it is locked")
    max_failed_logins_per_ip: int = Field(
        default=30, ge=1, description="failed sign-ins from one address, any account, before it gets 429")
    lockout_minutes: float = Field(default=15, gt=0, description="how long failures count and locks last")
    min_password_length: int = Field(default=10, ge=8, le=128)
    admin_username: str = Field(default="admin", pattern=r"^[A-Za-z0-9_.-]{3,64}$",
                                description="the first admin's name (`investmap users ensure-admin`, `make run`)")
    key_rate_per_minute: int = Field(default=600, ge=1, description="requests per minute per API key (per process)")


@lru_cache
def account_settings() -> AccountSettings:
    return AccountSettings()
