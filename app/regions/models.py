from geoalchemy2 import Geometry
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.codes import LabelledEnum, register, sql_in
from app.core.database import Base
from app.core.provenance import ProvenanceColumns


@register("region_level")
class RegionLevel(LabelledEnum):
    PROVINCE = ("province", "省", "province")
    CITY = ("city", "设区市", "prefecture city")
    COUNTY = ("county", "县（市、区）", "county / district")


class Region(ProvenanceColumns, Base):
    __tablename__ = "regions"
    __table_args__ = (
        CheckConstraint(sql_in("level", RegionLevel), name="level"),
        CheckConstraint("adcode ~ '^[0-9]{6}$'", name="adcode"),
        CheckConstraint("ST_IsValid(geom)", name="geom_valid"),
        Index("ix_regions_search_key", "search_key", postgresql_using="gin", postgresql_ops={"search_key": "gin_trgm_ops"}),
    )

    adcode: Mapped[str] = mapped_column(String(6), primary_key=True)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    level: Mapped[str] = mapped_column(Text, nullable=False)
    # Nanchang City, Honggutan District (app/core/romanise.py gives the rule), and every form the
    # search box matches the region by (romanise.search_key); both written by the reference load.
    name_en: Mapped[str | None] = mapped_column(Text)
    search_key: Mapped[str | None] = mapped_column(Text)
    parent_adcode: Mapped[str | None] = mapped_column(ForeignKey("regions.adcode"), index=True)
    geom: Mapped[object] = mapped_column(Geometry("MULTIPOLYGON", srid=4326, spatial_index=True), nullable=False)
