"""Every table, imported in one place so Alembic and the loaders see the whole schema."""

from app.accounts.models import ApiKey, LoginSession, User
from app.audit.models import AuditEntry, RecordVersion
from app.carriers.models import Carrier
from app.chains.models import Chain, ChainCluster, ChainGap, ChainLink
from app.clusters.models import Cluster, ClusterCity, ClusterPark, ClusterRevenue
from app.core.database import Base
from app.enterprises.models import Enterprise, EnterpriseLink
from app.infrastructure.models import Facility, FacilityDistance
from app.loaders.models import LoadRun
from app.parks.models import CooperationPark, Park
from app.regions.models import Region
from app.targets.models import Target, TargetStageChange

metadata = Base.metadata

__all__ = [
    "ApiKey",
    "AuditEntry",
    "LoginSession",
    "RecordVersion",
    "User",
    "Carrier",
    "Chain",
    "ChainCluster",
    "ChainGap",
    "ChainLink",
    "Cluster",
    "ClusterCity",
    "ClusterPark",
    "ClusterRevenue",
    "CooperationPark",
    "Enterprise",
    "EnterpriseLink",
    "Facility",
    "FacilityDistance",
    "LoadRun",
    "Park",
    "Region",
    "Target",
    "TargetStageChange",
    "metadata",
]
