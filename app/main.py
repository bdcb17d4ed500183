"""The FastAPI application: routers, error mapping, the built frontend, and what one running app
keeps on `app.state` from its lifespan (ARCHITECTURE.md)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware

from app.accounts.router import admin as admin_router
from app.accounts.router import auth as auth_router
from app.accounts.service import principal_from_key, principal_from_session
from app.audit.router import router as audit_router
from app.brochures.router import router as brochures_router
from app.brochures.service import Brochures
from app.carriers.router import router as carriers_router
from app.chains.gaps_router import router as gaps_router
from app.chains.router import router as chains_router
from app.clusters.router import router as clusters_router
from app.core.auth import Credentials
from app.core.codes import REGISTRY
from app.core.database import get_engine
from app.core.errors import ERROR_RESPONSES, install_error_handlers
from app.core.health import router as health_router
from app.core.limits import RequestSizeLimit
from app.core.lru import ByteLRU
from app.core.metrics import Observe, install_json_logs
from app.core.metrics import router as metrics_router
from app.core.replicas import ReadRouting
from app.core.settings import ActiveSettings, Settings, from_environment, using
from app.core.versions import DataVersions
from app.dashboard.router import router as dashboard_router
from app.enterprises.router import router as enterprises_router
from app.exchange.jobs import ImportJobs
from app.exchange.router import router as exchange_router
from app.infrastructure.router import router as facilities_router
from app.inquiries.limiter import WindowLimiter
from app.inquiries.router import router as inquiries_router
from app.inquiries.worker import InquiryChores
from app.layers import errors as ogc_errors
from app.layers.catalogue import build_catalogue
from app.ogc.router import router as ogc_router
from app.parks.router import router as parks_router
from app.projects.router import router as projects_router
from app.regions.router import router as regions_router
from app.search.router import router as search_router
from app.sites.router import router as sites_router
from app.targets.router import router as targets_router
from app.tiles.router import router as tiles_router
from app.web.item_pages import router as item_pages_router
from app.web.router import router as web_router
from app.web.security import SecurityHeaders
from app.web.static import install_frontend


def _api() -> APIRouter:
    api = APIRouter(prefix="/api/v1", responses=ERROR_RESPONSES)
    for router in (
        auth_router,
        admin_router,
        audit_router,
        regions_router,
        parks_router,
        carriers_router,
        clusters_router,
        search_router,
        web_router,
        chains_router,
        gaps_router,
        enterprises_router,
        targets_router,
        projects_router,
        dashboard_router,
        facilities_router,
        sites_router,
        brochures_router,
        inquiries_router,
        exchange_router,
    ):
        api.include_router(router)

    @api.get("/codes", tags=["codes 代码表"], summary="Codes with Chinese and English labels / 代码表")
    def codes() -> dict[str, list[dict[str, str]]]:
        return {name: enum.labels() for name, enum in REGISTRY.items()}

    return api


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """What the app's requests share, built from its settings when it starts: the layer catalogue
    (with the gap layer of the deployment's thresholds), the data versions and their listener
    thread, and the per-worker caches of feature pages and tiles. Stopped when it shuts down."""
    settings: Settings = app.state.settings
    with using(settings):
        app.state.layers = build_catalogue(settings.gaps)
        app.state.versions = DataVersions(get_engine(settings.database))
        app.state.ogc_pages = ByteLRU(settings.caches.ogc_cache_mb, "ogc_pages")
        app.state.tile_cache = ByteLRU(settings.caches.tile_cache_mb, "tiles")
        app.state.brochures = Brochures(app.state.versions, settings)
        app.state.warm_ups = [app.state.brochures.warming]  # /readyz waits for them (core/health.py)
        app.state.inquiry_limiter = WindowLimiter()
        app.state.inquiry_chores = InquiryChores(settings)
        app.state.import_jobs = ImportJobs(settings)
    app.state.versions.start()
    app.state.inquiry_chores.start()
    app.state.brochures.start()
    try:
        yield
    finally:
        app.state.inquiry_chores.stop()
        app.state.versions.stop()
        app.state.brochures.stop()
        app.state.import_jobs.stop()


def create_app(settings: Settings | None = None) -> FastAPI:
    """The service with `settings` (by default those of the environment)."""
    settings = settings or from_environment()
    app = FastAPI(
        title="InvestMap 招商一张图 API",
        version="1.0",
        description="Parks, carriers, clusters and regions of Jiangxi. Coordinates are WGS-84 (EPSG:4326), "
        "[lon, lat]. 园区、载体、产业集群与行政区；坐标为 WGS-84。",
        # /docs and /redoc are the service's own pages (app/web/static.py), not FastAPI's CDN ones.
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    if settings.observability.json_logs:
        install_json_logs()
    app.state.credentials = Credentials(key=principal_from_key, session=principal_from_session)
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    app.add_middleware(RequestSizeLimit)  # outside all but the headers: before anything reads the body
    app.add_middleware(SecurityHeaders, web=settings.web)  # every answer carries them, a 413 too
    if origins := [o.strip() for o in settings.server.cors_origins.split(",") if o.strip()]:
        # Partner web apps call with their API key: no cookies cross origins, so no CSRF to fear.
        app.add_middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "If-Match", "If-None-Match"],
            expose_headers=["ETag", "Location", "Retry-After"],
            max_age=600,
        )
    app.add_middleware(ReadRouting)  # outside the rest: may answer a failed replica read again
    # Counts and times each request once, a replica read answered again included.
    app.add_middleware(Observe, json_logs=settings.observability.json_logs)
    app.add_middleware(ActiveSettings, active=settings)  # outermost: everything below reads these settings
    install_error_handlers(app)
    ogc_errors.install()
    app.include_router(_api())
    app.include_router(ogc_router)
    app.include_router(tiles_router)

    app.include_router(health_router)
    app.include_router(metrics_router)
    app.include_router(item_pages_router)
    install_frontend(app)
    return app
