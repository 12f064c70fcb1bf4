"""What the live loop shows the person through: the ``View`` interface and a silent one."""

from __future__ import annotations

from typing import Protocol

from .._core.events import Effect
from .._core.ports import HeardCommand

__all__ = ["NullView", "View"]


class View(Protocol):
    """What the person sees. ``t`` is session time in seconds."""

    def effect(self, t: float, effect: Effect) -> None:
        """Something the session did."""

    def heard(self, t: float, heard: HeardCommand) -> None:
        """A command arrived."""

    def message(self, text: str) -> None:
        """A notice for the person (device lost, resumed, ...)."""

    def refresh(self, t: float) -> None:
        """Redraw now."""

    def close(self) -> None:
        """Leave the screen tidy."""


class NullView:
    """A view that shows nothing but keeps the messages (tests, export)."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def effect(self, t: float, effect: Effect) -> None:
        """Ignored."""

    def heard(self, t: float, heard: HeardCommand) -> None:
        """Ignored."""

    def message(self, text: str) -> None:
        """Kept in ``messages``."""
        self.messages.append(text)

    def refresh(self, t: float) -> None:
        """Nothing to draw."""

    def close(self) -> None:
        """Nothing to close."""
