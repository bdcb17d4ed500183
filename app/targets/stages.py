"""The stages a target moves through, and which moves are allowed.

线索 lead → 接洽 contacted → 考察 visit → 洽谈 negotiating → 签约 signed, forward only (a stage may be
skipped: a lead can sign after one meeting). Any open stage may be dropped (放弃, with a reason);
a dropped target may be reopened as a lead. Signing is final: the target has become a project.
"""

from app.core.errors import Conflict
from app.targets.models import TargetStage as S

FUNNEL = (S.LEAD, S.CONTACTED, S.VISIT, S.NEGOTIATING, S.SIGNED)
OPEN = FUNNEL[:-1]


def _name(stage: S) -> str:
    return f"{stage.zh} {stage.value}"


def check_move(current: S, to: S) -> None:
    """Nothing if `current` → `to` is allowed, else 409 saying why."""
    move, move_zh = f"{_name(current)} → {_name(to)}", f"{current.zh} → {to.zh}"
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
    if FUNNEL.index(to) < FUNNEL.index(current):
        raise Conflict(
            f"{move}: stages only move forward (线索 → 接洽 → 考察 → 洽谈 → 签约)",
            f"{move_zh}：阶段只能向前推进（线索 → 接洽 → 考察 → 洽谈 → 签约）",
        )
