"""What a brochure says, typed: one scope's data as gathered in SQL (gather.py), before any
rendering. Every row keeps the source and as-of date of the record it comes from; a section is
an empty list when the scope has no data for it, and the template leaves it out."""

from datetime import date
from enum import Enum
from typing import Any

from pydantic import BaseModel, Field


class Scope(str, Enum):
    PARK = "park"
    COUNTY = "county"
    CITY = "city"
    CLUSTER = "cluster"
    CHAIN = "chain"


class Edition(str, Enum):
    PUBLIC = "public"
    INTERNAL = "internal"  # staff only: adds contacts, gap analysis and target lists


class Lang(str, Enum):
    ZH = "zh"
    EN = "en"


class LandSort(str, Enum):
    """How the land and factory tables choose their best rows."""

    AREA = "area"  # largest first
    PRICE = "price"  # cheapest first (land: 万元/亩, factories: rent)


class Sourced(BaseModel):
    source: str | None = None
    as_of: date | None = None
    is_demo: bool = False


class Figure(Sourced):
    """One key figure: `key` names its label (render.py), `value` is a number or a text."""

    key: str
    value: float | int | str
    unit: str | None = None
    basis: str | None = None  # what an area is (park_area_kind: planned, land use ...), which names it


class ParkRow(Sourced):
    id: int
    name: str
    level: str
    type: str
    region_name: str | None = None
    approved_area_ha: float | None = None
    leading_industries: list[str] = Field(default_factory=list)


class CarrierRow(Sourced):
    id: int
    name: str
    kind: str
    park_name: str
    status: str
    area_m2: float
    area_mu: float
    land_use: str | None = None
    plot_ratio_min: float | None = None
    plot_ratio_max: float | None = None
    price_wan_per_mu: float | None = None
    rent_yuan_m2_month: float | None = None
    sale_price_yuan_m2: float | None = None
    floors: int | None = None
    storey_height_m: float | None = None
    floor_load_t_m2: float | None = None
    is_standard_land: bool = False
    investment_intensity_wan_per_mu: float | None = None
    tax_per_mu_wan: float | None = None
    energy_tce_per_wan: float | None = None


class LinkRow(BaseModel):
    """A chain link in the scope: `enterprises` local published enterprises work on it (or below
    it). The public wording is only "strong" (some) or "sought" (none, investment welcome)."""

    chain_id: int
    chain_name: str
    name: str
    position: str
    depth: int
    enterprises: int
    gap_class: str | None = None  # internal edition only: 缺 / 弱 / covered under the deployment's thresholds


class EnterpriseRow(Sourced):
    name: str
    park_name: str | None = None
    tags: list[str] = Field(default_factory=list)


class Contact(BaseModel):
    park_name: str
    name: str
    role: str | None = None
    phone: str | None = None
    email: str | None = None


class DistanceRow(Sourced):
    """A park's nearest published facility of one kind, the straight-line (geodesic) distance;
    `source`, `as_of` and `is_demo` are the facility's."""

    park_id: int
    park_name: str
    kind: str
    facility: str
    km: float
    precision: str  # how closely the facility's point is known: exact, town, county, city


class ServiceDesk(BaseModel):
    """What the public may call or visit for a park: its investment hotline, website and
    service centre (public fields; the officers' own contacts are the internal `Contact`)."""

    park_name: str
    hotline: str | None = None
    website: str | None = None
    address: str | None = None


class PolicyRow(BaseModel):
    """An investment policy a park of the scope publishes (public)."""

    park_name: str
    title: str
    issuer: str
    issued_on: date | None = None
    summary: str | None = None
    url: str | None = None


class GapRow(Sourced):
    """A gap an officer recorded for an area of the scope (internal edition only)."""

    chain_name: str
    link_name: str
    gap_class: str
    priority: str
    reason: str


class TargetRow(BaseModel):
    """An enterprise on a target list for the scope (internal edition only)."""

    enterprise: str
    chain_name: str
    link_name: str
    stage: str
    priority: str
    owner: str | None = None
    next_action: str | None = None


class Brochure(BaseModel):
    scope: Scope
    key: str
    edition: Edition
    name: str
    subtitle: str | None = None  # a park's county, a county's city, a cluster's tier
    profile: str | None = None
    head: Sourced = Field(default_factory=Sourced)  # the scope's own record's provenance
    figures: list[Figure] = Field(default_factory=list)
    parks: list[ParkRow] = Field(default_factory=list)
    land: list[CarrierRow] = Field(default_factory=list)
    factories: list[CarrierRow] = Field(default_factory=list)
    links: list[LinkRow] = Field(default_factory=list)
    enterprises: list[EnterpriseRow] = Field(default_factory=list)
    distances: list[DistanceRow] = Field(default_factory=list)
    desks: list[ServiceDesk] = Field(default_factory=list)
    policies: list[PolicyRow] = Field(default_factory=list)
    contacts: list[Contact] = Field(default_factory=list)
    gaps: list[GapRow] = Field(default_factory=list)
    targets: list[TargetRow] = Field(default_factory=list)

    @property
    def has_demo(self) -> bool:
        rows: list[Any] = [self.head, *self.figures, *self.parks, *self.land, *self.factories, *self.enterprises, *self.distances]
        return any(r.is_demo for r in rows)

    def sources(self) -> list[tuple[str, date | None]]:
        """The distinct sources the brochure cites, in the order they first appear."""
        rows: list[Sourced] = [self.head, *self.figures, *self.parks, *self.land, *self.factories, *self.enterprises]
        rows += self.distances
        seen: dict[tuple[str, date | None], None] = {}
        for r in rows:
            if r.source:
                seen.setdefault((r.source, r.as_of), None)
        return list(seen)
