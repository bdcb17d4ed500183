from fastapi import status

from app.carriers import queries, service
from app.carriers.models import Carrier
from app.carriers.schemas import CarrierIn, CarrierQuery
from app.core.auth import WriterDep
from app.core.crud import Resource, crud_router
from app.core.database import SessionDep

router = crud_router(
    Resource(
        name="carriers", what=("carrier", "载体"), id_column=Carrier.id,
        list_output=queries.OUTPUT, detail_output=queries.OUTPUT,
        query_model=CarrierQuery, in_model=CarrierIn,
        visible=queries.visible, filtered=queries.filtered, save=service.save, current=service.current,
    ),
    tag="carriers 载体",
)


@router.delete("/{item_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete a carrier / 删除载体")
def delete_carrier(item_id: int, session: SessionDep, user: WriterDep) -> None:
    service.remove(session, item_id)
