from pydantic import ConfigDict, Field

from app.clusters.models import ClusterTier
from app.core.inputs import JsonIn
from app.core.listing import ListQuery
from app.core.provenance import ProvenanceIn, ProvenanceOut

ADCODE = r"^\d{6}$"


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


class ClusterQuery(ListQuery):
    tier: ClusterTier | None = Field(default=None, description="集群层级")
    city: str | None = Field(default=None, pattern=ADCODE, description="覆盖该设区市的集群")
    park: int | None = Field(default=None, description="包含该园区的集群")
    q: str | None = Field(default=None, max_length=100, description="名称关键词")
    published: bool | None = Field(default=None, description="按公开状态过滤（需管理员）")


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
