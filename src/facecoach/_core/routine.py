"""The data model: exercises, their steps, and routines (frozen, no I/O)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum

__all__ = [
    "AREAS",
    "MOVES",
    "POINTS",
    "Area",
    "Exercise",
    "ExerciseKind",
    "Library",
    "Routine",
    "RoutineItem",
    "Side",
    "Step",
]


class Area(str, Enum):
    """The part of the face an exercise works."""

    FOREHEAD = "forehead"
    EYES = "eyes"
    NOSE = "nose"
    CHEEKS = "cheeks"
    MOUTH = "mouth"
    CHIN = "chin"
    NECK = "neck"


AREAS: tuple[str, ...] = tuple(a.value for a in Area)


POINTS: tuple[str, ...] = (
    "forehead",
    "temple",
    "brow-inner",
    "brow-outer",
    "between-brows",
    "eyelid",
    "eye-corner",
    "cheekbone",
    "cheek",
    "nose-side",
    "upper-lip",
    "mouth-corner",
    "lower-lip",
    "chin",
    "jaw",
    "neck",
    "collarbone",
)
"""Named places for the fingertips (``points:``), on the exercise's side of the face."""

MOVES = ("up", "down", "in", "out", "up-out", "up-in", "to-ear", "circles", "along")
"""Ways a movement or stretch goes (``move:``), drawn as an arrow on the face pictures:
``in`` is towards the middle of the face, ``out`` away from it, ``to-ear`` towards the
ear on the same side, ``along`` from the first point to the next."""


class ExerciseKind(str, Enum):
    """What sort of work an exercise is."""

    RESISTANCE = "resistance"
    STRETCH = "stretch"
    MOVEMENT = "movement"
    MASSAGE = "massage"
    RELEASE = "release"


class Side(str, Enum):
    """Which side of the face an exercise is done on, relative to the palsy."""

    AFFECTED = "affected"
    UNAFFECTED = "unaffected"
    BOTH = "both"


@dataclass(frozen=True)
class Step:
    """One spoken instruction, then at most one timed hold or rest."""

    say: str
    hold: float | None = None
    """Seconds to hold the movement, stretch or press (1-60)."""
    rest: float | None = None
    """Seconds to rest after the instruction (0-300)."""


@dataclass(frozen=True)
class Exercise:
    """One exercise: a setup line, then its steps repeated ``reps`` times."""

    id: str
    name: str
    area: Area
    kind: ExerciseKind
    steps: tuple[Step, ...]
    side: Side = Side.AFFECTED
    reps: int = 1
    min_hold: float = 3.0
    """Floor, in seconds, below which "too tight" never shortens a hold."""
    setup: str = ""
    source: str = ""
    """Where it was defined, as ``FILE:LINE`` (for messages)."""
    ready: float | None = None
    """Seconds to get into place after the setup line (None: the run's default)."""
    halfway: bool = False
    """Say "halfway" in holds longer than 10 seconds."""
    points: tuple[str, ...] = ()
    """Where the fingertips rest (names from ``POINTS``), for the face pictures."""
    fingers: int = 1
    """How many fingertips rest on each point (1-4), as the setup line says."""
    move: str = ""
    """The way the movement or stretch goes (one of ``MOVES``; "": none drawn)."""
    move_at: str = ""
    """The point the arrow starts from ("": from the fingertips)."""


@dataclass(frozen=True)
class RoutineItem:
    """An exercise in a routine, by id, with an optional reps override."""

    exercise: str
    reps: int | None = None


@dataclass(frozen=True)
class Routine:
    """An ordered list of exercises with an optional rest between them."""

    id: str
    name: str
    items: tuple[RoutineItem, ...]
    rest_between: float = 0.0
    source: str = ""


@dataclass(frozen=True)
class Library:
    """Every exercise and routine known to a run, keyed by id."""

    exercises: Mapping[str, Exercise] = field(default_factory=dict)
    routines: Mapping[str, Routine] = field(default_factory=dict)

    def areas_of(self, routine: Routine) -> tuple[Area, ...]:
        """The face areas a routine works, in the order it first reaches them."""
        seen: list[Area] = []
        for item in routine.items:
            exercise = self.exercises.get(item.exercise)
            if exercise is not None and exercise.area not in seen:
                seen.append(exercise.area)
        return tuple(seen)
