"""What ``run`` and ``plan`` take from the person: profile, gate, schedule, history.

The core's commands call ``person_run(args)`` (a context manager) before a
session and ``plan_options(args, library)`` before compiling a plan; the rest
of this module is the wiring between the profile file, the history database
and the pure schedule and adaptation rules.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from .._core.events import Effect, Event, RecordEntry
from .._core.plan import Plan, StepKind
from .._core.routine import Library
from .._core.session import Session
from .._paths import Places, places
from .adapt import Outcome, floors_of, hold_factors
from .gate import REFUSED, Refusal, check_gate
from .profile import (
    Ask,
    Profile,
    ProfileProblem,
    ask_first_run,
    keyboard_ask,
    load_profile,
    save_profile,
)
from .schedule import Past, Today, decide
from .store import Recorder, SessionLock, Store, StoreProblem

T = TypeVar("T")

__all__ = [
    "PacedSession",
    "RunContext",
    "RunRefused",
    "add_run_arguments",
    "history_view",
    "lock_path",
    "person_run",
    "plan_options",
    "prepare_run",
    "profile_for",
    "terminal_ask",
    "today_for",
]


class RunRefused(Exception):
    """The session cannot start: print the message, exit with ``status``."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


def lock_path(where: Places) -> Path:
    """The file whose lock means "a session is running on this data"."""
    return where.data / "facecoach.lock"


def terminal_ask() -> Ask | None:
    """The keyboard asker when stdin is a terminal, else None (nothing is asked)."""
    return keyboard_ask() if sys.stdin.isatty() else None


def profile_for(where: Places, ask: Ask | None, today: date) -> Profile:
    """The saved profile; on the first run with someone to ask, ask first and save."""
    try:
        profile = load_profile(where)
        if ask is not None and not profile.asked:
            print(
                "facecoach coaches gentle exercise; it is not a treatment. A facial "
                "therapist can check your technique and tailor the exercises to you."
            )
            print("A few questions first (change the answers any time: facecoach profile).")
            profile = ask_first_run(profile, ask, today)
            save_profile(where, profile)
    except ProfileProblem as error:
        raise RunRefused(str(error), 1) from None
    except OSError as error:
        raise RunRefused(f"cannot save the profile: {error}", 1) from None
    return profile


@contextmanager
def _reading(where: Places) -> Iterator[Store | None]:
    """The history for reading, or None when there is none yet (nothing is created)."""
    if not where.database.exists():
        yield None
        return
    try:
        store = Store.open(where.database)
    except StoreProblem as error:
        raise RunRefused(str(error), 1) from None
    try:
        yield store
    except StoreProblem as error:
        raise RunRefused(str(error), 1) from None
    finally:
        store.close()


def _past(store: Store | None, library: Library) -> list[Past]:
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
    ]


def _factors(store: Store | None, library: Library) -> dict[str, float]:
    if store is None:
        return {}
    outcomes = [
        Outcome(r.session_id, r.exercise, r.too_tight)
        for r in store.exercise_sessions()
        if r.steps > 0 or r.too_tight > 0
    ]
    return hold_factors(outcomes, floors_of(library))


def today_for(where: Places, profile: Profile, library: Library, day: date) -> Today:
    """The schedule's decision for ``day`` from the saved history."""
    with _reading(where) as store:
        history = _past(store, library)
    return decide(
        stage=profile.stage,
        stage_since=profile.stage_since,
        upkeep=profile.upkeep,
        days=profile.days,
        library=library,
        history=history,
        today=day,
    )


def plan_options(args: argparse.Namespace, library: Library) -> dict[str, Any]:
    """Keyword arguments for ``compile_plan``: the person's side and adapted holds.

    ``--side`` overrides the profile's side for this run. Nothing is asked
    and nothing is written.
    """
    where = places(getattr(args, "data_dir", None))
    try:
        profile = load_profile(where)
    except ProfileProblem as error:
        raise RunRefused(str(error), 1) from None
    with _reading(where) as store:
        factors = _factors(store, library)
    return {"person_side": args.side or profile.side_word, "hold_factors": factors}


# ------------------------------------------------------------ a run


@dataclass
class RunContext:
    """What one ``run`` needs from the person; close it when the run ends."""

    where: Places
    routine: str
    """The routine to run: as given, or today's."""
    profile: Profile
    person_side: str | None
    simulated: bool
    day: date
    started: str
    notes: list[str] = field(default_factory=list)
    """Lines to show before the session (interrupted sessions, today's choice)."""
    store: Store | None = None
    lock: SessionLock | None = None
    pace: float | None = None
    session_id: int | None = None

    def hold_factors(self, library: Library) -> dict[str, float]:
        """The adapted hold factors for ``compile_plan``."""
        if self.store is not None:
            return self._guard(lambda: _factors(self.store, library))
        with _reading(self.where) as store:
            return _factors(store, library)

    def recorder(self, plan: Plan, library: Library) -> Callable[[RecordEntry], None] | None:
        """Start the session's record and return the callable that writes entries.

        None when this run leaves no trace (a simulation without ``--record``).
        A failing write raises ``RunRefused`` (status 1) with the reason; the
        live loop catches it, says so once, and goes on with the exercise.
        """
        if self.store is None:
            return None
        planned = [s for s in plan.steps if s.kind is not StepKind.CUE]
        areas = {
            eid: ex.area.value
            for eid in {s.exercise for s in plan.steps}
            if (ex := library.exercises.get(eid)) is not None
        }
        store = self.store
        self.session_id = self._guard(
            lambda: store.begin_session(
                day=self.day.isoformat(),
                started=self.started,
                routine=plan.routine,
                simulated=self.simulated,
                planned_steps=len(planned),
                planned_seconds=plan.total_seconds,
            )
        )
        recorder = Recorder(store, self.session_id, areas)

        def record(entry: RecordEntry) -> None:
            self._guard(lambda: recorder(entry))

        return record

    def session(self, plan: Plan) -> Session:
        """The session engine for this run (paced in real time with ``--pace``)."""
        if self.pace:
            return PacedSession(plan, self.pace)
        return Session(plan)

    def close(self) -> None:
        """Close the history and let the next session start."""
        if self.store is not None:
            self.store.close()
            self.store = None
        if self.lock is not None:
            self.lock.release()
            self.lock = None

    def _guard(self, body: Callable[[], T]) -> T:
        try:
            return body()
        except StoreProblem as error:
            raise RunRefused(str(error), 1) from None


def prepare_run(
    where: Places,
    routine: str | None,
    *,
    simulate: bool,
    record: bool,
    side_override: str | None,
    today: date,
    started: str = "",
    ask: Ask | None = None,
    library: Callable[[], Library] | None = None,
    pace: float | None = None,
) -> RunContext:
    """Everything the person decides about a run, checked before it starts.

    Raises ``RunRefused``: status 3 for the safety gate or a session already
    running, 1 for a damaged history or profile. A live run is always
    recorded; a simulation only with ``record``. ``library`` gives the
    library to choose today's routine from (the built-in one by default).
    """
    profile = profile_for(where, ask, today)
    try:
        check_gate(profile.stage, live=not simulate)
    except Refusal as refusal:
        raise RunRefused(str(refusal), REFUSED) from None
    ctx = RunContext(
        where=where,
        routine=routine or "",
        profile=profile,
        person_side=side_override or profile.side_word,
        simulated=simulate,
        day=today,
        started=started or datetime.now().isoformat(timespec="seconds"),
        pace=pace,
    )
    if routine is None:
        from .._core.loader import builtin_library

        decision = today_for(where, profile, (library or builtin_library)(), today)
        if decision.routine is None:
            raise RunRefused(" ".join(decision.reasons), REFUSED)
        ctx.routine = decision.routine
        ctx.notes.append(f"Today's routine: {decision.routine}. {decision.reasons[-1]}")
        if not decision.due and profile.stage is not None:
            ctx.notes.append(
                f"Today is not a session day in your schedule ({decision.reasons[0]}); "
                "going ahead as you asked."
            )
    if not (record or not simulate):
        return ctx
    lock = SessionLock(lock_path(where))
    try:
        lock.acquire(f"{'simulated ' if simulate else ''}session of {ctx.routine}")
    except StoreProblem as error:
        raise RunRefused(str(error), REFUSED) from None
    ctx.lock = lock
    try:
        ctx.store = Store.open(where.database)
        for past in ctx.store.mark_interrupted():
            ctx.notes.append(
                f"Your session of {past.routine} on {past.day} was interrupted after "
                f"{past.completed_steps} of {past.planned_steps} steps; "
                "the history keeps it as interrupted."
            )
    except StoreProblem as error:
        ctx.close()
        raise RunRefused(str(error), 1) from None
    return ctx


@contextmanager
def person_run(args: argparse.Namespace) -> Iterator[RunContext]:
    """``prepare_run`` from the ``run`` command's arguments; closes at the end."""
    ctx = prepare_run(
        places(getattr(args, "data_dir", None)),
        args.routine,
        simulate=bool(args.simulate),
        record=bool(getattr(args, "record", False)),
        side_override=args.side,
        today=date.today(),
        # questions would spoil machine-readable output
        ask=None if getattr(args, "json", False) else terminal_ask(),
        pace=getattr(args, "pace", None),
    )
    try:
        yield ctx
    finally:
        ctx.close()


def add_run_arguments(p: argparse.ArgumentParser) -> None:
    """The ``run`` options of the person area: ``--record`` and the hidden ``--pace``."""
    p.add_argument(
        "--record",
        action="store_true",
        help="with --simulate: keep the session in the history (marked simulated)",
    )
    # for tests that need a session that takes real time (e.g. killed mid-way)
    p.add_argument("--pace", type=float, default=None, help=argparse.SUPPRESS)


# ------------------------------------------------------------ pacing


class PacedSession(Session):
    """A session whose events wait for real time: ``pace`` real seconds per session second.

    Only for simulated runs that must take real time (tests of a process
    killed mid-session); the clock and sleep are injected.
    """

    def __init__(
        self,
        plan: Plan,
        pace: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(plan)
        self.pace = pace
        self._clock = clock
        self._sleep = sleep
        self._t0 = 0.0

    def start(self, t: float) -> list[Effect]:
        """Begin now, at session time ``t``."""
        self._t0 = self._clock() - t * self.pace
        return super().start(t)

    def handle(self, event: Event) -> list[Effect]:
        """Wait until ``event.t`` in real time, then handle it."""
        wait = self._t0 + event.t * self.pace - self._clock()
        if wait > 0:
            self._sleep(wait)
        return super().handle(event)


def history_view(where: Places) -> tuple[list[Any], bool]:
    """The sessions for ``facecoach history`` and whether one is running now."""
    running = SessionLock(lock_path(where)).held_elsewhere()
    with _reading(where) as store:
        rows = store.sessions(running=running) if store is not None else []
    return rows, running
