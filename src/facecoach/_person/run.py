"""What a run takes from the person: profile, safety gate, today's routine, history.

``prepare_run`` checks everything the person decides about a run before it
starts and returns a ``RunContext``, which opens the session's record and
closes the history and the lock when the run ends.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TypeVar

from .._core.events import RecordEntry
from .._core.plan import Personal, Plan, StepKind
from .._core.routine import Library
from .._paths import Places
from .errors import RunRefused
from .gate import REFUSED, Refusal, check_gate
from .history import factors_of, lock_path, reading, today_for
from .profile import Ask, Profile, ProfileProblem, ask_first_run, load_profile, save_profile
from .recorder import Recorder, SessionStart
from .store import SessionBusy, SessionLock, Store, StoreProblem

T = TypeVar("T")

__all__ = ["NOT_A_TREATMENT", "RunContext", "RunRefused", "prepare_run", "profile_for"]

NOT_A_TREATMENT = (
    "facecoach coaches gentle exercise; it is not a treatment. A facial "
    "therapist can check your technique and tailor the exercises to you."
)
"""Said before the first run's questions."""


def profile_for(where: Places, ask: Ask | None, today: date) -> Profile:
    """The saved profile; with someone to ask, first ask what is missing, and save.

    The first run asks every question. A stage skipped then is asked again on
    every later run with someone to ask, since no live session starts without it.
    """
    try:
        profile = load_profile(where)
        if ask is not None and not profile.asked:
            print(NOT_A_TREATMENT)
            print("A few questions first (change the answers any time: facecoach profile).")
            profile = ask_first_run(profile, ask, today)
            save_profile(where, profile)
        elif ask is not None and profile.stage is None:
            print("Before a live session, facecoach needs to know where you are in recovery.")
            profile = ask_first_run(profile, ask, today, side=False)
            save_profile(where, profile)
    except ProfileProblem as error:
        raise RunRefused(str(error), 1) from None
    except OSError as error:
        raise RunRefused(f"cannot save the profile: {error.strerror or error}", 1) from None
    return profile


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
    session_id: int | None = None

    def personal(self, library: Library) -> Personal:
        """The person's side and adapted holds, for ``compile_plan``."""
        if self.store is not None:
            factors = self._guard(lambda: factors_of(self.store, library))
        else:
            with reading(self.where) as store:
                factors = factors_of(store, library)
        return Personal(self.person_side, factors)

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
        start = SessionStart(
            day=self.day.isoformat(),
            started=self.started,
            routine=plan.routine,
            simulated=self.simulated,
            planned_steps=len(planned),
            planned_seconds=plan.total_seconds,
        )
        # the row is added with the first entry: a start refused later leaves none
        recorder = Recorder(self.store, start, areas)

        def record(entry: RecordEntry) -> None:
            self._guard(lambda: recorder(entry))
            self.session_id = recorder.session_id

        return record

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
) -> RunContext:
    """Everything the person decides about a run, checked before it starts.

    Raises ``RunRefused``: status 3 for the safety gate or a session already
    running, 1 for a damaged history or profile. A live run is always
    recorded; a simulation only with ``record``. ``library`` gives the
    library to choose today's routine from (by default the built-in one and
    the person's own routine, ``person_library``).
    """
    profile = profile_for(where, ask, today)
    try:
        check_gate(profile.stage, live=not simulate)
    except Refusal as refusal:
        raise RunRefused(str(refusal), REFUSED, refusal.plain) from None
    ctx = RunContext(
        where=where,
        routine=routine or "",
        profile=profile,
        person_side=side_override or profile.side_word,
        simulated=simulate,
        day=today,
        started=started or datetime.now().isoformat(timespec="seconds"),
    )
    if routine is None:
        from .own_routine import person_library

        chosen = library() if library is not None else person_library(where, profile)
        decision = today_for(where, profile, chosen, today)
        if decision.routine is None:
            raise RunRefused(decision.said_with_command(), REFUSED, " ".join(decision.reasons))
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
    except SessionBusy as error:
        raise RunRefused(str(error), REFUSED) from None
    except StoreProblem as error:  # a data folder that cannot be written: not "busy"
        raise RunRefused(str(error), 1) from None
    ctx.lock = lock
    try:
        ctx.store = Store.open(where.database)
        ctx.notes.extend(ctx.store.notes)
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
