"""`investmap load infrastructure`: facilities from geodata/infrastructure.csv, and from an
OpenStreetMap extract (.osm or .osm.pbf) read by GDAL's OSM driver.

Rows go through the API's own model and service (FacilityIn, service.save), keyed by (kind, name)
for the file and by the OSM object for an extract, so loading twice changes nothing. One load,
one transaction: a bad row leaves the database as it was. Distances to parks and carriers are
recomputed once at the end of the load, in the same transaction, if a facility changed
(`distances.facility_writes`: per facility, the triggers recomputed every carrier).
"""

import csv
import json
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app.core.database import get_engine
from app.geo.validate import JIANGXI
from app.infrastructure import service
from app.infrastructure.distances import facility_writes
from app.infrastructure.models import Facility, FacilityKind
from app.infrastructure.schemas import FacilityIn
from app.loaders.validation import LoadError, validated
from app.regions.models import Region
from app.regions.queries import county_point

# OSM tags that make a feature a facility, first match wins (keys as GDAL's default osmconf.ini
# exposes them, as columns or inside other_tags).
OSM_KINDS: tuple[tuple[str, str, FacilityKind], ...] = (
    ("aeroway", "aerodrome", FacilityKind.AIRPORT),
    ("railway", "station", FacilityKind.RAIL_STATION),
    ("highway", "motorway_junction", FacilityKind.EXPRESSWAY_EXIT),
    ("harbour", "yes", FacilityKind.PORT),
    ("landuse", "port", FacilityKind.PORT),
    ("industrial", "port", FacilityKind.PORT),
    ("railway", "yard", FacilityKind.FREIGHT_HUB),
    ("landuse", "railway", FacilityKind.FREIGHT_HUB),
    ("amenity", "university", FacilityKind.UNIVERSITY),
    ("amenity", "research_institute", FacilityKind.UNIVERSITY),
)
OSM_SOURCE = "© OpenStreetMap contributors (ODbL), extract {file}"
_OGR_TIMEOUT_S = 600


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(fh)]


def _details(value: str, where: str) -> dict[str, str]:
    pairs = [p.split("=", 1) for p in value.split(";") if p.strip()]
    if any(len(p) != 2 for p in pairs):
        raise LoadError(f"{where}: details: expected key=value;key=value, got {value!r}")
    return {k.strip(): v.strip() for k, v in pairs}


def _county_of(session: Session, lon: float, lat: float) -> str | None:
    point = func.ST_SetSRID(func.ST_MakePoint(lon, lat), 4326)
    return session.execute(
        select(Region.adcode).where(Region.level == "county", Region.geom.op("&&")(point), func.ST_Covers(Region.geom, point))
    ).scalar_one_or_none()


def _save(session: Session, fields: dict[str, Any], where: str, existing: Facility | None) -> None:
    data = validated(FacilityIn, fields, where)
    service.save(session, data, existing)


def load_facilities(session: Session, path: Path) -> int:
    rows = _rows(path)
    for n, row in enumerate(rows, start=2):
        where = f"{path.name} row {n} ({row['name']})"
        if row["lon"] and row["lat"]:
            lon, lat = float(row["lon"]), float(row["lat"])
            location: dict[str, Any] | None = {"type": "Point", "coordinates": [lon, lat]}
            region = row["region_adcode"] or _county_of(session, lon, lat)
        else:
            region = row["region_adcode"]
            location = county_point(session, region) if region else None
            if location is None:
                raise LoadError(f"{where}: lon/lat: give coordinates or a known county region_adcode")
        existing = session.execute(
            select(Facility).where(Facility.kind == row["kind"], Facility.name == row["name"])
        ).scalar_one_or_none()
        fields = {
            "kind": row["kind"],
            "name": row["name"],
            "code": row["code"] or None,
            "region_adcode": region,
            "location": location,
            "location_precision": row["location_precision"],
            "details": _details(row["details"], where),
            "source": row["source"],
            "as_of": row["as_of"] or None,
            "published": True,
        }
        _save(session, fields, where, existing)
    return len(rows)


def _tags(props: dict[str, Any]) -> dict[str, str]:
    """The feature's OSM tags: GDAL's columns plus its `other_tags` ("k"=>"v",... in hstore syntax)."""
    tags = {k: str(v) for k, v in props.items() if v is not None and k != "other_tags"}
    other = props.get("other_tags")
    if other:
        # hstore text: "key"=>"value","key2"=>"value2"; values may hold commas but not `","`.
        for pair in str(other).strip('"').split('","'):
            key, sep, value = pair.partition('"=>"')
            if sep:
                tags.setdefault(key, value)
    return tags


def _osm_kind(tags: dict[str, str]) -> FacilityKind | None:
    return next((kind for key, value, kind in OSM_KINDS if tags.get(key) == value), None)


def _osm_id(props: dict[str, Any]) -> str | None:
    if props.get("osm_way_id"):
        return f"way/{props['osm_way_id']}"
    if props.get("osm_id"):
        # On the points layer osm_id is a node; on the multipolygons layer (without osm_way_id), a relation.
        return f"{'relation' if 'osm_way_id' in props else 'node'}/{props['osm_id']}"
    return None


def _ogr_features(path: Path, layer: str) -> Iterator[dict[str, Any]]:
    """Features of one layer of the OSM driver (points, multipolygons) as GeoJSON, one per line."""
    done = subprocess.run(
        ["ogr2ogr", "-f", "GeoJSONSeq", "/vsistdout/", str(path), layer, "-lco", "RS=NO"],
        capture_output=True,
        text=True,
        timeout=_OGR_TIMEOUT_S,
        check=False,
    )
    if done.returncode != 0:
        raise LoadError(f"{path.name}: GDAL could not read the {layer} layer: {done.stderr.strip()[:500]}")
    for line in done.stdout.splitlines():
        if line.strip():
            yield json.loads(line)


def load_osm(session: Session, path: Path) -> dict[str, int]:
    """Facilities of an OSM extract, by kind. Named features only (a facility is shown by its name),
    and only those in Jiangxi (an extract of a larger area may be given); an area (an airport's
    outline, a campus) is loaded at a point on its surface."""
    counts: dict[str, int] = {}
    as_of = date.fromtimestamp(path.stat().st_mtime).isoformat()
    for layer in ("points", "multipolygons"):
        for feature in _ogr_features(path, layer):
            props = feature.get("properties") or {}
            tags = _tags(props)
            kind, osm_id, name = _osm_kind(tags), _osm_id(props), tags.get("name:zh") or tags.get("name")
            if kind is None or osm_id is None or not name or feature.get("geometry") is None:
                continue
            lon, lat = session.execute(
                text("SELECT ST_X(p), ST_Y(p) FROM ST_PointOnSurface(ST_GeomFromGeoJSON(:g)) p"),
                {"g": json.dumps(feature["geometry"])},
            ).one()
            if not JIANGXI.contains(lon, lat):
                continue
            code = tags.get("iata") or tags.get("ref") or tags.get("railway:ref")
            fields = {
                "kind": kind,
                "name": name[:200],
                "code": code[:40] if code else None,
                "region_adcode": _county_of(session, lon, lat),
                "location": {"type": "Point", "coordinates": [lon, lat]},
                "location_precision": "exact",
                "details": {k: tags[k] for k in ("iata", "icao", "operator", "ref", "name:en") if k in tags},
                "osm_id": osm_id,
                "source": OSM_SOURCE.format(file=path.name),
                "as_of": as_of,
                "published": True,
            }
            existing = session.execute(select(Facility).where(Facility.osm_id == osm_id)).scalar_one_or_none()
            _save(session, fields, f"{path.name} {osm_id} ({name})", existing)
            counts[kind.value] = counts.get(kind.value, 0) + 1
    return counts


def load_infrastructure(geodata: Path | None, osm: Path | None) -> Iterator[str]:
    with Session(get_engine()) as session, session.begin():
        session.execute(text("SELECT set_config('investmap.actor', 'cli:load infrastructure', true)"))
        with facility_writes(session):
            yield from _loads(session, geodata, osm)


def _loads(session: Session, geodata: Path | None, osm: Path | None) -> Iterator[str]:
    if geodata is not None:
        yield f"facilities: {load_facilities(session, geodata / 'infrastructure.csv')}"
    if osm is not None:
        counts = load_osm(session, osm)
        yield f"facilities from {osm.name}: " + (", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "none")
