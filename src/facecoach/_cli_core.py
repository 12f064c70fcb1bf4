"""Core commands: validate, plan, run (in progress)."""

from __future__ import annotations

import argparse

__all__ = ["register"]


def register(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add the core subcommands to the parser."""
