"""The clock of one timed step: its deadline and the marks inside it (pure).

A hold or rest ends on its deadline; inside it come marks: the ticks of its
last seconds and, for long holds that ask, a spoken "halfway". A pause
freezes what is left of all of them, and resuming lays them out again from
the new time, so a paused hold goes on exactly where it stopped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = ["Mark", "StepTimer", "marks_for"]

Mark = Literal["tick", "halfway"]

_EPSILON = 1e-9


def marks_for(
    t: float, seconds: float, *, ticks: int, halfway: bool = False
) -> list[tuple[float, Mark]]:
    """The marks of a step of ``seconds`` starting at ``t``, in time order.

    ``ticks``: the last this many whole seconds before the end each get a
    tick (none at the start itself). ``halfway``: one "halfway" at the middle.
    """
    deadline = t + seconds
    marks: list[tuple[float, Mark]] = [
        (deadline - k, "tick") for k in range(ticks, 0, -1) if deadline - k > t + _EPSILON
    ]
    if halfway:
        marks.append((t + seconds / 2, "halfway"))
    return sorted(marks, key=lambda mark: mark[0])


@dataclass
class StepTimer:
    """The deadline of the running step and its marks; frozen while paused."""

    deadline: float | None = None
    marks: list[tuple[float, Mark]] = field(default_factory=list)
    _left: float | None = None
    _frozen: list[tuple[float, Mark]] = field(default_factory=list)

    def start(self, deadline: float, marks: list[tuple[float, Mark]] | None = None) -> None:
        """Run until ``deadline``, with ``marks`` on the way."""
        self.deadline, self.marks = deadline, list(marks or [])

    def clear(self) -> None:
        """No timed step runs (speaking, or ended)."""
        self.deadline, self.marks = None, []

    @property
    def next_time(self) -> float | None:
        """When something is next due: the first mark or the deadline."""
        times = [x for x in (self.deadline, *(m[0] for m in self.marks[:1])) if x is not None]
        return min(times) if times else None

    def due_mark(self, t: float) -> Mark | None:
        """Take the first mark due by ``t`` (and before the deadline), if any."""
        if not self.marks:
            return None
        at, name = self.marks[0]
        if at <= t and (self.deadline is None or at < self.deadline):
            self.marks.pop(0)
            return name
        return None

    def due(self, t: float) -> bool:
        """True when the deadline has come by ``t``."""
        return self.deadline is not None and self.deadline <= t + _EPSILON

    def remaining(self, t: float) -> float | None:
        """Seconds left of the step (frozen while paused); None when none runs."""
        if self._left is not None:
            return self._left
        return None if self.deadline is None else max(0.0, self.deadline - t)

    def freeze(self, t: float) -> None:
        """Keep what is left at ``t`` (a pause)."""
        if self.deadline is not None:
            self._left = max(0.0, self.deadline - t)
            self._frozen = [(at - t, name) for at, name in self.marks]
        self.clear()

    def thaw(self, t: float) -> bool:
        """Lay out what was left again from ``t``; False when nothing was frozen."""
        left, frozen = self._left, self._frozen
        self._left, self._frozen = None, []
        if left is None:
            return False
        self.start(t + left, [(t + offset, name) for offset, name in frozen])
        return True

    def forget(self) -> None:
        """Drop what a pause kept (the step is left, not resumed)."""
        self._left, self._frozen = None, []
