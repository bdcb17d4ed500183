from app.core.crud import Resource, crud_router
from app.parks import queries, service
from app.parks.models import Park
from app.parks.schemas import ParkIn, ParkOut, ParkQuery

router = crud_router(
    Resource(
        name="parks", what=queries.WHAT, model=Park,
        list_output=queries.OUTPUT, detail_output=queries.OUTPUT_DETAIL,
        query_model=ParkQuery, in_model=ParkIn, out_model=ParkOut,
        visible=queries.visible, filtered=queries.filtered, save=service.save, scope_of=service.scope_of,
        before_delete=service.before_delete, links=service.links,
    ),
    tag="parks 园区",
)
