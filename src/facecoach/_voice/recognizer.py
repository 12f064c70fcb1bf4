"""The recogniser interface: 16 kHz mono int16 audio in, command decisions out.

Engines (PocketSphinx, Vosk) sit behind ``Recognizer``; the voice layer and
``facecoach listen`` only ever call ``feed`` and ``flush``. The signal
processing the engines share (speech segments, tone rejection) is in
``segmenter``. Times in a
``Decision`` are seconds of audio since the first sample fed, so a file and a
microphone give the same figures; ``emitted`` is how much audio had been fed
when the decision was made (the latency the person feels, minus processing).

``ScriptedListener`` is the fake of the same shape: it "hears" a script of
commands at given audio times, for tests of everything above the engine.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from .._core.commands import Command

__all__ = [
    "RATE",
    "Decision",
    "Recognizer",
    "ScriptedListener",
    "accepted",
]

RATE = 16_000
"""Samples per second every recogniser is fed."""

Samples = npt.NDArray[np.int16]


@dataclass(frozen=True)
class Decision:
    """What a recogniser made of one stretch of speech.

    ``command`` is None when the speech was heard but rejected (not a command,
    too long, too unsure); ``reason`` then says why, for ``listen --verbose``
    and the benchmark.
    """

    command: Command | None
    text: str
    """The words decoded (the phrase for a command)."""
    start: float
    """Audio seconds where the speech began."""
    end: float
    """Audio seconds where the speech ended."""
    emitted: float
    """Audio seconds fed when the decision was made."""
    score: float = 0.0
    """Engine-specific confidence (higher is surer)."""
    reason: str = ""
    """Why it was rejected ("" when accepted)."""

    def as_json(self) -> dict[str, object]:
        """The ``listen --json`` object: command, text, start, end, emitted."""
        return {
            "command": self.command.value if self.command is not None else None,
            "text": self.text,
            "start": round(self.start, 3),
            "end": round(self.end, 3),
            "emitted": round(self.emitted, 3),
        }


class Recognizer(Protocol):
    """A streaming command recogniser."""

    description: str
    """Engine and model, shown at start ("pocketsphinx (built-in en-us model)")."""

    def feed(self, samples: Samples) -> list[Decision]:
        """Take the next block of 16 kHz mono int16 audio; return decisions made."""
        ...

    def flush(self) -> list[Decision]:
        """End of input: decide on any speech still open."""
        ...


def accepted(decisions: Iterable[Decision]) -> list[Decision]:
    """Only the decisions that are commands."""
    return [d for d in decisions if d.command is not None]


class ScriptedListener:
    """A fake recogniser that hears a fixed script, by audio time.

    Each entry ``(command, text, start, end)`` is emitted as soon as audio up
    to ``end + delay`` has been fed. Entries whose command is None are emitted
    as rejections, like a real engine hearing chatter.
    """

    def __init__(
        self,
        script: Sequence[tuple[Command | None, str, float, float]],
        delay: float = 0.2,
        description: str = "scripted listener",
    ) -> None:
        self.description = description
        self._script = sorted(script, key=lambda e: e[3])
        self._delay = delay
        self._fed = 0
        self._next = 0
        self.blocks: list[int] = []
        """Sizes of the blocks fed, for tests of the callers."""

    def _due(self, now: float, final: bool) -> list[Decision]:
        out: list[Decision] = []
        while self._next < len(self._script):
            command, text, start, end = self._script[self._next]
            emitted = end + self._delay
            if emitted > now and not final:
                break
            reason = "" if command is not None else "not a command"
            out.append(Decision(command, text, start, end, min(emitted, now), 1.0, reason))
            self._next += 1
        return out

    def feed(self, samples: Samples) -> list[Decision]:
        """Advance the audio clock by the block; return entries now due."""
        self.blocks.append(int(np.asarray(samples).size))
        self._fed += int(np.asarray(samples).size)
        return self._due(self._fed / RATE, final=False)

    def flush(self) -> list[Decision]:
        """Return every entry not yet emitted."""
        return self._due(self._fed / RATE, final=True)
