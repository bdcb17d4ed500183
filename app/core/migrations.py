"""Where the Alembic migrations are, and which revision is their head."""

from functools import lru_cache

from alembic.config import Config
from alembic.script import ScriptDirectory

from app.core.settings import PROJECT_ROOT


def alembic_config() -> Config:
    return Config(str(PROJECT_ROOT / "alembic.ini"))


@lru_cache
def head_revision() -> str | None:
    """The revision `investmap db migrate` brings a database to (read once: the files do not change)."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()
