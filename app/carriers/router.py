from app.carriers import queries, service
from app.carriers.models import Carrier
from app.carriers.schemas import CarrierIn, CarrierOut, CarrierQuery
from app.core.crud import Resource, crud_router

router = crud_router(
    Resource(
        name="carriers",
        what=("carrier", "载体"),
        model=Carrier,
        list_output=queries.OUTPUT,
        detail_output=queries.OUTPUT,
        out_model=CarrierOut,
        query_model=CarrierQuery,
        in_model=CarrierIn,
        visible=queries.visible,
        filtered=queries.filtered,
        save=service.save,
        patch_base=service.patch_base,
        scope_of=service.scope_of,
    ),
    tag="carriers 载体",
)
