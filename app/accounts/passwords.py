"""What a password must be: long enough, not one every guessing tool tries first, not the
username. Passwords the service generates pass by construction; people's are checked here."""

import secrets
from functools import cache
from pathlib import Path

from app.core.errors import InvalidInput
from app.core.settings import settings

MAX_LENGTH = 200


@cache
def _common() -> frozenset[str]:
    lines = Path(__file__).with_name("common_passwords.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def generate() -> str:
    """A one-time password to hand over: 16 characters of 64, about 96 random bits."""
    return secrets.token_urlsafe(12)


def check(password: str, username: str, field: str) -> None:
    """422 naming `field` unless `password` keeps the rules."""
    minimum = settings().accounts.min_password_length
    if len(password) < minimum:
        raise InvalidInput.one(field, f"too short: use at least {minimum} characters", f"密码过短：至少 {minimum} 个字符")
    if len(password) > MAX_LENGTH:
        raise InvalidInput.one(field, f"too long: use at most {MAX_LENGTH} characters", f"密码过长：最多 {MAX_LENGTH} 个字符")
    if password.strip().lower() in _common():
        raise InvalidInput.one(field, "too common: guessing tools try it first", "密码过于常见，容易被猜中")
    if password.strip().lower() == username.lower():
        raise InvalidInput.one(field, "must not be the username", "密码不能与用户名相同")
