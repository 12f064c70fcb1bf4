"""Why a run cannot start, as one message and an exit status."""

from __future__ import annotations

__all__ = ["RunRefused"]


class RunRefused(Exception):
    """The session cannot start: print the message, exit with ``status``."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status
