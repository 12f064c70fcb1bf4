"""What the report shows, read once from the history: the sessions, what each
did with each exercise, every "too tight" and the written holds."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from .._core.routine import Library
from .._paths import Places
from .adapt import floors_of, outcomes_of, replay
from .history import reading
from .profile import Profile
from .store import ExerciseSession, SessionRow

__all__ = ["ReportData", "TightEvent", "Written", "gather"]


@dataclass(frozen=True)
class TightEvent:
    """One "too tight", from the history's trail of them."""

    session: int
    day: date
    exercise: str
    factor: float
    """How much that session eased the exercise's holds from then on (of the holds
    it began with, which earlier "too tight"s may already have shortened)."""


@dataclass(frozen=True)
class Written:
    """An exercise as its file writes it: the hold lengths and the floor."""

    name: str
    holds: tuple[float, ...]
    min_hold: float


@dataclass(frozen=True)
class ReportData:
    """Everything the report shows, read once from the history."""

    day: date
    profile: Profile
    sessions: Sequence[SessionRow]
    exercises: Sequence[ExerciseSession]
    factors: Sequence[tuple[int, str, float]]
    """(session id, exercise, factor from then on), as adaptation replays the history."""
    areas: dict[str, str]
    """Exercise id -> face area, for exercises whose summary lacks one."""
    tight: Sequence[TightEvent] = ()
    """Every "too tight", oldest first."""
    written: Mapping[str, Written] = field(default_factory=dict)
    """Exercise id -> its name and written holds (exercises of the loaded library)."""
    routine_names: Mapping[str, str] = field(default_factory=dict)
    """Routine id -> its name (routines of the loaded library)."""

    def name(self, exercise: str) -> str:
        """The exercise's name, or its id when its file is not loaded."""
        known = self.written.get(exercise)
        return known.name if known is not None else exercise


def gather(where: Places, profile: Profile, library: Library, day: date) -> ReportData:
    """Read what the report needs (an empty report when there is no history yet)."""
    sessions: list[SessionRow] = []
    exercises: list[ExerciseSession] = []
    trail: list[tuple[int, str, float]] = []
    with reading(where) as store:
        if store is not None:
            sessions = store.sessions()
            exercises = store.exercise_sessions()
            trail = store.too_tight_events()
    factors = replay(outcomes_of(exercises), floors_of(library))
    areas = {eid: ex.area.value for eid, ex in library.exercises.items()}
    day_of = {s.id: date.fromisoformat(s.day) for s in sessions}
    tight = [
        TightEvent(session, day_of[session], exercise, factor)
        for session, exercise, factor in trail
        if session in day_of
    ]
    written = {
        eid: Written(ex.name, tuple(st.hold for st in ex.steps if st.hold), ex.min_hold)
        for eid, ex in library.exercises.items()
    }
    routine_names = {rid: r.name for rid, r in library.routines.items()}
    return ReportData(
        day, profile, sessions, exercises, factors, areas, tight, written, routine_names
    )
