#!/usr/bin/env python3
"""Give every park placed only to its county a display point of its own (parks.csv, point_basis=county_spread).

A park known only to county level used to be drawn on the county's one representative point, so
several parks of a county sat on a single dot. This script puts each such park on a small ring
around that point, inside the county polygon of regions.geojson and at least MIN_GAP degrees from
every other park, in a fixed order (by name), so reruns write the same numbers. The rows keep
location_precision=county: the point says "somewhere in this county", and the page must say so.

Usage: python3 geodata/place_points.py   (rewrites lon/lat of county_spread rows in parks.csv)
"""

import csv
import json
import math
from collections import defaultdict
from pathlib import Path

from shapely.geometry import Point, shape

HERE = Path(__file__).resolve().parent
RING_DEG = 0.02  # about 2 km: far enough apart to click, near the county's centre
MIN_GAP = 0.004  # about 400 m; check_reference.py uses the same threshold


def counties() -> dict:
    features = json.loads((HERE / "regions.geojson").read_text(encoding="utf-8"))["features"]
    return {f["properties"]["adcode"]: shape(f["geometry"]) for f in features if f["properties"]["level"] == "county"}


def place(rows: list[dict], polys: dict) -> None:
    fixed = [(float(r["lon"]), float(r["lat"])) for r in rows if r["point_basis"] != "county_spread" and r["lon"]]
    todo = defaultdict(list)
    for r in rows:
        if r["point_basis"] == "county_spread":
            todo[r["region_adcode"]].append(r)
    for adcode, group in sorted(todo.items()):
        poly = polys[adcode]
        centre = poly.representative_point()
        group.sort(key=lambda r: r["name"])
        for i, r in enumerate(group):
            for step in range(200):
                radius = RING_DEG * (1 + step // 12) if step else (0 if len(group) == 1 else RING_DEG)
                angle = 2 * math.pi * (i / len(group) + step / 12)
                p = Point(round(centre.x + radius * math.cos(angle), 5), round(centre.y + radius * math.sin(angle), 5))
                if poly.contains(p) and all(math.dist((p.x, p.y), q) >= MIN_GAP for q in fixed):
                    break
            else:
                raise SystemExit(f"no free point for {r['name']} in {adcode}")
            r["lon"], r["lat"] = f"{p.x:.5f}", f"{p.y:.5f}"
            fixed.append((p.x, p.y))


def main() -> None:
    path = HERE / "parks.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        header, rows = reader.fieldnames, list(reader)
    place(rows, counties())
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    main()
