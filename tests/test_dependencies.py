"""Every third-party import of the service, its CLI, the tests and the benches is a declared
dependency, and every declared dependency is imported by one of them: nothing rides in through
another package (pandas through geopandas), nothing is installed for nobody."""

import ast
import re
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions

from app.core.settings import PROJECT_ROOT

SOURCES = ("app", "tests", "bench", "migrations")
# Declared for what they plug in or run, not for an import: psycopg's compiled driver (SQLAlchemy
# loads it by URL); pytest's plugin that runs the suite on several cores (pytest-xdist); the commands
# `make lint` and the fuzz test run (ruff, mypy, schemathesis).
USED_WITHOUT_IMPORT = {"psycopg", "pytest-xdist", "ruff", "mypy", "schemathesis"}
# The geodata extra builds the shipped boundary files once (geodata/build_regions.py), not at run time.
EXTRAS_NOT_CHECKED = {"geodata"}


def _declared() -> set[str]:
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    requirements = list(project["dependencies"])
    for extra, items in project["optional-dependencies"].items():
        if extra not in EXTRAS_NOT_CHECKED:
            requirements += items
    return {_normalise(re.split(r"[\[<>=!~ ;]", r, maxsplit=1)[0]) for r in requirements}


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _imported_distributions() -> set[str]:
    top_levels: set[str] = set()
    # The tracked files only: a local virtualenv (bench/.venv-tipg) is not the project's code.
    tracked = subprocess.run(
        ["git", "ls-files", "--", *(f"{folder}/*.py" for folder in SOURCES)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    for name in tracked:
        path = PROJECT_ROOT / name
        if path.exists():
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Import):
                    top_levels.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    top_levels.add(node.module.split(".")[0])
    owners = packages_distributions()
    third_party = top_levels - set(sys.stdlib_module_names) - {"app", "tests"}
    return {_normalise(dist) for name in third_party for dist in owners.get(name, [name])}


def test_every_import_is_declared() -> None:
    assert _imported_distributions() - _declared() == set()


def _is_stub(name: str) -> bool:
    """Type stubs are read by mypy (`make lint`), never imported."""
    return name.startswith("types-") or name.endswith("-stubs")


def test_every_declared_dependency_is_imported() -> None:
    unused = _declared() - _imported_distributions() - USED_WITHOUT_IMPORT
    assert {name for name in unused if not _is_stub(name)} == set()
