"""Which days are session days, and which routine comes next (pure).

The stage decides how often (``frequency``); rotation decides what: routines
that each work a few areas of the face, taken in turn so that each area gets
its turn (``rotation_routines``, ``next_routine``). ``decide`` puts both
together for one date, with the reasons in words. The date always comes in as
an argument: nothing here reads the clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from .._core.frames import amount
from .._core.routine import AREAS, Library, Routine
from .gate import EARLY_CARE
from .profile import Stage

__all__ = [
    "RESTART_DAYS",
    "Frequency",
    "Past",
    "Today",
    "decide",
    "frequency",
    "next_routine",
    "planned_routine",
    "rotation_routines",
]

RESTART_DAYS = 28
"""After-care: days of daily sessions to restart before upkeep begins."""

_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Frequency:
    """How often to practise at one stage."""

    low: float
    """Sessions a week, at least."""
    high: float
    """Sessions a week, at most."""
    label: str


@dataclass(frozen=True)
class Past:
    """One past session, as the schedule sees it."""

    session: int
    """Order of the session (its id: later sessions have larger ones)."""
    day: date
    routine: str
    counts: bool
    """Finished, or at least half done: it counts as a session day."""
    areas: frozenset[str] = frozenset()
    """The face areas it worked (exercises with at least one step done)."""


@dataclass(frozen=True)
class Today:
    """The decision for one date."""

    day: date
    due: bool
    """A session is due on this date."""
    routine: str | None
    """The routine to run (the next in rotation), or None when none may run."""
    reasons: tuple[str, ...]
    target: str = ""
    done_today: bool = False
    next_due: date | None = None
    """When ``due`` is false: the next date a session would be due."""
    stage: Stage | None = None
    command: str = ""
    """The command that lifts what holds this decision back, for a terminal; the
    reasons themselves stay free of commands, so every front can show them."""

    def said_with_command(self) -> str:
        """The reasons as one line, with the command to type when there is one."""
        said = " ".join(self.reasons)
        return f"{said} ({self.command})" if self.command else said

    def to_json(self) -> dict[str, Any]:
        """The shape of ``facecoach today --json``."""
        return {
            "date": self.day.isoformat(),
            "stage": self.stage,
            "session_day": self.due,
            "done_today": self.done_today,
            "routine": self.routine,
            "target": self.target,
            "next_session_day": self.next_due.isoformat() if self.next_due else None,
            "reasons": list(self.reasons),
            "command": self.command or None,
        }


def frequency(
    stage: Stage | None, stage_since: date | None, upkeep: str, day: date
) -> Frequency | None:
    """The target for ``stage`` on ``day`` (None when the stage is not set)."""
    if stage == Stage.NOT_YET:
        return Frequency(0, 0, "no exercise until movement starts to return")
    if stage == Stage.RECENT:
        return Frequency(2, 3, "2-3 days a week")
    if stage == Stage.LONG_STANDING:
        return Frequency(7, 7, "daily")
    if stage == Stage.AFTER_CARE:
        if stage_since is None or day < stage_since + timedelta(days=RESTART_DAYS):
            return Frequency(7, 7, "daily, to restart")
        if upkeep == "monthly":
            return Frequency(0.25, 0.25, "monthly upkeep")
        return Frequency(1, 1, "weekly upkeep")
    return None


# ------------------------------------------------------------ rotation


def rotation_routines(library: Library) -> tuple[Routine, ...]:
    """The routines that share the face out between them, in face order.

    Smallest first, each routine that works only areas not yet taken joins;
    routines that work the whole face (or nothing) never do. A rotation needs
    at least two routines.
    """
    every = {a for ex in library.exercises.values() for a in (ex.area.value,)}
    sized = []
    for routine in library.routines.values():
        areas = {a.value for a in library.areas_of(routine)}
        if areas and len(areas) < len(every):
            sized.append((len(areas), routine.id, routine, areas))
    chosen: list[tuple[int, Routine]] = []
    taken: set[str] = set()
    for _, _, routine, areas in sorted(sized, key=lambda s: (s[0], s[1])):
        if not areas & taken:
            taken |= areas
            chosen.append((min(AREAS.index(a) for a in areas), routine))
    if len(chosen) < 2:
        return ()
    return tuple(r for _, r in sorted(chosen, key=lambda c: c[0]))


def next_routine(library: Library, history: Sequence[Past]) -> tuple[str | None, str]:
    """The routine to run next, and why.

    The rotation routine whose areas were worked longest ago comes next (an
    area never worked counts as longest ago); ties go to the routine after the
    last rotation routine done, in face order. The very first session is the
    short starter when the library has one.
    """
    rotation = rotation_routines(library)
    if not any(p.counts for p in history) and "starter" in library.routines:
        return "starter", "First session: the short starter routine, to learn the way it works."
    if not rotation:
        fallback = "daily" if "daily" in library.routines else next(iter(library.routines), None)
        return fallback, "No area-by-area routines to rotate through; the whole-face routine."
    last_worked: dict[str, Past] = {}
    for past in history:
        for area in past.areas:
            seen = last_worked.get(area)
            if seen is None or past.session > seen.session:
                last_worked[area] = past
    ids = [r.id for r in rotation]
    last_rotation = next((p.routine for p in reversed(history) if p.routine in ids), None)
    start = (ids.index(last_rotation) + 1) if last_rotation else 0

    def recency(routine: Routine) -> int:
        areas = [a.value for a in library.areas_of(routine)]
        return max((last_worked[a].session if a in last_worked else -1) for a in areas)

    order = [rotation[(start + k) % len(rotation)] for k in range(len(rotation))]
    chosen = min(order, key=recency)  # min keeps the first of equals: the cycle order
    areas = [a.value for a in library.areas_of(chosen)]
    worked = [last_worked[a].day for a in areas if a in last_worked]
    never = [a for a in areas if a not in last_worked]
    if never:
        why = f"Rotation: {' and '.join(never)} not worked yet."
    else:
        names = " and ".join(areas)
        why = f"Rotation: {names} last worked on {max(worked).isoformat()}, longest ago."
    return chosen.id, why


def planned_routine(
    library: Library, history: Sequence[Past], plan: str | None
) -> tuple[str | None, str]:
    """The person's own routine when they chose one, else the rotation's (``next_routine``)."""
    if plan is None:
        return next_routine(library, history)
    routine = library.routines.get(plan)
    if routine is None:
        chosen, why = next_routine(library, history)
        return chosen, f"Your plan's routine {plan} is not available; {why[0].lower()}{why[1:]}"
    return plan, f"Your plan: {routine.name}, chosen in your profile (instead of the rotation)."


# ------------------------------------------------------------ the decision


def decide(
    *,
    stage: Stage | None,
    stage_since: date | None,
    upkeep: str,
    days: Sequence[int],
    library: Library,
    history: Sequence[Past],
    today: date,
    plan: str | None = None,
) -> Today:
    """Whether ``today`` is a session day, which routine, and why.

    ``plan`` is the person's own routine (from the profile): it is the routine
    of every session day instead of the rotation's choice.
    """
    freq = frequency(stage, stage_since, upkeep, today)
    target = freq.label if freq else ""
    if stage == Stage.NOT_YET:
        return Today(
            today,
            False,
            None,
            (
                "Movement has not yet started to return: exercise waits until it does.",
                *EARLY_CARE,
                "When you notice some movement, change your stage to recent.",
            ),
            target,
            stage=stage,
            command="facecoach profile --stage recent",
        )
    routine, why_routine = planned_routine(library, history, plan)
    counted = sorted({p.day for p in history if p.counts and p.day <= today})
    done = [p for p in history if p.counts and p.day == today]
    if done:
        return Today(
            today,
            False,
            routine,
            (f"Done for today: {done[-1].routine} ({today.isoformat()}).", f"Next: {why_routine}"),
            target,
            done_today=True,
            next_due=_next_due(stage, stage_since, upkeep, days, counted, today),
            stage=stage,
        )
    if stage is None:
        return Today(
            today,
            False,
            routine,
            (
                "Your stage is not set, so facecoach cannot say how often to practise: "
                "set it in your profile.",
                why_routine,
            ),
            stage=None,
            command="facecoach profile --stage recent|long-standing|after-care",
        )
    due, why_day = _is_due(stage, stage_since, upkeep, days, counted, today)
    last = _last_session(counted, history)
    reasons = (f"Stage {stage}: {target}.", why_day, last, why_routine)
    next_due = None if due else _next_due(stage, stage_since, upkeep, days, counted, today)
    return Today(today, due, routine, reasons, target, next_due=next_due, stage=stage)


def _last_session(counted: Sequence[date], history: Sequence[Past]) -> str:
    """When the last session that counts was, or why none counts yet."""
    if counted:
        return f"Last session: {counted[-1].isoformat()}."
    if history:
        return (
            f"No session counts yet ({amount(len(history), 'session')} started): one counts "
            "once at least half of it is done, and a simulation never counts."
        )
    return "No sessions yet."


def _is_due(
    stage: Stage,
    since: date | None,
    upkeep: str,
    days: Sequence[int],
    counted: Sequence[date],
    today: date,
) -> tuple[bool, str]:
    """The rule for one date, given the days that already had a session (before it)."""
    before = [d for d in counted if d < today]
    last = before[-1] if before else None
    if stage == Stage.LONG_STANDING:
        return True, "Every day is a session day."
    if stage == Stage.AFTER_CARE:
        freq = frequency(stage, since, upkeep, today)
        if freq is not None and freq.high == 7:
            end = (since + timedelta(days=RESTART_DAYS)) if since else None
            until = f" until {end.isoformat()}" if end else ""
            return True, f"Restarting: a session every day{until}."
        gap = 28 if upkeep == "monthly" else 7
        if last is not None and (today - last).days < gap:
            return False, f"Upkeep: the last session was {(today - last).days} days ago."
        if days and today.weekday() not in days and (last is None or (today - last).days < 2 * gap):
            return False, "Upkeep is due; waiting for one of your preferred days."
        return True, "Upkeep is due."
    # recent: two or three a week, with a rest day between
    week = [d for d in before if (today - d).days < 7]
    if len(week) >= 3:
        return False, "Three sessions in the last seven days already: rest for now."
    if last is not None and (today - last).days < 2:
        return False, "Yesterday was a session day: a rest day in between helps."
    if days and today.weekday() not in days:
        return False, "Not one of your preferred days."
    return True, f"{amount(len(week), 'session')} in the last seven days; room for one today."


def _next_due(
    stage: Stage | None,
    since: date | None,
    upkeep: str,
    days: Sequence[int],
    counted: Sequence[date],
    today: date,
) -> date | None:
    """The first date after ``today`` that would be due if nothing else happened."""
    if stage in (None, Stage.NOT_YET):
        return None
    for k in range(1, 70):
        day = today + k * _DAY
        if _is_due(stage, since, upkeep, days, counted, day)[0]:
            return day
    return None
