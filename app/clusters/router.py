from app.clusters import queries, service
from app.clusters.models import Cluster
from app.clusters.schemas import ClusterIn, ClusterOut, ClusterQuery
from app.core.crud import Resource, crud_router

router = crud_router(
    Resource(
        name="clusters",
        what=queries.WHAT,
        model=Cluster,
        list_output=queries.OUTPUT,
        detail_output=queries.OUTPUT,
        out_model=ClusterOut,
        query_model=ClusterQuery,
        in_model=ClusterIn,
        visible=queries.visible,
        filtered=queries.filtered,
        save=service.save,
        scope_of=service.scope_of,
        links=service.links,
    ),
    tag="clusters 产业集群",
)
