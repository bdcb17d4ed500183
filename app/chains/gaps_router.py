"""Chain gaps, for staff: the gap layer (/gaps, JSON or GeoJSON) and the gaps recorded by hand
(/gap_records: list, read, create, patch, delete)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from app.chains import gap_records, gaps
from app.chains.areas import require_area
from app.chains.models import ChainGap
from app.chains.schemas import GapIn, GapOut, GapQuery, GapRecordOut, GapRecordQuery
from app.core.auth import StaffDep, require_staff
from app.core.crud import Resource, crud_router
from app.core.database import SessionDep
from app.core.listing import documented, page_of, render_list

TAG = "gaps 产业链短板"
router = APIRouter(tags=[TAG])


@router.get(
    "/gaps",
    summary="Chain gaps, computed and recorded, as a list or a map layer / 补链清单",
    responses=documented(page_of(GapOut)),
)
def list_gaps(request: Request, session: SessionDep, user: StaffDep, q: Annotated[GapQuery, Query()]) -> Response:
    """Every link that is 缺 missing or 弱 weak in the area asked for (else in each chain's
    clusters' parks, or the province), and the gaps recorded by hand, with current coverage.
    `?f=geojson` draws each where it should be filled: the region, the park, or the cluster's parks."""
    if (area := q.area()) is not None:
        require_area(session, *area)
    spec, stmt = gaps.layer(q)
    return render_list(session, request, spec, stmt, q)


# Staff only, reads and writes alike: partner keys may write parks, not officers' gap lists.
router.include_router(
    crud_router(
        Resource(
            name="gap_records",
            what=gap_records.WHAT,
            model=ChainGap,
            list_output=gap_records.OUTPUT,
            detail_output=gap_records.OUTPUT,
            query_model=GapRecordQuery,
            in_model=GapIn,
            out_model=GapRecordOut,
            visible=gap_records.visible,
            filtered=gap_records.filtered,
            save=gap_records.save,
            scope_of=gap_records.scope_of,
        ),
        tag=TAG,
    ),
    dependencies=[Depends(require_staff)],
)
