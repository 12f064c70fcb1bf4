"""How a command fails: one line for the person and the exit status, said in one place."""

from __future__ import annotations

__all__ = ["CommandFailed"]


class CommandFailed(Exception):
    """A command cannot go on. ``main`` prints the message after ``facecoach:``
    and ends with ``status`` (the README's exit codes)."""

    status: int = 1

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        if status is not None:
            self.status = status
