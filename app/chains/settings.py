"""When a link with local enterprises still counts as a gap (弱 weak). Set per deployment, since
what is "few" or "small" differs between a county and the province; a request may override them."""

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class GapSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="INVESTMAP_GAP_", extra="ignore")

    min_count: int = Field(default=3, ge=1, description="fewer local enterprises than this: weak")
    min_revenue_yi: float = Field(default=10.0, ge=0, description="their revenue below this (亿元): weak")


@lru_cache
def gap_settings() -> GapSettings:
    return GapSettings()
