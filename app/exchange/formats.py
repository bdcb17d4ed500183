"""Reading an uploaded file with GDAL (pyogrio): which format it is, which text encoding its
attributes use, and its features or rows as a GeoDataFrame with the coordinates as written."""

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pyogrio
from pyproj import CRS

from app.core.errors import InvalidInput, Problem
from app.core.settings import settings
from app.exchange.archive import unpack

# The formats, by the suffix of the file (or of the file inside a zip), in the order a zip's
# members are looked at: a zipped Shapefile's .shp before any sidecar it carries.
FORMATS = {
    ".shp": "ESRI Shapefile",
    ".gpkg": "GeoPackage",
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".kml": "KML",
    ".dxf": "DXF",
    ".csv": "CSV",
    ".xlsx": "XLSX",
}
ARCHIVES = (".zip", ".kmz")
TABLES = ("CSV", "XLSX")
ENCODINGS = ("UTF-8", "GB18030")  # GB18030 reads GBK and GB2312 too
_SHAPEFILE_PARTS = (".shx", ".dbf")


@dataclass
class Source:
    frame: gpd.GeoDataFrame
    format: str
    crs: CRS | None  # what the file declares (.prj, a GeoPackage's SRS); None when it says nothing
    encoding: str | None  # of the attributes, where the format leaves it open (Shapefile, CSV)
    notes: list[Problem] = field(default_factory=list)

    @property
    def headers(self) -> list[str]:
        return [str(c) for c in self.frame.columns if c != "geometry"]

    @property
    def is_table(self) -> bool:
        return self.format in TABLES


def _refuse(problem: str, problem_zh: str) -> InvalidInput:
    return InvalidInput.one("file", problem, problem_zh)


def _main_file(files: list[Path]) -> Path:
    for suffix in FORMATS:
        found = sorted(f for f in files if f.suffix.lower() == suffix and not f.name.startswith("._"))
        if found:
            return found[0]
    names = ", ".join(sorted(f.name for f in files)[:10])
    raise _refuse(
        f"the archive holds no file of a known format ({', '.join(FORMATS)}); it holds {names}",
        f"压缩包中没有可识别格式的文件（{', '.join(FORMATS)}）；其中有 {names}",
    )


def detect_encoding(data: bytes) -> str:
    """UTF-8 when the bytes decode as UTF-8 (plain ASCII too), else GB18030."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "GB18030"
    return "UTF-8"


def _dbf_records(dbf: Path) -> bytes:
    """The records of a .dbf (its header and field names are ASCII or the same encoding)."""
    raw = dbf.read_bytes()
    return raw[32:]  # the field descriptors hold the (possibly Chinese) field names too


def _encoding(path: Path, fmt: str, given: str | None) -> str | None:
    if given:
        if given.upper() not in ("UTF-8", "GBK", "GB18030", "GB2312"):
            raise InvalidInput.one(
                "encoding", f"unknown encoding {given!r}; UTF-8 or GBK", f"未知编码 {given!r}，应为 UTF-8 或 GBK"
            )
        return "GB18030" if given.upper() in ("GBK", "GB2312") else given.upper()
    if fmt == "ESRI Shapefile":
        cpg = path.with_suffix(".cpg")
        if cpg.exists():
            return None  # GDAL reads the .cpg itself
        return detect_encoding(_dbf_records(path.with_suffix(".dbf")))
    if fmt == "CSV":
        return detect_encoding(path.read_bytes())
    return None


def read(upload: Path, folder: Path, encoding: str | None = None) -> Source:
    """The features (or rows) of `upload`, a file named as the user named it, inside `folder`."""
    path = upload
    if upload.suffix.lower() in ARCHIVES:
        files = unpack(upload, folder / "unpacked")
        path = _main_file(files)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise _refuse(
            f"{upload.name!r} is not a format the import reads: {', '.join((*FORMATS, *ARCHIVES))}",
            f"{upload.name!r} 不是可导入的格式：{', '.join((*FORMATS, *ARCHIVES))}",
        )
    if fmt == "ESRI Shapefile":
        missing = [s for s in _SHAPEFILE_PARTS if not any(path.with_suffix(c).exists() for c in (s, s.upper()))]
        if missing:
            raise _refuse(
                f"the Shapefile {path.name!r} comes without its {' and '.join(missing)}: zip all its files together",
                f"Shapefile {path.name!r} 缺少 {'、'.join(missing)} 文件：请将其全部文件一起压缩上传",
            )
    chosen = _encoding(path, fmt, encoding)
    try:
        layers = pyogrio.list_layers(path)
        layer = next((str(name) for name, _ in layers), None)
        info = pyogrio.read_info(path, layer=layer, encoding=chosen)
        most = settings().imports.max_rows
        if info["features"] > most:
            raise _refuse(
                f"the file holds {info['features']:,} features; one import takes at most {most:,} (INVESTMAP_IMPORT_MAX_ROWS)",
                f"文件含 {info['features']:,} 条要素，单次导入最多 {most:,} 条",
            )
        options = {"HEADERS": "FORCE"} if fmt == "XLSX" else {}
        frame = pyogrio.read_dataframe(path, layer=layer, encoding=chosen, read_geometry=fmt not in TABLES, **options)
    # Whatever GDAL makes of a damaged or mislabelled file, and text that is not in the encoding
    # given, is the file's problem: a 422 with GDAL's words.
    except (
        pyogrio.errors.DataSourceError,
        pyogrio.errors.DataLayerError,
        pyogrio.errors.FieldError,
        pyogrio.errors.FeatureError,
        pyogrio.errors.GeometryError,
        pyogrio.errors.CRSError,
        UnicodeDecodeError,
    ) as exc:
        raise _refuse(f"GDAL cannot read {path.name!r} as {fmt}: {exc}", f"GDAL 无法按 {fmt} 读取 {path.name!r}：{exc}") from None
    if not isinstance(frame, gpd.GeoDataFrame):
        frame = gpd.GeoDataFrame(frame)
    crs = frame.crs if fmt not in TABLES else None
    if fmt == "ESRI Shapefile" and not path.with_suffix(".prj").exists():
        crs = None
    return Source(frame=frame, format=fmt, crs=crs, encoding=chosen)
