"""Enterprises (企业): local ones make up a chain's coverage, external ones are the candidates
of target lists. Identified by the 统一社会信用代码 (USCC, GB 32100-2015)."""

from geoalchemy2 import Geometry
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from app.core.codes import LabelledEnum, register
from app.core.database import Base
from app.core.provenance import ProvenanceColumns
from app.enterprises.uscc import DEMO_DIVISION


@register("enterprise_tag")
class EnterpriseTag(LabelledEnum):
    HIGH_TECH = ("high_tech", "高新技术企业", "high-tech enterprise")
    SRDI_SME = ("srdi_sme", "专精特新中小企业", "specialised and innovative (SRDI) SME")
    LITTLE_GIANT = ("little_giant", "专精特新“小巨人”", "SRDI 'little giant'")
    SINGLE_CHAMPION = ("single_champion", "制造业单项冠军", "manufacturing single champion")
    CHAIN_LEADER = ("chain_leader", "链主", "chain leader")


# The 33 characters GB 32100-2015 allows: digits and capitals without I, O, S, V, Z.
USCC_PATTERN = "^[0-9A-HJ-NP-RTUWXY]{2}[0-9]{6}[0-9A-HJ-NP-RTUWXY]{10}$"


class Enterprise(ProvenanceColumns, Base):
    __tablename__ = "enterprises"
    __table_args__ = (
        CheckConstraint(f"uscc ~ '{USCC_PATTERN}'", name="uscc_format"),
        CheckConstraint(f"tags <@ ARRAY[{', '.join(repr(v) for v in EnterpriseTag.values())}]::text[]", name="tags"),
        CheckConstraint("revenue_yi >= 0", name="revenue_nonnegative"),
        CheckConstraint("employees >= 0", name="employees_nonnegative"),
        CheckConstraint("year BETWEEN 1949 AND 2100", name="year"),
        # A local enterprise is one in Jiangxi: its county is known; only local ones sit in a park.
        CheckConstraint("NOT is_local OR region_adcode IS NOT NULL", name="local_has_region"),
        CheckConstraint("is_local OR park_id IS NULL", name="park_only_local"),
        CheckConstraint("length(name) BETWEEN 1 AND 200", name="name_length"),
        # Demo records can never pass for real (issue 16): their codes use a division no registry
        # issues (app/enterprises/uscc.py), and none of them leads a chain.
        CheckConstraint(f"(substr(uscc, 3, 6) = '{DEMO_DIVISION}') = is_demo", name="demo_uscc"),
        CheckConstraint("NOT (is_demo AND 'chain_leader' = ANY(tags))", name="demo_not_leader"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    uscc: Mapped[str] = mapped_column(String(18), nullable=False, unique=True)
    location: Mapped[object] = mapped_column(Geometry("POINT", srid=4326, spatial_index=True), nullable=False)
    region_adcode: Mapped[str | None] = mapped_column(ForeignKey("regions.adcode"), index=True)
    park_id: Mapped[int | None] = mapped_column(ForeignKey("parks.id"), index=True)
    is_local: Mapped[bool] = mapped_column(Boolean, nullable=False, index=True)
    tags: Mapped[list[str]] = mapped_column(ARRAY(Text), nullable=False, server_default="{}")
    revenue_yi: Mapped[float | None] = mapped_column(Numeric(14, 2))
    employees: Mapped[int | None] = mapped_column(Integer)
    year: Mapped[int | None] = mapped_column(Integer)


class EnterpriseLink(Base):
    """The chain links an enterprise works on."""

    __tablename__ = "enterprise_links"

    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id", ondelete="CASCADE"), primary_key=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("chain_links.id"), primary_key=True, index=True)
