"""Hold factors across sessions (pure): shorten on "too tight", lengthen slowly.

Each exercise keeps a factor that multiplies its written holds. Every "too
tight" in a session multiplies it by 0.75, never below the factor at which
the exercise's longest hold reaches its ``min_hold`` (shorter holds already
sit at their floor there, and a lower factor would only make the way back
longer). After ``GROW_AFTER`` sessions in a row that did the exercise without
"too tight", it grows by 10 %, never above 1.0, and the count starts again.
Sessions that did not do the exercise neither count nor break the run.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .._core.plan import eased
from .._core.routine import Exercise, Library
from .queries import ExerciseSession

__all__ = [
    "GROW_AFTER",
    "GROW_FACTOR",
    "Adaptation",
    "Outcome",
    "adapt",
    "factor_floor",
    "floors_of",
    "hold_factors",
    "outcomes_of",
    "replay",
]

GROW_AFTER = 3
"""Sessions in a row without "too tight" before a factor grows."""
GROW_FACTOR = 1.10
"""How much it grows then."""


@dataclass(frozen=True)
class Outcome:
    """What one session did with one exercise."""

    session: int
    exercise: str
    too_tight: int = 0
    """How many times "too tight" was heard on it."""


def outcomes_of(rows: Iterable[ExerciseSession]) -> list[Outcome]:
    """The history's rows as adaptation counts them: a session counts for an
    exercise once it did a step of it or heard "too tight" on it."""
    return [
        Outcome(r.session_id, r.exercise, r.too_tight)
        for r in rows
        if r.steps > 0 or r.too_tight > 0
    ]


@dataclass(frozen=True)
class Adaptation:
    """An exercise's factor and its run of sessions without "too tight"."""

    factor: float = 1.0
    clean: int = 0


def factor_floor(exercise: Exercise) -> float:
    """The lowest useful factor: where the longest hold reaches ``min_hold``."""
    longest = max((s.hold for s in exercise.steps if s.hold), default=0.0)
    if longest <= 0:
        return 1.0
    return min(1.0, exercise.min_hold / longest)


def floors_of(library: Library) -> dict[str, float]:
    """``factor_floor`` of every exercise in ``library``."""
    return {eid: factor_floor(ex) for eid, ex in library.exercises.items()}


def adapt(state: Adaptation, too_tight: int, floor: float) -> Adaptation:
    """The state after one more session that did the exercise."""
    if too_tight > 0:
        return Adaptation(eased(state.factor, too_tight, floor), 0)
    clean = state.clean + 1
    if clean >= GROW_AFTER and state.factor < 1.0:
        return Adaptation(round(min(1.0, state.factor * GROW_FACTOR), 6), 0)
    return Adaptation(state.factor, clean)


def replay(
    outcomes: Iterable[Outcome], floors: Mapping[str, float]
) -> list[tuple[int, str, float]]:
    """Every factor change, in order: (session, exercise, factor after that session).

    ``outcomes`` must come oldest session first. An exercise missing from
    ``floors`` (its file is not loaded) may shrink to any factor; the plan
    still never shortens a hold below its ``min_hold``.
    """
    states: dict[str, Adaptation] = {}
    changes: list[tuple[int, str, float]] = []
    for outcome in outcomes:
        before = states.get(outcome.exercise, Adaptation())
        after = adapt(before, outcome.too_tight, floors.get(outcome.exercise, 0.0))
        states[outcome.exercise] = after
        if after.factor != before.factor:
            changes.append((outcome.session, outcome.exercise, after.factor))
    return changes


def hold_factors(outcomes: Iterable[Outcome], floors: Mapping[str, float]) -> dict[str, float]:
    """Each exercise's factor for the next session (only those below 1.0)."""
    factors: dict[str, float] = {}
    for _, exercise, factor in replay(outcomes, floors):
        factors[exercise] = factor
    return {e: f for e, f in factors.items() if f < 1.0}
