"""`/api/v1/imports/...`: file imports for staff who may write (carriers.py, enterprises.py, parks.py);
`/api/v1/exports/...`: what the caller may see, as GIS files and spreadsheets (export.py).

The imported file is the request body itself (what `fetch(url, {body: file})` sends), written to
the import's own folder while it arrives; INVESTMAP_MAX_UPLOAD_MB bounds it (app/core/limits.py).
"""

import json
import tempfile
from datetime import date
from pathlib import Path, PurePath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, JSONResponse
from sqlalchemy import func
from starlette.concurrency import run_in_threadpool

from app.carriers import queries as carrier_queries
from app.carriers.models import Carrier
from app.carriers.schemas import CarrierQuery
from app.core.auth import CurrentUser, Principal, StaffDep, WriterDep
from app.core.crud import collection_guard
from app.core.database import SessionDep
from app.core.errors import Forbidden, InvalidInput
from app.core.limits import upload_limit
from app.core.listing import RecordId
from app.enterprises import queries as enterprise_queries
from app.enterprises.models import Enterprise
from app.enterprises.schemas import EnterpriseQuery
from app.exchange.carriers import ImportOptions
from app.exchange.columns import ZH_NAMES
from app.exchange.crs import SYSTEMS
from app.exchange.export import DRIVERS, Exportable, GisExportParams, export_file
from app.exchange.formats import ARCHIVES, FORMATS
from app.exchange.jobs import RUNS, ImportJobs, job_json
from app.exchange.models import ImportJob
from app.parks import queries as park_queries
from app.parks.models import Park
from app.parks.schemas import ParkQuery
from app.targets import queries as target_queries
from app.targets.models import Target
from app.targets.schemas import TargetQuery

router = APIRouter(tags=["exchange 导入导出"])

FILE_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "the file itself / 文件本身: GeoJSON, GeoPackage, zipped Shapefile, KML/KMZ, DXF, CSV, XLSX",
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}


def _mapping(text: str | None) -> dict[str, str]:
    if not text:
        return {}
    try:
        mapping = json.loads(text)
    except ValueError:
        mapping = None
    if not isinstance(mapping, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()):
        raise InvalidInput.one(
            "mapping",
            'mapping must be a JSON object of column → field, e.g. {"地块号": "code"}',
            'mapping 应为 JSON 对象：{"列名": "字段"}',
        )
    return mapping


class ImportRun:
    """How every import runs, whatever it reads: the query parameters the three imports share."""

    def __init__(
        self,
        commit: Annotated[bool, Query(description="false: preview only, nothing written / 是否写入")] = False,
        encoding: Annotated[str | None, Query(description="UTF-8 or GBK; default: detected / 文本编码")] = None,
        mapping: Annotated[str | None, Query(max_length=5000, description='JSON {"column": "field"} / 列对应')] = None,
        as_of: Annotated[date | None, Query(description="date the file describes; default today / 数据时点")] = None,
        background: Annotated[bool, Query(description="run as a background job: 202 with the job to poll / 后台任务")] = False,
    ) -> None:
        self.commit, self.encoding, self.mapping, self.as_of, self.background = commit, encoding, mapping, as_of, background

    def options(self, park_id: int, name: str, crs: str | None) -> ImportOptions:
        return ImportOptions(
            park_id=park_id,
            file_name=PurePath(name).name,
            crs=crs,
            encoding=self.encoding,
            mapping=_mapping(self.mapping),
            as_of=self.as_of,
        )


RunDep = Annotated[ImportRun, Depends()]


def _staff(user: Principal) -> None:
    if not user.is_staff:
        raise Forbidden("imports are for officers and admins", "文件导入仅限招商专员和管理员")


@router.post(
    "/imports/carriers",
    summary="Import carriers from a file (dry run by default) / 从文件导入载体（默认仅预览）",
    operation_id="import_carriers",
    openapi_extra={**upload_limit(), **FILE_BODY},
)
async def import_carriers(
    request: Request,
    session: SessionDep,
    user: WriterDep,
    park: Annotated[int, Query(ge=1, description="the park the carriers belong to / 所属园区 id")],
    name: Annotated[str, Query(min_length=1, max_length=200, description="the file's name, e.g. 地块.zip / 文件名")],
    run: RunDep,
    crs: Annotated[str | None, Query(description=f"one of {', '.join(SYSTEMS)}; default: the file's, else proposed")] = None,
) -> Any:
    return await _run(request, session, user, run.options(park, name, crs), run, "carriers")


@router.post(
    "/imports/enterprises",
    summary="Import enterprises from a file (dry run by default) / 从文件导入企业（默认仅预览）",
    operation_id="import_enterprises",
    openapi_extra={**upload_limit(), **FILE_BODY},
)
async def import_enterprises(
    request: Request,
    session: SessionDep,
    user: WriterDep,
    name: Annotated[str, Query(min_length=1, max_length=200, description="the file's name, e.g. 企业名录.xlsx / 文件名")],
    run: RunDep,
    crs: Annotated[str | None, Query(description=f"one of {', '.join(SYSTEMS)}; default: the file's, else WGS-84")] = None,
) -> Any:
    return await _run(request, session, user, run.options(0, name, crs), run, "enterprises")


@router.post(
    "/imports/parks",
    summary="Import park records and boundaries from a file (dry run by default) / 从文件导入园区名录与边界（默认仅预览）",
    operation_id="import_parks",
    openapi_extra={**upload_limit(), **FILE_BODY},
)
async def import_parks(
    request: Request,
    session: SessionDep,
    user: WriterDep,
    name: Annotated[str, Query(min_length=1, max_length=200, description="the file's name, e.g. 园区边界.zip / 文件名")],
    run: RunDep,
    park: Annotated[
        int | None, Query(ge=1, description="the park of rows naming none, e.g. a boundary file / 未注明园区的行所属园区")
    ] = None,
    crs: Annotated[
        str | None, Query(description=f"one of {', '.join(SYSTEMS)}; default: the file's, else proposed for `park`, else WGS-84")
    ] = None,
) -> Any:
    return await _run(request, session, user, run.options(park or 0, name, crs), run, "parks")


async def _run(request: Request, session: Any, user: Principal, options: ImportOptions, run: ImportRun, what: str) -> Any:
    """The request body written to the import's own folder as it arrives, then the run of `what`
    over it: now, or as a background job (202, the job to poll at its status_url)."""
    _staff(user)
    suffix = PurePath(options.file_name).suffix.lower()
    if suffix not in FORMATS and suffix not in ARCHIVES:
        known = ", ".join((*FORMATS, *ARCHIVES))
        raise InvalidInput.one(
            "name",
            f"{options.file_name!r} is not a file the import reads: {known}",
            f"{options.file_name!r} 不是可导入的文件：{known}",
        )
    with tempfile.TemporaryDirectory(prefix="investmap-import-") as folder:
        upload = Path(folder) / f"upload{suffix}"
        with upload.open("wb") as out:
            async for chunk in request.stream():
                out.write(chunk)
        if run.background:
            jobs: ImportJobs = request.app.state.import_jobs
            job = await run_in_threadpool(jobs.start, session, user, what, upload, options, run.commit)
            return JSONResponse(_job_body(job), status_code=202)
        report: dict[str, Any] = await run_in_threadpool(RUNS[what], session, user, upload, Path(folder), options, run.commit)
        return report


def _job_body(job: ImportJob) -> dict[str, Any]:
    return job_json(job) | {"status_url": f"/api/v1/imports/jobs/{job.id}"}


@router.get(
    "/imports/jobs/{job_id}",
    summary="A background import's status, progress and report / 后台导入任务的状态、进度与报告",
    operation_id="import_job",
)
def import_job(request: Request, session: SessionDep, user: StaffDep, job_id: RecordId) -> dict[str, Any]:
    return _job_body(request.app.state.import_jobs.status(session, user, job_id))


@router.post(
    "/imports/jobs/{job_id}/cancel",
    summary="Cancel a background import: nothing of it is written / 取消后台导入任务（不写入任何数据）",
    operation_id="cancel_import_job",
)
def cancel_import_job(request: Request, session: SessionDep, user: WriterDep, job_id: RecordId) -> dict[str, Any]:
    _staff(user)
    return _job_body(request.app.state.import_jobs.cancel(session, user, job_id))


class CarrierFileQuery(CarrierQuery, GisExportParams):
    pass


class ParkFileQuery(ParkQuery, GisExportParams):
    pass


CARRIERS = Exportable("载体", carrier_queries.OUTPUT, Carrier.geom, {"id": Carrier.id, "code": Carrier.code}, ZH_NAMES)
# A park is drawn by its boundary where one is known, else by its point.
PARKS = Exportable("园区", park_queries.OUTPUT, func.coalesce(Park.boundary, Park.location), {"id": Park.id})
FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "the file / 文件",
        "content": {media: {"schema": {"type": "string", "format": "binary"}} for _, _, media, _ in DRIVERS.values()}
        # GeoJSON is JSON: a FeatureCollection object, not an opaque string.
        | {"application/geo+json": {"schema": {"type": "object", "description": "GeoJSON FeatureCollection"}}},
    }
}


def _export_route(
    name: str, what: tuple[str, str], query_model: type[Any], exportable: Exportable, filtered: Any, order: Any
) -> None:
    """GET /exports/<name>: the list `name` with its filters, as a file (readers need the collection)."""

    @router.get(
        f"/exports/{name}",
        summary=f"{what[0]} as a GIS file or spreadsheet / 导出{what[1]}",
        operation_id=f"export_{name}_file",
        response_class=FileResponse,
        responses=FILE_RESPONSES,
        dependencies=[collection_guard(name)],
    )
    def export(session: SessionDep, user: CurrentUser, q: Annotated[query_model, Query()]) -> FileResponse:  # type: ignore[valid-type]
        return export_file(session, user, exportable, filtered(q, user), order, q)


class EnterpriseFileQuery(EnterpriseQuery, GisExportParams):
    pass


class TargetFileQuery(TargetQuery, GisExportParams):
    pass


# Enterprises are drawn at their point, a target at its enterprise's; each list's own visibility
# holds (targets are the staff's), with the fields its reader may see.
ENTERPRISES = Exportable("企业", enterprise_queries.OUTPUT, Enterprise.location, {"id": Enterprise.id})
TARGETS = Exportable("招商目标", target_queries.OUTPUT, target_queries.OUTPUT.geometry, {"id": Target.id})

_export_route("carriers", ("Carriers", "载体"), CarrierFileQuery, CARRIERS, carrier_queries.filtered, Carrier.id)
_export_route("parks", ("Parks", "园区"), ParkFileQuery, PARKS, park_queries.filtered, Park.id)
_export_route(
    "enterprises", ("Enterprises", "企业"), EnterpriseFileQuery, ENTERPRISES, enterprise_queries.filtered, Enterprise.id
)
_export_route("targets", ("Targets", "招商目标"), TargetFileQuery, TARGETS, target_queries.filtered, Target.id)
