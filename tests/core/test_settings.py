"""Every variable the service reads from the environment is in the README's configuration table,
and the table names no variable the service does not read (issue 10)."""

import ast
import re

from pydantic_settings import BaseSettings

from app.core.settings import PROJECT_ROOT, Settings

# Rows of the table that are not the service's: variables of the Makefile.
NOT_READ_BY_THE_SERVICE = {"PLOTS"}


def _readme_variables() -> set[str]:
    text = (PROJECT_ROOT / "README.md").read_text()
    table = text.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    return {name for row in rows for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", row.split("|")[1])}


def _settings_variables() -> set[str]:
    names = set()
    for block in Settings.model_fields.values():
        assert isinstance(block.annotation, type) and issubclass(block.annotation, BaseSettings)
        prefix = block.annotation.model_config.get("env_prefix", "")
        for name, field in block.annotation.model_fields.items():
            alias = field.validation_alias
            names.add(alias.upper() if isinstance(alias, str) else (prefix + name).upper())
    return names


def _read_directly() -> set[str]:
    """Names app/ reads from os.environ or os.getenv itself, bypassing the settings."""
    names = set()
    for path in (PROJECT_ROOT / "app").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            target = node.func if isinstance(node, ast.Call) else node.value if isinstance(node, ast.Subscript) else None
            if isinstance(target, ast.Attribute) and ast.unparse(target) in ("os.environ.get", "os.getenv", "os.environ"):
                args = node.args if isinstance(node, ast.Call) else [node.slice]  # type: ignore[attr-defined]
                names |= {a.value for a in args[:1] if isinstance(a, ast.Constant) and isinstance(a.value, str)}
    return names


def test_every_variable_read_is_in_the_readme() -> None:
    read = _settings_variables() | _read_directly()
    assert len(read) > 30
    assert read - _readme_variables() == set()


def test_the_readme_names_only_variables_that_are_read() -> None:
    assert _readme_variables() - NOT_READ_BY_THE_SERVICE - _settings_variables() - _read_directly() == set()
