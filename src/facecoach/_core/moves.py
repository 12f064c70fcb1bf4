"""Where "repeat" and "back" land in a plan (pure index arithmetic)."""

from __future__ import annotations

from collections.abc import Sequence

from .plan import PlanStep, StepKind

__all__ = ["back_target", "segment_start"]


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
