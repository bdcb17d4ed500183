from datetime import date

from sqlalchemy import Boolean, CheckConstraint, ColumnElement, Date, ForeignKey, Integer, Numeric, Text, exists, select
from sqlalchemy.orm import Mapped, mapped_column

from app.core.auth import Principal
from app.core.codes import LabelledEnum, register, sql_in
from app.core.database import Base
from app.core.provenance import ProvenanceColumns, published_or_own
from app.regions.models import Region


@register("cluster_tier")
class ClusterTier(LabelledEnum):
    NATIONAL_ADVANCED = ("national_advanced", "国家先进制造业集群", "national advanced manufacturing cluster")
    PROVINCIAL_ADVANCED = ("provincial_advanced", "省级先进制造业集群", "provincial advanced manufacturing cluster")
    PROVINCIAL = ("provincial", "省级产业集群", "provincial industrial cluster")
    MUNICIPAL = ("municipal", "市级产业集群", "municipal industrial cluster")


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
    return published_or_own(user, Cluster.published, own)


@register("cluster_metric")
class ClusterMetric(LabelledEnum):
    """What a cluster figure measures (the metric column of geodata/cluster_figures.csv)."""

    REVENUE = ("revenue_yi", "营业收入（亿元）", "revenue (100 million yuan)")
    OUTPUT_VALUE = ("output_value_yi", "工业产值（亿元）", "industrial output value (100 million yuan)")
    INVESTMENT = ("investment_yi", "投资（亿元）", "investment (100 million yuan)")
    ENTERPRISES = ("enterprises", "企业数", "enterprises")
    ABOVE_SCALE = ("above_scale_enterprises", "规上企业数", "enterprises above designated size")
    HIGH_TECH = ("high_tech_enterprises", "高新技术企业数", "high-tech enterprises")
    ZJTX = ("zjtx_enterprises", "专精特新企业数", "specialised, refined, distinctive and innovative SMEs")


@register("figure_qualifier")
class FigureQualifier(LabelledEnum):
    EXACT = ("exact", "准确值", "exactly")
    MORE_THAN = ("more_than", "超过", "more than")
    ABOUT = ("about", "约", "about")
    LESS_THAN = ("less_than", "不足", "less than")


class ClusterFigure(Base):
    """One published figure of a cluster for one year, with the document that states it; a
    figure no source gives is not stored (it reads as 未填报, never as zero)."""

    __tablename__ = "cluster_figures"
    __table_args__ = (
        CheckConstraint(sql_in("metric", ClusterMetric), name="metric"),
        CheckConstraint(sql_in("qualifier", FigureQualifier), name="qualifier"),
        CheckConstraint("value >= 0", name="value_nonnegative"),
        CheckConstraint("year BETWEEN 2000 AND 2100", name="year"),
    )

    cluster_id: Mapped[int] = mapped_column(ForeignKey("clusters.id", ondelete="CASCADE"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    metric: Mapped[str] = mapped_column(Text, primary_key=True)
    value: Mapped[float] = mapped_column(Numeric(16, 2), nullable=False)
    qualifier: Mapped[str] = mapped_column(Text, nullable=False, server_default="exact")
    # What the figure covers, as the source words it (e.g. 规上营收, the whole cross-provincial cluster).
    scope: Mapped[str | None] = mapped_column(Text)
    list_name: Mapped[str | None] = mapped_column(Text)
    source_doc: Mapped[str] = mapped_column(Text, nullable=False)
    source_url: Mapped[str | None] = mapped_column(Text)
    source_kind: Mapped[str | None] = mapped_column(Text)
    as_of: Mapped[date | None] = mapped_column(Date)
    is_demo: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default="false")
