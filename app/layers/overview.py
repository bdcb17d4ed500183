"""Overview tiles of the carrier layers from the precomputed grid counts (carrier_cells).

Below the detail zoom a land or factory tile draws carriers counted per cell of a 64 x 64 grid
(app/tiles/sql.py). Counting the carriers table per request costs in proportion to the carriers
in the tile; migration 0015 keeps the counts per level, cell and filter dimension instead, updated
by the carriers' triggers in the writing transaction, so a tile reads at most its cells times
the dimension combinations present in them, whatever the table holds.

What the counts are split by is what can be filtered on them exactly: the park (so every park
criterion and the park's visibility apply by its id), kind, status, land use, standard land and
published (the visibility rule, a write key's own drafts by their park's county), with totals over
status, land use and standard land for the tiles without carrier criteria. The other map
criteria (area, price, rent bounds) compare a carrier's own value and fall back to the raw count
(`rows` answers None), whose cost grows with the carriers in the tile.
"""

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from sqlalchemy import ColumnElement, Select, select

from app.carriers.models import carrier_cells
from app.core.auth import Principal
from app.core.provenance import published_or_own
from app.layers.criteria import split
from app.parks import queries as park_queries
from app.parks.models import Park, park_visible

CELLS = carrier_cells.c
# Criteria the detail rows are split by (their names in CarrierQuery; kind splits the totals too),
# and those only the raw rows answer.
AGGREGATED: dict[str, ColumnElement[Any]] = {
    "status": CELLS.status,
    "land_use": CELLS.land_use,
    "standard_land": CELLS.is_standard_land,
}
RAW_ONLY = ("min_area", "max_area", "max_price", "max_rent")
# A tile at zoom z draws the cells of level z + 6 (64 = 2^6 cells a side); the table holds levels 6-17.
LEVEL_OFFSET = 6
LEVELS = range(6, 18)


@dataclass(frozen=True)
class Cells:
    """A layer's carriers as counted cells; `where` is the layer's own rule on them (its kinds)."""

    where: tuple[ColumnElement[bool], ...]

    def rows(self, user: Principal, criteria: BaseModel | None) -> Select[Any] | None:
        """The cell rows `user` may see that match `criteria`; None when a criterion is not among
        the counts' dimensions (the tile is then counted from the carriers themselves)."""
        given = criteria.model_dump(exclude_unset=True, exclude_none=True) if criteria is not None else {}
        if any(name in given for name in RAW_ONLY):
            return None
        own = CELLS.park_id.in_(select(Park.id).where(Park.region_adcode.in_(user.write_counties)))
        stmt = select(carrier_cells).where(*self.where, published_or_own(user, CELLS.published, own))
        if criteria is None:
            return stmt.where(CELLS.total, CELLS.park_id.in_(select(Park.id).where(park_visible(user))))
        parks, carriers, _ = split(criteria, "carriers")
        stmt = stmt.where(CELLS.park_id.in_(park_queries.filtered(parks, user).with_only_columns(Park.id)))
        if carriers.kind is not None:
            stmt = stmt.where(CELLS.kind == carriers.kind)
        given_dimensions = {
            column: value for name, column in AGGREGATED.items() if (value := getattr(carriers, name)) is not None
        }
        # Without carrier criteria the totals answer (a row or two a cell), else the detail rows.
        return stmt.where(CELLS.total == (not given_dimensions), *[column == value for column, value in given_dimensions.items()])
