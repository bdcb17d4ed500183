"""A file's rows read as carrier bodies, column by column rather than row by row.

A cell reader runs once per distinct value of its column (a sheet of 200,000 plots holds a few
hundred distinct 容积率), and `CarrierIn` validates once per distinct combination of the
attributes, with a stand-in geometry of the row's type: every rule of a drawn carrier, at the
cost of a few hundred validations. The geometries are checked in vectorised calls (inside
Jiangxi, the vertex limit, valid by GEOS with the offending coordinate), and the place (inside
the park's county) set-based in SQL (staging.py).
"""

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import numpy as np
import pandas as pd
import shapely
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from app.carriers.models import RANGES
from app.carriers.schemas import CarrierIn
from app.core.errors import problems_from_validation
from app.core.settings import settings
from app.exchange import values
from app.exchange.columns import AREA_UNITS
from app.exchange.values import CellProblem
from app.geo.validate import JIANGXI, position_problem, validity_problem

# field → how a cell is read (the area fields are read with their column's unit).
READERS = {
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
# Where a body is validated, the geometry stands in for the row's own (checked apart, vectorised).
_STAND_INS = {
    "Polygon": {"type": "Polygon", "coordinates": [[[116.0, 28.0], [116.001, 28.0], [116.001, 28.001], [116.0, 28.0]]]},
    "Point": {"type": "Point", "coordinates": [116.0, 28.0]},
}
_PER_ROW = ("code", "name")  # read per row; the rest of a body is validated per distinct combination


@dataclass(frozen=True)
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
class Bodies:
    """The rows of a file as carrier fields: per field an array (None where the row says nothing)."""

    first_row: int  # the row number of position 0 (a sheet's first data row is its row 2)
    n: int
    fields: dict[str, np.ndarray] = field(default_factory=dict)
    codes: dict[str, np.ndarray] = field(default_factory=dict)  # per column its distinct value's number
    read_as: dict[str, str] = field(default_factory=dict)  # column → the field it was read into
    problems: dict[int, list[RowProblem]] = field(default_factory=dict)

    def add(self, i: int, name: str, column: str | None, problem: str, problem_zh: str, location: Any = None) -> None:
        self.problems.setdefault(i, []).append(RowProblem(self.first_row + i, name, column, problem, problem_zh, location))


def _column(bodies: Bodies, frame: pd.DataFrame, column: str, name: str, read: Any) -> np.ndarray:
    """The column read cell by cell, once per distinct value; problems added under `name`."""
    codes, uniques = pd.factorize(frame[column], use_na_sentinel=True)
    bodies.codes[column] = codes
    bodies.read_as[column] = name
    read_values: list[Any] = []
    failed: dict[int, CellProblem] = {}
    for k, cell in enumerate(uniques):
        try:
            read_values.append(read(cell))
        except CellProblem as exc:
            read_values.append(None)
            failed[k] = exc
    out = np.empty(len(uniques) + 1, dtype=object)
    out[: len(uniques)] = read_values
    out[-1] = read(None)  # the sentinel -1: a blank cell
    for k, problem in failed.items():
        for i in np.flatnonzero(codes == k):
            bodies.add(int(i), name, column, problem.problem, problem.problem_zh)
    return out[codes]


def read_columns(frame: pd.DataFrame, columns: dict[str, str], first_row: int) -> Bodies:
    """Every mapped column of `frame` read into carrier fields."""
    bodies = Bodies(first_row, len(frame))
    for name, read in READERS.items():
        if name in columns:
            bodies.fields[name] = _column(bodies, frame, columns[name], name, read)
    for name in RANGES:  # bounds given as two columns, e.g. 容积率下限 / 容积率上限 of an export
        for end in ("min", "max"):
            if (column := columns.get(f"{name}_{end}")) is None:
                continue
            bound = _column(bodies, frame, column, f"{name}.{end}", values.number)
            merged = bodies.fields.setdefault(name, np.full(len(frame), None, dtype=object))
            for i in np.flatnonzero(pd.notna(bound)):
                merged[i] = {**(merged[i] or {}), end: bound[i]}
    for name, unit in AREA_UNITS.items():
        if name in columns:
            # A bare 面积 column of a plot means m² unless the cell says otherwise.
            area = _column(bodies, frame, columns[name], name, lambda v, u=unit: values.area_m2(v, u or 1.0))
            known = bodies.fields.setdefault("area_m2", np.full(len(frame), None, dtype=object))
            known[pd.notna(area)] = area[pd.notna(area)]
    return bodies


def check_geometries(bodies: Bodies, shapes: np.ndarray) -> None:
    """Each shape inside Jiangxi, within the vertex limit and valid (GEOS), else a problem on its row."""
    present = np.flatnonzero(pd.notna(shapes))
    xy, index = shapely.get_coordinates(shapes[present], return_index=True)
    with np.errstate(invalid="ignore"):
        bad = ~(
            np.isfinite(xy).all(axis=1)
            & (xy[:, 0] >= JIANGXI.west)
            & (xy[:, 0] <= JIANGXI.east)
            & (xy[:, 1] >= JIANGXI.south)
            & (xy[:, 1] <= JIANGXI.north)
        )
    flagged: set[int] = set()
    for k in np.flatnonzero(bad):
        i = int(present[index[k]])
        if i not in flagged:  # the first vertex that is off
            flagged.add(i)
            p = position_problem("coordinates", float(xy[k, 0]), float(xy[k, 1]))
            if p is not None:
                bodies.add(i, "geometry", None, p.problem, p.problem_zh, p.location)
    most = settings().api.max_vertices
    counts = shapely.get_num_coordinates(shapes[present])
    for k in np.flatnonzero(counts > most):
        i = int(present[k])
        flagged.add(i)
        n = int(counts[k])
        en = f"has {n:,} vertices; one geometry may have at most {most:,}"
        bodies.add(i, "geometry", None, en, f"有 {n:,} 个顶点，单个几何最多允许 {most:,} 个")
    rest = np.array([i for i in present if i not in flagged], dtype=int)
    for i in rest[~shapely.is_valid(shapes[rest])] if len(rest) else ():
        if (p := validity_problem(shapes[i])) is not None:
            bodies.add(int(i), "geometry", None, p.problem, p.problem_zh, p.location)


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def validate(bodies: Bodies, shapes: np.ndarray, base: dict[str, Any]) -> pd.DataFrame:
    """The valid rows as validated carrier columns (i: the row's position), problems of the rest
    added to `bodies`: `CarrierIn` once per distinct combination of what the rows say besides
    their code and name; a row whose code or name is too long is validated alone."""
    kinds = np.array([None if s is None else s.geom_type for s in shapes], dtype=object)
    ok = np.array([i not in bodies.problems and kinds[i] is not None for i in range(bodies.n)], dtype=bool)
    names = bodies.fields.get("name", np.full(bodies.n, None, dtype=object))
    codes = bodies.fields.get("code", np.full(bodies.n, None, dtype=object))
    keys = [bodies.codes[c] for c in sorted(bodies.codes) if bodies.read_as[c] not in _PER_ROW]
    keys.append(pd.factorize(kinds)[0])
    key = np.stack(keys, axis=1)
    long_text = np.array([len(n or "") > 200 or len(c or "") > 100 for n, c in zip(names, codes, strict=True)], dtype=bool)
    out: dict[int, dict[str, Any]] = {}

    def check(i: int) -> dict[str, Any] | None:
        body: dict[str, Any] = dict(base)
        for name, column in bodies.fields.items():
            if name not in _PER_ROW and column[i] is not None:
                body[name] = column[i]
        body["geometry"] = _STAND_INS[kinds[i]]
        body.setdefault("kind", "land" if kinds[i] == "Polygon" else "factory")
        body["name"] = names[i] or codes[i] or f"{base['source']} #{bodies.first_row + i}"
        if codes[i] is not None:
            body["code"] = codes[i]
        try:
            data = CarrierIn.model_validate(body)
        except ValidationError as exc:
            for p in problems_from_validation(RequestValidationError(exc.errors())):
                bodies.add(i, p.field, None, p.problem, p.problem_zh, p.location)
            return None
        row = {name: _plain(getattr(data, name)) for name in _WRITTEN}
        for name in RANGES:
            bounds = getattr(data, name)
            row[f"{name}_min"], row[f"{name}_max"] = (bounds.min, bounds.max) if bounds else (None, None)
        row["area_m2"] = data.area_in_m2()
        return row

    candidates = np.flatnonzero(ok & ~long_text)
    if len(candidates):
        _, first, group = np.unique(key[candidates], axis=0, return_index=True, return_inverse=True)
        checked = [check(int(candidates[f])) for f in first]
        for i, g in zip(candidates, np.ravel(group), strict=True):
            lead, row = int(candidates[first[g]]), checked[g]
            if row is None:  # the combination broke a rule: every row holding it
                if int(i) != lead:
                    for p in bodies.problems[lead]:
                        bodies.add(int(i), p.field, p.column, p.problem, p.problem_zh, p.location)
                continue
            own = dict(row)
            own["name"] = names[i] or codes[i] or f"{base['source']} #{bodies.first_row + i}"
            own["code"] = codes[i]
            out[int(i)] = own
    for i in np.flatnonzero(ok & long_text):
        if (alone := check(int(i))) is not None:
            out[int(i)] = alone
    frame = pd.DataFrame.from_dict(out, orient="index", dtype=object)
    frame.insert(0, "i", frame.index)
    return frame


# The carrier fields a body writes besides the ranges (as their _min/_max columns), the area and the geometry.
_WRITTEN = (
    "kind", "name", "code", "status", "land_use", "lease_term_years", "readiness", "price_wan_per_mu",
    "rent_yuan_m2_month", "sale_price_yuan_m2", "floors", "storey_height_m", "floor_load_t_m2", "has_crane",
    "is_standard_land", "investment_intensity_wan_per_mu", "tax_per_mu_wan", "energy_tce_per_wan", "description",
)  # fmt: skip
