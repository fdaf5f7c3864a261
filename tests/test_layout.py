"""The tests' own layout rules (docs/architecture.md, "Tests"): a test module imports no other
test module. What tests share lives in tests/factories.py (models, through the services),
tests/builders/ (generated packages), tests/conftest.py, or the conftest.py and helpers.py of
its own test package or a package above it."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
SHARED = ("tests.factories", "tests.builders", "tests.conftest")


def dotted(path: Path) -> str:
    return ".".join(path.relative_to(TESTS.parent).with_suffix("").parts)


def allowed(importer: Path, target: str) -> bool:
    if target == "tests" or any(target == s or target.startswith(s + ".") for s in SHARED):
        return True
    package, _, name = target.rpartition(".")
    if name not in ("conftest", "helpers"):
        return False
    own = dotted(importer).rpartition(".")[0]
    return own == package or own.startswith(package + ".")  # its package or one above it


def test_no_test_module_imports_another_test_module():
    wrong = []
    for path in TESTS.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            module = node.module or "" if isinstance(node, ast.ImportFrom) else ""
            if module.startswith("tests") and not allowed(path, module):
                wrong.append(f"{dotted(path)} imports {module}")
    assert sorted(wrong) == []


def test_the_rule_can_fail():
    importer = TESTS / "lms" / "player" / "test_launch.py"
    assert not allowed(importer, "tests.lms.packages.helpers")
    assert not allowed(importer, "tests.lms.player.cmi5.conftest")
    assert allowed(importer, "tests.lms.player.conftest")
    assert allowed(TESTS / "lrs" / "http" / "test_x.py", "tests.lrs.helpers")
