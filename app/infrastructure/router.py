from app.core.crud import Resource, crud_router
from app.infrastructure import queries, service
from app.infrastructure.models import WHAT, Facility
from app.infrastructure.schemas import FacilityIn, FacilityOut, FacilityQuery

router = crud_router(
    Resource(
        name="facilities",
        what=WHAT,
        model=Facility,
        list_output=queries.OUTPUT,
        detail_output=queries.OUTPUT,
        query_model=FacilityQuery,
        in_model=FacilityIn,
        out_model=FacilityOut,
        visible=queries.visible,
        filtered=queries.filtered,
        save=service.save,
        scope_of=service.scope_of,
    ),
    tag="facilities 基础设施",
)
