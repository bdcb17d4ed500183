"""Request and response bodies of sign-in and administration. Requests are strict: a JSON
`0` is not `false`, `"7"` is not 7, and an unknown field is an error, not ignored."""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict

from app.core.dates import AwareIsoDateTime

ADCODE = r"^\d{6}$"
USERNAME = r"^[A-Za-z0-9_.-]{3,64}$"
Adcode = Annotated[str, Field(pattern=ADCODE)]
Password = Annotated[str, Field(min_length=1, max_length=200)]


# Strict models refuse text for datetimes, but JSON has no other way to send one.
TextDatetime = Annotated[AwareIsoDateTime, Strict(False)]


class StrictIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class LoginIn(StrictIn):
    username: str = Field(min_length=1, max_length=64)
    password: Password


class PasswordIn(StrictIn):
    current_password: Password
    new_password: Password = Field(
        description="at least 10 characters (INVESTMAP_MIN_PASSWORD_LENGTH), not a common password, not the username"
    )


class Me(BaseModel):
    """Who is signed in; `csrf_token` must be sent back as X-CSRF-Token on writes. With
    `must_change_password` every other call answers 403 `password_change_required` until
    POST /auth/password."""

    name: str
    display_name: str
    role: str
    regions: list[str]
    csrf_token: str | None = None
    must_change_password: bool = False


class UserIn(StrictIn):
    username: str = Field(pattern=USERNAME)
    display_name: str = Field(min_length=1, max_length=100)
    role: Literal["officer", "leader", "admin"]
    region_adcodes: list[Adcode] = Field(default_factory=list, max_length=200, description="write scope: city or county adcodes")
    park_ids: list[int] = Field(default_factory=list, max_length=1000, description="optional: only these parks")
    password: Password | None = Field(
        default=None, description="generated when omitted; one-time either way: the user must change it at the first sign-in"
    )


class UserPatch(StrictIn):
    display_name: str | None = Field(default=None, min_length=1, max_length=100)
    role: Literal["officer", "leader", "admin"] | None = None
    region_adcodes: list[Adcode] | None = Field(default=None, max_length=200)
    park_ids: list[int] | None = Field(default=None, max_length=1000)
    disabled: bool | None = Field(default=None, description="true ends the user's sessions")


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    display_name: str
    role: str
    region_adcodes: list[str]
    park_ids: list[int]
    disabled: bool
    must_change_password: bool
    locked_until: datetime | None = Field(default=None, description="locked for every address until then")
    created_at: datetime


class UserCreated(UserOut):
    password: str = Field(description="shown once / 仅显示一次")


class PasswordReset(BaseModel):
    username: str
    password: str = Field(description="a new one-time password, shown once / 新的一次性密码，仅显示一次")


class KeyIn(StrictIn):
    name: str = Field(min_length=1, max_length=100)
    collections: list[str] = Field(
        min_length=1,
        max_length=20,
        description="what it may read: parks, carriers, "
        "clusters, regions, chains, enterprises, gaps; * for every public one "
        "(officers' layers such as gaps only by name)",
    )
    access: Literal["read", "write"] = "read"
    region_adcodes: list[Adcode] = Field(default_factory=list, max_length=200, description="write scope for write keys")
    expires_at: TextDatetime | None = Field(default=None, description="in the future, with its time zone")


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
