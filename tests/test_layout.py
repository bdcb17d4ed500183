"""The tests mirror the source tree: tests/<package>/ for app/<package>/, the page's tests in
tests/browser/, the probe's findings in tests/security/ and tests/durability/, shared helpers in
tests/support/; and no fixture is named like a test."""

import ast

from app.core.settings import PROJECT_ROOT

TESTS = PROJECT_ROOT / "tests"
OWN_FOLDERS = {"browser", "security", "durability", "support", "migrations"}
AT_THE_TOP = {"conftest.py", "__init__.py", "test_architecture.py", "test_dependencies.py", "test_layout.py"}


def test_each_test_folder_is_a_package_of_app_or_one_of_its_own() -> None:
    packages = {p.name for p in (PROJECT_ROOT / "app").iterdir() if (p / "__init__.py").exists()}
    folders = {p.name for p in TESTS.iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert folders - packages - OWN_FOLDERS == set()
    assert all((TESTS / folder / "__init__.py").exists() for folder in folders)
    assert {p.name for p in TESTS.glob("*.py")} == AT_THE_TOP


def test_no_fixture_is_named_like_a_test() -> None:
    def is_fixture(decorator: ast.expr) -> bool:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        return ast.unparse(target) in ("pytest.fixture", "fixture")

    named = [
        f"{path.relative_to(TESTS)}: {node.name}"
        for path in TESTS.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_") and any(is_fixture(d) for d in node.decorator_list)
    ]
    assert named == []
