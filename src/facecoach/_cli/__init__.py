"""The command line: arguments become settings here, and nothing below sees them."""

from __future__ import annotations

from .main import build_parser, main

__all__ = ["build_parser", "main"]
