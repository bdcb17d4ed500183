"""Writes of targets and their stage moves; every move is kept with who made it and when."""

from typing import Any

from fastapi import Request
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.chains.areas import area_scope, require_area, stored_area
from app.chains.models import AreaKind, ChainGap, ChainLink
from app.core.crud import assign, other_holder
from app.core.errors import Conflict, InvalidInput
from app.core.links import Linked, Stored, changed
from app.enterprises.models import Enterprise
from app.parks.models import linked_parks
from app.targets import hooks
from app.targets.models import Target, TargetStage, TargetStageChange
from app.targets.schemas import MoveIn, TargetIn
from app.targets.stages import check_move

AREA = ("region_adcode", "park_id", "cluster_id")
_SCALARS = (
    "enterprise_id",
    "gap_id",
    "link_id",
    *AREA,
    "priority",
    "owner",
    "intended_park_id",
    "next_action",
    "next_action_date",
    "notes",
    "source",
    "as_of",
    "is_demo",
    "published",
)


def _from_gap(session: Session, data: TargetIn) -> None:
    """A target on a recorded gap takes the gap's link and area; others given must agree."""
    gap = session.get(ChainGap, data.gap_id)
    if gap is None:
        raise InvalidInput.one("gap_id", f"unknown gap {data.gap_id}", f"未知的短板记录 {data.gap_id}")
    for name in ("link_id", *AREA):
        given, own = getattr(data, name), getattr(gap, name)
        if given is not None and given != own:
            raise InvalidInput.one(
                name, f"gap {gap.id} has {name} {own}, not {given}", f"短板 {gap.id} 的 {name} 为 {own}，而非 {given}"
            )
        setattr(data, name, own)


def _check(session: Session, data: TargetIn) -> None:
    enterprise = session.get(Enterprise, data.enterprise_id)
    if enterprise is None:
        raise InvalidInput.one("enterprise_id", f"unknown enterprise {data.enterprise_id}", f"未知的企业 {data.enterprise_id}")
    if enterprise.is_local:
        raise InvalidInput.one(
            "enterprise_id",
            f"enterprise {enterprise.id} is local: targets are external enterprises",
            f"企业 {enterprise.id} 是本地企业：招商目标应为外地企业",
        )
    if data.gap_id is not None:
        _from_gap(session, data)
    if session.get(ChainLink, data.link_id) is None:
        raise InvalidInput.one("link_id", f"unknown chain link {data.link_id}", f"未知的产业链环节 {data.link_id}")
    require_area(session, *stored_area(data))
    if data.intended_park_id is not None:
        require_area(session, AreaKind.PARK, str(data.intended_park_id), "intended_park_id")


def _record(session: Session, target_id: int, frm: str | None, to: str, reason: str | None) -> None:
    # changed_by is filled in by the database: the writer this request named for the audit trail.
    session.add(TargetStageChange(target_id=target_id, from_stage=frm, to_stage=to, reason=reason))


def save(session: Session, data: TargetIn, target: Target | None = None) -> int:
    _check(session, data)
    same = select(Target.id).where(
        Target.enterprise_id == data.enterprise_id,
        Target.link_id == data.link_id,
        *[getattr(Target, k).is_not_distinct_from(getattr(data, k)) for k in AREA],
    )
    if (taken := other_holder(session, same, target)) is not None:
        raise Conflict(
            f"enterprise {data.enterprise_id} is already on the list of this link and area (target {taken})",
            f"企业 {data.enterprise_id} 已在该环节与区域的目标清单中（目标 {taken}）",
        )
    new = target is None
    target = assign(session, target or Target(stage=TargetStage.LEAD.value), data, _SCALARS)
    session.flush()
    if new:
        _record(session, target.id, None, TargetStage.LEAD.value, None)
        session.flush()
    return target.id


WHAT = ("target", "招商目标")


def scope_of(session: Session, fields: dict[str, Any]) -> tuple[set[str], int | None]:
    """A target is written by those whose scope holds its area (a recorded gap's, if it has one)."""
    if fields.get("gap_id") is not None and not any(fields.get(k) for k in AREA):
        gap = session.get(ChainGap, fields["gap_id"])
        if gap is not None:
            return area_scope(session, {k: getattr(gap, k) for k in AREA})
    return area_scope(session, fields)


def links(session: Session, before: Stored | None, after: Stored) -> list[Linked]:
    """A target aimed at a park is on that park's lists (filter intended_park): the park must be in scope."""
    return linked_parks(session, changed(before, after, "intended_park_id"), "intended_park_id")


def patch_base(target: Target, stored: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    if "stage" in patch:
        raise InvalidInput.one(
            "stage",
            "the stage changes through POST /targets/{id}/transitions, which keeps its history",
            "阶段须通过 POST /targets/{id}/transitions 变更（以保留变更记录）",
        )
    if stored["gap_id"] is not None:
        # Copied from the gap: a patch that moves the target to another gap takes that gap's.
        return {k: v for k, v in stored.items() if k not in ("link_id", *AREA)}
    return stored


def move(session: Session, target: Target, data: MoveIn) -> None:
    """Move the target (locked by the caller) to `data.to`, or 409 saying why not."""
    # Looks the member up by value; mypy reads LabelledEnum.__new__(value, zh, en) as the call's signature.
    frm = TargetStage(target.stage)  # type: ignore[call-arg]
    check_move(frm, data.to)
    target.stage = data.to.value
    target.stage_changed_at = func.now()
    target.drop_reason = data.reason if data.to == TargetStage.DROPPED else None
    target.signed_at = func.now() if data.to == TargetStage.SIGNED else None
    _record(session, target.id, frm.value, data.to.value, data.reason)
    session.flush()
    if data.to == TargetStage.SIGNED:
        hooks.signed(session, target.id)


def before_delete(session: Session, target: Target, request: Request) -> None:
    if target.stage == TargetStage.SIGNED.value:
        raise Conflict(
            f"target {target.id} is signed: it is the origin of a project and stays on record",
            f"目标 {target.id} 已签约，是项目的来源，须保留",
        )
