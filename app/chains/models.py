"""Industrial chains (产业链): a tree of links (环节) per chain, the clusters it serves, and the
gaps officers record by hand. Coverage and computed gaps are queries (coverage.py), never stored."""

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.core.codes import LabelledEnum, register, sql_in
from app.core.database import Base
from app.core.provenance import ProvenanceColumns


@register("link_position")
class LinkPosition(LabelledEnum):
    UPSTREAM = ("upstream", "上游", "upstream")
    MIDSTREAM = ("midstream", "中游", "midstream")
    DOWNSTREAM = ("downstream", "下游", "downstream")


@register("gap_class")
class GapClass(LabelledEnum):
    MISSING = ("missing", "缺", "missing: no local enterprise")
    WEAK = ("weak", "弱", "weak: few or small local enterprises")
    COVERED = ("covered", "已覆盖", "covered")


@register("priority")
class Priority(LabelledEnum):
    HIGH = ("high", "高", "high")
    MEDIUM = ("medium", "中", "medium")
    LOW = ("low", "低", "low")


@register("area_kind")
class AreaKind(LabelledEnum):
    REGION = ("region", "行政区", "region (province, city or county)")
    PARK = ("park", "园区", "park")
    CLUSTER = ("cluster", "产业集群所属园区", "the parks of a cluster")


class Chain(ProvenanceColumns, Base):
    __tablename__ = "chains"
    __table_args__ = (CheckConstraint("length(name) BETWEEN 1 AND 200", name="name_length"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text, nullable=False, unique=True)
    description: Mapped[str | None] = mapped_column(Text)


class ChainCluster(Base):
    __tablename__ = "chain_clusters"

    chain_id: Mapped[int] = mapped_column(ForeignKey("chains.id", ondelete="CASCADE"), primary_key=True)
    cluster_id: Mapped[int] = mapped_column(ForeignKey("clusters.id", ondelete="CASCADE"), primary_key=True, index=True)


class ChainLink(Base):
    """One link of a chain. `depth`, `sort_key` (tree order: up → mid → downstream, then `ord`) and
    `lineage` (the ids from the root down to the link itself) are derived from the parent pointers
    by service.reindex after every write, so reads and coverage need no recursive query. A child
    sits in its root's position."""

    __tablename__ = "chain_links"
    __table_args__ = (
        UniqueConstraint("chain_id", "name"),
        UniqueConstraint("chain_id", "id"),
        # A parent must be a link of the same chain.
        ForeignKeyConstraint(
            ["chain_id", "parent_id"], ["chain_links.chain_id", "chain_links.id"], name="fk_chain_links_parent_id_same_chain"
        ),
        CheckConstraint(sql_in("position", LinkPosition), name="position"),
        CheckConstraint("parent_id IS NULL OR parent_id <> id", name="parent_not_self"),
        CheckConstraint("length(name) BETWEEN 1 AND 100", name="name_length"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chain_id: Mapped[int] = mapped_column(ForeignKey("chains.id", ondelete="CASCADE"), nullable=False)
    parent_id: Mapped[int | None] = mapped_column(Integer, index=True)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    position: Mapped[str] = mapped_column(Text, nullable=False)
    ord: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")
    industry_codes: Mapped[list[str]] = mapped_column(ARRAY(String(5)), nullable=False, server_default="{}")
    keywords: Mapped[list[str]] = mapped_column(ARRAY(Text), nullable=False, server_default="{}")
    # The GB/T 4754-2017 class title of each code, so a reader sees what the code is.
    industry_classes: Mapped[dict[str, str]] = mapped_column(JSONB, nullable=False, server_default=text("'{}'::jsonb"))
    description: Mapped[str | None] = mapped_column(Text)
    # The public descriptions the link is drawn from (the chain's own provenance covers the rest).
    source: Mapped[str | None] = mapped_column(Text)
    depth: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")
    sort_key: Mapped[list[int]] = mapped_column(ARRAY(Integer), nullable=False, server_default="{}")
    lineage: Mapped[list[int]] = mapped_column(ARRAY(Integer), nullable=False, server_default="{}")
    # The ETag of a link and when it last changed, kept by the touch trigger like every record's.
    row_version: Mapped[int] = mapped_column(Integer, nullable=False, server_default="1")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now())


class AreaColumns:
    """Where a gap or a target is to be filled: exactly one of a region, a park or a cluster's parks."""

    region_adcode: Mapped[str | None] = mapped_column(ForeignKey("regions.adcode"), index=True)
    park_id: Mapped[int | None] = mapped_column(ForeignKey("parks.id"), index=True)
    cluster_id: Mapped[int | None] = mapped_column(ForeignKey("clusters.id"), index=True)


ONE_AREA = "num_nonnulls(region_adcode, park_id, cluster_id) = 1"


class ChainGap(AreaColumns, ProvenanceColumns, Base):
    """A gap an officer records by hand (the data never knows everything)."""

    __tablename__ = "chain_gaps"
    __table_args__ = (
        CheckConstraint(ONE_AREA, name="one_area"),
        # Only what the data can be short of: "covered" is never recorded by hand.
        CheckConstraint("gap_class IN ('missing', 'weak')", name="gap_class"),
        CheckConstraint(sql_in("priority", Priority), name="priority"),
        # One record per link and area; NULLS NOT DISTINCT makes the two unused area columns count.
        UniqueConstraint("link_id", "region_adcode", "park_id", "cluster_id", postgresql_nulls_not_distinct=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("chain_links.id"), nullable=False, index=True)
    gap_class: Mapped[str] = mapped_column(Text, nullable=False)
    priority: Mapped[str] = mapped_column(Text, nullable=False, server_default="medium")
    reason: Mapped[str] = mapped_column(Text, nullable=False)
