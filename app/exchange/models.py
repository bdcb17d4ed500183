from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.core.database import Base


class ImportMapping(Base):
    """The column mapping (header → field) a park's last committed carrier import was given: the
    land bureau sends the same sheet every quarter, so its next import starts from it."""

    __tablename__ = "import_mappings"

    park_id: Mapped[int] = mapped_column(ForeignKey("parks.id", ondelete="CASCADE"), primary_key=True)
    mapping: Mapped[dict[str, str]] = mapped_column(JSONB, nullable=False)
    saved_by: Mapped[str] = mapped_column(Text, nullable=False)
    saved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now())
