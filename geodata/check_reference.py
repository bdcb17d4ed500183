#!/usr/bin/env python3
"""Validate the reference data in geodata/ and print what it covers against the official totals.

Checks, each reported as file:row: message, exit 1 if any fails:
- parks.csv: enums, dates, adcodes, areas with their kind, every point (WGS-84) inside its county in
  regions.geojson, no two parks on one point unless `shares_point_with` says so, sub-parks under an
  existing parent of the same level, multi-county zones listing valid counties;
- cluster_lists.csv / cluster_figures.csv: tiers and statuses from the allowed lists, figures with
  year, source and as_of, every cluster a park or chain names present in the lists;
- every source: present, its URL's domain not on source_denylist.txt, and a URL that is neither a
  government site nor a known official medium marked `repost`;
- chains.json: every link's GB/T 4754-2017 code has the class title of the standard (table below).
The geometry check needs shapely (a dependency of the project): without it the script fails, it
never skips. Usage: python3 geodata/check_reference.py [geodata_dir]
"""

import csv
import json
import math
import re
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

from shapely.geometry import Point, shape

D = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent
MIN_GAP = 0.004  # degrees; place_points.py keeps county-spread points this far apart

LEVELS = {"national", "provincial", "municipal"}
TYPES = {"etdz", "hitech", "bonded", "industrial", "featured", "chemical", "future", "other"}
KINDS = {
    "etdz",
    "hitech",
    "bonded",
    "new_area",
    "new_area_part",
    "provincial_dz",
    "provincial_park",
    "chemical",
    "featured",
    "sub_park",
    "cooperation",
}
PART_KINDS = {"new_area_part", "sub_park"}  # always parts of a parent and counted under its level
AREA_KINDS = {"planned", "approved", "land_use", "fenced", "jurisdiction", "catalogue_approved"}
PRECISIONS = {"exact", "town", "county"}
POINT_BASES = {"address", "road", "town", "county_spread"}
SOURCE_KINDS = {"primary", "official_media", "document", "repost"}
TIERS = {
    "national_advanced",
    "provincial_advanced",
    "provincial_five_star",
    "provincial_four_star",
    "provincial_three_star",
    "provincial",
    "provincial_cultivating",
    "provincial_featured",
    "plan_target",
}
STATUSES = {"listed", "publicity", "plan_target"}
METRICS = {"revenue_yi", "main_business_revenue_yi", "output_value_yi", "enterprises", "above_scale_enterprises"}
QUALIFIERS = {"exact", "more_than", "about"}
# Sites of news organisations (not reposting portals); a government site ends in gov.cn.
OFFICIAL_MEDIA = (
    "people.com.cn",
    "news.cn",
    "xinhuanet.com",
    "ce.cn",
    "jxntv.cn",
    "jxwmw.cn",
    "gnrbs.cn",
    "imsilkroad.com",
    "chinadevelopment.com.cn",
    "jjcbw.com",
    "cnmn.com.cn",
    "cnstock.com",
)
# Official totals the data is counted against, with where they come from.
TOTALS = {
    "national etdz": (11, "国办函〔2024〕83号 brought Jiangxi to 11 国家级经开区"),
    "national hitech": (9, "中国政府网 2018-03-06: 9 国家高新区 in Jiangxi"),
    "national bonded": (None, "no official count found; 南昌, 赣州, 九江, 井冈山 known"),
    "national new_area": (1, "国函〔2016〕96号 江西赣江新区"),
    "provincial development zones": (None, "no authoritative count found (roughly 80-95); 2018 catalogue not found"),
}
GBT4754_2017 = {
    "B0911": "铜矿采选",
    "B0932": "稀土金属矿采选",
    "B0939": "其他稀有金属矿采选",
    "C2611": "无机酸制造",
    "C2613": "无机盐制造",
    "C2661": "化学试剂和助剂制造",
    "C2669": "其他专用化学产品制造",
    "C2921": "塑料薄膜制造",
    "C3091": "石墨及碳素制品制造",
    "C3211": "铜冶炼",
    "C3221": "金冶炼",
    "C3222": "银冶炼",
    "C3232": "稀土金属冶炼",
    "C3239": "其他稀有金属冶炼",
    "C3240": "有色金属合金制造",
    "C3251": "铜压延加工",
    "C3252": "铝压延加工",
    "C3392": "有色金属铸造",
    "C3393": "锻件及粉末冶金制品制造",
    "C3415": "风能原动设备制造",
    "C3482": "紧固件制造",
    "C3491": "工业机器人制造",
    "C3612": "新能源车整车制造",
    "C3670": "汽车零部件及配件制造",
    "C3741": "飞机制造",
    "C3744": "航空相关设备制造",
    "C3812": "电动机制造",
    "C3813": "微特电机及组件制造",
    "C3821": "变压器、整流器和电感器制造",
    "C3831": "电线、电缆制造",
    "C3841": "锂离子电池制造",
    "C3851": "家用制冷电器具制造",
    "C3852": "家用空气调节器制造",
    "C3871": "电光源制造",
    "C3872": "照明灯具制造",
    "C3911": "计算机整机制造",
    "C3922": "通信终端设备制造",
    "C3951": "电视机制造",
    "C3962": "智能车载设备制造",
    "C3963": "智能无人飞行器制造",
    "C3969": "其他智能消费设备制造",
    "C3973": "集成电路制造",
    "C3974": "显示器件制造",
    "C3975": "半导体照明器件制造",
    "C3981": "电阻电容电感元件制造",
    "C3982": "电子电路制造",
    "C3983": "敏感元件及传感器制造",
    "C3985": "电子专用材料制造",
    "C4210": "金属废料和碎屑加工处理",
    "C4220": "非金属废料和碎屑加工处理",
    "C4343": "航空航天器修理",
    "G5612": "航空货物运输",
    "G5621": "通用航空生产服务",
    "G5629": "其他通用航空服务",
    "I6520": "集成电路设计",
    "M7320": "工程和技术研究和试验发展",
    "M7452": "检测服务",
    "M7455": "认证认可服务",
}

errors: list[str] = []


def err(f: str, i: object, msg: str) -> None:
    errors.append(f"{f}:{i}: {msg}")


def load(name: str) -> list[tuple[int, dict[str, str]]]:
    with (D / name).open(encoding="utf-8", newline="") as fh:
        return [(i, row) for i, row in enumerate(csv.DictReader(fh), start=2)]


def date_ok(v: str) -> bool:
    return bool(re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", v))


def number(f: str, i: int, k: str, v: str) -> float | None:
    if v == "":
        return None
    try:
        x = float(v)
    except ValueError:
        err(f, i, f"{k} not a number: {v}")
        return None
    if x <= 0:
        err(f, i, f"{k} not positive: {v}")
    return x


DENY = {
    line.split()[0]
    for line in (D / "source_denylist.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
}
URL = re.compile(r"https?://[^\s,;)\"'，；）]+")
kinds_seen: Counter = Counter()


def domain_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def denied(host: str) -> bool:
    return any(host == d or host.endswith("." + d) for d in DENY)


def check_text(f: str, i: object, text: str) -> None:
    for url in URL.findall(text):
        if denied(domain_of(url)):
            err(f, i, f"source on the deny list: {url}")


def check_source(f: str, i: object, row: dict[str, str], text_field: str | None = None) -> None:
    """One source per row: a URL or a document reference, its kind honest about reposts."""
    url, kind = row["source_url"], row["source_kind"]
    if not url and not row["source_doc"]:
        err(f, i, "no source_url and no source_doc")
    if kind not in SOURCE_KINDS:
        err(f, i, f"bad source_kind {kind!r}")
    kinds_seen[kind] += 1
    if url:
        host = domain_of(url)
        if not host:
            err(f, i, f"source_url is not a URL: {url}")
        if denied(host):
            err(f, i, f"source on the deny list: {url}")
        if kind == "primary" and not (host == "gov.cn" or host.endswith(".gov.cn")):
            err(f, i, f"source_kind primary needs a government site, got {host}")
        if kind == "official_media" and not any(host == m or host.endswith("." + m) for m in OFFICIAL_MEDIA):
            err(f, i, f"{host} is not a known official medium: mark it repost")
        if kind == "document":
            err(f, i, "source_kind document is for a reference without URL")
    elif kind not in {"document", "repost"}:
        err(f, i, "a source without URL is a document reference (or a repost known only by its title)")
    if text_field is not None:
        check_text(f, i, row[text_field])


def regions() -> dict[str, dict]:
    features = json.loads((D / "regions.geojson").read_text(encoding="utf-8"))["features"]
    return {f["properties"]["adcode"]: {**f["properties"], "geom": shape(f["geometry"])} for f in features}


REG = regions()
COUNTIES = {a: r for a, r in REG.items() if r["level"] == "county"}
CITIES = {a for a, r in REG.items() if r["level"] == "city"}

# --- clusters -------------------------------------------------------------------------------------
lists = load("cluster_lists.csv")
listed: dict[str, str] = {}
keys = set()
for i, c in lists:
    f = "cluster_lists.csv"
    if (c["name"], c["list_name"]) in keys:
        err(f, i, "duplicate (name, list_name)")
    keys.add((c["name"], c["list_name"]))
    listed.setdefault(c["name"], c["tier"])
    if c["tier"] not in TIERS:
        err(f, i, f"tier {c['tier']!r} not in the allowed list")
    if c["status"] not in STATUSES:
        err(f, i, f"bad status {c['status']!r}")
    if (c["tier"] == "plan_target") != (c["status"] == "plan_target"):
        err(f, i, "a plan target has tier and status plan_target, a list entry neither")
    if not re.fullmatch(r"20\d\d", c["list_year"]):
        err(f, i, "bad list_year")
    if c["lead_city_adcode"] and c["lead_city_adcode"] not in CITIES:
        err(f, i, f"bad lead_city_adcode {c['lead_city_adcode']}")
    for a in c["city_adcodes"].split(";"):
        if a not in CITIES:
            err(f, i, f"bad city adcode {a}")
    if c["cross_provincial"] not in {"yes", "no"}:
        err(f, i, "cross_provincial is yes or no")
    if not c["as_of"] or not date_ok(c["as_of"]):
        err(f, i, "bad as_of")
    check_source(f, i, c)
for i, g in load("cluster_figures.csv"):
    f = "cluster_figures.csv"
    if (g["cluster_name"], g["list_name"]) not in keys:
        err(f, i, f"not in cluster_lists.csv: {g['cluster_name']} / {g['list_name']}")
    if not re.fullmatch(r"20\d\d", g["year"]):
        err(f, i, "bad year")
    if g["metric"] not in METRICS:
        err(f, i, f"bad metric {g['metric']!r}")
    if g["qualifier"] not in QUALIFIERS:
        err(f, i, f"bad qualifier {g['qualifier']!r}")
    if number(f, i, "value", g["value"]) is None:
        err(f, i, "value empty")
    if not g["scope"]:
        err(f, i, "scope empty: say what the figure covers")
    if not g["as_of"] or not date_ok(g["as_of"]):
        err(f, i, "bad as_of")
    check_source(f, i, g)

# --- parks ----------------------------------------------------------------------------------------
parks = load("parks.csv")
by_name = {p["name"]: p for _, p in parks}
name_count = Counter(p["name"] for _, p in parks)
points: list[tuple[float, float, str]] = []
for i, p in parks:
    f = "parks.csv"
    if name_count[p["name"]] != 1:
        err(f, i, f"duplicate name {p['name']}")
    if p["level"] not in LEVELS:
        err(f, i, f"bad level {p['level']}")
    if p["type"] not in TYPES:
        err(f, i, f"bad type {p['type']}")
    if p["kind"] not in KINDS:
        err(f, i, f"bad kind {p['kind']!r}")
    counties = p["counties"].split(";")
    if counties[0] != p["region_adcode"]:
        err(f, i, "counties must start with region_adcode")
    for a in counties:
        if a not in COUNTIES:
            err(f, i, f"not a Jiangxi county adcode: {a}")
    if len(set(counties)) != len(counties):
        err(f, i, "a county repeats in counties")
    if not date_ok(p["approval_date"]) and p["approval_date"]:
        err(f, i, f"bad approval_date {p['approval_date']}")
    if p["as_of"] and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", p["as_of"]):
        err(f, i, "as_of is a full date (YYYY-MM-DD) or empty")
    area = number(f, i, "area_ha", p["area_ha"])
    if (area is None) != (p["area_kind"] == ""):
        err(f, i, "area_ha and area_kind go together")
    if p["area_kind"] and p["area_kind"] not in AREA_KINDS:
        err(f, i, f"bad area_kind {p['area_kind']!r}")
    parent = by_name.get(p["parent_name"]) if p["parent_name"] else None
    if p["parent_name"] and parent is None:
        err(f, i, f"parent {p['parent_name']} not in parks.csv")
    if parent is not None:
        if parent["parent_name"]:
            err(f, i, "the parent is itself a part: one level of parts only")
        if p["region_adcode"] not in parent["counties"].split(";") and parent["kind"] != "new_area":
            err(f, i, f"sub-park county {p['region_adcode']} is not one of its parent's counties")
        if p["kind"] in PART_KINDS and p["level"] != parent["level"]:
            err(f, i, "a part takes its parent's level")
    elif p["kind"] in PART_KINDS:
        err(f, i, f"kind {p['kind']} needs a parent_name")
    for cl in filter(None, p["list_clusters"].split(";")):
        if cl not in listed:
            err(f, i, f"list_clusters: {cl} not in cluster_lists.csv")
    if p["location_precision"] not in PRECISIONS:
        err(f, i, f"bad location_precision {p['location_precision']}")
    if p["point_basis"] not in POINT_BASES:
        err(f, i, f"bad point_basis {p['point_basis']!r}")
    if (p["point_basis"] == "county_spread") != (p["location_precision"] == "county"):
        err(f, i, "county precision goes with point_basis county_spread")
    if p["shares_point_with"] and p["shares_point_with"] not in by_name:
        err(f, i, f"shares_point_with {p['shares_point_with']} not in parks.csv")
    try:
        lon, lat = float(p["lon"]), float(p["lat"])
    except ValueError:
        err(f, i, "lon/lat missing or not numeric: every park has a display point (place_points.py)")
    else:
        if p["region_adcode"] in COUNTIES and not COUNTIES[p["region_adcode"]]["geom"].contains(Point(lon, lat)):
            err(f, i, f"point {lon},{lat} not inside county {p['region_adcode']}")
        for qlon, qlat, other in points:
            if (
                math.dist((lon, lat), (qlon, qlat)) < MIN_GAP
                and other not in (p["shares_point_with"],)
                and by_name[other]["shares_point_with"] != p["name"]
            ):
                err(f, i, f"on the same point as {other} (within {MIN_GAP} degree) without shares_point_with")
        points.append((lon, lat, p["name"]))
    if not p["source"]:
        err(f, i, "source empty")
    check_source(f, i, p, "source")
for i, o in load("cooperation_parks.csv"):
    if o["park_name"] not in by_name:
        err("cooperation_parks.csv", i, f"park not in parks.csv: {o['park_name']}")
    check_text("cooperation_parks.csv", i, o["source"])

# --- chains ---------------------------------------------------------------------------------------
chains = json.loads((D / "chains.json").read_text(encoding="utf-8"))["chains"]
n_links = 0


def walk(where: str, links: list[dict]) -> None:
    global n_links
    for link in links:
        n_links += 1
        here = f"{where} > {link['name']}"
        classes = link.get("industry_classes", {})
        if set(classes) != set(link.get("industry_codes", [])):
            err("chains.json", here, "industry_classes must name every industry code, and only those")
        for code, title in classes.items():
            if code not in GBT4754_2017:
                err("chains.json", here, f"{code} is not a GB/T 4754-2017 class known to this check")
            elif GBT4754_2017[code] != title:
                err("chains.json", here, f"{code} is {GBT4754_2017[code]}, not {title}")
        walk(where, link.get("children", []))


for c in chains:
    for s in c["sources"]:
        if denied(domain_of(s["url"])):
            err("chains.json", c["name"], f"source {s['id']} on the deny list: {s['url']}")
        if not isinstance(s.get("repost"), bool):
            err("chains.json", c["name"], f"source {s['id']}: repost must be true or false")
    for cl in c.get("list_clusters", []):
        if cl not in listed:
            err("chains.json", c["name"], f"list_clusters: {cl} not in cluster_lists.csv")
    walk(c["name"], c["links"])

# --- report ---------------------------------------------------------------------------------------
top = [p for _, p in parks if not p["parent_name"]]
count = Counter((p["level"], p["kind"]) for p in top)
got = {
    "national etdz": count[("national", "etdz")],
    "national hitech": count[("national", "hitech")],
    "national bonded": count[("national", "bonded")],
    "national new_area": count[("national", "new_area")],
    "provincial development zones": count[("provincial", "provincial_dz")] + count[("provincial", "provincial_park")],
}
for k, want in (("national etdz", 11), ("national hitech", 9), ("national new_area", 1)):
    if got[k] != want:
        err("parks.csv", "-", f"{k}: {got[k]} rows, the official total is {want}")
print(
    f"parks.csv: {len(parks)} rows, {len(top)} top-level, {len(parks) - len(top)} parts of a parent; "
    f"points checked against {len(COUNTIES)} county polygons of regions.geojson"
)
for k, (total, why) in TOTALS.items():
    print(f"  {k}: {got[k]} / {'?' if total is None else total}  ({why})")
other = Counter(
    p["kind"] for p in top if p["kind"] not in {"etdz", "hitech", "bonded", "new_area", "provincial_dz", "provincial_park"}
)
print("  other top-level kinds: " + ", ".join(f"{k} {n}" for k, n in sorted(other.items())))
print("  parts: " + ", ".join(f"{k} {n}" for k, n in sorted(Counter(p["kind"] for _, p in parks if p["parent_name"]).items())))
print(
    "  location_precision: "
    + ", ".join(f"{k} {n}" for k, n in sorted(Counter(p["location_precision"] for _, p in parks).items()))
)
tiers = Counter(c["tier"] for _, c in lists)
print(
    f"cluster_lists.csv: {len(lists)} list entries, {len(listed)} clusters; "
    + ", ".join(f"{k} {n}" for k, n in sorted(tiers.items()))
)
print(f"chains.json: {len(chains)} chains, {n_links} links, every code with its GB/T 4754-2017 class title")
print("sources by kind: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds_seen.items())) + f"; deny list {len(DENY)} domains")
for e in errors:
    print("ERROR", e)
sys.exit(1 if errors else 0)
