from pydantic import BaseModel, ConfigDict, Field

from app.clusters.models import PARTIAL_DATE, ClusterMetric, ClusterTier, FigureQualifier, ListStatus
from app.core.inputs import JsonIn
from app.core.listing import ListQuery
from app.core.provenance import ProvenanceIn, ProvenanceOut, SourceKind

ADCODE = r"^\d{6}$"
URL = r"^https?://\S+$"


class Cited(BaseModel):
    """The source of a list entry or a figure, dated as precisely as the source is."""

    model_config = ConfigDict(extra="forbid")

    source: str = Field(min_length=1, max_length=2000, description="文件或报道")
    source_url: str | None = Field(default=None, max_length=2000, pattern=URL, description="来源网址")
    source_kind: SourceKind | None = Field(default=None, description="primary 原始发布 | official_media | repost 转载 | document")
    as_of: str | None = Field(default=None, pattern=PARTIAL_DATE, description="数据时点 YYYY[-MM[-DD]]")


class ListEntry(Cited):
    """A cluster's place on an official list (or in a plan, as a target)."""

    list_name: str = Field(min_length=1, max_length=300, description="名单")
    list_year: int | None = Field(default=None, ge=2000, le=2100, description="名单年份")
    tier: ClusterTier = Field(description="名单给出的层级")
    status: ListStatus = Field(description="listed 已公布 | publicity 公示中 | plan_target 规划目标")
    issuer: str | None = Field(default=None, max_length=200, description="发布机关")
    note: str | None = Field(default=None, max_length=2000)


class Figure(Cited):
    """One published figure of a cluster for one year; a year without one is 未填报."""

    year: int = Field(ge=2000, le=2100, description="年份")
    metric: ClusterMetric = Field(description="指标")
    value: float = Field(ge=0, description="数值（单位见 unit）")
    unit: str = Field(description="亿元 | 家")
    qualifier: FigureQualifier = Field(description="exact | more_than 超 | about 约")
    scope: str | None = Field(default=None, max_length=500, description="统计口径")
    list_name: str | None = Field(default=None, max_length=300, description="所据名单")


class RevenueIn(JsonIn):
    model_config = ConfigDict(extra="forbid")

    year: int = Field(ge=2000, le=2100, description="年份")
    revenue_yi: float = Field(ge=0, description="营业收入（亿元）")
    source: str | None = Field(default=None, max_length=2000, description="数据来源")


class ClusterIn(ProvenanceIn):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200, description="集群名称")
    tier: ClusterTier = Field(description="national_advanced | provincial_advanced | provincial | municipal")
    lead_city_adcode: str | None = Field(default=None, pattern=ADCODE, description="牵头设区市代码")
    city_adcodes: list[str] = Field(default_factory=list, description="覆盖的设区市代码")
    park_ids: list[int] = Field(default_factory=list, description="所属园区 id")
    revenues: list[RevenueIn] = Field(default_factory=list, description="历年营业收入")
    target_revenue_yi: float | None = Field(default=None, gt=0, description="目标营业收入（亿元）")
    target_year: int | None = Field(default=None, ge=2000, le=2100, description="目标年份")
    description: str | None = Field(default=None, max_length=20_000)
    cross_provincial: bool = Field(default=False, description="跨省域集群（江西参与，非江西牵头）")


class ClusterQuery(ListQuery):
    tier: ClusterTier | None = Field(default=None, description="集群层级")
    city: str | None = Field(default=None, pattern=ADCODE, description="覆盖该设区市的集群")
    park: int | None = Field(default=None, description="包含该园区的集群")
    q: str | None = Field(default=None, max_length=100, description="名称关键词")
    published: bool | None = Field(default=None, description="按公开状态过滤（需管理员）")
    list_status: ListStatus | None = Field(default=None, description="有此状态名单记录的集群（如 publicity 公示中）")


class ClusterOut(ProvenanceOut):
    """A cluster as the API writes it; in GeoJSON its geometry is the union of its cities."""

    id: int
    name: str
    tier: ClusterTier
    lead_city_adcode: str | None
    city_adcodes: list[str]
    park_ids: list[int]
    revenues: list[RevenueIn]
    target_revenue_yi: float | None
    target_year: int | None
    description: str | None
    cross_provincial: bool
    list_entries: list[ListEntry] = Field(description="所在的官方名单（层级、状态、来源）")
    figures: list[Figure] = Field(description="有来源的历年数据")
