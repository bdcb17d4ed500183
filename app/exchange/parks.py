"""Importing parks from a file: a list of park records (园区名录: name, level, type, county, areas
with their kind, source, as_of) and the parks' boundaries (四至范围 polygons), through the
pipeline of the other imports (formats.py, columns.py, crs.py, the report of carriers.py).

A row finds its park by its id, else by its name (names are unique): the file may then say only
what it changes, e.g. a boundary file of 园区名称 and polygons. A row matched by name must lie in
the county it names; a row matching no park creates one, and must then say all a park needs
(its representative point, where the file gives only a boundary, is a point on the boundary's
surface). Given a park (`park`), the rows that name none are that park's. The polygons of the
rows of one park that say nothing else are the parts of its boundary, so a boundary drawn as
several features is one MultiPolygon; any other key on two rows is a problem.

Each park is written through the parks' own service (the point in its county, the parent, the
clusters) inside a savepoint, so the preview is what the commit would do; a park that would not
change is left untouched. A commit with any problem writes nothing.
"""

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import MultiPolygon
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.carriers.models import HA_M2
from app.core.auth import Principal, require_scope
from app.core.errors import AppError, InvalidInput
from app.core.listing import record_json
from app.exchange import values
from app.exchange.carriers import ImportOptions, choose_system, raw_geometries, report_of
from app.exchange.columns import PARK_SYNONYMS, map_columns
from app.exchange.crs import to_wgs84
from app.exchange.formats import read
from app.exchange.records import PROGRESS_ROWS, Progress, duplicate, finish, no_progress, read_cells, row_problem, validated_row
from app.exchange.rows import Bodies, check_geometries
from app.exchange.values import CellProblem
from app.parks import queries, service
from app.parks.models import AreaKind, Park, ParkKind, ParkLevel, ParkType
from app.parks.schemas import ParkIn
from app.regions.models import Region

_READERS = {
    "id": values.integer,
    "name": values.text,
    "short_name": values.text,
    "level": values.labelled(ParkLevel, ("park level", "园区级别")),
    "type": values.labelled(ParkType, ("park type", "园区类型")),
    "kind": values.labelled(ParkKind, ("park kind", "园区细分类型")),
    "approval_date": values.text,
    "approved_area_ha": lambda v: _hectares(v),
    "area_ha": lambda v: _hectares(v),
    "area_kind": values.labelled(AreaKind, ("kind of area", "面积口径")),
    **{f"area_{k.value}": lambda v: _hectares(v) for k in AreaKind},
    "name_en": values.text,
    "address": values.text,
    "leading_industries": values.items,
    "source": values.text,
    "as_of": values.day,
    "source_url": values.text,
}
_KEYS = ("id", "name")
_UNSTORED = ("updated_at", "row_version")  # what a save renews even when nothing changed


def _hectares(value: Any) -> float | None:
    """A park's area in hectares: 公顷 unless the cell says 平方公里, 亩 or ㎡."""
    m2 = values.area_m2(value, HA_M2)
    return None if m2 is None else round(m2 / HA_M2, 2)


def _geojson(geom: shapely.Geometry) -> dict[str, Any]:
    parsed: dict[str, Any] = json.loads(shapely.to_geojson(geom))
    return parsed


@dataclass
class _Record:
    """The rows of one park: its id (None: a new park), the fields they state, the boundary's parts."""

    rows: list[int]
    park_id: int | None
    fields: dict[str, Any]
    parts: list[shapely.Polygon] = field(default_factory=list)


def _counties(session: Session) -> dict[str, str | None]:
    """County name → adcode (None where two counties share the name), and each adcode itself."""
    found: dict[str, str | None] = {}
    for adcode, name in session.execute(select(Region.adcode, Region.name).where(Region.level == "county")):
        found[name] = None if name in found else adcode
        found[adcode] = adcode
    return found


def _region(counties: dict[str, str | None], value: Any) -> str | None:
    text = values.text(value)
    if text is None:
        return None
    if counties.get(text) is None:
        why = "two counties have this name: give its adcode" if text in counties else "not a county of Jiangxi"
        why_zh = "有两个县（市、区）同名，请填写行政区划代码" if text in counties else "不是江西省的县（市、区）"
        raise CellProblem(f"{value!r}: {why}", f"{value!r}：{why_zh}")
    return counties[text]


def _fields(
    bodies: Bodies, i: int, cells: dict[Any, Any], columns: dict[str, str], counties: dict[str, str | None]
) -> dict[str, Any]:
    """What row i states of its park; an area given under its kind (规划面积) as area_ha with area_kind."""
    body = read_cells(bodies, i, cells, columns, _READERS)
    if "region" in columns:
        try:
            if (adcode := _region(counties, cells[columns["region"]])) is not None:
                body["region_adcode"] = adcode
        except CellProblem as exc:
            bodies.add(i, "region_adcode", columns["region"], exc.problem, exc.problem_zh)
    by_kind = [(k, body.pop(f"area_{k.value}")) for k in AreaKind if f"area_{k.value}" in body]
    if len(by_kind) + ("area_ha" in body) > 1:
        en = "the row gives more than one area figure: a park holds one, with its kind (面积口径)"
        bodies.add(i, "area_ha", None, en, "该行给出了多个面积：园区只记录一个面积及其口径")
    elif by_kind:
        body["area_kind"], body["area_ha"] = by_kind[0][0].value, by_kind[0][1]
    return body


def _shape(bodies: Bodies, i: int, geom: Any, body: dict[str, Any]) -> list[shapely.Polygon]:
    """Row i's geometry: a Point is its park's location, polygons the parts of its boundary."""
    if geom is None or geom.is_empty:
        return []
    geom = shapely.force_2d(geom)
    if geom.geom_type == "Point":
        body["location"] = _geojson(geom)
        return []
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return list(getattr(geom, "geoms", [geom]))
    en = f"a {geom.geom_type} is neither a park's boundary (Polygon) nor its point"
    bodies.add(i, "geometry", None, en, f"{geom.geom_type} 既不是园区边界（面）也不是园区位置（点）")
    return []


def _records(
    session: Session,
    bodies: Bodies,
    rows: list[dict[str, Any]],
    parts: list[list[shapely.Polygon]],
    columns: dict[str, str],
    park: int,
) -> list[_Record]:
    """The rows gathered by park: matched by id, else by name (within the county the row names)."""
    records: dict[Any, _Record] = {}
    seen: dict[Any, int] = {}
    for i, body in enumerate(rows):
        if i in bodies.problems:
            continue
        park_id = body.pop("id", None) or (park or None if "name" not in body else None)
        if park_id is None and "name" in body:
            found = session.execute(select(Park.id, Park.region_adcode).where(Park.name == body["name"])).one_or_none()
            if found is not None and body.get("region_adcode", found[1]) != found[1]:
                en = f"park {body['name']!r} lies in {found[1]}, not {body['region_adcode']}"
                bodies.add(
                    i,
                    "region_adcode",
                    columns.get("region"),
                    en,
                    f"园区 {body['name']!r} 位于 {found[1]}，而非 {body['region_adcode']}",
                )
                continue
            park_id = found[0] if found is not None else None
        elif park_id is not None and session.get(Park, park_id) is None:
            bodies.add(i, "id", columns.get("id"), f"unknown park id {park_id}", f"未知的园区 id {park_id}")
            continue
        key = park_id if park_id is not None else body.get("name")
        if key is None:
            bodies.add(i, "name", None, "the row names no park (园区名称 or id)", "该行未指明园区（园区名称或 id）")
            continue
        only_boundary = not body and parts[i]
        if key in records and only_boundary and not records[key].fields:
            records[key].rows.append(i)
            records[key].parts.extend(parts[i])
            continue
        duplicate(bodies, seen, i, key, "id" if park_id else "name", columns.get("id" if park_id else "name"), ("park", "园区"))
        if i not in bodies.problems:
            records[key] = _Record([i], park_id, body, list(parts[i]))
    return list(records.values())


def _write(
    session: Session, user: Principal, bodies: Bodies, record: _Record, base: dict[str, Any]
) -> tuple[int | None, str] | None:
    """The park of `record` created, updated, or (when nothing would change) left; None on a problem."""
    lead = record.rows[0]
    body = {**record.fields, **{k: v for k, v in base.items() if k not in record.fields}}
    if record.parts:
        body["boundary"] = _geojson(MultiPolygon(record.parts))
    stored = None
    if record.park_id is not None:
        stored = record_json(session, queries.OUTPUT, select(Park).where(Park.id == record.park_id))
        assert stored is not None  # matched above
        body = {k: stored[k] for k in ParkIn.model_fields if k in stored} | body
    else:
        body.setdefault("published", False)
        if "location" not in body and record.parts:
            body["location"] = _geojson(MultiPolygon(record.parts).representative_point())
    data = validated_row(bodies, lead, ParkIn, body)
    if data is None:
        return None
    try:  # the officer's scope must cover the park where it is and where the file puts it
        if stored is not None:
            require_scope(user, *service.scope_of(session, stored))
        require_scope(user, *service.scope_of(session, data.model_dump()))
    except AppError as exc:
        row_problem(bodies, lead, exc, "region_adcode")
        return None
    savepoint = session.begin_nested()
    try:
        park = session.get(Park, record.park_id) if record.park_id is not None else None
        written = service.save(session, data, park)
    except AppError as exc:
        savepoint.rollback()
        row_problem(bodies, lead, exc)
        return None
    if stored is None:
        savepoint.commit()
        return written, "create"
    after = record_json(session, queries.OUTPUT, select(Park).where(Park.id == written)) or {}
    if {k: v for k, v in after.items() if k not in _UNSTORED} == {k: v for k, v in stored.items() if k not in _UNSTORED}:
        savepoint.rollback()  # no new version, no audit entry, no history row
        return written, "unchanged"
    savepoint.commit()
    return written, "update"


def run_park_import(
    session: Session,
    user: Principal,
    upload: Path,
    workdir: Path,
    options: ImportOptions,
    commit: bool,
    progress: Progress = no_progress,
) -> dict[str, Any]:
    """Preview (commit=False) or import the parks (records and boundaries) of `upload`; the report
    (as carriers.run_import's). `options.park_id` (0: none) is the park of rows naming none."""
    if options.park_id:
        given = record_json(session, queries.OUTPUT, select(Park).where(Park.id == options.park_id))
        if given is None:
            raise InvalidInput.one("park", f"unknown park {options.park_id}", f"未知的园区 {options.park_id}")
        require_scope(user, *service.scope_of(session, given))
    source = read(upload, workdir, options.encoding)
    if source.frame.empty:
        raise InvalidInput.one("file", "the file holds no features or rows", "文件中没有要素或数据行")
    columns = map_columns(source.headers, options.mapping, "parks")
    n = len(source.frame)
    if source.is_table and "wkt" not in columns and not ("lon" in columns and "lat" in columns):
        raw = gpd.GeoSeries(np.full(n, None, dtype=object), index=source.frame.index)  # a list of records without places
    else:
        raw = raw_geometries(source, columns)
    chosen, how, fits = choose_system(session, source, raw, options)
    geoms = np.asarray(to_wgs84(raw, chosen).values, dtype=object)
    bodies = Bodies(2 if source.is_table else 1, n)
    base = {
        "source": f"{options.file_name}（{user.name} 导入）",
        "as_of": (options.as_of or date.today()).isoformat(),
        "is_demo": False,
    }
    counties = _counties(session)
    rows, parts = [], []
    for i, cells in enumerate(source.frame.drop(columns="geometry", errors="ignore").to_dict("records")):
        rows.append(_fields(bodies, i, cells, columns, counties))
        parts.append(_shape(bodies, i, geoms[i], rows[-1]))
    dropped_z = bool(shapely.has_z(np.asarray(raw.values, dtype=object)).any())
    shapes = np.array([shapely.multipolygons(p) if p else g for p, g in zip(parts, geoms, strict=True)], dtype=object)
    check_geometries(bodies, shapes)  # by row, with the offending coordinate, before a boundary's parts are joined
    names = {i: body["name"] for i, body in enumerate(rows) if "name" in body}
    done: dict[int, tuple[int | None, str]] = {}
    records = _records(session, bodies, rows, parts, columns, options.park_id)
    for k, record in enumerate(records):
        if k % PROGRESS_ROWS == 0:
            progress("rows", 0.95 * k / len(records), n)
        if (outcome := _write(session, user, bodies, record, base)) is not None:
            for i in record.rows:
                done[i] = outcome
        else:
            for i in record.rows[1:]:  # the other parts of a boundary refused on its first row
                bodies.add(
                    i,
                    "geometry",
                    None,
                    f"see row {bodies.first_row + record.rows[0]}",
                    f"见第 {bodies.first_row + record.rows[0]} 行",
                )
    report = report_of(source, columns, chosen, how, fits, bodies, shapes, done, dropped_z, names, tuple(PARK_SYNONYMS))
    finish(
        session,
        user,
        report,
        commit,
        "parks",
        {"file": options.file_name, "park_id": options.park_id or None, "crs": chosen.code},
    )
    return report
