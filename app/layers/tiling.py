"""How a layer is drawn in vector tiles, declared beside the layer (see app/layers/catalogue.py)."""

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement

from app.core.columns import ColumnExpr
from app.layers.overview import Cells


class Overview(StrEnum):
    """What a tile below the layer's detail zoom shows."""

    POINTS = "points"  # every feature, drawn at its stored point (parks: a few dozen)
    GRID = "grid"  # features counted per grid cell, one point per cell (plots: hundreds of thousands)


@dataclass(frozen=True)
class TileRule:
    fields: tuple[str, ...]  # names in the layer's output written as tile properties (scalars only)
    minzoom: int = 0
    maxzoom: int = 16
    detail_zoom: int = 0  # from this zoom on, each feature is drawn with `detail` geometry
    overview: Overview = Overview.POINTS
    # The stored, indexed point used below detail_zoom; None when detail_zoom is 0.
    point: ColumnExpr[Any] | None = None
    # The geometry drawn from detail_zoom on, when it is not the layer's own (parks: outline or point).
    detail: ColumnElement[Any] | None = None
    # The precomputed grid counts of a GRID overview (app/layers/overview.py); None: counted per request.
    cells: Cells | None = None
