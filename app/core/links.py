"""Links between records, and the write scope they need.

A link belongs to both records it joins: a park's clusters are the cluster's parks, a target's
intended park is a target aimed at that park. So a write that adds or removes a link to
another record needs that record inside the writer's scope as well, by the same rule as
editing it (its counties, and the park itself for writers limited to some parks); otherwise
403, naming the field, the record and where it lies. Links a write leaves as they are are not
checked: editing the name of one's park stays allowed when the park is in a cluster of several
cities. Deleting a record takes its links with it and needs only the record's own scope.

Not links in this sense, so never checked: regions, the province's chains and their links
(the shared catalogue every region files enterprises, gaps and targets under) and external
enterprises (the candidates every region's target lists may hold): a write naming them
changes nothing of theirs that others rely on.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from app.core.auth import Principal
from app.core.errors import Forbidden, Problem

Stored = dict[str, Any]


@dataclass(frozen=True)
class Linked:
    """A record a write links to or unlinks from, and where it lies."""

    field: str  # the field of the write that names it, e.g. "cluster_ids"
    what: tuple[str, str]  # (English, Chinese) noun
    id: int
    counties: frozenset[str]  # county adcodes, as write scopes count them
    park_id: int | None  # the park itself, for writers limited to some parks
    place: str  # where it lies, for the message: "赣州市 360700"


# (session, the record before the write or None for a create, the record after) -> linked records
LinksOf = Callable[[Session, Stored | None, Stored], list[Linked]]


def no_links(session: Session, before: Stored | None, after: Stored) -> list[Linked]:
    return []


def changed(before: Stored | None, after: Stored, field: str) -> list[int]:
    """The ids `field` (an id list or a single id) gains or loses in this write."""

    def ids(record: Stored | None) -> set[int]:
        value = None if record is None else record.get(field)
        return set(value) if isinstance(value, list) else set() if value is None else {value}

    return sorted(ids(before) ^ ids(after))


def require_links(user: Principal, linked: list[Linked]) -> None:
    """403 for the first linked record outside the writer's scope."""
    for rec in linked:
        if not user.may_write_in(set(rec.counties), rec.park_id):
            en, zh = rec.what
            problem = Problem(
                rec.field,
                f"{en} {rec.id} lies in {rec.place}, outside your write scope",
                f"{zh} {rec.id} 位于 {rec.place}，不在您的可编辑范围内",
            )
            raise Forbidden(
                f"{rec.field}: {en} {rec.id} ({rec.place}) is outside your write scope; a link changes both "
                "records, so both must be in your scope",
                f"{rec.field}：{zh} {rec.id}（{rec.place}）不在您的可编辑范围内；关联会同时改变双方记录，双方都须在您的范围内",
                [problem],
            )
