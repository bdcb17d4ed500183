from geoalchemy2 import Geometry
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Computed,
    Double,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    Table,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.core.codes import LabelledEnum, register, sql_in
from app.core.database import Base
from app.core.provenance import ProvenanceColumns

MU_M2 = 10_000 / 15  # 1 亩 = 666.67 m²
HA_M2 = 10_000.0


@register("carrier_kind")
class CarrierKind(LabelledEnum):
    LAND = ("land", "地块", "land plot")
    FACTORY = ("factory", "标准厂房", "standard factory")
    OFFICE = ("office", "楼宇", "office space")


@register("carrier_status")
class CarrierStatus(LabelledEnum):
    AVAILABLE = ("available", "可供", "available")
    RESERVED = ("reserved", "已预留", "reserved")
    TAKEN = ("taken", "已出让/已租", "taken")


@register("land_use")
class LandUse(LabelledEnum):
    INDUSTRIAL_1 = ("industrial_1", "一类工业用地", "class 1 industrial")
    INDUSTRIAL_2 = ("industrial_2", "二类工业用地", "class 2 industrial")
    INDUSTRIAL_3 = ("industrial_3", "三类工业用地", "class 3 industrial")
    WAREHOUSE = ("warehouse", "仓储用地", "warehousing")
    RND = ("rnd", "科研用地", "research and development")
    COMMERCIAL = ("commercial", "商业服务业用地", "commercial")
    MIXED = ("mixed", "混合用地（M0 新型产业）", "mixed (M0 new industry)")


# Indicators published as bounds ("容积率 ≥ 1.0"): each is a (min, max) column pair.
RANGES = ("plot_ratio", "building_density_pct", "green_ratio_pct", "height_limit_m")


def _range_checks() -> list[CheckConstraint]:
    return [CheckConstraint(f"{r}_min IS NULL OR {r}_max IS NULL OR {r}_min <= {r}_max", name=f"{r}_range") for r in RANGES] + [
        CheckConstraint(f"{r}_min >= 0", name=f"{r}_min_nonnegative") for r in RANGES
    ]


class Carrier(ProvenanceColumns, Base):
    __tablename__ = "carriers"
    __table_args__ = (
        CheckConstraint(sql_in("kind", CarrierKind), name="kind"),
        CheckConstraint(sql_in("status", CarrierStatus), name="status"),
        CheckConstraint(sql_in("land_use", LandUse), name="land_use"),
        CheckConstraint("area_m2 > 0", name="area_positive"),
        CheckConstraint("ST_IsValid(geom)", name="geom_valid"),
        # Plots are drawn as their parcel; factories and offices as a point.
        CheckConstraint(
            "(kind = 'land' AND GeometryType(geom) = 'POLYGON') OR (kind <> 'land' AND GeometryType(geom) = 'POINT')",
            name="geom_type_matches_kind",
        ),
        CheckConstraint("lease_term_years BETWEEN 1 AND 70", name="lease_term"),
        CheckConstraint("price_wan_per_mu >= 0", name="price_nonnegative"),
        CheckConstraint("rent_yuan_m2_month >= 0", name="rent_nonnegative"),
        CheckConstraint("sale_price_yuan_m2 >= 0", name="sale_price_nonnegative"),
        CheckConstraint("floors >= 1", name="floors_positive"),
        CheckConstraint("storey_height_m > 0", name="storey_height_positive"),
        CheckConstraint("floor_load_t_m2 > 0", name="floor_load_positive"),
        CheckConstraint("length(code) BETWEEN 1 AND 100", name="code_length"),
        *_range_checks(),
        # Counting a park's matching carriers reads only this index (see migration 0006).
        Index(
            "ix_carriers_park_cover", "park_id", postgresql_include=["published", "status", "kind", "area_m2", "price_wan_per_mu"]
        ),
        # A plot's 宗地编号 names it within its park: what a re-import updates by (app/exchange/).
        Index("uq_carriers_park_code", "park_id", "code", unique=True, postgresql_where=text("code IS NOT NULL")),
        # Site matching's candidates (a kind, available, in the regions' parks) with what its hard
        # criteria test, read from the index alone (migration 0018).
        Index(
            "ix_carriers_match",
            "kind",
            "status",
            "park_id",
            postgresql_include=["id", "published", "is_demo", "area_m2", "land_use", "price_wan_per_mu", "rent_yuan_m2_month"],
        ),
        # The land and factory layers (OGC, tiles) each use their own spatial index.
        Index("ix_carriers_land_geom", "geom", postgresql_using="gist", postgresql_where=text("kind = 'land'")),
        Index("ix_carriers_building_geom", "geom", postgresql_using="gist", postgresql_where=text("kind <> 'land'")),
        Index(
            "ix_carriers_page",
            "id",
            postgresql_include=["kind", "published", "park_id", "west", "south", "east", "north"],
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(Text, nullable=False)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    code: Mapped[str | None] = mapped_column(Text)  # 宗地编号 or the source file's id, unique within the park
    park_id: Mapped[int] = mapped_column(ForeignKey("parks.id", ondelete="CASCADE"), nullable=False, index=True)
    status: Mapped[str] = mapped_column(Text, nullable=False, server_default="available")
    geom: Mapped[object] = mapped_column(Geometry("GEOMETRY", srid=4326, spatial_index=True), nullable=False)
    # Kept by PostgreSQL so point layers, tiles and clustering never compute it per request.
    location: Mapped[object] = mapped_column(
        Geometry("POINT", srid=4326, spatial_index=True), Computed("ST_PointOnSurface(geom)", persisted=True)
    )
    # The geometry's bounding box, in the index pages in a bbox walk (migration 0015; app/core/listing.box_filter).
    west: Mapped[float] = mapped_column(Double, Computed("ST_XMin(geom)", persisted=True))
    south: Mapped[float] = mapped_column(Double, Computed("ST_YMin(geom)", persisted=True))
    east: Mapped[float] = mapped_column(Double, Computed("ST_XMax(geom)", persisted=True))
    north: Mapped[float] = mapped_column(Double, Computed("ST_YMax(geom)", persisted=True))
    area_m2: Mapped[float] = mapped_column(Numeric(14, 2), nullable=False)
    land_use: Mapped[str | None] = mapped_column(Text)
    plot_ratio_min: Mapped[float | None] = mapped_column(Numeric(6, 2))
    plot_ratio_max: Mapped[float | None] = mapped_column(Numeric(6, 2))
    building_density_pct_min: Mapped[float | None] = mapped_column(Numeric(5, 2))
    building_density_pct_max: Mapped[float | None] = mapped_column(Numeric(5, 2))
    green_ratio_pct_min: Mapped[float | None] = mapped_column(Numeric(5, 2))
    green_ratio_pct_max: Mapped[float | None] = mapped_column(Numeric(5, 2))
    height_limit_m_min: Mapped[float | None] = mapped_column(Numeric(6, 1))
    height_limit_m_max: Mapped[float | None] = mapped_column(Numeric(6, 1))
    lease_term_years: Mapped[int | None] = mapped_column(Integer)
    readiness: Mapped[str | None] = mapped_column(Text)  # 土地开发程度, e.g. 七通一平
    price_wan_per_mu: Mapped[float | None] = mapped_column(Numeric(10, 2), index=True)
    rent_yuan_m2_month: Mapped[float | None] = mapped_column(Numeric(8, 2))
    sale_price_yuan_m2: Mapped[float | None] = mapped_column(Numeric(10, 2))
    floors: Mapped[int | None] = mapped_column(Integer)
    storey_height_m: Mapped[float | None] = mapped_column(Numeric(5, 2))
    floor_load_t_m2: Mapped[float | None] = mapped_column(Numeric(5, 2))
    has_crane: Mapped[bool | None] = mapped_column(Boolean)
    is_standard_land: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default="false")
    investment_intensity_wan_per_mu: Mapped[float | None] = mapped_column(Numeric(10, 2))
    tax_per_mu_wan: Mapped[float | None] = mapped_column(Numeric(10, 2))
    energy_tce_per_wan: Mapped[float | None] = mapped_column(Numeric(8, 4))
    description: Mapped[str | None] = mapped_column(Text)


class CarrierFeature(Base):
    """A carrier's public GeoJSON Feature (CRS84) as text, so a page of 1,000 plots is joined
    text instead of 1,000 features built anew. Written only by app/carriers/features.py, in the
    transaction that writes the carrier or its park; gone with its carrier."""

    __tablename__ = "carrier_features"

    id: Mapped[int] = mapped_column(ForeignKey("carriers.id", ondelete="CASCADE"), primary_key=True)
    feature: Mapped[str] = mapped_column(Text, nullable=False)


# The overview tiles' grid counts (migration 0015): per level (tile zoom + 6), cell and filter
# dimensions, the number of carriers and the sums of their Web Mercator points in centimetres.
# Written only by the carriers' triggers and carrier_cells_rebuild(); read by app/layers/overview.py.
carrier_cells = Table(
    "carrier_cells",
    Base.metadata,
    Column("level", SmallInteger, nullable=False),
    Column("tx", Integer, nullable=False),
    Column("ty", Integer, nullable=False),
    Column("total", Boolean, nullable=False),  # status, land use and standard land NULL: all of them
    Column("gx", Integer, nullable=False),
    Column("gy", Integer, nullable=False),
    Column("park_id", Integer, nullable=False),
    Column("kind", Text, nullable=False),
    Column("status", Text),
    Column("land_use", Text),
    Column("is_standard_land", Boolean),
    Column("published", Boolean, nullable=False),
    Column("n", Integer, nullable=False),
    Column("sx", BigInteger, nullable=False),
    Column("sy", BigInteger, nullable=False),
)
