"""Why a run cannot start, as one message and an exit status."""

from __future__ import annotations

__all__ = ["RunRefused"]


class RunRefused(Exception):
    """The session cannot start: print the message, exit with ``status``."""

    def __init__(self, message: str, status: int, plain: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.plain = message if plain is None else plain
        """The message without terminal commands, for the web app."""
