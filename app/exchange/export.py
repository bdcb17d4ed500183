"""Exports of what a caller may see, as GIS files and spreadsheets, in the coordinate system asked.

A list's filters pick the rows (the list's own `filtered(q, user)`: the public gets published
records and public fields only, as on the map); the properties are the flattened ones the map's
GIS clients read (`OutputSpec.properties`). Rows are read in chunks and appended to the file by
GDAL (pyogrio) in a folder of the request's own, which is streamed and removed after the answer:
memory holds one chunk, whatever the number of rows.

Shapefiles take one geometry type per file: a list of plots (polygons) and buildings (points)
becomes two Shapefiles in one zip, each with a .prj and a .cpg (UTF-8). Text that a spreadsheet
would run as a formula gets a leading `'` in CSV (as app/core/export.py does); GDAL writes XLSX
text as shared strings, which are never evaluated.
"""

import json
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field
from sqlalchemy import Select, func
from sqlalchemy.orm import Session
from starlette.background import BackgroundTask

from app.core.auth import Principal
from app.core.export import FORMULA_START, attachment
from app.core.listing import OutputSpec
from app.exchange.columns import SHAPEFILE_NAMES, SHAPEFILE_ZH_NAMES
from app.exchange.crs import SYSTEMS, from_wgs84

CHUNK = 5000
Format = Literal["geojson", "gpkg", "shp", "kml", "csv", "xlsx"]
# format → (GDAL driver, suffix of the file, media type, layer options)
DRIVERS: dict[str, tuple[str, str, str, dict[str, str]]] = {
    "geojson": ("GeoJSON", ".geojson", "application/geo+json", {"RFC7946": "NO"}),
    "gpkg": ("GPKG", ".gpkg", "application/geopackage+sqlite3", {}),
    "shp": ("ESRI Shapefile", ".shp", "application/zip", {"ENCODING": "UTF-8"}),
    "kml": ("KML", ".kml", "application/vnd.google-earth.kml+xml", {}),
    "csv": ("CSV", ".csv", "text/csv; charset=utf-8", {"GEOMETRY": "AS_WKT", "WRITE_BOM": "YES"}),
    "xlsx": ("XLSX", ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", {}),
}


class GisExportParams(BaseModel):
    """Added to a list's query model: the file's format, coordinate system and field names."""

    format: Format = Field(default="geojson", description="geojson | gpkg | shp (zip) | kml | csv | xlsx / 格式")
    crs: Literal[tuple(SYSTEMS)] = Field(default="wgs84", description=f"{' | '.join(SYSTEMS)} / 坐标系")  # type: ignore[valid-type]
    names: Literal["codes", "zh"] = Field(default="codes", description="field names: API codes or Chinese / 字段名")


@dataclass(frozen=True)
class Exportable:
    stem: str  # the file's name, e.g. 载体
    output: OutputSpec
    geometry: Any  # a column or SQL expression
    extra: dict[str, Any] = field(default_factory=dict)  # columns beyond the map's properties
    zh: dict[str, str] = field(default_factory=dict)  # field code → Chinese name


def _rows(session: Session, stmt: Select[Any]) -> Iterator[list[Any]]:
    result = session.execute(stmt.execution_options(yield_per=CHUNK))
    yield from (list(part) for part in result.partitions())


def _scalar(value: Any) -> Any:
    """A value GDAL types the same in every format: numbers as floats, dates and times as ISO
    text, nested JSON as its text."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else value


def _spreadsheet_safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _is_number(value):
        return "'" + value
    return value


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _chunk(rows: list[Any], names: list[str], fmt: str, crs: str) -> pd.DataFrame:
    data = pd.DataFrame([[_scalar(v) for v in row[:-1]] for row in rows], columns=names, dtype=object).infer_objects()
    if fmt == "csv":
        data = data.map(_spreadsheet_safe)
    geoms = gpd.GeoSeries(shapely.from_wkb([row[-1] for row in rows]), crs=4326)
    target = SYSTEMS[crs]
    gdf = gpd.GeoDataFrame(data, geometry=from_wgs84(geoms, target).values, crs=target.epsg)
    if fmt == "xlsx":  # a sheet has no geometry column: the shape as WKT text
        return pd.DataFrame(data.assign(WKT=gdf.geometry.to_wkt()))
    return gdf


def write_file(session: Session, stmt: Select[Any], names: list[str], fmt: str, crs: str, folder: Path, stem: str) -> Path:
    """The rows of `stmt` (their last column the geometry as WKB) written to a file under `folder`."""
    driver, suffix, _, options = DRIVERS[fmt]
    written: dict[str, Path] = {}
    for rows in _rows(session, stmt):
        gdf = _chunk(rows, names, fmt, crs)
        parts = gdf.groupby(gdf.geom_type.str.replace("Multi", ""), sort=False) if fmt == "shp" else [("", gdf)]
        for kind, part in parts:
            path = folder / (f"{stem}_{kind.lower()}{suffix}" if kind else f"{stem}{suffix}")
            pyogrio.write_dataframe(
                part,
                path,
                driver=driver,
                layer=stem,
                append=path in written.values(),
                promote_to_multi=fmt in ("shp", "gpkg"),
                layer_options=options or None,
            )
            written[kind] = path
    if not written:  # an empty list is still a file with its fields
        nothing = folder / f"{stem}{suffix}"
        empty = gpd.GeoDataFrame({n: pd.Series(dtype=object) for n in names}, geometry=[], crs=SYSTEMS[crs].epsg)
        pyogrio.write_dataframe(empty, nothing, driver=driver, layer=stem, layer_options=options or None)
        written[""] = nothing
    if fmt != "shp":
        return written.popitem()[1]
    archive = folder / f"{stem}.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for shp in written.values():
            for member in sorted(folder.glob(f"{shp.stem}.*")):
                zf.write(member, member.name)
    return archive


def _name(field: str, params: GisExportParams, what: Exportable) -> str:
    """A field's name in the file. Shapefiles keep 10 bytes of a name: short names there (Chinese
    ones of three characters at most, in UTF-8 as the .cpg says), which imports read back."""
    if params.format == "shp":
        short = SHAPEFILE_ZH_NAMES.get(field) if params.names == "zh" and what.zh else None
        return short or SHAPEFILE_NAMES.get(field, field)
    return what.zh.get(field, field) if params.names == "zh" else field


def export_query(
    user: Principal, what: Exportable, filtered: Select[Any], order: Any, params: GisExportParams
) -> tuple[Select[Any], list[str]]:
    """The statement of an export (its last column the geometry as WKB) and the file's field names."""
    properties = {**what.extra, **what.output.for_user(user).properties()}
    names = [_name(k, params, what) for k in properties]
    stmt = filtered.with_only_columns(
        *[v.label(f"c{i}") for i, v in enumerate(properties.values())], func.ST_AsBinary(what.geometry)
    ).order_by(order)
    return stmt, names


def export_file(
    session: Session, user: Principal, what: Exportable, filtered: Select[Any], order: Any, params: GisExportParams
) -> FileResponse:
    """The rows of `filtered` as a download in the format and system of `params`."""
    stmt, names = export_query(user, what, filtered, order, params)
    folder = Path(tempfile.mkdtemp(prefix="investmap-export-"))
    try:
        path = write_file(session, stmt, names, params.format, params.crs, folder, "export")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    name = f"{what.stem}-{params.crs}-{date.today().isoformat()}{path.suffix}"
    return FileResponse(
        path,
        media_type=DRIVERS[params.format][2],
        headers={"Content-Disposition": attachment(name, path.suffix.lstrip("."))},
        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True),
    )
