from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Integer, Text, func
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from app.core.codes import LabelledEnum, register
from app.core.database import Base


@register("role")
class Role(LabelledEnum):
    PUBLIC = ("public", "公众", "public")
    OFFICER = ("officer", "招商专员", "investment promotion officer")
    LEADER = ("leader", "领导", "leader")
    ADMIN = ("admin", "管理员", "administrator")
    PARTNER = ("partner", "合作系统", "partner system (API key)")


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('officer', 'leader', 'admin')", name="role"),
        CheckConstraint("username ~ '^[A-Za-z0-9_.-]{3,64}$'", name="username"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(Text, nullable=False, unique=True)
    display_name: Mapped[str] = mapped_column(Text, nullable=False)
    password_hash: Mapped[str] = mapped_column(Text, nullable=False)
    role: Mapped[str] = mapped_column(Text, nullable=False)
    # Write scope of an officer: city or county adcodes (a city covers its counties), optionally parks.
    region_adcodes: Mapped[list[str]] = mapped_column(ARRAY(Text), nullable=False, server_default="{}")
    park_ids: Mapped[list[int]] = mapped_column(ARRAY(Integer), nullable=False, server_default="{}")
    disabled: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default="false")
    # Set when someone else chose the password (an admin's create or reset, the first admin):
    # until the user picks their own, the API answers only the password change and sign-out.
    must_change_password: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default="false")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now())


class LoginSession(Base):
    """A browser session. Only a hash of the cookie value is stored, so a leaked table opens nothing."""

    __tablename__ = "login_sessions"

    token_hash: Mapped[str] = mapped_column(Text, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    csrf_token: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now())
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class LoginThrottle(Base):
    """Failed sign-ins in the current window of one address, one account, or one account from one
    address (`scope` ip | account | account_ip). Kept apart from users, whose every change is audited."""

    __tablename__ = "login_throttle"

    scope: Mapped[str] = mapped_column(Text, primary_key=True)
    key: Mapped[str] = mapped_column(Text, primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, nullable=False)
    until: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, index=True)


class ApiKey(Base):
    """A partner system's key: named, scoped, expiring, revocable; the secret is stored hashed."""

    __tablename__ = "api_keys"
    __table_args__ = (CheckConstraint("access IN ('read', 'write')", name="access"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text, nullable=False, unique=True)
    prefix: Mapped[str] = mapped_column(Text, nullable=False, unique=True)
    secret_hash: Mapped[str] = mapped_column(Text, nullable=False)
    collections: Mapped[list[str]] = mapped_column(ARRAY(Text), nullable=False, server_default="{}")
    access: Mapped[str] = mapped_column(Text, nullable=False, server_default="read")
    region_adcodes: Mapped[list[str]] = mapped_column(ARRAY(Text), nullable=False, server_default="{}")
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now())
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
