"""Where a carrier may lie and how large a plot may be: set per deployment, since boundaries
drawn for display and parks on a county border need some slack."""

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class CarrierSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="INVESTMAP_CARRIER_", extra="ignore")

    region_tolerance_m: float = Field(default=2000, ge=0, description="how far a carrier may reach beyond its park's county")
    max_plot_ha: float = Field(default=1000, gt=0, description="the largest land plot accepted, in hectares")


@lru_cache
def carrier_settings() -> CarrierSettings:
    return CarrierSettings()
