"""What a writer sends for a facility, the query models, and the distance filters parks and
carriers share. Reads are built in SQL (queries.py) with the same names."""

from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.core.errors import FieldProblem
from app.core.inputs import JsonIn
from app.core.listing import GeoJSONGeometry, ListQuery
from app.core.provenance import ProvenanceIn, ProvenanceOut
from app.geo.validate import JIANGXI, PointIn
from app.infrastructure.models import FacilityKind, FacilityPrecision

ADCODE = r"^\d{6}$"
# A radius beyond the province's width only costs work: every site is already inside 600 km.
MAX_RADIUS_KM = 600.0
MAX_DISTANCE_KM = 1000.0
STRAIGHT_LINE = "直线距离（大地线，非驾车距离）/ straight-line geodesic distance, not drive distance"


class FacilityIn(ProvenanceIn):
    model_config = ConfigDict(extra="forbid")

    kind: FacilityKind = Field(description="airport | rail_station | port | expressway_exit | freight_hub | university")
    name: str = Field(min_length=1, max_length=200, description="名称")
    code: str | None = Field(default=None, max_length=40, description="代码（IATA / ICAO、车站电报码等）")
    region_adcode: str | None = Field(default=None, pattern=ADCODE, description="所在县（市、区）代码")
    location: PointIn = Field(description="位置 (GeoJSON Point, WGS-84)")
    location_precision: FacilityPrecision = Field(default=FacilityPrecision.EXACT, description="位置精度")
    details: dict[str, str | int | float | bool | None] = Field(
        default_factory=dict, max_length=30, description="其他属性（如 IATA、吞吐量）"
    )
    osm_id: str | None = Field(default=None, pattern=r"^(node|way|relation)/\d{1,20}$", description="OpenStreetMap 对象")


class FacilityOut(ProvenanceOut):
    id: int
    kind: FacilityKind
    name: str
    code: str | None
    region_adcode: str | None
    location: GeoJSONGeometry
    location_precision: FacilityPrecision
    details: dict[str, Any]
    osm_id: str | None


class FacilityQuery(ListQuery):
    kind: FacilityKind | None = Field(default=None, description="类型")
    region: str | None = Field(default=None, pattern=ADCODE, description="行政区代码（市级含下辖县区）")
    q: str | None = Field(default=None, max_length=100, description="名称关键词")
    published: bool | None = Field(default=None, description="按公开状态过滤（需管理员）")
    is_demo: bool | None = Field(default=None, description="演示数据")


def _km(kind: FacilityKind) -> Any:
    return Field(
        default=None,
        gt=0,
        le=MAX_DISTANCE_KM,
        description=f"距最近{kind.zh}的直线距离上限（公里）/ at most this many straight-line km from the nearest {kind.en}",
    )


class NearestOut(BaseModel):
    km: float = Field(description=STRAIGHT_LINE)
    facility_id: int
    facility: str
    code: str | None
    location_precision: FacilityPrecision
    source: str


class DistancesOut(BaseModel):
    """Per kind, the nearest published facility (absent when there is none of that kind)."""

    airport: NearestOut | None = None
    rail_station: NearestOut | None = None
    port: NearestOut | None = None
    expressway_exit: NearestOut | None = None
    freight_hub: NearestOut | None = None
    university: NearestOut | None = None


def _inside_jiangxi(lon: float, lat: float, field: str | None = None) -> None:
    if not JIANGXI.contains(lon, lat):
        raise FieldProblem(
            f"[{lon}, {lat}] is outside Jiangxi ([lon, lat], WGS-84)",
            f"[{lon}, {lat}] 不在江西省范围内（[经度, 纬度]，WGS-84）",
            [lon, lat],
            field,
        )


class Near(JsonIn):
    """A point and a radius: what "within N km of" means everywhere (lists, matching)."""

    model_config = ConfigDict(extra="forbid")

    lon: float = Field(description="经度 WGS-84")
    lat: float = Field(description="纬度 WGS-84")
    km: float = Field(gt=0, le=MAX_RADIUS_KM, description="半径（公里，直线距离）")

    @model_validator(mode="after")
    def _inside(self) -> Self:
        _inside_jiangxi(self.lon, self.lat)
        return self


class DistanceFilters(BaseModel):
    """Distance and radius filters of the park and carrier lists (mixed into their query models)."""

    max_km_to_airport: float | None = _km(FacilityKind.AIRPORT)
    max_km_to_rail_station: float | None = _km(FacilityKind.RAIL_STATION)
    max_km_to_port: float | None = _km(FacilityKind.PORT)
    max_km_to_expressway_exit: float | None = _km(FacilityKind.EXPRESSWAY_EXIT)
    max_km_to_freight_hub: float | None = _km(FacilityKind.FREIGHT_HUB)
    max_km_to_university: float | None = _km(FacilityKind.UNIVERSITY)
    near: str | None = Field(
        default=None,
        pattern=r"^\s*-?\d+(\.\d+)?\s*,\s*-?\d+(\.\d+)?\s*$",
        examples=["115.89,28.68"],
        description="圆心 lon,lat（WGS-84），与 within_km 一起使用 / centre of a radius search",
    )
    within_km: float | None = Field(default=None, gt=0, le=MAX_RADIUS_KM, description="半径（公里，直线距离）")

    @model_validator(mode="after")
    def _radius(self) -> Self:
        if (self.near is None) != (self.within_km is None):
            missing = "within_km" if self.within_km is None else "near"
            raise FieldProblem(
                "a radius search needs both near=lon,lat and within_km",
                "半径搜索需要同时提供 near=经度,纬度 与 within_km",
                field=missing,
            )
        if self.near is not None:
            lon, lat = (float(p) for p in self.near.split(","))
            _inside_jiangxi(lon, lat, "near")
        return self

    def distance_limits(self) -> dict[FacilityKind, float]:
        return {k: v for k in FacilityKind if (v := getattr(self, f"max_km_to_{k.value}")) is not None}

    def radius(self) -> Near | None:
        if self.near is None or self.within_km is None:
            return None
        lon, lat = (float(p) for p in self.near.split(","))
        return Near(lon=lon, lat=lat, km=self.within_km)
