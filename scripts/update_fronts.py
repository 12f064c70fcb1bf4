"""Write each layer's front (``src/facecoach/_*/__init__.py``) from its modules' ``__all__``.

Run it after adding a module or a public name: ``python scripts/update_fronts.py``.
``_core`` and ``_person`` are light and import eagerly; the other fronts load each
name on first use. ``tests/test_layout.py`` fails when a front is out of step.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "facecoach"
FRONTS = {
    "_core": "The pure core: routines and their loader, the plan compiler, events and effects,\n"
    "the session state machine, the simulated clock and the ports sources plug into.\n\n"
    "Nothing here reads a clock, sleeps or touches a device.",
    "_person": "The person: profile, safety gate, schedule and rotation, hold adaptation,\n"
    "the history database and the report.",
    "_sound": "Sound out: the output interface and its memory fakes, the device stream, the\n"
    "mixer, cues, device listing and the speech engines.",
    "_voice": "Voice in: the recogniser interface and its fakes, the segmenters, one module\n"
    "per engine, language packs, models and their download, the microphone and\n"
    "the command source that joins them.",
    "_live": "A live run: the real-time loop, the terminal view, the keyboard, the wiring\n"
    "of a session to real adapters, and export to audio files.",
}
EAGER = {"_core", "_person"}


def _names(tree: ast.Module) -> tuple[list[str], set[str]]:
    """A module's ``__all__`` and the names it defines itself (not re-exports)."""
    exported: list[str] = []
    defined: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defined.add(node.name)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    defined.add(target.id)
                    if target.id == "__all__":
                        exported = list(ast.literal_eval(node.value))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            defined.add(node.target.id)
    return exported, defined


def homes(package: str) -> dict[str, str]:
    """Each public name of ``package`` and the module that defines it."""
    found: dict[str, str] = {}
    for path in sorted((PACKAGE / package).glob("*.py")):
        if path.name == "__init__.py":
            continue
        exported, defined = _names(ast.parse(path.read_text(encoding="utf-8")))
        for name in exported:
            if name in defined or name not in found:
                found[name] = path.stem
    return found


def front(package: str) -> str:
    """The text of ``package``'s ``__init__.py``."""
    by_module: dict[str, list[str]] = {}
    owner = homes(package)
    for name, module in sorted(owner.items()):
        by_module.setdefault(module, []).append(name)
    lines = [f'"""{FRONTS[package]}\n"""', "", "from __future__ import annotations", ""]
    indent = "" if package in EAGER else "    "
    if package not in EAGER:
        lines += ["from typing import TYPE_CHECKING", "", "from .._lazy import lazy_names", ""]
        lines.append("if TYPE_CHECKING:")
    for module, names in sorted(by_module.items()):
        lines.append(f"{indent}from .{module} import (")
        lines += [f"{indent}    {name}," for name in names]
        lines.append(f"{indent})")
    if package not in EAGER:
        lines += [
            "",
            "# Loaded on first use: importing one module of this package must not pull in",
            "# numpy, audio libraries or engines for all the others.",
            "_HOME = {",
        ]
        lines += [f'    "{name}": "{module}",' for name, module in sorted(owner.items())]
        lines += ["}", "", "__getattr__ = lazy_names(__name__, _HOME)"]
    lines += ["", "__all__ = ["] + [f'    "{name}",' for name in sorted(owner)] + ["]", ""]
    return "\n".join(lines)


def main() -> int:
    written = []
    for package in FRONTS:
        path = PACKAGE / package / "__init__.py"
        path.write_text(front(package), encoding="utf-8")
        written.append(str(path))
    ruff = Path(sys.executable).parent / "ruff"
    subprocess.run([str(ruff), "check", "--fix", "-q", *written], check=False)
    subprocess.run([str(ruff), "format", "-q", *written], check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
