"""The stages a key project moves through: 签约 → 开工 → 投产 → 达产, forward one stage at a time
(a skip confirmed, with a reason: the step rule of app/targets/stages.py); 停缓建 suspended from
any open stage and resumed at the stage it had reached (or forward from it); 终止 terminated from
any stage but 达产. 达产 and 终止 are final."""

from app.core.errors import Conflict
from app.projects.models import ProjectStage as S
from app.targets.stages import arrow, check_forward

FUNNEL: tuple[S, ...] = (S.SIGNED, S.STARTED, S.PRODUCING, S.FULL)
FINAL = (S.FULL, S.TERMINATED)


def check_move(current: S, reached: S, to: S, confirm_skip: bool, reason: str | None) -> None:
    """`reached`: the furthest funnel stage the project has dates for (its stage, unless suspended)."""
    move, move_zh = arrow(current, to)
    if to == current:
        raise Conflict(f"{move}: the project is already at this stage", f"{move_zh}：该项目已处于此阶段")
    if current in FINAL:
        raise Conflict(f"{move}: {current.value} is final", f"{move_zh}：项目已{current.zh}，不能再变更阶段")
    if to == S.TERMINATED:
        return
    if to == S.SUSPENDED:
        return
    if current == S.SUSPENDED and to == reached:
        return
    check_forward(FUNNEL, reached, to, confirm_skip, reason)
