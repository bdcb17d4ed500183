"""招商册 endpoints: the web edition (HTML), the PDF, and the stylesheets and font both use.

    GET /api/v1/brochures/{scope}/{key}.html?lang=zh|en&edition=public|internal&sort=area|price
    GET /api/v1/brochures/{scope}/{key}.pdf?...
    GET /api/v1/brochures/booklet/{city adcode}.pdf?lang=zh|en   (staff: every park of a city)

`scope` is park, county, city, cluster or chain; `key` a park's, cluster's or chain's id or a
region's adcode. The public edition is anyone's and shows what the public sees; the internal one
is for staff only (403 to anyone else) and is never kept by a shared cache.
"""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from app.core.auth import CurrentUser, StaffDep
from app.core.caching import cached
from app.core.database import SessionDep
from app.core.errors import Forbidden, NotFound
from app.core.urls import base_url

from .model import Edition, LandSort, Lang, Scope
from .service import ASSETS, Ask, Brochures

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


@router.get(
    "/booklet/{adcode}.pdf",
    summary="Every park of a city in one PDF, with contents (staff) / 设区市园区招商册汇编",
    response_class=Response,
    responses={200: {"description": "A4 PDF", "content": {"application/pdf": {"schema": {"type": "string"}}}}},
)
def booklet_pdf(request: Request, session: SessionDep, user: StaffDep, adcode: str, lang: LangQ = Lang.ZH) -> Response:
    """The public brochures of a city's parks, one after another. Staff only: it prints many parks
    at once (the public prints them one by one)."""
    body = _brochures(request).booklet(session, adcode, lang, base_url(request))
    response = cached(request, body, "application/pdf", private=True)
    response.headers["Content-Disposition"] = f'inline; filename="booklet-{adcode}-{lang.value}.pdf"'
    return response


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
