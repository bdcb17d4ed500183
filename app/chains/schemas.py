"""What a writer sends for chains, links and manual gaps, and the query parameters of their reads."""

import re
from datetime import date, datetime
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from app.chains.models import AreaKind, GapClass, LinkPosition, Priority
from app.core.errors import FieldProblem
from app.core.inputs import JsonIn
from app.core.listing import ListQuery
from app.core.provenance import ProvenanceIn, ProvenanceOut

ADCODE = r"^\d{6}$"
# GB/T 4754-2017: a section letter, or a division (2 digits), group (3) or class (4), with or without the letter.
INDUSTRY_CODE = r"^([A-T]|[A-T]?\d{2,4})$"


class ChainIn(ProvenanceIn):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200, description="产业链名称")
    description: str | None = Field(default=None, max_length=20_000, description="说明")
    cluster_ids: list[int] = Field(default_factory=list, description="对应的产业集群 id")


class LinkIn(JsonIn):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100, description="环节名称")
    parent_id: int | None = Field(default=None, description="上级环节 id（同一产业链）")
    position: LinkPosition | None = Field(
        default=None,
        description="upstream 上游 | midstream 中游 | downstream 下游; required for a top-level link, a child takes its parent's",
    )
    order: int = Field(default=0, ge=0, le=10_000, description="同级排序")
    industry_codes: list[str] = Field(
        default_factory=list, max_length=20, description="国民经济行业分类 GB/T 4754-2017 代码，如 C3985、3251"
    )
    industry_classes: dict[str, Annotated[str, Field(min_length=1, max_length=100)]] = Field(
        default_factory=dict, max_length=20, description='各代码的 GB/T 4754-2017 类别名称，如 {"C3482": "紧固件制造"}'
    )
    keywords: list[str] = Field(default_factory=list, max_length=30, description="关键词")
    description: str | None = Field(default=None, max_length=5_000)
    source: str | None = Field(default=None, max_length=5_000, description="依据的公开资料")

    @model_validator(mode="after")
    def _codes(self) -> Self:
        for i, code in enumerate(self.industry_codes):
            if not re.fullmatch(INDUSTRY_CODE, code):
                raise FieldProblem(
                    f"{code!r} is not a GB/T 4754-2017 code (e.g. C39, C3985, 3251)",
                    f"{code!r} 不是国民经济行业分类代码（如 C39、C3985、3251）",
                    field=f"industry_codes.{i}",
                )
        if unknown := sorted(set(self.industry_classes) - set(self.industry_codes)):
            raise FieldProblem(
                f"industry_classes names codes not in industry_codes: {unknown}",
                f"industry_classes 中的代码不在 industry_codes 中：{unknown}",
                field="industry_classes",
            )
        return self


class ChainQuery(ListQuery):
    cluster: int | None = Field(default=None, description="对应该产业集群的产业链")
    q: str | None = Field(default=None, max_length=100, description="名称关键词")
    published: bool | None = Field(default=None, description="按公开状态过滤（需管理员）")


class AreaParams(BaseModel):
    """At most one area: a region (province, city or county), a park, or a cluster's parks."""

    region: str | None = Field(default=None, pattern=ADCODE, description="行政区代码（省、市或县）")
    park: int | None = Field(default=None, description="园区 id")
    cluster: int | None = Field(default=None, description="产业集群 id（其所属园区）")

    @model_validator(mode="after")
    def _one_area(self) -> Self:
        given = [n for n in ("region", "park", "cluster") if getattr(self, n) is not None]
        if len(given) > 1:
            raise FieldProblem(
                f"give one area, not {' and '.join(given)}", f"只能指定一个区域，实际指定了 {'、'.join(given)}", field=given[1]
            )
        return self

    def area(self) -> tuple[AreaKind, str] | None:
        if self.region is not None:
            return AreaKind.REGION, self.region
        if self.park is not None:
            return AreaKind.PARK, str(self.park)
        if self.cluster is not None:
            return AreaKind.CLUSTER, str(self.cluster)
        return None


class Thresholds(BaseModel):
    """Below either threshold a link with enterprises is 弱 weak; defaults from INVESTMAP_GAP_*."""

    min_count: int | None = Field(default=None, ge=1, le=10_000, description="少于该企业数为“弱”")
    min_revenue_yi: float | None = Field(default=None, ge=0, description="营业收入合计低于该值（亿元）为“弱”")


class CoverageQuery(AreaParams, Thresholds):
    model_config = ConfigDict(extra="forbid")


class GapIn(ProvenanceIn):
    """A gap recorded by hand; exactly one of region_adcode, park_id, cluster_id says where."""

    model_config = ConfigDict(extra="forbid")

    link_id: int = Field(description="产业链环节 id")
    gap_class: GapClass = Field(default=GapClass.WEAK, description="missing 缺 | weak 弱")
    priority: Priority = Field(default=Priority.MEDIUM, description="high 高 | medium 中 | low 低")
    reason: str = Field(min_length=1, max_length=5_000, description="原因")
    region_adcode: str | None = Field(default=None, pattern=ADCODE, description="行政区代码")
    park_id: int | None = Field(default=None, description="园区 id")
    cluster_id: int | None = Field(default=None, description="产业集群 id")

    @model_validator(mode="after")
    def _checks(self) -> Self:
        if self.gap_class == GapClass.COVERED:
            raise FieldProblem(
                "a recorded gap is missing or weak, not covered", "记录的短板应为“缺”或“弱”，不能是“已覆盖”", field="gap_class"
            )
        check_one_area(self)
        return self


def check_one_area(data: BaseModel) -> None:
    given = [n for n in ("region_adcode", "park_id", "cluster_id") if getattr(data, n) is not None]
    if len(given) != 1:
        raise FieldProblem(
            f"give exactly one of region_adcode, park_id, cluster_id; got {len(given)}",
            f"region_adcode、park_id、cluster_id 必须且只能填写一个，实际填写了 {len(given)} 个",
            field=given[1] if given else "region_adcode",
        )


class GapQuery(ListQuery, AreaParams, Thresholds):
    chain: int | None = Field(default=None, description="产业链 id")
    link: int | None = Field(default=None, description="环节 id")
    gap_class: GapClass | None = Field(default=None, description="missing 缺 | weak 弱")
    kind: str | None = Field(default=None, pattern="^(computed|recorded)$", description="computed 按数据计算 | recorded 人工记录")
    priority: Priority | None = Field(default=None, description="人工记录的优先级（只列人工记录）")

    @field_validator("gap_class")
    @classmethod
    def _a_gap(cls, v: GapClass | None) -> GapClass | None:
        if v == GapClass.COVERED:
            raise FieldProblem(
                "a covered link is no gap: ask the chain's coverage for it", "已覆盖的环节不是短板：请查询产业链覆盖情况"
            )
        return v


class GapRecordQuery(ListQuery):
    chain: int | None = Field(default=None, description="产业链 id")
    link: int | None = Field(default=None, description="环节 id")
    gap_class: GapClass | None = Field(default=None, description="missing 缺 | weak 弱")
    priority: Priority | None = Field(default=None, description="优先级")


# What the reads write (built in SQL); these models document it in OpenAPI.


class LinkOut(BaseModel):
    id: int
    chain_id: int
    parent_id: int | None
    name: str
    position: LinkPosition
    order: int
    depth: int = Field(description="0 for a top-level link")
    industry_codes: list[str]
    industry_classes: dict[str, str] = Field(description="code → GB/T 4754-2017 class title / 行业类别名称")
    keywords: list[str]
    description: str | None
    source: str | None


class ClusterRef(BaseModel):
    id: int
    name: str


class ChainOut(ProvenanceOut):
    id: int
    name: str
    description: str | None
    cluster_ids: list[int]
    clusters: list[ClusterRef]
    links: list[LinkOut] = Field(description="the tree in tree order: upstream first, each parent before its children")


class AreaOut(BaseModel):
    kind: AreaKind
    region_adcode: str | None
    park_id: int | None
    cluster_id: int | None
    name: str


class LinkCoverageOut(LinkOut):
    enterprise_count: int = Field(description="local enterprises on the link or below it, in the area")
    revenue_yi: float = Field(description="their revenue (亿元)")
    has_chain_leader: bool
    demo_enterprise_count: int = Field(description="how many of them are demo records / 其中演示数据")
    demo_revenue_yi: float = Field(description="the demo records' share of the revenue (亿元)")
    gap_class: GapClass


class CoverageOut(BaseModel):
    chain: ClusterRef
    area: AreaOut
    thresholds: dict[str, float]
    summary: dict[str, int] = Field(description="links per gap class")
    links: list[LinkCoverageOut]


class AreaFieldsOut(BaseModel):
    area_kind: AreaKind
    area_name: str
    region_adcode: str | None
    park_id: int | None
    cluster_id: int | None


class GapRecordOut(ProvenanceOut, AreaFieldsOut):
    id: int
    chain_id: int
    chain_name: str
    link_id: int
    link_name: str
    gap_class: GapClass
    priority: Priority
    reason: str
    target_count: int


class GapOut(AreaFieldsOut):
    """One gap of the layer; GeoJSON features carry the area's geometry."""

    id: str = Field(description="recorded-<gap id> or computed-<link>-<area kind>-<area key>")
    kind: str = Field(description="computed | recorded")
    gap_id: int | None
    chain_id: int
    chain_name: str
    link_id: int
    link_name: str
    position: LinkPosition
    gap_class: GapClass
    data_class: GapClass = Field(description="what the data says now, also for a recorded gap")
    enterprise_count: int
    revenue_yi: float
    has_chain_leader: bool
    demo_enterprise_count: int = Field(description="how many of the enterprises are demo records / 其中演示数据")
    demo_revenue_yi: float
    priority: Priority | None
    reason: str | None
    target_count: int
    source: str | None
    as_of: date | None
    updated_at: datetime | None
    is_demo: bool | None
