from fastapi import Request
from sqlalchemy.orm import Session

from app.core.crud import Resource, crud_router
from app.parks import queries, service
from app.parks.models import WHAT, Park
from app.parks.schemas import ParkIn, ParkOut, ParkQuery


def _before_delete(session: Session, park: Park, request: Request) -> None:
    service.before_delete(session, park, cascade=request.query_params.get("cascade") == "true")


router = crud_router(
    Resource(
        name="parks",
        what=WHAT,
        model=Park,
        list_output=queries.OUTPUT,
        detail_output=queries.OUTPUT_DETAIL,
        query_model=ParkQuery,
        in_model=ParkIn,
        out_model=ParkOut,
        visible=queries.visible,
        filtered=queries.filtered,
        save=service.save,
        scope_of=service.scope_of,
        before_delete=_before_delete,
        links=service.links,
    ),
    tag="parks 园区",
)
