"""/api/v1/sites: requirement matching (POST, and GET with the requirement in `r` for a shareable
link) and side-by-side comparison."""

import json
from datetime import date
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.core.auth import CurrentUser
from app.core.crud import collection_guard
from app.core.database import SessionDep
from app.core.errors import FieldProblem, Forbidden, InvalidInput, Problem
from app.core.export import XLSX, attachment
from app.core.patching import json_body, validated
from app.core.urls import absolute
from app.sites import compare as comparing
from app.sites import export as exporting
from app.sites import matching
from app.sites.schemas import MatchRequest, MatchResult

router = APIRouter(prefix="/sites", tags=["sites 智慧选址"])
_MATCH_DOC: dict[int | str, dict[str, Any]] = {
    200: {
        "model": MatchResult,
        "content": {
            exporting.GEOJSON: {"schema": {"type": "object", "description": "FeatureCollection of the ranked sites"}},
            XLSX: {"schema": {"type": "string", "format": "binary"}},
        },
    }
}
MAX_SHARED_REQUIREMENT = 4_000
IDS = r"^\s*\d{1,10}(\s*,\s*\d{1,10}){1,3}\s*$"


FormatParam = Annotated[
    exporting.MatchFormat,
    Query(description="json（默认）| geojson（排名地块为点要素）| xlsx（短名单）/ the answer's form"),
]


def _match(session: Any, user: Any, req: MatchRequest, fmt: str, request: Request) -> Response:
    matching.check_regions(session, req)
    body = session.execute(matching.statement(req, user)).scalar_one()
    headers = {"Cache-Control": "private, no-store"}
    if fmt == "json":
        return Response(content=body, media_type="application/json", headers=headers)
    # The same match as a link (GET ?r=), in the file, so that whoever opens the file can reopen it.
    shared = json.dumps(req.model_dump(mode="json", exclude_defaults=True), ensure_ascii=False, separators=(",", ":"))
    link = absolute(request, "/api/v1/sites/match", urlencode({"r": shared}))
    result = json.loads(body)
    if fmt == "geojson":
        content = json.dumps(exporting.geojson(result, req, link), ensure_ascii=False).encode()
    else:
        content = exporting.xlsx(result, req, link)
        headers["Content-Disposition"] = attachment(f"选址匹配-{date.today().isoformat()}.xlsx", "xlsx")
    return Response(content=content, media_type=exporting.MEDIA[fmt], headers=headers)


@router.post(
    "/match",
    summary="Rank carriers against a requirement, with reasons / 按需求匹配载体并说明理由",
    description=matching.SCORING["en"] + " " + matching.SCORING["zh"],
    operation_id="match_sites",
    responses=_MATCH_DOC,
    dependencies=[collection_guard("carriers")],
)
def match(
    session: SessionDep,
    user: CurrentUser,
    request: Request,
    req: Annotated[MatchRequest, json_body(MatchRequest)],
    format: FormatParam = "json",
) -> Response:
    return _match(session, user, req, format, request)


@router.get(
    "/match",
    summary="The same match from a shareable link / 分享链接形式的匹配",
    operation_id="match_sites_link",
    responses=_MATCH_DOC,
    dependencies=[collection_guard("carriers")],
)
def match_link(
    session: SessionDep,
    user: CurrentUser,
    request: Request,
    r: Annotated[str, Query(max_length=MAX_SHARED_REQUIREMENT, description="the requirement as JSON / 需求（JSON）")],
    format: FormatParam = "json",
) -> Response:
    return _match(session, user, _requirement(r), format, request)


def _requirement(r: str) -> MatchRequest:
    """A requirement given in a link (`r`, JSON)."""
    try:
        data = json.loads(r)
    except ValueError:
        raise InvalidInput([Problem("r", "is not JSON", "不是合法的 JSON")]) from None
    return validated(MatchRequest, data)


class CompareQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    carriers: str | None = Field(default=None, pattern=IDS, examples=["12,15,31"], description="2-4 个载体 id")
    parks: str | None = Field(default=None, pattern=IDS, examples=["3,7"], description="2-4 个园区 id")
    r: str | None = Field(
        default=None,
        max_length=MAX_SHARED_REQUIREMENT,
        description="载体对比时可附匹配需求（JSON，同 /sites/match?r=），逐项标出满足与否 / "
        "with carriers: a match requirement (JSON, as /sites/match?r=) whose verdicts are shown per criterion",
    )

    @model_validator(mode="after")
    def _one(self) -> "CompareQuery":
        if (self.carriers is None) == (self.parks is None):
            raise FieldProblem("give carriers= or parks= (2-4 ids)", "请提供 carriers= 或 parks=（2-4 个 id）", field="carriers")
        ids = self.ids()
        if len(set(ids)) != len(ids):
            raise FieldProblem("an id is given twice", "有重复的 id", field=self.what())
        if self.r is not None and self.parks is not None:
            raise FieldProblem("a requirement is compared with carriers only", "匹配需求只能用于载体对比", field="r")
        return self

    def what(self) -> Literal["carriers", "parks"]:
        return "carriers" if self.carriers is not None else "parks"

    def ids(self) -> list[int]:
        return [int(p) for p in (self.carriers or self.parks or "").split(",")]


@router.get("/compare", summary="Compare 2-4 carriers or parks side by side / 载体或园区对比", operation_id="compare_sites")
def compare(session: SessionDep, user: CurrentUser, q: Annotated[CompareQuery, Query()]) -> dict[str, Any]:
    if not user.may_read(q.what()):
        raise Forbidden(f"this API key has no access to {q.what()}", f"该 API 密钥无权访问 {q.what()}")
    req = None if q.r is None else _requirement(q.r)
    if req is not None:
        matching.check_regions(session, req)
    return comparing.compare(session, user, q.what(), q.ids(), req)
