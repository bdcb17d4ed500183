"""Importing carriers (land plots, factories, offices) from a file into one park.

One pipeline under the page, the REST endpoints and the CLI: read the file (formats.py), map its
columns (columns.py), find its coordinate system (crs.py), turn every row into the body a carrier
write takes (`CarrierIn`), and write each through the carriers' own service, so an imported
plot meets every rule a drawn one does (inside its park's county, valid, a plausible size).

A dry run and a commit are the same run: each row is written inside a savepoint, so the preview
reports exactly what the commit would do (created, changed, unchanged, and every problem by row,
field and coordinate); the dry run then rolls everything back. A commit with any problem rolls
back too: one transaction, all rows or none. A row whose plot code (宗地编号) the park already
has updates that carrier; one that would change nothing is left untouched.
"""

import json
import math
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from shapely.geometry import Point, mapping
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.audit.models import AuditEntry
from app.carriers import service
from app.carriers.features import refresh_carrier_features
from app.carriers.models import RANGES, Carrier
from app.carriers.schemas import CarrierIn
from app.core.auth import Principal, require_scope
from app.core.errors import AppError, InvalidInput, Problem, problems_from_validation
from app.exchange import values
from app.exchange.columns import AREA_UNITS, FIELDS, map_columns
from app.exchange.crs import GEOGRAPHIC, System, declared, propose, system, to_wgs84
from app.exchange.formats import Source, read
from app.exchange.geometry import carrier_shape, has_z
from app.exchange.values import CellProblem
from app.infrastructure import distances
from app.infrastructure.models import DistanceSubject
from app.parks.models import Park

PREVIEW_FEATURES = 2000  # features drawn on the preview map; the table lists every row


@dataclass(frozen=True)
class ImportOptions:
    park_id: int
    file_name: str
    crs: str | None = None  # a code of crs.SYSTEMS; None: the file's own, else proposed
    encoding: str | None = None  # None: detected
    mapping: dict[str, str] = field(default_factory=dict)  # header → field ("" ignores the column)
    as_of: date | None = None  # None: today


@dataclass
class RowProblem:
    row: int
    field: str
    column: str | None
    problem: str
    problem_zh: str
    location: Any = None

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None or k in ("row", "field")}


@dataclass
class Row:
    row: int
    action: str = "error"  # create | update | unchanged | error
    id: int | None = None
    code: str | None = None
    name: str | None = None
    geometry: Any = None  # WGS-84 shapely geometry, for the preview map
    problems: list[RowProblem] = field(default_factory=list)


# field → how a cell is read (the area fields are read with their column's unit).
_READERS = {
    "code": values.text,
    "name": values.text,
    "kind": values.kind,
    "status": values.status,
    "land_use": values.land_use,
    "plot_ratio": values.bounds,
    "building_density_pct": values.bounds,
    "green_ratio_pct": values.bounds,
    "height_limit_m": values.bounds,
    "lease_term_years": values.integer,
    "readiness": values.text,
    "price_wan_per_mu": values.number,
    "rent_yuan_m2_month": values.number,
    "sale_price_yuan_m2": values.number,
    "floors": values.integer,
    "storey_height_m": values.number,
    "floor_load_t_m2": values.number,
    "has_crane": values.flag,
    "description": values.text,
}


def _raw_geometries(source: Source, columns: dict[str, str]) -> gpd.GeoSeries:
    """The geometries as written: the file's own, or built from 经度/纬度 or WKT columns of a table."""
    frame = source.frame
    if not source.is_table and "geometry" in frame:
        return frame.geometry
    if "wkt" in columns or ("lon" in columns and "lat" in columns):
        # A row's WKT when it has one, else the point of its 经度/纬度.
        points: list[Any] = [None] * len(frame)
        if "lon" in columns and "lat" in columns:
            xs = [_coordinate(v) for v in frame[columns["lon"]]]
            ys = [_coordinate(v) for v in frame[columns["lat"]]]
            points = [Point(x, y) if x is not None and y is not None else None for x, y in zip(xs, ys, strict=True)]
        geoms = gpd.GeoSeries(np.array(points, dtype=object), index=frame.index)
        if "wkt" in columns:
            texts = frame[columns["wkt"]].astype(object).where(frame[columns["wkt"]].notna(), None)
            shapes = gpd.GeoSeries(shapely.from_wkt(texts.to_numpy(), on_invalid="ignore"), index=frame.index)
            geoms = shapes.where(shapes.notna(), geoms)
        return geoms
    raise InvalidInput.one(
        "mapping",
        "the table has no geometry: map its longitude and latitude columns (经度, 纬度) or a WKT column",
        "表格中没有几何：请指定经度、纬度列或 WKT 列",
    )


def _coordinate(value: Any) -> float | None:
    try:
        return values.number(value)
    except CellProblem:
        return math.nan  # reported on its row


def choose_system(session: Session, source: Source, raw: gpd.GeoSeries, options: ImportOptions) -> tuple[System, str, list[Any]]:
    """The system of the file's coordinates and how it was chosen: given, declared by the file,
    or proposed by which puts the features inside the park's county."""
    if options.crs:
        return system(options.crs), "given", []
    named = declared(source.crs)
    bounds = np.asarray(raw[raw.notna() & ~raw.is_empty].total_bounds if raw.notna().any() else [np.nan] * 4)
    degrees = bool(np.all(np.abs(bounds[[0, 2]]) <= 180) and np.all(np.abs(bounds[[1, 3]]) <= 90))
    # GeoJSON and KML always "declare" WGS-84: believed only when the numbers are degrees.
    if named is not None and (named.epsg not in GEOGRAPHIC or degrees):
        return named, "declared", []
    chosen, fits = propose(session, options.park_id, raw)
    return chosen, "proposed", [f.as_dict() for f in fits]


def _body(row: Row, cells: dict[str, Any], columns: dict[str, str], geom: Any, base: dict[str, Any]) -> dict[str, Any]:
    """The CarrierIn body of one row; cell problems are added to `row`."""
    body: dict[str, Any] = dict(base)
    for name, reader in _READERS.items():
        if name in columns:
            try:
                if (value := reader(cells[columns[name]])) is not None:
                    body[name] = value
            except CellProblem as exc:
                row.problems.append(RowProblem(row.row, name, columns[name], exc.problem, exc.problem_zh))
    for name in RANGES:  # bounds given as two columns, e.g. 容积率下限 / 容积率上限 of an export
        for end in ("min", "max"):
            if (column := columns.get(f"{name}_{end}")) is None:
                continue
            try:
                if (bound := values.number(cells[column])) is not None:
                    body[name] = {**(body.get(name) or {}), end: bound}
            except CellProblem as exc:
                row.problems.append(RowProblem(row.row, f"{name}.{end}", column, exc.problem, exc.problem_zh))
    for name, unit in AREA_UNITS.items():
        if name in columns:
            try:
                # A bare 面积 column of a plot means m² unless the cell says otherwise.
                if (m2 := values.area_m2(cells[columns[name]], unit or 1.0)) is not None:
                    body["area_m2"] = m2
            except CellProblem as exc:
                row.problems.append(RowProblem(row.row, name, columns[name], exc.problem, exc.problem_zh))
    try:
        shape = carrier_shape(geom)
        body["geometry"] = json.loads(shapely.to_geojson(shape))  # lists, as a JSON body has them
        row.geometry = shape
    except CellProblem as exc:
        row.problems.append(RowProblem(row.row, "geometry", None, exc.problem, exc.problem_zh))
        return body
    body.setdefault("kind", "land" if shape.geom_type == "Polygon" else "factory")
    body.setdefault("name", body.get("code") or f"{base['source']} #{row.row}")
    row.code, row.name = body.get("code"), body["name"]
    return body


_SNAPSHOT = text("SELECT to_jsonb(c) - 'updated_at' - 'row_version' - 'location' FROM carriers c WHERE id = :id")


def _write(session: Session, row: Row, data: CarrierIn) -> None:
    """Write one valid row in a savepoint: created, updated, or (when nothing would change) undone."""
    existing = None
    if data.code is not None:
        existing = session.execute(
            select(Carrier).where(Carrier.park_id == data.park_id, Carrier.code == data.code)
        ).scalar_one_or_none()
    if existing is not None:
        # Re-imports keep what the file does not say: whether the record is published.
        data = data.model_copy(update={"published": existing.published})
    before = session.execute(_SNAPSHOT, {"id": existing.id}).scalar_one() if existing else None
    savepoint = session.begin_nested()
    try:
        row.id = service.save(session, data, existing, refresh_features=False)
    except AppError as exc:
        savepoint.rollback()
        details = exc.details or [Problem("body", exc.message, exc.message_zh)]
        row.problems.extend(RowProblem(row.row, p.field, None, p.problem, p.problem_zh, p.location) for p in details)
        return
    if existing is None:
        row.action = "create"
        savepoint.commit()
    elif session.execute(_SNAPSHOT, {"id": row.id}).scalar_one() == before:
        row.action = "unchanged"
        savepoint.rollback()  # no new version, no audit entry, no history row
    else:
        row.action = "update"
        savepoint.commit()


def _validate(row: Row, body: dict[str, Any]) -> CarrierIn | None:
    try:
        return CarrierIn.model_validate(body)
    except ValidationError as exc:
        for p in problems_from_validation(RequestValidationError(exc.errors())):
            row.problems.append(RowProblem(row.row, p.field, None, p.problem, p.problem_zh, p.location))
        return None


def run_import(
    session: Session, user: Principal, upload: Path, workdir: Path, options: ImportOptions, commit: bool
) -> dict[str, Any]:
    """Preview (commit=False) or import the carriers of `upload` into the park; the report. Archives
    unpack under `workdir`. A commit is flushed, and committed by the caller's transaction."""
    park = session.get(Park, options.park_id)
    if park is None:
        raise InvalidInput.one("park", f"unknown park {options.park_id}", f"未知的园区 {options.park_id}")
    require_scope(user, *service.scope_of(session, {"park_id": options.park_id}))
    source = read(upload, workdir, options.encoding)
    if source.frame.empty:
        raise InvalidInput.one("file", "the file holds no features or rows", "文件中没有要素或数据行")
    columns = map_columns(source.headers, options.mapping)
    raw = _raw_geometries(source, columns)
    chosen, how, fits = choose_system(session, source, raw, options)
    geoms = to_wgs84(raw, chosen)
    first_row = 2 if source.is_table else 1  # a sheet's first data row is its row 2
    base = {
        "park_id": options.park_id,
        "source": f"{options.file_name}（{user.name} 导入）",
        "as_of": (options.as_of or date.today()).isoformat(),
        "is_demo": False,
        "published": False,
    }
    rows: list[Row] = []
    seen: dict[str, int] = {}
    records: list[dict[str, Any]] = [
        {str(k): v for k, v in r.items()} for r in source.frame.drop(columns="geometry", errors="ignore").to_dict("records")
    ]
    dropped_z = False
    with distances.deferred(session):  # one distance refresh for the written rows (below), not one per row
        for i, (cells, geom, original) in enumerate(zip(records, geoms, raw, strict=True)):
            row = Row(first_row + i)
            rows.append(row)
            dropped_z = dropped_z or has_z(original)
            body = _body(row, cells, columns, geom, base)
            if row.code is not None:
                if row.code in seen:
                    row.problems.append(
                        RowProblem(
                            row.row,
                            "code",
                            columns.get("code"),
                            f"plot code {row.code!r} is also on row {seen[row.code]}",
                            f"宗地编号 {row.code!r} 与第 {seen[row.code]} 行重复",
                        )  # fmt: skip
                    )
                seen.setdefault(row.code, row.row)
            if row.problems:
                continue
            if (data := _validate(row, body)) is not None:
                _write(session, row, data)
    report = _report(source, columns, chosen, how, fits, rows, dropped_z)
    report["committed"] = commit and not report["counts"]["error"]
    if report["committed"]:
        written = [r.id for r in rows if r.action in ("create", "update") and r.id is not None]
        refresh_carrier_features(session, Carrier.id.in_(written))
        distances.refresh(session, DistanceSubject.CARRIER, written)
        session.add(
            AuditEntry(
                actor=user.name,
                action="import",
                table_name="carriers",
                record_id=None,
                changes={"file": options.file_name, "park_id": options.park_id, "crs": chosen.code, "counts": report["counts"]},
            )  # fmt: skip
        )
        session.flush()
    else:
        session.rollback()
    if commit and not report["committed"]:
        raise ImportRefused(report)
    return report


class ImportRefused(AppError):
    """422: the file has problems, so nothing of it was written; the body carries the full report."""

    def __init__(self, report: dict[str, Any]) -> None:
        n = report["counts"]["error"]
        super().__init__(
            f"{n} rows have problems; nothing was imported (see report.rows)",
            f"有 {n} 行存在问题，未导入任何数据（见 report.rows）",
            status=422,
            code="import_refused",
        )
        self.report = report

    def body(self) -> dict[str, Any]:
        return {**super().body(), "report": self.report}


def _report(
    source: Source, columns: dict[str, str], chosen: System, how: str, fits: list[Any], rows: list[Row], dropped_z: bool
) -> dict[str, Any]:
    for row in rows:
        if row.problems:
            row.action = "error"
    counts = {a: sum(r.action == a for r in rows) for a in ("create", "update", "unchanged", "error")}
    notes = []
    if dropped_z:
        notes.append({"problem": "Z (height) values were dropped", "problem_zh": "已舍弃 Z（高程）值"})
    if how != "given" and chosen.epsg in GEOGRAPHIC:
        notes.append(
            {
                "problem": "if the file was drawn on Amap, Tencent or Baidu maps, choose GCJ-02 or BD-09: "
                "their offset cannot be seen in the numbers",
                "problem_zh": "如文件是在高德、腾讯或百度地图上绘制的，请选择 GCJ-02 或 BD-09 坐标系：偏移无法从坐标数值判断",
            }
        )
    drawn = [r for r in rows if r.geometry is not None][:PREVIEW_FEATURES]
    return {
        "format": source.format,
        "encoding": source.encoding,
        "crs": {"code": chosen.code, "name": chosen.name, "name_zh": chosen.name_zh, "how": how, "candidates": fits},
        "columns": source.headers,
        "mapping": columns,
        "fields": list(FIELDS),  # what a column may be mapped to
        "counts": {"rows": len(rows), **counts},
        "notes": notes,
        "rows": [
            {
                "row": r.row,
                "action": r.action,
                "id": r.id,
                "code": r.code,
                "name": r.name,
                "problems": [p.as_dict() for p in r.problems],
            }  # fmt: skip
            for r in rows
        ],
        "features": {
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "geometry": mapping(r.geometry), "properties": {"row": r.row, "action": r.action}}
                for r in drawn
            ],
        },
    }
