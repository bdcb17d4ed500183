"""Provenance carried by every record: where it came from, as of when, demo or real, public or not."""

from datetime import date, datetime
from typing import Any

from pydantic import Field
from sqlalchemy import Boolean, ColumnElement, Date, DateTime, Integer, Text, and_, func, or_, true
from sqlalchemy.orm import Mapped, mapped_column

from app.core.auth import Principal
from app.core.codes import LabelledEnum, register
from app.core.dates import IsoDate
from app.core.inputs import JsonIn
from app.core.settings import settings


@register("source_kind")
class SourceKind(LabelledEnum):
    """How close a cited source is to the one who issued it; a repost is shown as 转载."""

    PRIMARY = ("primary", "原始发布", "issuing government page")
    OFFICIAL_MEDIA = ("official_media", "官方媒体", "official media")
    REPOST = ("repost", "转载", "repost")
    DOCUMENT = ("document", "文件", "document reference")


class ProvenanceColumns:
    """Mixin for models. `published` defaults to false so nothing reaches the public unreviewed."""

    source: Mapped[str] = mapped_column(Text, nullable=False)
    as_of: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now(), onupdate=func.now()
    )
    is_demo: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default="false")
    published: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default="false", index=True)
    # Bumped by a trigger on every update; reads send it as the ETag, updates must send it back.
    row_version: Mapped[int] = mapped_column(Integer, nullable=False, server_default="1")


class ProvenanceIn(JsonIn):
    """Provenance fields a writer sets (updated_at is the server's)."""

    source: str = Field(min_length=1, max_length=2000, description="where the record comes from / 数据来源")
    as_of: IsoDate | None = Field(default=None, description="date the source describes / 数据时点")
    is_demo: bool = Field(default=False, description="generated demo data, not a real listing / 演示数据")
    published: bool = Field(default=False, description="visible to the public / 是否公开")


class ProvenanceOut(ProvenanceIn):
    updated_at: datetime


def provenance_fields(model: type) -> dict[str, object]:
    """Output expressions of the provenance columns, for the SQL JSON builders."""
    return {name: getattr(model, name) for name in ("source", "as_of", "updated_at", "is_demo", "published")}


def published_or_own(user: Principal, published: Any, own: Any, is_demo: Any = None) -> ColumnElement[bool]:
    """Staff see everything; a write key also sees the unpublished records it may edit (`own`);
    everyone else sees published records only, and demo records (`is_demo`) only where the
    deployment shows them to the public (INVESTMAP_DEMO_PUBLIC). Every read of a record, and of
    the names of records it refers to (a park's clusters), applies this one rule."""
    if user.sees_unpublished:
        return true()
    if is_demo is not None and not settings().demo.public:
        published = and_(published, ~is_demo)
    return or_(published, own) if user.write_counties else published
