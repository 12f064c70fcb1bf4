"""The local web app (``facecoach serve``) and the printable sheet (``facecoach sheet``).

Loaded on first use: ``facecoach sheet`` needs Jinja2 only, not the web server.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .app import ServeSettings, make_app
    from .serve import serve
    from .sheet import render_sheet, sheet_blocks

_HOME = {
    "ServeSettings": "app",
    "make_app": "app",
    "render_sheet": "sheet",
    "serve": "serve",
    "sheet_blocks": "sheet",
}


def __getattr__(name: str) -> object:
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


__all__ = ["ServeSettings", "make_app", "render_sheet", "serve", "sheet_blocks"]
