"""Importing carriers (land plots, factories, offices) from a file into one park.

One pipeline under the page, the REST endpoints and the CLI: read the file (formats.py), map its
columns (columns.py), find its coordinate system (crs.py) and convert every coordinate at once,
read and validate the rows column by column against the rules of a drawn carrier (rows.py), and
check their place and write them set-based in PostgreSQL (staging.py), so an imported plot meets
every rule a drawn one does (inside its park's county, valid, a plausible size).

A dry run and a commit are the same run up to the write: the preview reports exactly what the
commit would do (created, changed, unchanged, and every problem by row, field and coordinate)
and writes nothing. A commit with any problem writes nothing either: one transaction, all rows
or none. A row whose plot code (宗地编号) the park already has updates that carrier; one that
would change nothing is left untouched.
"""

import math
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import Point, mapping
from sqlalchemy import func
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from app.carriers import service
from app.core.auth import Principal, require_scope
from app.core.errors import InvalidInput
from app.exchange import values
from app.exchange.columns import FIELDS, map_columns
from app.exchange.crs import GEOGRAPHIC, SYSTEMS, System, declared, propose, system, to_wgs84
from app.exchange.formats import Source, read
from app.exchange.geometry import carrier_shapes
from app.exchange.models import ImportMapping
from app.exchange.records import Progress, duplicate, finish, no_progress
from app.exchange.rows import Bodies, check_geometries, read_columns, validate
from app.exchange.staging import classify, misplaced, outcomes, stage, write
from app.exchange.values import CellProblem
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


def raw_geometries(source: Source, columns: dict[str, str]) -> gpd.GeoSeries:
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
    or proposed by which puts the features inside the park's county (given a park)."""
    if options.crs:
        return system(options.crs), "given", []
    named = declared(source.crs)
    if not options.park_id:  # no county to propose by: the file's own system, else WGS-84
        return named or SYSTEMS["wgs84"], "declared" if named else "default", []
    bounds = np.asarray(raw[raw.notna() & ~raw.is_empty].total_bounds if raw.notna().any() else [np.nan] * 4)
    degrees = bool(np.all(np.abs(bounds[[0, 2]]) <= 180) and np.all(np.abs(bounds[[1, 3]]) <= 90))
    # GeoJSON and KML always "declare" WGS-84: believed only when the numbers are degrees.
    if named is not None and (named.epsg not in GEOGRAPHIC or degrees):
        return named, "declared", []
    chosen, fits = propose(session, options.park_id, raw)
    return chosen, "proposed", [f.as_dict() for f in fits]


def run_import(
    session: Session,
    user: Principal,
    upload: Path,
    workdir: Path,
    options: ImportOptions,
    commit: bool,
    progress: Progress = no_progress,
) -> dict[str, Any]:
    """Preview (commit=False) or import the carriers of `upload` into the park; the report. Archives
    unpack under `workdir`. A commit is flushed, and committed by the caller's transaction."""
    park = session.get(Park, options.park_id)
    if park is None:
        raise InvalidInput.one("park", f"unknown park {options.park_id}", f"未知的园区 {options.park_id}")
    require_scope(user, *service.scope_of(session, {"park_id": options.park_id}))
    source = read(upload, workdir, options.encoding)
    progress("read", 0.1, len(source.frame))
    if source.frame.empty:
        raise InvalidInput.one("file", "the file holds no features or rows", "文件中没有要素或数据行")
    saved = session.get(ImportMapping, options.park_id)
    # The park's saved mapping, where the user gives none, for the columns this file has.
    overrides = options.mapping or {h: f for h, f in (saved.mapping if saved else {}).items() if h in source.headers}
    columns = map_columns(source.headers, overrides)
    raw = raw_geometries(source, columns)
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
    bodies = read_columns(source.frame, columns, first_row)
    shapes, shape_problems = carrier_shapes(np.asarray(geoms.values, dtype=object))
    for i, exc in shape_problems.items():
        bodies.add(i, "geometry", None, exc.problem, exc.problem_zh)
    check_geometries(bodies, shapes)
    _duplicates(bodies, columns.get("code"))
    valid = validate(bodies, shapes, base)
    progress("checked", 0.4, bodies.n)
    provenance = {"source": base["source"], "as_of": base["as_of"]}
    done: dict[int, tuple[int | None, str]] = {}
    if len(valid):
        stage(session, valid, shapes)
        for i, problem in misplaced(session, options.park_id):
            bodies.add(i, problem.field, None, problem.problem, problem.problem_zh, problem.location)
        progress("placed", 0.55, bodies.n)
        classify(session, options.park_id, provenance)
        progress("compared", 0.65, bodies.n)
        if commit and not bodies.problems:
            write(session, options.park_id, provenance)
            progress("written", 0.95, bodies.n)
        done = outcomes(session)
    dropped_z = bool(shapely.has_z(np.asarray(raw.values, dtype=object)).any())
    names = dict(zip(valid["i"], valid["name"], strict=True)) if len(valid) else {}
    report = report_of(source, columns, chosen, how, fits, bodies, shapes, done, dropped_z, names)
    report["mapping_from"] = "given" if options.mapping else "saved" if overrides else "headers"
    if commit and not report["counts"]["error"] and options.mapping:  # what this park's next import starts from
        stmt = insert(ImportMapping).values(park_id=options.park_id, mapping=options.mapping, saved_by=user.name)
        session.execute(
            stmt.on_conflict_do_update(
                index_elements=[ImportMapping.park_id],
                set_={"mapping": stmt.excluded.mapping, "saved_by": user.name, "saved_at": func.now()},
            )
        )
    changes = {"file": options.file_name, "park_id": options.park_id, "crs": chosen.code}
    finish(session, user, report, commit, "carriers", changes)
    return report


def _duplicates(bodies: Bodies, column: str | None) -> None:
    seen: dict[str, int] = {}
    for i, code in enumerate(bodies.fields.get("code", ())):
        duplicate(bodies, seen, i, code, "code", column, ("plot code", "宗地编号"))


def report_of(
    source: Source,
    columns: dict[str, str],
    chosen: System,
    how: str,
    fits: list[Any],
    bodies: Bodies,
    shapes: np.ndarray,
    done: dict[int, tuple[int | None, str]],
    dropped_z: bool,
    names: dict[int, str],
    fields: tuple[str, ...] = FIELDS,
) -> dict[str, Any]:
    """The report of an import (or its preview): counts, each row's action and problems, the
    features to draw; `fields` are what a column may be mapped to."""
    codes = bodies.fields.get("code", np.full(bodies.n, None, dtype=object))
    actions = ["error" if i in bodies.problems else done.get(i, (None, "error"))[1] for i in range(bodies.n)]
    counts = {a: actions.count(a) for a in ("create", "update", "unchanged", "error")}
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
    drawn = [i for i in range(bodies.n) if shapes[i] is not None][:PREVIEW_FEATURES]
    return {
        "format": source.format,
        "encoding": source.encoding,
        "crs": {"code": chosen.code, "name": chosen.name, "name_zh": chosen.name_zh, "how": how, "candidates": fits},
        "columns": source.headers,
        "mapping": columns,
        "fields": list(fields),
        "counts": {"rows": bodies.n, **counts},
        "notes": notes,
        "rows": [
            {
                "row": bodies.first_row + i,
                "action": actions[i],
                "id": done.get(i, (None, ""))[0],
                "code": codes[i],
                "name": names.get(i),
                "problems": [p.as_dict() for p in bodies.problems.get(i, [])],
            }  # fmt: skip
            for i in range(bodies.n)
        ],
        "features": {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "geometry": mapping(shapes[i]),
                    "properties": {"row": bodies.first_row + i, "action": actions[i]},
                }
                for i in drawn
            ],
        },
    }
