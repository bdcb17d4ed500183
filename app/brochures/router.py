"""招商册 endpoints: the web edition (HTML), the PDF, and the stylesheets and font both use.

    GET /api/v1/brochures/{scope}/{key}.html?lang=zh|en&edition=public|internal&sort=area|price
    GET /api/v1/brochures/{scope}/{key}.pdf?...
    POST /api/v1/brochures/booklets?city=360700&lang=zh   (staff: every park of a city, a background job)
    GET  /api/v1/brochures/booklets/{job}[.pdf]             (its progress; its PDF once done)

`scope` is park, county, city, cluster or chain; `key` a park's, cluster's or chain's id or a
region's adcode. The public edition is anyone's and shows what the public sees; the internal one
is for staff only (403 to anyone else) and is never kept by a shared cache.
"""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse

from app.core.auth import CurrentUser, StaffDep, check_csrf
from app.core.caching import cached
from app.core.database import SessionDep
from app.core.errors import Conflict, Forbidden, NotFound
from app.core.urls import base_url

from .booklets import BookletJob, job_links
from .model import Edition, LandSort, Lang, Scope
from .service import ASSETS, TABLES, Ask, Brochures

router = APIRouter(prefix="/brochures", tags=["brochures 招商册"])
ASSET_TYPES = {".css": "text/css; charset=utf-8", ".ttc": "font/collection"}
# A brochure is rebuilt only when its data changed; a browser revalidates after this long.
MAX_AGE = 300


LangQ = Annotated[Lang, Query(description="zh | en / 语言")]
EditionQ = Annotated[Edition, Query(description="public | internal (staff only) / 版本")]
SortQ = Annotated[LandSort, Query(description="land and factories: area (largest first) | price (cheapest first) / 排序")]


def asked(
    user: CurrentUser,
    scope: Scope,
    key: str,
    lang: LangQ = Lang.ZH,
    edition: EditionQ = Edition.PUBLIC,
    sort: SortQ = LandSort.AREA,
) -> Ask:
    """Which brochure the address asks for; the internal edition only for staff."""
    if edition is Edition.INTERNAL and not user.is_staff:
        raise Forbidden("the internal edition is for staff only", "内部版招商册仅限工作人员查看")
    return Ask(scope, key, edition, lang, sort)


AskDep = Annotated[Ask, Depends(asked)]


def _brochures(request: Request) -> Brochures:
    brochures: Brochures = request.app.state.brochures
    return brochures


def _answer(request: Request, body: bytes, media_type: str, ask: Ask) -> Response:
    internal = ask.edition is Edition.INTERNAL
    return cached(request, body, media_type, max_age=MAX_AGE, private=internal, vary="Cookie, Authorization")


@router.get("/assets/{name}", include_in_schema=False)
def asset(request: Request, name: str) -> Response:
    path = ASSETS.get(name)
    if path is None or not path.is_file():
        raise NotFound("file", "文件", name)
    return cached(request, path.read_bytes(), ASSET_TYPES[path.suffix], max_age=86400)


@router.post(
    "/booklets", status_code=202, summary="Start a city's booklet: every park in one PDF (staff) / 生成设区市园区招商册汇编"
)
def start_booklet(
    request: Request,
    session: SessionDep,
    user: StaffDep,
    city: Annotated[str, Query(pattern=r"^\d{6}$", description="the city's adcode / 设区市行政区划代码")],
    lang: LangQ = Lang.ZH,
) -> JSONResponse:
    """A background job: poll its status_url for progress, fetch its pdf_url once done. Asked
    again while the data is unchanged, the same job answers (and a done one at once)."""
    check_csrf(request, user)
    brochures = _brochures(request)
    job = brochures.booklets.start(session, city, lang, base_url(request), brochures.versions.version(TABLES))
    body = job_links(job, _booklets_path(request))
    return JSONResponse(body, status_code=202, headers={"Location": body["status_url"], "Cache-Control": "no-store"})


def _booklets_path(request: Request) -> str:
    return request.url_for("start_booklet").path


def _job(request: Request, job_id: str) -> BookletJob:
    job = _brochures(request).booklets.status(job_id)
    if job is None:
        raise NotFound("booklet job", "汇编任务", job_id)
    return job


@router.get(
    "/booklets/{job_id}.pdf",
    summary="A finished booklet (staff) / 汇编 PDF",
    response_class=Response,
    responses={200: {"description": "A4 PDF", "content": {"application/pdf": {"schema": {"type": "string"}}}}},
)
def booklet_pdf(request: Request, user: StaffDep, job_id: str) -> Response:
    job = _job(request, job_id)
    if job.status != "done":
        raise Conflict(f"booklet {job_id} is {job.status}, not done", f"汇编任务 {job_id} 尚未完成（{job.status}）")
    response = cached(request, _brochures(request).booklets.pdf_path(job_id).read_bytes(), "application/pdf", private=True)
    response.headers["Content-Disposition"] = f'inline; filename="booklet-{job_id}.pdf"'
    return response


@router.get("/booklets/{job_id}", summary="A booklet job's progress (staff) / 汇编任务进度")
def booklet_status(request: Request, user: StaffDep, job_id: str) -> JSONResponse:
    body = job_links(_job(request, job_id), _booklets_path(request))
    return JSONResponse(body, headers={"Cache-Control": "no-store"})


@router.get(
    "/{scope}/{key}.html",
    summary="A brochure's web edition / 招商册网页版",
    response_class=Response,
    responses={200: {"description": "HTML with a print stylesheet", "content": {"text/html": {"schema": {"type": "string"}}}}},
)
def brochure_html(request: Request, session: SessionDep, user: CurrentUser, ask: AskDep) -> Response:
    assets = request.url_for("asset", name="x").path.removesuffix("/x")
    body = _brochures(request).html(session, ask, user, base_url(request), assets)
    return _answer(request, body, "text/html; charset=utf-8", ask)


@router.get(
    "/{scope}/{key}.png",
    summary="A brochure's map, public edition: the image of a shared park link / 招商册地图（分享图片）",
    response_class=Response,
    responses={200: {"description": "PNG, 1200 × 750", "content": {"image/png": {"schema": {"type": "string"}}}}},
)
def brochure_png(request: Request, session: SessionDep, scope: Scope, key: str) -> Response:
    """Drawn by the service itself (no tile server), as the public sees the scope, whoever asks:
    link previewers (WeChat, chat apps) fetch it without a session."""
    body = _brochures(request).share_png(session, scope, key)
    return cached(request, body, "image/png", max_age=MAX_AGE)


@router.get(
    "/{scope}/{key}.pdf",
    summary="A brochure as PDF (A4) / 招商册 PDF",
    response_class=Response,
    responses={
        200: {"description": "A4 PDF, the CJK font embedded", "content": {"application/pdf": {"schema": {"type": "string"}}}}
    },
)
def brochure_pdf(request: Request, session: SessionDep, user: CurrentUser, ask: AskDep) -> Response:
    body = _brochures(request).pdf(session, ask, user, base_url(request))
    response = _answer(request, body, "application/pdf", ask)
    name = f"brochure-{ask.scope.value}-{ask.key}-{ask.lang.value}.pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    return response
