from pydantic import BaseModel, Field

from app.core.listing import GeoJSONGeometry, ListQuery
from app.core.provenance import ProvenanceOut
from app.regions.models import RegionLevel

# The lists' region filter: up to 20 cities or counties at once, comma-separated.
ADCODE_LIST = r"^\d{6}(,\d{6}){0,19}$"


class RegionQuery(ListQuery):
    level: RegionLevel | None = Field(default=None, description="province | city | county / 级别")
    parent: str | None = Field(default=None, pattern=r"^\d{6}$", description="parent adcode / 上级代码")


class RegionRef(BaseModel):
    adcode: str
    name: str
    level: RegionLevel


class RegionLookup(BaseModel):
    """The province, city and county that contain a point."""

    lon: float
    lat: float
    province: RegionRef
    city: RegionRef
    county: RegionRef


class RegionOut(ProvenanceOut):
    adcode: str
    name: str
    name_en: str | None = Field(description="英文名（汉语拼音专名 + 英译通名）/ English name: Nanchang City, Honggutan District")
    level: RegionLevel
    parent_adcode: str | None
    boundary: GeoJSONGeometry | None = Field(default=None, description="single region only / 仅详情")
