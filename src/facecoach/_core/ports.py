"""The small interfaces that join the live loop to its command sources.

The live loop (sound out) owns the clock and the output path; command sources
(keyboard, voice) push what they hear into it. Voice input asks the gate
whether a stretch of audio overlaps the coach's own speech, using the exact
times the output path reports.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, Protocol

from .commands import Command

__all__ = [
    "GUARD_SECONDS",
    "Clock",
    "CommandSource",
    "HeardCommand",
    "Hearing",
    "SourceLost",
    "SpeechGate",
]

GUARD_SECONDS = 0.3
"""Default: after the coach stops speaking, the microphone counts again this much later."""


class Clock(Protocol):
    """A monotonic clock in seconds (``time.monotonic`` or a fake)."""

    def __call__(self) -> float: ...


@dataclass(frozen=True)
class HeardCommand:
    """A command a source recognised, at monotonic time ``at``."""

    command: Command
    text: str
    at: float
    source: Literal["voice", "keyboard", "screen", "script"]


@dataclass(frozen=True)
class SourceLost:
    """A command source stopped hearing by itself (the microphone went away)."""

    source: str
    """What it was, as the person knows it ("microphone: default")."""
    reason: str


Hearing = HeardCommand | SourceLost
"""What a command source hands to the live loop."""

SpeechGate = Callable[[float, float], bool]
"""``gate(start, end)`` is True when audio heard between those monotonic times
must be ignored because the coach was speaking then (plus the guard)."""


class CommandSource(Protocol):
    """Something that hears commands: the keyboard, a microphone, a script."""

    def start(self, emit: Callable[[Hearing], None]) -> None:
        """Begin hearing; call ``emit`` (from any thread) for each command.

        A source that stops by itself (its device gone) emits ``SourceLost``.
        """

    def stop(self) -> None:
        """Stop hearing and release the device. Safe to call twice."""
