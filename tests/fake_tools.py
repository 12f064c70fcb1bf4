"""Stand-in commands (systemctl, crontab) for tests that run with ``fake_bin``
(conftest.py) as the whole PATH."""

from __future__ import annotations

from pathlib import Path


def fake_tool(folder: Path, name: str, body: str) -> None:
    """A shell script ``name`` in ``folder`` that runs ``body``."""
    path = folder / name
    path.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    path.chmod(0o755)
