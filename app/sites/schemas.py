"""A requirement profile, as an enterprise states it, and the shapes of the answers (built in SQL)."""

from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.carriers.models import HA_M2, MU_M2, CarrierKind, LandUse
from app.core.errors import FieldProblem
from app.core.inputs import JsonIn
from app.infrastructure.models import FacilityKind
from app.infrastructure.schemas import Near

ADCODE = r"^\d{6}$"
MAX_RESULTS = 100
AREA_UNITS: dict[str, tuple[float, str, str]] = {
    "mu": (MU_M2, "亩", "mu"),
    "ha": (HA_M2, "公顷", "ha"),
    "m2": (1.0, "平方米", "m²"),
}


class Criterion(JsonIn):
    """A hard limit (sites failing it are excluded and counted) or a weighted preference."""

    model_config = ConfigDict(extra="forbid")

    hard: bool = Field(default=False, description="硬性条件：不满足即排除 / a hard limit: sites that fail are excluded")
    weight: float = Field(default=1.0, ge=0, le=10, description="权重 0-10（软性条件计分用）/ weight in the score")


class AreaCriterion(Criterion):
    # Bounded so that a miss, measured relative to them, stays a plain number.
    min: float | None = Field(default=None, ge=0.01, le=1e7, description="最小面积")
    max: float | None = Field(default=None, ge=0.01, le=1e7, description="最大面积")
    unit: Literal["mu", "ha", "m2"] = Field(default="mu", description="mu 亩 | ha 公顷 | m2 平方米")
    hard: bool = True

    @model_validator(mode="after")
    def _bounds(self) -> Self:
        if self.min is None and self.max is None:
            raise FieldProblem("give min, max or both", "请填写最小面积、最大面积或两者")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise FieldProblem(f"min {self.min} is above max {self.max}", f"最小值 {self.min} 大于最大值 {self.max}")
        return self


class RegionCriterion(Criterion):
    adcodes: list[Annotated[str, Field(pattern=ADCODE)]] = Field(
        min_length=1, max_length=30, description="设区市或县（市、区）代码，可多选"
    )
    hard: bool = True


class LandUseCriterion(Criterion):
    codes: list[LandUse] = Field(min_length=1, max_length=len(LandUse), description="可接受的用地性质")
    hard: bool = True


class PriceCriterion(Criterion):
    max: float = Field(ge=0.01, le=1e6, description="land: 万元/亩; factory / office: 租金 元/平方米/月")


class DistanceCriterion(Criterion):
    km: float = Field(ge=0.1, le=1000, description="距最近设施的直线距离上限（公里）")


class IndustryCriterion(Criterion):
    keyword: str = Field(min_length=1, max_length=50, description="产业关键词，与园区主导产业比对")


class MatchRequest(JsonIn):
    """What an enterprise needs. Every criterion is optional; each is hard or weighted."""

    model_config = ConfigDict(extra="forbid")

    kind: CarrierKind = Field(description="land 地块 | factory 标准厂房 | office 楼宇")
    area: AreaCriterion | None = None
    regions: RegionCriterion | None = None
    land_use: LandUseCriterion | None = None
    price: PriceCriterion | None = None
    distances: dict[FacilityKind, DistanceCriterion] = Field(default_factory=dict, description="各类设施的距离要求")
    industry: IndustryCriterion | None = None
    near: Near | None = Field(default=None, description="只看此点 N 公里（直线）以内 / only within km of a point")
    limit: int = Field(default=20, ge=1, le=MAX_RESULTS, description="返回条数")

    def area_factor(self) -> float:
        return AREA_UNITS[self.area.unit][0] if self.area else MU_M2


class Verdict(BaseModel):
    criterion: str
    hard: bool
    weight: float
    verdict: Literal["met", "near", "miss", "unknown"] = Field(description="满足 | 接近 | 不满足 | 数据缺失")
    zh: str
    en: str


class MatchedSite(BaseModel):
    rank: int
    id: int
    name: str
    kind: CarrierKind
    park_id: int
    park_name: str
    region_name: str
    score: int = Field(ge=0, le=100)
    area_mu: float
    price_wan_per_mu: float | None
    rent_yuan_m2_month: float | None
    location: dict[str, Any]
    verdicts: list[Verdict]
    source: str
    is_demo: bool


class MatchedPark(BaseModel):
    park_id: int
    park_name: str
    best_score: int
    ranks: list[int] = Field(description="该园区内匹配载体的名次")


class Excluded(BaseModel):
    total: int
    by: dict[str, int] = Field(
        description="每个硬性条件排除的数量：每个载体只计一次，计入它未满足的第一个硬性条件（先地区，距离最后），各项之和即 total"
        " / per hard criterion, each excluded site counted once, under the first it fails (region first, distances last)"
    )
    zh: str
    en: str


class MatchResult(BaseModel):
    scoring: dict[str, str] = Field(description="评分规则说明 / how the score is made")
    candidates: int = Field(description="参与比较的载体数（类型、可供状态与半径范围内）")
    matched: int
    excluded: Excluded
    results: list[MatchedSite]
    parks: list[MatchedPark]
