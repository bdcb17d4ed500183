from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ADCODE = r"^\d{6}$"


class LoginIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=200)


class Me(BaseModel):
    """Who is signed in; `csrf_token` must be sent back as X-CSRF-Token on writes."""

    name: str
    display_name: str
    role: str
    regions: list[str]
    csrf_token: str | None = None


class UserIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(pattern=r"^[A-Za-z0-9_.-]{3,64}$")
    display_name: str = Field(min_length=1, max_length=100)
    role: Literal["officer", "leader", "admin"]
    region_adcodes: list[str] = Field(default_factory=list, description="write scope: city or county adcodes")
    park_ids: list[int] = Field(default_factory=list, description="optional: only these parks")
    password: str | None = Field(default=None, min_length=10, max_length=200, description="generated when omitted")


class UserPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    display_name: str | None = Field(default=None, min_length=1, max_length=100)
    role: Literal["officer", "leader", "admin"] | None = None
    region_adcodes: list[str] | None = None
    park_ids: list[int] | None = None
    disabled: bool | None = None


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    display_name: str
    role: str
    region_adcodes: list[str]
    park_ids: list[int]
    disabled: bool
    locked_until: datetime | None
    created_at: datetime


class UserCreated(UserOut):
    password: str = Field(description="shown once / 仅显示一次")


class KeyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    collections: list[str] = Field(min_length=1, description="what it may read, e.g. parks, carriers; "
                                  "* for every public one (officers' layers such as gaps only by name)")
    access: Literal["read", "write"] = "read"
    region_adcodes: list[str] = Field(default_factory=list, description="write scope for write keys")
    expires_at: datetime | None = None


class KeyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    prefix: str
    collections: list[str]
    access: str
    region_adcodes: list[str]
    expires_at: datetime | None
    revoked_at: datetime | None
    created_at: datetime
    last_used_at: datetime | None


class KeyCreated(KeyOut):
    key: str = Field(description="the secret, shown once / 仅显示一次")
