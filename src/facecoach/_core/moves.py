"""Where "repeat" and "back" land in a plan (pure index arithmetic), and step tests."""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from typing import NoReturn

from .events import TimerKind
from .plan import PlanStep, StepKind

if sys.version_info >= (3, 11):
    from typing import assert_never
else:  # pragma: no cover - the package runs on 3.11; this keeps 3.10 importing

    def assert_never(value: NoReturn) -> NoReturn:
        """Reached only when a ``match`` misses a case."""
        raise AssertionError(f"unhandled: {value!r}")


__all__ = [
    "TIMER_KIND",
    "already_says",
    "assert_never",
    "back_target",
    "in_hold",
    "is_cue",
    "segment_start",
]

TIMER_KIND: dict[StepKind, TimerKind] = {
    StepKind.READY: "ready",
    StepKind.HOLD: "hold",
    StepKind.REST: "rest",
}
"""The timer each timed step runs (cues are timed too, but have no timer of their own)."""


def is_cue(step: PlanStep, name: str) -> bool:
    """True for the cue called ``name``."""
    return step.kind is StepKind.CUE and step.text == name


def in_hold(step: PlanStep) -> bool:
    """A hold, or its start cue: the person already feels the hold as begun."""
    return step.kind is StepKind.HOLD or is_cue(step, "hold_start")


def segment_start(steps: Sequence[PlanStep], index: int) -> int:
    """Index of the spoken line that begins the segment holding ``index``.

    A rest between exercises has no line of its own: its segment is the last
    one of the exercise before it.
    """
    segment = steps[index].segment
    start = index
    while start > 0 and steps[start - 1].segment == segment:
        start -= 1
    while start < index and steps[start].kind is not StepKind.SAY:
        start += 1
    return start


def back_target(steps: Sequence[PlanStep], index: int) -> int:
    """Where "back" goes from ``index``.

    The previous instruction of the same exercise; from an exercise's first
    instruction, the start of the exercise before it; at the very start, the
    start again.
    """
    here = segment_start(steps, index)
    exercise_index = steps[here].exercise_index
    exercise_start = here
    while exercise_start > 0 and steps[exercise_start - 1].exercise_index == exercise_index:
        exercise_start -= 1
    if here > exercise_start:
        return segment_start(steps, here - 1)
    if exercise_start == 0:
        return 0
    previous = steps[exercise_start - 1].exercise_index
    target = exercise_start - 1
    while target > 0 and steps[target - 1].exercise_index == previous:
        target -= 1
    return target


def _words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9']+", text.lower()))


def already_says(line: str, step: PlanStep) -> bool:
    """True when ``step`` is a spoken line whose words ``line`` already says.

    An ease-off line such as "Ease off now. Lift your fingers away, and
    breathe." stands for the release line after it: said once, not twice.
    """
    words = _words(step.text)
    return step.kind is StepKind.SAY and bool(words) and f" {words} " in f" {_words(line)} "
