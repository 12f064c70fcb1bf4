"""The house rules: imports run one way (the import-linter contract), no module
imports itself back through a circle, and subpackage fronts hand on nothing."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "facecoach"


def test_imports_run_one_way() -> None:
    lint = Path(sys.executable).parent / "lint-imports"
    command = str(lint) if lint.exists() else shutil.which("lint-imports")
    if command is None:
        pytest.skip("import-linter is not installed")
    result = subprocess.run(
        [command, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _subpackages() -> list[Path]:
    return sorted(p for p in PACKAGE.iterdir() if (p / "__init__.py").exists())


@pytest.mark.parametrize("package", _subpackages(), ids=lambda p: p.name)
def test_a_subpackage_front_is_only_a_docstring(package: Path) -> None:
    tree = ast.parse((package / "__init__.py").read_text(encoding="utf-8"))
    assert ast.get_docstring(tree), f"{package.name}/__init__.py says what the package holds"
    assert len(tree.body) == 1, f"{package.name}/__init__.py: import from the defining module"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, name: str) -> set[str]:
    """The facecoach modules ``path`` imports anywhere in it, for type checking too
    (a circle drawn only for the types still ties the modules' meanings together)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("facecoach"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.startswith("facecoach"):
                found.add(target)
    return found


def test_no_import_circle() -> None:
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = {
        name: {m for m in _imports(path, name) if m in modules and m != name}
        for name, path in modules.items()
    }
    # Importing a module imports its packages' fronts too; those are docstrings
    # (the test above), so the edges that matter are module to module.
    state: dict[str, int] = {}
    circles: list[list[str]] = []

    def visit(name: str, trail: list[str]) -> None:
        state[name] = 1
        for nxt in sorted(graph[name]):
            if state.get(nxt) == 1:
                circles.append([*trail[trail.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert not circles, "\n".join(" -> ".join(c) for c in circles)


def test_tests_import_nothing_from_scripts() -> None:
    # What tests and benchmarks share lives in tests/; a test of a script runs
    # it from its file. So scripts can change without breaking the tests.
    scripts = {p.stem for p in (ROOT / "scripts").glob("*.py")}
    for path in sorted((ROOT / "tests").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr == "path":
                on_sys = isinstance(node.value, ast.Name) and node.value.id == "sys"
                assert not on_sys, f"{path.name}:{node.lineno} uses sys.path"
                continue
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module]
            else:
                continue
            taken = {name.split(".")[0] for name in names} & scripts
            assert not taken, f"{path.name}:{node.lineno} imports {taken} from scripts/"


def test_the_model_test_modules_are_test_files() -> None:
    # A renamed model test would otherwise silently lose its second run.
    from conftest import MODEL_TEST_MODULES

    files = {p.stem for p in (ROOT / "tests").glob("test_*.py")}
    assert sorted(MODEL_TEST_MODULES - files) == []
