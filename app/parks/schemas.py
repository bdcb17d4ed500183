"""What a writer sends for a park. Reads are built in SQL (see queries.py) with the same names."""

from datetime import date
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.core.dates import IsoDate
from app.core.errors import FieldProblem
from app.core.inputs import JsonIn
from app.core.listing import GeoJSONGeometry, ListQuery
from app.core.provenance import ProvenanceIn, ProvenanceOut, SourceKind
from app.geo.validate import ChinaPointIn, MultiPolygonIn, PointIn
from app.infrastructure.schemas import DistanceFilters, DistancesOut
from app.parks.models import (
    KIND_OF_TYPE,
    AreaKind,
    ChemicalStatus,
    CooperationModel,
    LocationPrecision,
    ParkKind,
    ParkLevel,
    ParkType,
    PartnerRegion,
    PointBasis,
)
from app.regions.schemas import ADCODE_LIST

ADCODE = r"^\d{6}$"
URL = r"^https?://\S+$"


class Contact(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100, description="联系人")
    role: str | None = Field(default=None, max_length=100, description="职务 / 部门")
    phone: str | None = Field(default=None, max_length=40, description="电话")
    email: str | None = Field(default=None, max_length=200)


class Policy(BaseModel):
    """An investment policy the park publishes (招商政策): public, as its document says it."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=200, description="政策名称")
    issuer: str = Field(min_length=1, max_length=100, description="发布机关")
    issued_on: IsoDate | None = Field(default=None, description="发布日期")
    summary: str | None = Field(default=None, max_length=1000, description="要点")
    url: str | None = Field(default=None, max_length=2000, pattern=URL, description="原文网址（http/https）")


class CooperationIn(JsonIn):
    """The partnership of a cooperation park (合作园区)."""

    model_config = ConfigDict(extra="forbid")

    partner_region: PartnerRegion = Field(description="合作区域")
    partner_name: str = Field(min_length=1, max_length=200, description="合作城市或园区")
    partner_location: ChinaPointIn = Field(description="合作方位置 (GeoJSON Point, WGS-84)")
    model: CooperationModel | None = Field(default=None, description="共建 / 托管 / 飞地")
    signed_date: IsoDate | None = Field(default=None, description="签约日期")
    source: str | None = Field(default=None, max_length=2000)


class ParkIn(ProvenanceIn):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200, description="园区全称")
    short_name: str | None = Field(default=None, max_length=100, description="简称")
    level: ParkLevel = Field(description="national 国家级 | provincial 省级 | municipal 市级")
    type: ParkType = Field(
        description="etdz 经开区 | hitech 高新区 | bonded 综保区 | industrial | featured | chemical | future | other"
    )
    kind: ParkKind | None = Field(default=None, description="细分类型 (国家级新区、园中园、省级开发区…); 缺省按 type 推定")
    parent_id: int | None = Field(default=None, description="所属上级园区 id（园中园、新区组团）")
    region_adcode: str = Field(pattern=ADCODE, description="所在县（市、区）行政区划代码")
    county_adcodes: list[Annotated[str, Field(pattern=ADCODE)]] = Field(
        default_factory=list, max_length=20, description="跨县园区的全部县（市、区）代码; region_adcode 总在其中"
    )
    approval_date: str | None = Field(default=None, pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$", description="批准时间 YYYY[-MM[-DD]]")
    approved_area_ha: float | None = Field(
        default=None, gt=0, description="核准面积（公顷）: 仅《中国开发区审核公告目录》核准面积"
    )
    area_ha: float | None = Field(default=None, gt=0, description="面积（公顷）, 其口径见 area_kind")
    area_kind: AreaKind | None = Field(
        default=None,
        description="planned 规划面积 | approved 批准面积 | land_use 用地面积 | fenced 围网面积 | jurisdiction 管辖面积",
    )
    name_en: str | None = Field(default=None, max_length=300, description="英文名称")
    address: str | None = Field(default=None, max_length=300, description="管委会地址")
    leading_industries: list[str] = Field(default_factory=list, max_length=30, description="主导产业")
    cluster_ids: list[int] = Field(default_factory=list, description="所属产业集群 id")
    boundary: MultiPolygonIn | None = Field(default=None, description="边界 (GeoJSON MultiPolygon)")
    location: PointIn = Field(description="代表点 (GeoJSON Point, WGS-84)")
    location_precision: LocationPrecision = Field(default=LocationPrecision.EXACT, description="位置精度")
    point_basis: PointBasis | None = Field(default=None, description="代表点依据: address | road | town | county_spread")
    contacts: list[Contact] = Field(default_factory=list, max_length=20, description="联系人")
    profile: str | None = Field(default=None, max_length=20_000, description="园区简介")
    hotline: str | None = Field(default=None, pattern=r"^[0-9+()\- ]{5,30}$", description="招商热线（公开），如 0791-88888888")
    website: str | None = Field(
        default=None, max_length=300, pattern=r"^https?://[^\s<>\"']+$", description="网站（公开，http/https）"
    )
    service_address: str | None = Field(default=None, max_length=300, description="投资服务中心地址（公开）")
    policies: list[Policy] = Field(default_factory=list, max_length=20, description="招商政策（公开）")
    cooperation: CooperationIn | None = Field(default=None, description="合作园区信息")
    chemical_status: ChemicalStatus | None = Field(default=None, description="化工园区认定状态")
    chemical_status_date: IsoDate | None = Field(default=None, description="认定 / 复核 / 撤销日期")
    source_url: str | None = Field(default=None, max_length=2000, pattern=URL, description="来源网址")
    source_kind: SourceKind | None = Field(default=None, description="primary 原始发布 | official_media | repost 转载 | document")
    evidence: str | None = Field(default=None, max_length=2000, description="来源中据以填写的内容")

    @model_validator(mode="after")
    def _area_has_kind(self) -> Self:
        if (self.area_ha is None) != (self.area_kind is None):
            raise FieldProblem(
                "area_ha and area_kind go together: say what kind of area the figure is",
                "area_ha 与 area_kind 须同时填写：请注明面积口径（规划、批准、用地、围网、管辖）",
                field="area_kind" if self.area_kind is None else "area_ha",
            )
        return self

    @property
    def effective_kind(self) -> ParkKind:
        return self.kind or KIND_OF_TYPE[self.type]

    @property
    def counties(self) -> list[str]:
        """region_adcode first, then the other counties the park spans, each once."""
        return list(dict.fromkeys([self.region_adcode, *self.county_adcodes]))


class ParkQuery(ListQuery, DistanceFilters):
    level: ParkLevel | None = Field(default=None, description="级别")
    type: ParkType | None = Field(default=None, description="类型")
    # Not `kind`: the map page's query also takes the carriers' `kind` (land, factory, office).
    park_kind: ParkKind | None = Field(default=None, description="细分类型（国家级新区、园中园、省级开发区…）")
    parent: int | None = Field(default=None, description="该园区的下属园区（园中园、新区组团）")
    top_level: bool | None = Field(default=None, description="true: 仅独立园区（不含园中园、组团）, 计数用")
    region: str | None = Field(default=None, pattern=ADCODE_LIST, description="行政区代码（市级含下辖县区），可用逗号分隔多个")
    industry: str | None = Field(default=None, max_length=100, description="主导产业关键词")
    cluster: int | None = Field(default=None, description="产业集群 id")
    q: str | None = Field(
        default=None,
        max_length=100,
        description="名称或简称关键词，也可用拼音、拼音首字母或英文名 / name, short name, pinyin, initials or English",
    )
    cooperation: bool | None = Field(default=None, description="仅合作园区")
    published: bool | None = Field(default=None, description="按公开状态过滤（需管理员）")
    is_demo: bool | None = Field(default=None, description="演示数据")


class ClusterRef(BaseModel):
    id: int
    name: str


class CooperationOut(CooperationIn):
    partner_location: GeoJSONGeometry


class AvailableCarriers(BaseModel):
    land: int
    factory: int
    office: int


class ParkRef(BaseModel):
    id: int
    name: str


class ParkOut(ProvenanceOut):
    """A park as the API writes it (JSON); in GeoJSON the location is the feature's geometry."""

    id: int
    name: str
    short_name: str | None
    level: ParkLevel
    type: ParkType
    kind: ParkKind
    parent_id: int | None
    parent: ParkRef | None = Field(description="所属上级园区")
    parts: list[ParkRef] = Field(description="下属园区（园中园、新区组团）")
    region_adcode: str
    county_adcodes: list[str] = Field(description="跨越的全部县（市、区）代码")
    region_name: str = Field(description="所在县（市、区）名称")
    region_name_en: str | None = Field(description="所在县（市、区）英文名 / the county's English name")
    city_adcode: str = Field(description="所在设区市代码")
    approval_date: str | None
    approved_area_ha: float | None
    area_ha: float | None
    area_kind: AreaKind | None
    name_en: str | None
    name_pinyin: str | None = Field(
        description="名称的汉语拼音（非官方英文名）/ the name in pinyin, shown where there is no official English name"
    )
    address: str | None
    leading_industries: list[str]
    cluster_ids: list[int]
    clusters: list[ClusterRef]
    location: GeoJSONGeometry
    location_precision: LocationPrecision
    point_basis: PointBasis | None
    boundary: GeoJSONGeometry | None
    cooperation: CooperationOut | None
    chemical_status: ChemicalStatus | None
    chemical_status_date: date | None
    source_url: str | None
    source_kind: SourceKind | None
    evidence: str | None
    contacts: list[Contact] | None = Field(default=None, description="staff only / 仅内部可见")
    profile: str | None
    hotline: str | None
    website: str | None
    service_address: str | None
    policies: list[Policy]
    available_carriers: AvailableCarriers | None = Field(default=None, description="single park only / 仅详情")
    available_carriers_demo: AvailableCarriers | None = Field(
        default=None, description="how many of the available carriers are demo records; single park only / 其中演示数据"
    )
    distances: DistancesOut = Field(description="nearest facility of each kind, straight-line km / 最近基础设施（直线距离）")
