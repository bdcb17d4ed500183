"""The overview tiles' grid counts (carrier_cells, migration 0015), recounted whole.

The carriers' triggers keep the counts current write by write, except in a bulk load
(`investmap.bulk`, app/loaders/demo.py): merging a COPY of 250,000 carriers cell by cell took
minutes where one recount takes about 40 s, so a bulk load calls `rebuild_cells` before it
commits, as it calls `refresh_carrier_features` for the stored Features.
"""

from sqlalchemy import text
from sqlalchemy.orm import Session


def rebuild_cells(session: Session) -> int:
    """Recount carrier_cells from the carriers, in the session's transaction; its row count."""
    rows: int = session.execute(text("SELECT carrier_cells_rebuild()")).scalar_one()
    return rows
