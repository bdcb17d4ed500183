"""What a writer sends for a park. Reads are built in SQL (see queries.py) with the same names."""

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from app.core.dates import IsoDate
from app.core.inputs import JsonIn
from app.core.listing import GeoJSONGeometry, ListQuery
from app.core.provenance import ProvenanceIn, ProvenanceOut
from app.geo.validate import ChinaPointIn, MultiPolygonIn, PointIn
from app.parks.models import (
    ChemicalStatus,
    CooperationModel,
    LocationPrecision,
    ParkLevel,
    ParkType,
    PartnerRegion,
)

ADCODE = r"^\d{6}$"


class Contact(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100, description="联系人")
    role: str | None = Field(default=None, max_length=100, description="职务 / 部门")
    phone: str | None = Field(default=None, max_length=40, description="电话")
    email: str | None = Field(default=None, max_length=200)


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
    region_adcode: str = Field(pattern=ADCODE, description="所在县（市、区）行政区划代码")
    approval_date: str | None = Field(default=None, pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$", description="批准时间 YYYY[-MM[-DD]]")
    approved_area_ha: float | None = Field(default=None, gt=0, description="核准面积（公顷）")
    leading_industries: list[str] = Field(default_factory=list, max_length=30, description="主导产业")
    cluster_ids: list[int] = Field(default_factory=list, description="所属产业集群 id")
    boundary: MultiPolygonIn | None = Field(default=None, description="边界 (GeoJSON MultiPolygon)")
    location: PointIn = Field(description="代表点 (GeoJSON Point, WGS-84)")
    location_precision: LocationPrecision = Field(default=LocationPrecision.EXACT, description="位置精度")
    contacts: list[Contact] = Field(default_factory=list, max_length=20, description="联系人")
    profile: str | None = Field(default=None, max_length=20_000, description="园区简介")
    cooperation: CooperationIn | None = Field(default=None, description="合作园区信息")
    chemical_status: ChemicalStatus | None = Field(default=None, description="化工园区认定状态")
    chemical_status_date: IsoDate | None = Field(default=None, description="认定 / 复核 / 撤销日期")


class ParkQuery(ListQuery):
    level: ParkLevel | None = Field(default=None, description="级别")
    type: ParkType | None = Field(default=None, description="类型")
    region: str | None = Field(default=None, pattern=ADCODE, description="行政区代码（市级含下辖县区）")
    industry: str | None = Field(default=None, max_length=100, description="主导产业关键词")
    cluster: int | None = Field(default=None, description="产业集群 id")
    q: str | None = Field(default=None, max_length=100, description="名称或简称关键词")
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


class ParkOut(ProvenanceOut):
    """A park as the API writes it (JSON); in GeoJSON the location is the feature's geometry."""

    id: int
    name: str
    short_name: str | None
    level: ParkLevel
    type: ParkType
    region_adcode: str
    region_name: str = Field(description="所在县（市、区）名称")
    city_adcode: str = Field(description="所在设区市代码")
    approval_date: str | None
    approved_area_ha: float | None
    leading_industries: list[str]
    cluster_ids: list[int]
    clusters: list[ClusterRef]
    location: GeoJSONGeometry
    location_precision: LocationPrecision
    boundary: GeoJSONGeometry | None
    cooperation: CooperationOut | None
    chemical_status: ChemicalStatus | None
    chemical_status_date: date | None
    contacts: list[Contact] | None = Field(default=None, description="staff only / 仅内部可见")
    profile: str | None
    available_carriers: AvailableCarriers | None = Field(default=None, description="single park only / 仅详情")
