"""Every table, imported in one place so Alembic and the loaders see the whole schema."""

from app.accounts.models import ApiKey, LoginSession, User
from app.audit.models import AuditEntry, RecordVersion
from app.carriers.models import Carrier
from app.chains.models import Chain, ChainCluster, ChainGap, ChainLink
from app.clusters.models import Cluster, ClusterCity, ClusterFigure, ClusterPark, ClusterRevenue
from app.core.database import Base
from app.enterprises.models import Enterprise, EnterpriseLink
from app.exchange.models import ImportJob, ImportMapping
from app.infrastructure.models import CarrierDistances, Facility, FacilityDistance
from app.inquiries.models import Inquiry, InquiryEvent, InquiryRecipient, Notification, NotifyAddress, ParkReceiver
from app.loaders.models import LoadRun
from app.parks.models import CooperationPark, Park
from app.projects.models import Project, ProjectReport, ProjectReportVersion, ProjectStageChange
from app.regions.models import Region
from app.targets.models import Target, TargetActivity, TargetStageChange

metadata = Base.metadata

__all__ = [
    "ImportJob",
    "ImportMapping",
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
    "ClusterFigure",
    "ClusterPark",
    "ClusterRevenue",
    "CooperationPark",
    "Enterprise",
    "EnterpriseLink",
    "Inquiry",
    "InquiryEvent",
    "InquiryRecipient",
    "Facility",
    "FacilityDistance",
    "CarrierDistances",
    "LoadRun",
    "Notification",
    "NotifyAddress",
    "ParkReceiver",
    "Park",
    "Project",
    "ProjectReport",
    "ProjectReportVersion",
    "ProjectStageChange",
    "Region",
    "Target",
    "TargetActivity",
    "TargetStageChange",
    "metadata",
]
