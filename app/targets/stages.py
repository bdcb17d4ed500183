"""The stages a target moves through, and which moves are allowed.

线索 lead → 接洽 contacted → 考察 visit → 洽谈 negotiating → 签约 signed, forward only and one stage
at a time, as offices work; skipping a stage (a lead that signs after one meeting) is allowed when
the officer confirms it (`confirm_skip`) and says why. Any open stage may be dropped (放弃, with a
reason); a dropped target may be reopened as a lead. Signing asks for the signing data and creates
the project (POST /targets/{id}/signing), so the plain transition refuses it; it is final, save
that an admin may undo it for a while (app/projects/signing.py).

`check_forward` is the step rule of every funnel (the projects' too).
"""

from collections.abc import Sequence

from app.core.codes import LabelledEnum
from app.core.errors import Conflict, InvalidInput
from app.targets.models import TargetStage as S

FUNNEL = (S.LEAD, S.CONTACTED, S.VISIT, S.NEGOTIATING, S.SIGNED)
OPEN = FUNNEL[:-1]


def name(stage: LabelledEnum) -> str:
    return f"{stage.zh} {stage.value}"


def arrow(current: LabelledEnum, to: LabelledEnum) -> tuple[str, str]:
    return f"{name(current)} → {name(to)}", f"{current.zh} → {to.zh}"


def check_forward(
    funnel: Sequence[LabelledEnum], current: LabelledEnum, to: LabelledEnum, confirm_skip: bool, reason: str | None
) -> None:
    """Forward one stage; a skip only confirmed and with a reason (422 naming the missing field);
    backwards never (409)."""
    move, move_zh = arrow(current, to)
    here, there = funnel.index(current), funnel.index(to)
    if there < here:
        order = " → ".join(s.zh for s in funnel)
        raise Conflict(f"{move}: stages only move forward ({order})", f"{move_zh}：阶段只能向前推进（{order}）")
    if there <= here + 1:
        return
    skipped = "、".join(s.zh for s in funnel[here + 1 : there])
    if not confirm_skip:
        raise InvalidInput.one(
            "confirm_skip",
            f"{move} skips {skipped}: confirm the skip (confirm_skip: true) and give a reason",
            f"{move_zh} 跳过了{skipped}：请确认跳过（confirm_skip: true）并填写原因",
        )
    if reason is None:
        raise InvalidInput.one("reason", f"{move} skips {skipped}: say why", f"{move_zh} 跳过了{skipped}：请填写原因")


def check_move(current: S, to: S, confirm_skip: bool = False, reason: str | None = None) -> None:
    """Nothing if `current` → `to` is allowed, else 409 (or 422 for an unconfirmed skip) saying why."""
    move, move_zh = arrow(current, to)
    if to == current:
        raise Conflict(f"{move}: the target is already at this stage", f"{move_zh}：该目标已处于此阶段")
    if current == S.SIGNED:
        raise Conflict(
            f"{move}: signing is final, the target has become a project", f"{move_zh}：已签约，目标已转为项目，不能再变更阶段"
        )
    if current == S.DROPPED:
        if to != S.LEAD:
            raise Conflict(
                f"{move}: a dropped target can only be reopened as a lead", f"{move_zh}：已放弃的目标只能重新作为线索开启"
            )
        return
    if to == S.DROPPED:
        return
    check_forward(FUNNEL, current, to, confirm_skip, reason)
