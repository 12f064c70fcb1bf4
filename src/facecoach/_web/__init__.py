"""The local web app (``facecoach serve``) and the printable sheet (``facecoach sheet``).

Loaded on first use: ``facecoach sheet`` needs Jinja2 only, not the web server.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_names

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


__getattr__ = lazy_names(__name__, _HOME)


__all__ = ["ServeSettings", "make_app", "render_sheet", "serve", "sheet_blocks"]
