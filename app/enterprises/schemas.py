"""What a writer sends for an enterprise, and the filters of enterprise lists and exports."""

from typing import Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from app.chains.schemas import AreaParams
from app.core.errors import FieldProblem
from app.core.export import ExportParams
from app.core.listing import GeoJSONGeometry, ListQuery
from app.core.provenance import ProvenanceIn, ProvenanceOut
from app.enterprises import uscc
from app.enterprises.models import EnterpriseTag
from app.geo.validate import ChinaPointIn


class EnterpriseIn(ProvenanceIn):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200, description="企业名称")
    uscc: str = Field(description="统一社会信用代码（18 位，GB 32100-2015，校验码须正确）")
    location: ChinaPointIn = Field(description="位置 (GeoJSON Point, WGS-84); 本地企业须在江西省内，外地企业可在全国任意位置")
    is_local: bool = Field(description="true 本地企业（江西省内） | false 外地企业（招商对象）")
    park_id: int | None = Field(default=None, description="所在园区 id（仅本地企业）")
    link_ids: list[int] = Field(default_factory=list, max_length=50, description="所处产业链环节 id")
    tags: list[EnterpriseTag] = Field(default_factory=list, description="企业标签")
    revenue_yi: float | None = Field(default=None, ge=0, description="营业收入（亿元）")
    employees: int | None = Field(default=None, ge=0, description="从业人数")
    year: int | None = Field(default=None, ge=1949, le=2100, description="营业收入与人数所属年份")

    @field_validator("uscc")
    @classmethod
    def _uscc(cls, v: str) -> str:
        return uscc.validate(v)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.park_id is not None and not self.is_local:
            raise FieldProblem(
                "only a local enterprise sits in one of our parks", "只有本地企业可以填写所在园区", field="park_id"
            )
        if uscc.is_demo_code(self.uscc) != self.is_demo:
            raise FieldProblem(
                f"USCC division {uscc.DEMO_DIVISION} is reserved for demo records: "
                "a demo record must use it and a real one must not",
                f"行政区划码 {uscc.DEMO_DIVISION} 仅供演示数据使用：演示企业必须使用，真实企业不得使用",
                field="uscc",
            )
        if self.is_demo and EnterpriseTag.CHAIN_LEADER in self.tags:
            raise FieldProblem("a demo enterprise cannot be tagged chain_leader (链主)", "演示企业不能标记为链主", field="tags")
        # A set, written once each, in the order given.
        self.tags = list(dict.fromkeys(self.tags))
        self.link_ids = list(dict.fromkeys(self.link_ids))
        return self


class EnterpriseQuery(ListQuery, AreaParams):
    link: int | None = Field(default=None, description="产业链环节 id（含其下级环节）")
    chain: int | None = Field(default=None, description="产业链 id")
    tag: EnterpriseTag | None = Field(default=None, description="企业标签")
    is_local: bool | None = Field(default=None, description="true 本地 | false 外地")
    q: str | None = Field(default=None, max_length=100, description="企业名称关键词")
    published: bool | None = Field(default=None, description="按公开状态过滤（需管理员）")
    is_demo: bool | None = Field(default=None, description="演示数据")


class EnterpriseExportQuery(EnterpriseQuery, ExportParams):
    pass


class LinkRef(BaseModel):
    id: int
    name: str
    chain_id: int
    chain_name: str


class EnterpriseOut(ProvenanceOut):
    """An enterprise as the API writes it (JSON); in GeoJSON the location is the feature's geometry."""

    id: int
    name: str
    uscc: str
    location: GeoJSONGeometry
    is_local: bool
    region_adcode: str | None = Field(description="县（市、区）代码，由位置得出；江西省外为 null")
    region_name: str | None
    city_adcode: str | None
    park_id: int | None
    park_name: str | None
    link_ids: list[int]
    links: list[LinkRef]
    tags: list[EnterpriseTag]
    revenue_yi: float | None
    employees: int | None
    year: int | None


class DuplicateQuery(BaseModel):
    """What an officer typed for an enterprise not yet known: its USCC, its name, or both."""

    model_config = ConfigDict(extra="forbid")

    uscc: str | None = Field(default=None, max_length=40, description="统一社会信用代码（校验码须正确）")
    name: str | None = Field(default=None, min_length=2, max_length=200, description="企业名称")

    @field_validator("uscc")
    @classmethod
    def _uscc(cls, v: str | None) -> str | None:
        return None if v is None else uscc.validate(v)

    @model_validator(mode="after")
    def _something(self) -> Self:
        if self.uscc is None and self.name is None:
            raise FieldProblem("give the USCC, the name or both", "请填写统一社会信用代码或企业名称", field="name")
        return self


class DuplicateOut(BaseModel):
    id: int
    name: str
    uscc: str
    is_local: bool
    region_name: str | None
    match: str = Field(description="uscc: the same code | name: the same name, or one holds the other / 名称相同或包含")
