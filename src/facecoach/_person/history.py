"""The person's history as the rest of the person layer reads it.

Reading never creates anything: with no database yet there is simply no past.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from .._core.plan import Personal
from .._core.routine import Library
from .._paths import Places
from .adapt import floors_of, hold_factors, outcomes_of
from .errors import RunRefused
from .profile import Profile, ProfileProblem, load_profile
from .schedule import Past, Today, decide
from .store import SessionLock, Store, StoreProblem

__all__ = [
    "factors_of",
    "history_view",
    "lock_path",
    "past_of",
    "person_plan",
    "reading",
    "today_for",
]


def lock_path(where: Places) -> Path:
    """The file whose lock means "a session is running on this data"."""
    return where.data / "facecoach.lock"


@contextmanager
def reading(where: Places) -> Iterator[Store | None]:
    """The history for reading, or None when there is none yet.

    Opened read-only: nothing is created or changed, so it works in a read-only
    data folder. A data folder that is a file is said, not taken for "no history".
    """
    data_is_file = os.path.lexists(where.data) and not where.data.is_dir()
    if not data_is_file and not os.path.lexists(where.database):
        yield None
        return
    try:
        store = Store.open(where.database, readonly=True)
    except StoreProblem as error:
        raise RunRefused(str(error), 1) from None
    try:
        yield store
    except StoreProblem as error:
        raise RunRefused(str(error), 1) from None
    finally:
        store.close()


def past_of(store: Store | None, library: Library) -> list[Past]:
    """The real sessions, for the schedule and the rotation.

    A simulated session is left out: it is not exercise, so it must not move
    the rotation on or mark an area as worked.
    """
    if store is None:
        return []
    areas: dict[int, set[str]] = {}
    for row in store.exercise_sessions():
        if row.steps > 0:
            ex = library.exercises.get(row.exercise)
            area = row.area or (ex.area.value if ex else None)
            if area:
                areas.setdefault(row.session_id, set()).add(area)
    return [
        Past(s.id, date.fromisoformat(s.day), s.routine, s.counts, frozenset(areas.get(s.id, ())))
        for s in store.sessions()
        if not s.simulated
    ]


def factors_of(store: Store | None, library: Library) -> dict[str, float]:
    if store is None:
        return {}
    return hold_factors(outcomes_of(store.exercise_sessions()), floors_of(library))


def today_for(where: Places, profile: Profile, library: Library, day: date) -> Today:
    """The schedule's decision for ``day`` from the saved history."""
    with reading(where) as store:
        history = past_of(store, library)
    return decide(
        stage=profile.stage,
        stage_since=profile.stage_since,
        upkeep=profile.upkeep,
        days=profile.days,
        library=library,
        history=history,
        today=day,
        plan=profile.routine,
    )


def person_plan(where: Places, side_override: str | None, library: Library) -> Personal:
    """The person's side and adapted holds for ``compile_plan``.

    ``side_override`` (``--side``) wins over the profile's side for this run.
    Nothing is asked and nothing is written.
    """
    try:
        profile = load_profile(where)
    except ProfileProblem as error:
        raise RunRefused(str(error), 1) from None
    with reading(where) as store:
        factors = factors_of(store, library)
    return Personal(side_override or profile.side_word, factors)


def history_view(where: Places) -> tuple[list[Any], bool]:
    """The sessions for ``facecoach history`` and whether one is running now."""
    running = SessionLock(lock_path(where)).held_elsewhere()
    with reading(where) as store:
        rows = store.sessions(running=running) if store is not None else []
    return rows, running
