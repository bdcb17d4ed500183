from typing import Annotated

from fastapi import Query, status

from app.core.auth import WriterDep
from app.core.crud import Resource, crud_router
from app.core.database import SessionDep
from app.parks import queries, service
from app.parks.models import Park
from app.parks.schemas import ParkIn, ParkOut, ParkQuery

router = crud_router(
    Resource(
        name="parks", what=service.WHAT, model=Park,
        list_output=queries.OUTPUT, detail_output=queries.OUTPUT_DETAIL,
        out_model=ParkOut, query_model=ParkQuery, in_model=ParkIn,
        visible=queries.visible, filtered=queries.filtered, save=service.save,
        deletable=False,  # a park with carriers is only deleted with cascade=true
    ),
    tag="parks 园区",
)


@router.delete("/{item_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete a park / 删除园区")
def delete_park(
    item_id: int, session: SessionDep, user: WriterDep,
    cascade: Annotated[bool, Query(description="also delete its carriers / 同时删除其载体")] = False,
) -> None:
    service.remove(session, item_id, cascade)
