from fastapi import status

from app.clusters import queries, service
from app.clusters.models import Cluster
from app.clusters.schemas import ClusterIn, ClusterQuery
from app.core.auth import WriterDep
from app.core.crud import Resource, crud_router
from app.core.database import SessionDep

router = crud_router(
    Resource(
        name="clusters", what=("cluster", "产业集群"), id_column=Cluster.id,
        list_output=queries.OUTPUT, detail_output=queries.OUTPUT,
        query_model=ClusterQuery, in_model=ClusterIn,
        visible=queries.visible, filtered=queries.filtered, save=service.save, current=service.current,
    ),
    tag="clusters 产业集群",
)


@router.delete("/{item_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete a cluster / 删除产业集群")
def delete_cluster(item_id: int, session: SessionDep, user: WriterDep) -> None:
    service.remove(session, item_id)
