"""The one-way dependency rule (docs/architecture.md, "The dependency rule"), kept true by a
test: no two modules of lms/ and lrs/ import each other, even through others or from inside a
function, and the LRS imports nothing of the LMS."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("lms", "lrs")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            found[module_name(path)] = path
    return found


def imported(node: ast.Import | ast.ImportFrom, importer: str, is_package: bool) -> list[str]:
    """The names an import statement reads, as absolute dotted names (a `from x import y`
    gives x.y, which is a module or a name in x)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        package = importer.split(".") if is_package else importer.split(".")[:-1]
        package = package[: len(package) - (node.level - 1)]
        base = ".".join([*package, base] if base else package)
    return [f"{base}.{alias.name}" for alias in node.names] + [base]


def resolve(name: str, known: dict[str, Path]) -> str | None:
    """The module of ours a dotted name is, or is in; None for another library's."""
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name or None


def run_time_imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import the module can run, anywhere in it; those under `if TYPE_CHECKING:` are
    read by type checkers only and never run."""
    found: list[ast.Import | ast.ImportFrom] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.orelse:
                visit(child)
            return
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def import_graph() -> dict[str, set[str]]:
    """Every module's imports of our modules, at module level and inside functions (the whole
    syntax tree is walked, but for type checkers' imports). Importing `a.b.c` runs the packages
    `a` and `a.b` first, but their `__init__` files import nothing, so an edge goes to the
    module named only."""
    known = modules()
    graph: dict[str, set[str]] = {name: set() for name in known}
    for name, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in run_time_imports(tree):
            for target in imported(node, name, path.name == "__init__.py"):
                module = resolve(target, known)
                if module is not None and module != name:
                    graph[name].add(module)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each a circle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_module_of_lms_or_lrs_is_in_an_import_circle():
    found = cycles(import_graph())
    assert found == [], "import circles (module-level or inside functions): " + "; ".join(
        " <-> ".join(circle) for circle in found
    )


def test_the_lrs_imports_nothing_of_the_lms():
    graph = import_graph()
    wrong = sorted(
        f"{module} imports {target}"
        for module, targets in graph.items()
        if module.split(".")[0] == "lrs"
        for target in targets
        if target.split(".")[0] == "lms"
    )
    assert wrong == []


def test_the_graph_sees_imports_inside_functions_and_relative_imports():
    """The test can fail: a circle made only by an import inside a function is found."""
    graph = {"lms.a": {"lms.b"}, "lms.b": {"lms.a"}, "lms.c": {"lms.a"}}
    assert cycles(graph) == [["lms.a", "lms.b"]]
    source = "def f():\n    from lms.catalog import services\n"
    node = next(n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.ImportFrom))
    assert resolve(imported(node, "lms.web", False)[0], modules()) == "lms.catalog.services"
    relative = ast.parse("from ..db import db").body[0]
    assert isinstance(relative, ast.ImportFrom)
    assert resolve(imported(relative, "lms.catalog.services", False)[0], modules()) == "lms.db"
    assert "lms.catalog.services" in import_graph()["lms.catalog.views"]
    typed = ast.parse(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from lms import db\n"
    )
    assert [node.module for node in run_time_imports(typed)] == ["typing"]


# The areas of lms/ in their line (docs/architecture.md, "The areas"): an area's modules that are
# not views import only their own area and areas before it.
AREAS = (
    "accounts",
    "catalog",
    "packages",
    "player",
    "customization",
    "facilitation",
    "training",
    "bridge",
    "reports",
)
TOP_LAYER = ("views", "admin_views", "staff_views", "forms")


def area_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "lms" and len(parts) > 1 and parts[1] in AREAS else None


def test_an_area_imports_no_area_after_it_except_from_its_views():
    wrong = []
    for module, targets in import_graph().items():
        area = area_of(module)
        if area is None or module.rsplit(".", 1)[-1] in TOP_LAYER:
            continue
        for target in targets:
            other = area_of(target)
            if other is not None and AREAS.index(other) > AREAS.index(area):
                wrong.append(f"{module} imports {target}")
    assert sorted(wrong) == [], "announce an event instead (docs/architecture.md)"


# The LRS's public parts for the LMS: its Python API, its errors, its validation rules. The app
# factory mounts its HTTP blueprint on its engine settings, the one migration history builds
# its tables, and `lms lrs serve` serves the LRS's own app alone; nothing else of the LMS
# reaches into the LRS's storage or operations.
LRS_PUBLIC = ("lrs.api", "lrs.errors", "lrs.spec")
LRS_MOUNTING = {
    "lms.app": ("lrs.http.blueprint", "lrs.backend.engine"),
    "lms.cli": ("lrs.app",),
    "lms.models_registry": ("lrs.backend.schema",),
}


def test_the_lms_reaches_the_lrs_through_its_public_parts_only():
    wrong = []
    for module, targets in import_graph().items():
        if module.split(".")[0] != "lms" or module.startswith("lms.migrations."):
            continue
        allowed = LRS_PUBLIC + LRS_MOUNTING.get(module, ())
        for target in targets:
            public = any(target == name or target.startswith(name + ".") for name in allowed)
            if target.split(".")[0] == "lrs" and not public:
                wrong.append(f"{module} imports {target}")
    assert sorted(wrong) == []
