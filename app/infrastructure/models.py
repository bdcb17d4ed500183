from typing import Any

from geoalchemy2 import Geography, Geometry
from sqlalchemy import CheckConstraint, ColumnElement, Computed, Float, ForeignKey, Index, Integer, Text, select, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.core.codes import LabelledEnum, register, sql_in
from app.core.columns import ColumnExpr
from app.core.database import Base
from app.core.provenance import ProvenanceColumns

WHAT = ("facility", "基础设施")


@register("facility_kind")
class FacilityKind(LabelledEnum):
    AIRPORT = ("airport", "机场", "airport")
    RAIL_STATION = ("rail_station", "高铁 / 铁路客运站", "high-speed rail / rail station")
    PORT = ("port", "港口 / 内河集装箱码头", "port / inland container terminal")
    EXPRESSWAY_EXIT = ("expressway_exit", "高速公路出入口", "expressway exit")
    FREIGHT_HUB = ("freight_hub", "铁路货场 / 物流枢纽", "railway freight yard / logistics hub")
    UNIVERSITY = ("university", "高校 / 科研院所", "university / research institute")


@register("facility_precision")
class FacilityPrecision(LabelledEnum):
    """How closely a facility's point is known; a city-level point is only good for a city-wide view."""

    EXACT = ("exact", "精确位置", "exact")
    TOWN = ("town", "大致位置（乡镇级）", "approximate (town level)")
    COUNTY = ("county", "大致位置（县级）", "approximate (county level)")
    CITY = ("city", "大致位置（市级）", "approximate (city level)")


@register("distance_subject")
class DistanceSubject(LabelledEnum):
    PARK = ("park", "园区", "park")
    CARRIER = ("carrier", "载体", "carrier")


class Facility(ProvenanceColumns, Base):
    __tablename__ = "facilities"
    __table_args__ = (
        CheckConstraint(sql_in("kind", FacilityKind), name="kind"),
        CheckConstraint(sql_in("location_precision", FacilityPrecision), name="location_precision"),
        CheckConstraint("length(name) BETWEEN 1 AND 200", name="name_length"),
        # The nearest-facility search (kind =, then KNN `<->` on geography) walks this index
        # (btree_gist, migration 0012); drafts never count.
        Index("ix_facilities_kind_geog_published", "kind", "geog", postgresql_using="gist", postgresql_where=text("published")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(Text, nullable=False)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    code: Mapped[str | None] = mapped_column(Text)  # IATA / ICAO, station telegraph code, ...
    region_adcode: Mapped[str | None] = mapped_column(ForeignKey("regions.adcode"), index=True)
    location: Mapped[object] = mapped_column(Geometry("POINT", srid=4326, spatial_index=True), nullable=False)
    # Distances are measured on the ellipsoid: kept by PostgreSQL beside the point.
    geog: Mapped[object] = mapped_column(
        Geography("POINT", srid=4326, spatial_index=False), Computed("location::geography", persisted=True)
    )
    location_precision: Mapped[str] = mapped_column(Text, nullable=False, server_default="exact")
    details: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False, server_default=text("'{}'::jsonb"))
    osm_id: Mapped[str | None] = mapped_column(Text, unique=True)  # "node/123" for facilities loaded from OSM


class FacilityDistance(Base):
    """The nearest published facility of each kind to each park and carrier, with the geodesic
    (straight-line, 直线距离) distance in metres. Written only by the triggers of migration 0012,
    in the transaction of the write that moved a park, carrier or facility, so it is never stale."""

    __tablename__ = "facility_distances"
    __table_args__ = (
        CheckConstraint(sql_in("subject", DistanceSubject), name="subject"),
        CheckConstraint(sql_in("kind", FacilityKind), name="kind"),
        Index("ix_facility_distances_kind_m", "subject", "kind", "distance_m"),
        # Site matching reads a kind's distances in the order of the sites, from the index alone (0018).
        Index("ix_facility_distances_lookup", "subject", "kind", "subject_id", postgresql_include=["distance_m", "facility_id"]),
    )

    subject: Mapped[str] = mapped_column(Text, primary_key=True)
    subject_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(Text, primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("facilities.id", ondelete="CASCADE"), nullable=False, index=True)
    distance_m: Mapped[float] = mapped_column(Float, nullable=False)


class CarrierDistances(Base):
    """`facility_distances`' metres for carriers, one row per carrier and a column per kind, so
    that site matching reads a site's distances in one lookup (migration 0024). Written by the
    same function as `facility_distances`, never apart; no row when no facility is known."""

    __tablename__ = "carrier_distances"

    carrier_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    airport_m: Mapped[float | None] = mapped_column(Float)
    rail_station_m: Mapped[float | None] = mapped_column(Float)
    port_m: Mapped[float | None] = mapped_column(Float)
    expressway_exit_m: Mapped[float | None] = mapped_column(Float)
    freight_hub_m: Mapped[float | None] = mapped_column(Float)
    university_m: Mapped[float | None] = mapped_column(Float)

    @classmethod
    def metres(cls, kind: FacilityKind) -> ColumnElement[Any]:
        column: ColumnElement[Any] = getattr(cls, f"{kind.value}_m")
        return column


def nearest_km(subject: DistanceSubject, subject_id: ColumnExpr[Any], kind: str) -> ColumnElement[Any]:
    """The straight-line km from a park or carrier (`subject_id`, a column of the enclosing query)
    to its nearest facility of `kind`; NULL when there is none of that kind."""
    return (
        select(FacilityDistance.distance_m / 1000.0)
        .where(
            FacilityDistance.subject == subject.value, FacilityDistance.subject_id == subject_id, FacilityDistance.kind == kind
        )
        .scalar_subquery()
    )
