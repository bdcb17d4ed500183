"""What a writer sends for a carrier. Reads are built in SQL (queries.py) with the same names."""

from typing import TYPE_CHECKING, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator
from shapely.geometry.base import BaseGeometry

from app.carriers.models import HA_M2, MU_M2, CarrierKind, CarrierStatus, LandUse
from app.core.errors import FieldProblem
from app.core.listing import GeoJSONGeometry, ListQuery
from app.core.provenance import ProvenanceIn, ProvenanceOut
from app.geo.validate import geometry_type
from app.infrastructure.schemas import DistanceFilters, DistancesOut
from app.regions.schemas import ADCODE_LIST

if TYPE_CHECKING:
    GeometryIn = BaseGeometry  # what the field holds once validated
else:
    GeometryIn = geometry_type(("Polygon", "Point"))  # pydantic's field type: GeoJSON in, validated and documented


class Range(BaseModel):
    """An indicator published as bounds, e.g. 容积率 ≥ 1.0 → {"min": 1.0}; 绿地率 ≤ 20% → {"max": 20}."""

    model_config = ConfigDict(extra="forbid")

    min: float | None = Field(default=None, ge=0)
    max: float | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise FieldProblem(f"min {self.min} is above max {self.max}", f"最小值 {self.min} 大于最大值 {self.max}")
        return self


class CarrierIn(ProvenanceIn):
    model_config = ConfigDict(extra="forbid")

    kind: CarrierKind = Field(description="land 地块 | factory 标准厂房 | office 楼宇")
    name: str = Field(min_length=1, max_length=200, description="名称或编号")
    code: str | None = Field(default=None, min_length=1, max_length=100, description="宗地编号, unique within the park")
    park_id: int = Field(description="所在园区 id")
    status: CarrierStatus = Field(default=CarrierStatus.AVAILABLE, description="available | reserved | taken")
    geometry: GeometryIn = Field(description="land: GeoJSON Polygon of the parcel; factory/office: Point (WGS-84)")
    area_m2: float | None = Field(default=None, gt=0, description="面积（平方米）; give one of area_m2 / area_mu / area_ha")
    area_mu: float | None = Field(default=None, gt=0, description="面积（亩）")
    area_ha: float | None = Field(default=None, gt=0, description="面积（公顷）")
    land_use: LandUse | None = Field(default=None, description="用地性质")
    plot_ratio: Range | None = Field(default=None, description="容积率")
    building_density_pct: Range | None = Field(default=None, description="建筑密度（%）")
    green_ratio_pct: Range | None = Field(default=None, description="绿地率（%）")
    height_limit_m: Range | None = Field(default=None, description="限高（米）")
    lease_term_years: int | None = Field(default=None, ge=1, le=70, description="出让年限（工业用地一般 50 年）")
    readiness: str | None = Field(default=None, max_length=100, description="土地开发程度，如 七通一平")
    price_wan_per_mu: float | None = Field(default=None, ge=0, description="起始价 / 基准地价（万元/亩）")
    rent_yuan_m2_month: float | None = Field(default=None, ge=0, description="租金（元/平方米/月）")
    sale_price_yuan_m2: float | None = Field(default=None, ge=0, description="售价（元/平方米）")
    floors: int | None = Field(default=None, ge=1, le=200, description="层数")
    storey_height_m: float | None = Field(default=None, gt=0, le=100, description="层高（米）")
    floor_load_t_m2: float | None = Field(default=None, gt=0, le=100, description="承重（吨/平方米）")
    has_crane: bool | None = Field(default=None, description="是否有行车")
    is_standard_land: bool = Field(default=False, description="标准地")
    investment_intensity_wan_per_mu: float | None = Field(default=None, ge=0, description="固定资产投资强度（万元/亩）")
    tax_per_mu_wan: float | None = Field(default=None, ge=0, description="亩均税收（万元/亩）")
    energy_tce_per_wan: float | None = Field(default=None, ge=0, description="单位能耗（吨标准煤/万元）")
    description: str | None = Field(default=None, max_length=20_000)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        expected = "Polygon" if self.kind == CarrierKind.LAND else "Point"
        if self.geometry.geom_type != expected:
            raise FieldProblem(
                f"a {self.kind.value} carrier needs a {expected}, got {self.geometry.geom_type}",
                f"{self.kind.zh}的几何应为 {expected}，实际为 {self.geometry.geom_type}",
                field="geometry",
            )
        given = [n for n in ("area_m2", "area_mu", "area_ha") if getattr(self, n) is not None]
        if len(given) > 1:
            raise FieldProblem(
                f"give the area once, in one unit; got {', '.join(given)}",
                f"面积只需填写一种单位，实际填写了 {', '.join(given)}",
                field=given[1],
            )
        if not given and self.kind != CarrierKind.LAND:
            raise FieldProblem(
                "a factory or office needs its floor area (area_m2, area_mu or area_ha)",
                "厂房或楼宇必须填写面积（area_m2、area_mu 或 area_ha）",
                field="area_m2",
            )
        return self

    def area_in_m2(self) -> float | None:
        """The area in m², or None when it is to be measured from the parcel."""
        if self.area_mu is not None:
            return self.area_mu * MU_M2
        if self.area_ha is not None:
            return self.area_ha * HA_M2
        return self.area_m2


class CarrierQuery(ListQuery, DistanceFilters):
    park: int | None = Field(default=None, description="园区 id")
    kind: CarrierKind | None = Field(default=None, description="载体类型")
    status: CarrierStatus | None = Field(default=None, description="状态")
    land_use: LandUse | None = Field(default=None, description="用地性质")
    region: str | None = Field(default=None, pattern=ADCODE_LIST, description="行政区代码（市级含下辖县区），可用逗号分隔多个")
    min_area: float | None = Field(default=None, ge=0, description="最小面积（单位见 area_unit）")
    max_area: float | None = Field(default=None, ge=0, description="最大面积（单位见 area_unit）")
    area_unit: Literal["m2", "mu", "ha"] = Field(default="m2", description="面积单位 m2 | mu 亩 | ha 公顷")
    max_price: float | None = Field(default=None, ge=0, description="最高地价（万元/亩）")
    max_rent: float | None = Field(default=None, ge=0, description="最高租金（元/平方米/月）")
    standard_land: bool | None = Field(default=None, description="仅标准地")
    q: str | None = Field(default=None, max_length=100, description="名称关键词")
    published: bool | None = Field(default=None, description="按公开状态过滤（需管理员）")
    is_demo: bool | None = Field(default=None, description="演示数据")

    @model_validator(mode="after")
    def _area_range(self) -> Self:
        if self.min_area is not None and self.max_area is not None and self.min_area > self.max_area:
            raise FieldProblem(
                f"min_area {self.min_area} is above max_area {self.max_area}",
                f"最小面积 {self.min_area} 大于最大面积 {self.max_area}",
                field="min_area",
            )
        return self

    def area_bounds_m2(self) -> tuple[float | None, float | None]:
        factor = {"m2": 1.0, "mu": MU_M2, "ha": HA_M2}[self.area_unit]
        return (
            None if self.min_area is None else self.min_area * factor,
            None if self.max_area is None else self.max_area * factor,
        )


class RangeOut(BaseModel):
    min: float | None
    max: float | None


class CarrierOut(ProvenanceOut):
    """A carrier as the API writes it (JSON); in GeoJSON `geometry` is the feature's geometry."""

    id: int
    kind: CarrierKind
    name: str
    code: str | None
    park_id: int
    park_name: str
    status: CarrierStatus
    geometry: GeoJSONGeometry
    location: GeoJSONGeometry = Field(description="a point on the carrier, for point maps / 代表点")
    area_m2: float
    area_mu: float
    area_ha: float
    land_use: LandUse | None
    plot_ratio: RangeOut
    building_density_pct: RangeOut
    green_ratio_pct: RangeOut
    height_limit_m: RangeOut
    lease_term_years: int | None
    readiness: str | None
    price_wan_per_mu: float | None
    rent_yuan_m2_month: float | None
    sale_price_yuan_m2: float | None
    floors: int | None
    storey_height_m: float | None
    floor_load_t_m2: float | None
    has_crane: bool | None
    is_standard_land: bool
    investment_intensity_wan_per_mu: float | None
    tax_per_mu_wan: float | None
    energy_tce_per_wan: float | None
    description: str | None
    distances: DistancesOut = Field(description="nearest facility of each kind, straight-line km / 最近基础设施（直线距离）")
