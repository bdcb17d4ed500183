from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ColumnElement,
    ForeignKey,
    Integer,
    Numeric,
    Text,
    UniqueConstraint,
    exists,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.core.auth import Principal
from app.core.codes import LabelledEnum, register, sql_in
from app.core.database import Base
from app.core.provenance import ProvenanceColumns, SourceKind, published_or_own
from app.regions.models import Region


@register("cluster_tier")
class ClusterTier(LabelledEnum):
    """The tiers the official lists give, highest first: a cluster shows the highest it is listed at."""

    NATIONAL_ADVANCED = ("national_advanced", "国家先进制造业集群", "national advanced manufacturing cluster")
    PROVINCIAL_ADVANCED = ("provincial_advanced", "省级先进制造业集群", "provincial advanced manufacturing cluster")
    PROVINCIAL_FIVE_STAR = ("provincial_five_star", "五星级产业集群", "five-star provincial industrial cluster")
    PROVINCIAL_FOUR_STAR = ("provincial_four_star", "四星级产业集群", "four-star provincial industrial cluster")
    PROVINCIAL_THREE_STAR = ("provincial_three_star", "三星级产业集群", "three-star provincial industrial cluster")
    PROVINCIAL = ("provincial", "省级产业集群", "provincial industrial cluster")
    PROVINCIAL_CULTIVATING = ("provincial_cultivating", "省级培育产业集群", "provincial cluster in cultivation")
    PROVINCIAL_FEATURED = ("provincial_featured", "省级特色产业集群", "provincial featured industrial cluster")
    MUNICIPAL = ("municipal", "市级产业集群", "municipal industrial cluster")
    PLAN_TARGET = ("plan_target", "规划培育目标", "a target named in a plan, on no list")

    @property
    def rank(self) -> int:
        return list(ClusterTier).index(self)


@register("cluster_list_status")
class ListStatus(LabelledEnum):
    LISTED = ("listed", "已公布", "listed")
    PUBLICITY = ("publicity", "公示中", "in public notice, not final")
    PLAN_TARGET = ("plan_target", "规划目标", "plan target")


@register("cluster_metric")
class ClusterMetric(LabelledEnum):
    REVENUE = ("revenue_yi", "营业收入", "revenue")
    MAIN_BUSINESS_REVENUE = ("main_business_revenue_yi", "主营业务收入", "main business revenue")
    OUTPUT_VALUE = ("output_value_yi", "产值", "output value")
    ENTERPRISES = ("enterprises", "企业数", "enterprises")
    ABOVE_SCALE = ("above_scale_enterprises", "规上企业数", "enterprises above designated size")

    @property
    def unit(self) -> str:
        return "家" if self in (ClusterMetric.ENTERPRISES, ClusterMetric.ABOVE_SCALE) else "亿元"


@register("figure_qualifier")
class FigureQualifier(LabelledEnum):
    EXACT = ("exact", "确数", "exact")
    MORE_THAN = ("more_than", "超", "more than")
    ABOUT = ("about", "约", "about")


class Cluster(ProvenanceColumns, Base):
    __tablename__ = "clusters"
    __table_args__ = (
        CheckConstraint(sql_in("tier", ClusterTier), name="tier"),
        CheckConstraint("target_revenue_yi > 0", name="target_revenue_positive"),
        CheckConstraint("target_year BETWEEN 2000 AND 2100", name="target_year"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text, nullable=False, unique=True)
    tier: Mapped[str] = mapped_column(Text, nullable=False)
    lead_city_adcode: Mapped[str | None] = mapped_column(ForeignKey("regions.adcode"))
    target_revenue_yi: Mapped[float | None] = mapped_column(Numeric(12, 2))
    target_year: Mapped[int | None] = mapped_column(Integer)
    description: Mapped[str | None] = mapped_column(Text)
    # 长三角(含江西)大飞机集群: a cluster Jiangxi takes part in, not a Jiangxi cluster.
    cross_provincial: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default="false")


PARTIAL_DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"


class CitedColumns:
    """Where a list entry or a figure comes from; the as-of date is as precise as the source (YYYY[-MM[-DD]])."""

    source: Mapped[str] = mapped_column(Text, nullable=False)
    source_url: Mapped[str | None] = mapped_column(Text)
    source_kind: Mapped[str | None] = mapped_column(Text)
    as_of: Mapped[str | None] = mapped_column(Text)


class ClusterListEntry(CitedColumns, Base):
    """A cluster's place on one official list (or in one plan): the list's tier and status."""

    __tablename__ = "cluster_list_entries"
    __table_args__ = (
        CheckConstraint(sql_in("tier", ClusterTier), name="tier"),
        CheckConstraint(sql_in("status", ListStatus), name="status"),
        CheckConstraint(sql_in("source_kind", SourceKind), name="source_kind"),
        CheckConstraint(f"as_of ~ '{PARTIAL_DATE}'", name="as_of"),
        UniqueConstraint("cluster_id", "list_name"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cluster_id: Mapped[int] = mapped_column(ForeignKey("clusters.id", ondelete="CASCADE"), nullable=False)
    list_name: Mapped[str] = mapped_column(Text, nullable=False)
    list_year: Mapped[int | None] = mapped_column(Integer)
    tier: Mapped[str] = mapped_column(Text, nullable=False)
    status: Mapped[str] = mapped_column(Text, nullable=False)
    issuer: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)


class ClusterFigure(CitedColumns, Base):
    """One published figure of a cluster: a year's revenue, output or enterprise count, with its source."""

    __tablename__ = "cluster_figures"
    __table_args__ = (
        CheckConstraint(sql_in("metric", ClusterMetric), name="metric"),
        CheckConstraint(sql_in("qualifier", FigureQualifier), name="qualifier"),
        CheckConstraint(sql_in("source_kind", SourceKind), name="source_kind"),
        CheckConstraint(f"as_of ~ '{PARTIAL_DATE}'", name="as_of"),
        CheckConstraint("value >= 0", name="value_nonnegative"),
        CheckConstraint("year BETWEEN 2000 AND 2100", name="year"),
        UniqueConstraint("cluster_id", "year", "metric"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cluster_id: Mapped[int] = mapped_column(ForeignKey("clusters.id", ondelete="CASCADE"), nullable=False)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    metric: Mapped[str] = mapped_column(Text, nullable=False)
    value: Mapped[float] = mapped_column(Numeric(14, 2), nullable=False)
    unit: Mapped[str] = mapped_column(Text, nullable=False)
    qualifier: Mapped[str] = mapped_column(Text, nullable=False)
    # What the number counts (e.g. 规上营收, the whole cross-provincial cluster): shown beside it.
    scope: Mapped[str | None] = mapped_column(Text)
    list_name: Mapped[str | None] = mapped_column(Text)


class ClusterCity(Base):
    __tablename__ = "cluster_cities"

    cluster_id: Mapped[int] = mapped_column(ForeignKey("clusters.id", ondelete="CASCADE"), primary_key=True)
    adcode: Mapped[str] = mapped_column(ForeignKey("regions.adcode"), primary_key=True)


class ClusterPark(Base):
    __tablename__ = "cluster_parks"

    cluster_id: Mapped[int] = mapped_column(ForeignKey("clusters.id", ondelete="CASCADE"), primary_key=True)
    park_id: Mapped[int] = mapped_column(ForeignKey("parks.id", ondelete="CASCADE"), primary_key=True, index=True)


class ClusterRevenue(Base):
    """营业收入 of a cluster in one year, with the source that states it."""

    __tablename__ = "cluster_revenues"
    __table_args__ = (
        CheckConstraint("revenue_yi >= 0", name="revenue_nonnegative"),
        CheckConstraint("year BETWEEN 2000 AND 2100", name="year"),
    )

    cluster_id: Mapped[int] = mapped_column(ForeignKey("clusters.id", ondelete="CASCADE"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    revenue_yi: Mapped[float] = mapped_column(Numeric(12, 2), nullable=False)
    source: Mapped[str | None] = mapped_column(Text)


def cluster_visible(user: Principal) -> ColumnElement[bool]:
    """Whether `user` may see a cluster (a row of `Cluster`): its own reads and every record naming it.
    A cluster spans cities: a write key sees an unpublished one when one of its cities is in scope."""
    scope_cities = select(Region.parent_adcode).where(Region.adcode.in_(user.write_counties))
    own = exists().where(ClusterCity.cluster_id == Cluster.id, ClusterCity.adcode.in_(scope_cities))
    return published_or_own(user, Cluster.published, own, Cluster.is_demo)
