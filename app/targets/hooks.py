"""The moment a target signs is the moment a project is born. The project pipeline (a later issue)
registers a hook here; hooks run in the transaction of the stage change, so a hook that fails
leaves the target unsigned."""

from collections.abc import Callable

from sqlalchemy.orm import Session

SigningHook = Callable[[Session, int], None]
SIGNING_HOOKS: list[SigningHook] = []


def on_signing(hook: SigningHook) -> SigningHook:
    """Decorator: call `hook(session, target_id)` whenever a target is signed."""
    SIGNING_HOOKS.append(hook)
    return hook


def signed(session: Session, target_id: int) -> None:
    for hook in SIGNING_HOOKS:
        hook(session, target_id)
