"""Independent readers of the reference files, so tests compare the API with the source data
rather than with the database the API itself reads."""

import csv
import json
from functools import cache

import shapely
from shapely.geometry import shape

from app.core.settings import PROJECT_ROOT

GEODATA = PROJECT_ROOT / "geodata"


@cache
def parks_csv() -> list[dict[str, str]]:
    with (GEODATA / "parks.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@cache
def cluster_lists_csv() -> list[dict[str, str]]:
    """One row per (cluster, list) entry; a cluster is a distinct name."""
    with (GEODATA / "cluster_lists.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@cache
def cluster_figures_csv() -> list[dict[str, str]]:
    with (GEODATA / "cluster_figures.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@cache
def regions() -> dict[str, dict]:
    features = json.loads((GEODATA / "regions.geojson").read_text(encoding="utf-8"))["features"]
    return {f["properties"]["adcode"]: {**f["properties"], "geom": shape(f["geometry"])} for f in features}


def counties_of(adcode: str) -> set[str]:
    """County adcodes inside `adcode` (itself if a county), from the file."""
    regs = regions()
    level = regs[adcode]["level"]
    if level == "county":
        return {adcode}
    if level == "city":
        return {a for a, r in regs.items() if r["parent_adcode"] == adcode}
    return {a for a, r in regs.items() if r["level"] == "county"}


def bbox_intersects(geometry: dict, bbox: tuple[float, float, float, float]) -> bool:
    return shapely.intersects(shape(geometry), shapely.box(*bbox))
