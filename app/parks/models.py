from datetime import date

from geoalchemy2 import Geometry
from sqlalchemy import CheckConstraint, ColumnElement, Date, ForeignKey, Index, Integer, Numeric, Text, select, text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.core.auth import Principal
from app.core.codes import LabelledEnum, register, sql_in
from app.core.database import Base
from app.core.links import Linked
from app.core.provenance import ProvenanceColumns, SourceKind, published_or_own
from app.regions.models import Region

WHAT = ("park", "园区")


@register("park_level")
class ParkLevel(LabelledEnum):
    NATIONAL = ("national", "国家级", "national")
    PROVINCIAL = ("provincial", "省级", "provincial")
    MUNICIPAL = ("municipal", "市级", "municipal")


@register("park_type")
class ParkType(LabelledEnum):
    ETDZ = ("etdz", "经济技术开发区", "economic and technological development zone")
    HITECH = ("hitech", "高新技术产业开发区", "high-tech industrial development zone")
    BONDED = ("bonded", "综合保税区", "comprehensive bonded zone")
    INDUSTRIAL = ("industrial", "工业园区", "industrial park")
    FEATURED = ("featured", "特色产业园", "featured industry park")
    CHEMICAL = ("chemical", "化工园区", "chemical park")
    FUTURE = ("future", "未来产业先导区", "future industries pilot zone")
    OTHER = ("other", "其他", "other")


@register("park_kind")
class ParkKind(LabelledEnum):
    """What a zone is, finer than `type`: a 国家级新区 and its parts, a park inside another (园中园),
    a provincial zone or a park under provincial-zone policy. `type` stays for older clients."""

    ETDZ = ("etdz", "经济技术开发区", "economic and technological development zone")
    HITECH = ("hitech", "高新技术产业开发区", "high-tech industrial development zone")
    BONDED = ("bonded", "综合保税区", "comprehensive bonded zone")
    NEW_AREA = ("new_area", "国家级新区", "state-level new area")
    NEW_AREA_PART = ("new_area_part", "新区组团", "part of a state-level new area")
    PROVINCIAL_DZ = ("provincial_dz", "省级开发区", "provincial development zone")
    PROVINCIAL_PARK = ("provincial_park", "省级产业园", "provincial industrial park")
    CHEMICAL = ("chemical", "化工园区", "chemical park")
    FEATURED = ("featured", "特色产业园", "featured industry park")
    SUB_PARK = ("sub_park", "园中园", "park within a park")
    COOPERATION = ("cooperation", "合作园区", "cooperation park")
    FUTURE = ("future", "未来产业先导区", "future industries pilot zone")
    OTHER = ("other", "其他", "other")


# The kind a writer that only sends the older `type` gets.
KIND_OF_TYPE = {
    ParkType.ETDZ: ParkKind.ETDZ,
    ParkType.HITECH: ParkKind.HITECH,
    ParkType.BONDED: ParkKind.BONDED,
    ParkType.INDUSTRIAL: ParkKind.PROVINCIAL_DZ,
    ParkType.FEATURED: ParkKind.FEATURED,
    ParkType.CHEMICAL: ParkKind.CHEMICAL,
    ParkType.FUTURE: ParkKind.FUTURE,
    ParkType.OTHER: ParkKind.OTHER,
}


@register("park_area_kind")  # "area_kind" is the chains' (region, park, cluster)
class AreaKind(LabelledEnum):
    """What an area figure is. The 核准面积 of the 2018 catalogue is not one of these: it has its
    own field (`approved_area_ha`), so no other figure is ever shown under that label."""

    PLANNED = ("planned", "规划面积", "planned area")
    APPROVED = ("approved", "批准面积", "approved area (extension or adjustment)")
    LAND_USE = ("land_use", "用地面积", "land area")
    FENCED = ("fenced", "围网面积", "fenced area")
    JURISDICTION = ("jurisdiction", "管辖面积", "area under its administration")


@register("point_basis")
class PointBasis(LabelledEnum):
    ADDRESS = ("address", "管委会地址", "the administration's address")
    ROAD = ("road", "园区道路", "a named road of the zone")
    TOWN = ("town", "所在乡镇", "its town")
    COUNTY_SPREAD = ("county_spread", "县域示意位置", "a place in its county, for display only")


@register("location_precision")
class LocationPrecision(LabelledEnum):
    EXACT = ("exact", "精确位置", "exact")
    TOWN = ("town", "大致位置（乡镇级）", "approximate (town level)")
    COUNTY = ("county", "大致位置（县级）", "approximate (county level)")


@register("partner_region")
class PartnerRegion(LabelledEnum):
    YRD = ("yrd", "长三角", "Yangtze River Delta")
    GBA = ("gba", "粤港澳大湾区", "Guangdong-Hong Kong-Macao Greater Bay Area")
    WEST_STRAIT = ("west_strait", "海西", "West Coast of the Taiwan Strait")
    OTHER = ("other", "其他", "other")


@register("cooperation_model")
class CooperationModel(LabelledEnum):
    CO_BUILD = ("co_build", "共建", "co-built")
    TRUSTEESHIP = ("trusteeship", "托管", "trusteeship")
    ENCLAVE = ("enclave", "飞地", "enclave")


@register("chemical_status")
class ChemicalStatus(LabelledEnum):
    RECOGNISED = ("recognised", "已认定", "recognised")
    RECHECKED = ("rechecked", "复核通过", "re-checked")
    REVOKED = ("revoked", "已撤销", "revoked")


class Park(ProvenanceColumns, Base):
    __tablename__ = "parks"
    __table_args__ = (
        CheckConstraint(sql_in("level", ParkLevel), name="level"),
        CheckConstraint(sql_in("type", ParkType), name="type"),
        CheckConstraint(sql_in("location_precision", LocationPrecision), name="location_precision"),
        CheckConstraint("approved_area_ha > 0", name="approved_area_ha_positive"),
        # Catalogue dates are often only a year or a month: keep what the source says.
        CheckConstraint(r"approval_date ~ '^\d{4}(-\d{2}(-\d{2})?)?$'", name="approval_date"),
        CheckConstraint("boundary IS NULL OR ST_IsValid(boundary)", name="boundary_valid"),
        CheckConstraint("length(name) BETWEEN 1 AND 200", name="name_length"),
        CheckConstraint(sql_in("chemical_status", ChemicalStatus), name="chemical_status"),
        CheckConstraint(sql_in("kind", ParkKind), name="kind"),
        CheckConstraint(sql_in("area_kind", AreaKind), name="area_kind"),
        CheckConstraint("(area_ha IS NULL) = (area_kind IS NULL)", name="area_with_kind"),
        CheckConstraint("area_ha > 0", name="area_ha_positive"),
        CheckConstraint(sql_in("point_basis", PointBasis), name="point_basis"),
        CheckConstraint(sql_in("source_kind", SourceKind), name="source_kind"),
        CheckConstraint("parent_id <> id", name="not_own_parent"),
        Index("ix_parks_search_key", "search_key", postgresql_using="gin", postgresql_ops={"search_key": "gin_trgm_ops"}),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text, nullable=False, unique=True)
    short_name: Mapped[str | None] = mapped_column(Text)
    level: Mapped[str] = mapped_column(Text, nullable=False, index=True)
    type: Mapped[str] = mapped_column(Text, nullable=False, index=True)
    kind: Mapped[str] = mapped_column(Text, nullable=False, index=True)
    # A sub-park, a new area's part or a chemical park inside a zone: counted and drawn as part of it.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("parks.id", ondelete="RESTRICT"), index=True)
    region_adcode: Mapped[str] = mapped_column(ForeignKey("regions.adcode"), nullable=False, index=True)
    approval_date: Mapped[str | None] = mapped_column(Text)
    approved_area_ha: Mapped[float | None] = mapped_column(Numeric(12, 2))
    area_ha: Mapped[float | None] = mapped_column(Numeric(12, 2))
    area_kind: Mapped[str | None] = mapped_column(Text)
    # The official English name, from the park's source; `name_pinyin` is the romanisation shown
    # where there is none (never as official), `search_key` every form the search box matches;
    # both written from the names by every save (parks/service.py).
    name_en: Mapped[str | None] = mapped_column(Text)
    name_pinyin: Mapped[str | None] = mapped_column(Text)
    search_key: Mapped[str | None] = mapped_column(Text)
    address: Mapped[str | None] = mapped_column(Text)
    leading_industries: Mapped[list[str]] = mapped_column(ARRAY(Text), nullable=False, server_default="{}")
    boundary: Mapped[object | None] = mapped_column(Geometry("MULTIPOLYGON", srid=4326, spatial_index=True))
    location: Mapped[object] = mapped_column(Geometry("POINT", srid=4326, spatial_index=True), nullable=False)
    location_precision: Mapped[str] = mapped_column(Text, nullable=False, server_default="county")
    point_basis: Mapped[str | None] = mapped_column(Text)
    contacts: Mapped[list[dict[str, str]]] = mapped_column(JSONB, nullable=False, server_default=text("'[]'::jsonb"))
    profile: Mapped[str | None] = mapped_column(Text)
    # What the public may call or visit (招商热线, website, the investment service centre), apart
    # from `contacts`, the officers' own numbers, which stay internal.
    hotline: Mapped[str | None] = mapped_column(Text)
    website: Mapped[str | None] = mapped_column(Text)
    service_address: Mapped[str | None] = mapped_column(Text)
    # The investment policies the park publishes (招商政策): public, shown in its brochures.
    policies: Mapped[list[dict[str, str]]] = mapped_column(JSONB, nullable=False, server_default=text("'[]'::jsonb"))
    # A chemical park is recognised, re-checked and may be revoked: the status and its date are
    # versioned with the park (record_versions), so its history is kept.
    chemical_status: Mapped[str | None] = mapped_column(Text)
    chemical_status_date: Mapped[date | None] = mapped_column(Date)
    source_url: Mapped[str | None] = mapped_column(Text)
    source_kind: Mapped[str | None] = mapped_column(Text)
    # What the source says that the row relies on.
    evidence: Mapped[str | None] = mapped_column(Text)


class ParkCounty(Base):
    """Every county a park spans (the first is its `region_adcode`): the region filter matches any."""

    __tablename__ = "park_counties"

    park_id: Mapped[int] = mapped_column(ForeignKey("parks.id", ondelete="CASCADE"), primary_key=True)
    adcode: Mapped[str] = mapped_column(ForeignKey("regions.adcode"), primary_key=True, index=True)


def park_visible(user: Principal) -> ColumnElement[bool]:
    """Whether `user` may see a park (a row of `Park`): its own reads and every record naming it."""
    return published_or_own(user, Park.published, Park.region_adcode.in_(user.write_counties), Park.is_demo)


def linked_parks(session: Session, ids: list[int], field: str) -> list[Linked]:
    """The parks `ids` (unknown ones left to the write's own checks) with the county each lies in:
    what a write of another domain linking to parks (a cluster, an enterprise, a target) checks its scope with."""
    if not ids:
        return []
    rows = session.execute(
        select(Park.id, Park.region_adcode, Region.name)
        .join(Region, Region.adcode == Park.region_adcode)
        .where(Park.id.in_(ids))
        .order_by(Park.id)
    )
    return [Linked(field, WHAT, park_id, frozenset({county}), park_id, f"{name} {county}") for park_id, county, name in rows]


class CooperationPark(Base):
    """The partnership of a park built with another region; one per park."""

    __tablename__ = "cooperation_parks"
    __table_args__ = (
        CheckConstraint(sql_in("partner_region", PartnerRegion), name="partner_region"),
        CheckConstraint(sql_in("model", CooperationModel), name="model"),
    )

    park_id: Mapped[int] = mapped_column(ForeignKey("parks.id", ondelete="CASCADE"), primary_key=True)
    partner_region: Mapped[str] = mapped_column(Text, nullable=False)
    partner_name: Mapped[str] = mapped_column(Text, nullable=False)
    partner_location: Mapped[object] = mapped_column(Geometry("POINT", srid=4326), nullable=False)
    model: Mapped[str | None] = mapped_column(Text)
    signed_date: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str | None] = mapped_column(Text)
