"""The import rules of ARCHITECTURE.md, checked on the source (every import, also inside functions).

The packages stand in levels: core at the bottom, geo on it, the domains, the layer catalogue, the
front doors (/ogc, /tiles, the web page's endpoints, search, the REST routers, the loaders), the
entry points (the app, the CLI, the model registry) on top. A module imports only modules of lower
levels or of its own package; the domains are in an order of their own, and a domain reads a
domain above it only through that domain's models, each such read listed here (and, in the same
words, in ARCHITECTURE.md). No import circle, of packages or of modules.
"""

import ast
from collections.abc import Iterator

from app.core.settings import PROJECT_ROOT

APP = PROJECT_ROOT / "app"
CORE, GEO, DOMAINS, LAYERS, FRONT, ENTRY = range(6)
# The domains, bottom first: each may use any domain below it.
DOMAIN_ORDER = (
    "regions",
    "infrastructure",
    "carriers",
    "clusters",
    "parks",
    "sites",
    "chains",
    "enterprises",
    "targets",
    "projects",
    "dashboard",
    "audit",
    "accounts",
    "inquiries",
)
# Reads of the models of a domain above: (reader, read) -> why. ARCHITECTURE.md names each as `reader → read.models`.
MODEL_READS = {
    ("carriers", "parks"): "a carrier is visible only with its park, and shows its name",
    ("clusters", "parks"): "a cluster lists the parks its reader may see, and its writes check their scope",
    ("chains", "enterprises"): "coverage counts the enterprises on a link; a link with some is not deleted",
    ("chains", "targets"): "a gap's target list; a link with targets is not deleted",
    ("enterprises", "targets"): "an enterprise that targets court is not deleted",
}
FRONT_DOORS = ("ogc", "tiles", "web", "search", "loaders", "brochures", "exchange")
ENTRY_POINTS = ("main", "cli", "models")
ROUTERS = ("router", "gaps_router")  # the REST routers of the domains: front doors too


def level(module: str) -> int:
    parts = module.split(".")[1:]
    package = parts[0]
    if package == "core":
        return CORE
    if package == "geo":
        return GEO
    if package in DOMAIN_ORDER:
        return FRONT if parts[-1] in ROUTERS else DOMAINS
    if package == "layers":
        return LAYERS
    if package in FRONT_DOORS:
        return FRONT
    assert package in ENTRY_POINTS, f"{module}: a package with no level in ARCHITECTURE.md"
    return ENTRY


def package(module: str) -> str:
    return module.split(".")[1]


def modules() -> dict[str, ast.Module]:
    found = {}
    for path in APP.rglob("*.py"):
        name = ".".join(path.relative_to(PROJECT_ROOT).with_suffix("").parts).removesuffix(".__init__")
        if name != "app":
            found[name] = ast.parse(path.read_text(), str(path))
    return found


def imports(tree: ast.Module, known: dict[str, ast.Module]) -> Iterator[str]:
    """The app modules `tree` imports (`from app.parks import queries` is app.parks.queries)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names if a.name.startswith("app."))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("app."):
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                yield sub if sub in known else node.module


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: set(imports(tree, known)) - {name} for name, tree in known.items()}


def violation(importer: str, imported: str) -> str | None:
    a, b = level(importer), level(imported)
    if a > b or package(importer) == package(imported) and a >= b:
        return None
    if a == b == DOMAINS:
        reader, read = package(importer), package(imported)
        if DOMAIN_ORDER.index(reader) > DOMAIN_ORDER.index(read):
            return None
        if imported == f"app.{read}.models" and (reader, read) in MODEL_READS:
            return None
        return f"{importer} -> {imported}: a domain reads a domain above it only through its models, as listed"
    return f"{importer} -> {imported}: from level {a} to level {b}" + (" (a sibling)" if a == b else " (upwards)")


def cycle(edges: dict[str, set[str]]) -> list[str]:
    """One import circle of `edges`, or []."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        state[node] = 2
        path.pop()
        return []

    for start in sorted(edges):
        if start not in state and (found := visit(start)):
            return found
    return []


def test_no_import_goes_up_or_sideways() -> None:
    edges = graph()
    assert len(edges) > 100
    assert [
        v for importer, targets in sorted(edges.items()) for imported in sorted(targets) if (v := violation(importer, imported))
    ] == []


def test_no_import_circle_of_modules_or_packages() -> None:
    edges = graph()
    assert cycle(edges) == []
    # Packages: a domain's model reads of a domain above are the only way back down.
    packages: dict[str, set[str]] = {}
    for importer, targets in edges.items():
        for imported in targets:
            read = (package(importer), package(imported))
            if (
                read[0] != read[1]
                and not (read in MODEL_READS and imported.endswith(".models"))
                and level(importer) != ENTRY
                and level(importer) >= level(imported)
            ):
                packages.setdefault(read[0], set()).add(read[1])
    assert cycle(packages) == []


def test_every_listed_model_read_is_used_and_named_in_architecture_md() -> None:
    edges = graph()
    used = {
        (package(i), package(m))
        for i, targets in edges.items()
        for m in targets
        if level(i) == level(m) == DOMAINS
        and m.endswith(".models")
        and DOMAIN_ORDER.index(package(i)) < DOMAIN_ORDER.index(package(m))
    }
    assert used == set(MODEL_READS)
    architecture = (PROJECT_ROOT / "ARCHITECTURE.md").read_text()
    assert [pair for pair in MODEL_READS if f"`{pair[0]} → {pair[1]}.models`" not in architecture] == []


def test_ogc_and_tiles_are_siblings_that_share_only_the_layers() -> None:
    edges = graph()
    for door, other in (("ogc", "tiles"), ("tiles", "ogc")):
        reached = {m for i, targets in edges.items() if package(i) == door for m in targets}
        assert not any(package(m) == other for m in reached)
        assert any(package(m) == "layers" for m in reached)
