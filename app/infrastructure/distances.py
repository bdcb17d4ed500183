"""Nearest-facility distances recomputed set-based, for writers that defer the triggers.

The triggers (migrations 0014, 0018) keep `facility_distances` current statement by statement,
except in a bulk load (`investmap.bulk`) or inside `deferred(session)`: there the writer calls
`rebuild` (everything) or `refresh` (the rows it wrote) once before it commits. The same SQL
functions write `carrier_distances` (a carrier's kinds in one row, migration 0024) after it.
Measured at 250,000 carriers (bench/RESULTS.md): each facility a load inserted recomputed that
kind for every carrier (20-26 s each); a file import ran the triggers once per row; a bulk load's
COPY already ran them as one statement, about as long as one rebuild of everything (~65 s).
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.infrastructure.models import DistanceSubject


def _defer(session: Session, on: bool) -> None:
    session.execute(text("SELECT set_config('investmap.defer_distances', :on, true)"), {"on": "on" if on else "off"})


@contextmanager
def deferred(session: Session) -> Iterator[None]:
    """The distance triggers stand down for what the session writes inside the block (after an
    error the transaction is rolled back, and the setting, local to it, with it)."""
    _defer(session, True)
    yield
    _defer(session, False)


@contextmanager
def facility_writes(session: Session) -> Iterator[None]:
    """Facilities written in bulk (a load): no recomputing per statement, and once at the end
    for the kinds whose facilities changed what the distances depend on (none when the same
    file is loaded again)."""
    before = _fingerprints(session)
    with deferred(session):
        yield
    after = _fingerprints(session)
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    for subject in DistanceSubject if changed else ():
        session.execute(
            text("SELECT investmap_refresh_distances(:subject, NULL, CAST(:kinds AS text[]))"),
            {"subject": subject.value, "kinds": changed},
        )


def rebuild(session: Session) -> int:
    """Every park's and carrier's nearest facilities, recomputed in one pass; the row count."""
    rows: int = session.execute(text("SELECT investmap_distances_rebuild()")).scalar_one()
    return rows


def refresh(session: Session, subject: DistanceSubject, ids: Sequence[int]) -> None:
    """The nearest facilities of the parks or carriers `ids`, recomputed in one statement."""
    if ids:
        session.execute(
            text("SELECT investmap_refresh_distances(:subject, CAST(:ids AS int[]), NULL)"),
            {"subject": subject.value, "ids": list(ids)},
        )


def _fingerprints(session: Session) -> dict[str, str]:
    """Per kind, what the distances depend on among its facilities (publication, place), as a hash."""
    rows = session.execute(
        text(
            "SELECT kind, md5(string_agg(concat_ws('|', id, published, ST_AsEWKT(location)), ',' ORDER BY id)) "
            "FROM facilities GROUP BY kind"
        )
    ).all()
    return {kind: digest for kind, digest in rows}
