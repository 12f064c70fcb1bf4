"""Reminders: the coming session days, as a list and as an iCalendar file.

The days come from the same schedule as ``facecoach today``: the stage's
frequency, the preferred days and the history. Looking ahead, each coming
session day is assumed to be kept (with the routine the rotation gives it),
so the days that follow are spaced the way ``today`` would space them.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from .._core.routine import Library
from .._paths import Places
from .history import past_of, reading
from .profile import Profile
from .schedule import Past, decide

__all__ = [
    "WEEKS",
    "SessionDay",
    "calendar_bytes",
    "coming_days",
    "coming_days_for",
    "write_calendar",
]

WEEKS = 8
"""How far ahead the calendar reaches."""


@dataclass(frozen=True)
class SessionDay:
    """One coming session day and the routine the rotation gives it."""

    day: date
    routine: str
    routine_name: str
    why: str


def coming_days(
    profile: Profile,
    library: Library,
    history: Sequence[Past],
    start: date,
    weeks: int = WEEKS,
) -> list[SessionDay]:
    """The session days from ``start`` (included) for ``weeks`` weeks.

    None at stage ``not-yet`` or with no stage set: no session is due then.
    """
    past = list(history)
    days: list[SessionDay] = []
    next_id = max((p.session for p in past), default=0) + 1
    for offset in range(weeks * 7):
        day = start + timedelta(days=offset)
        decision = decide(
            stage=profile.stage,
            stage_since=profile.stage_since,
            upkeep=profile.upkeep,
            days=profile.days,
            library=library,
            history=past,
            today=day,
            plan=profile.routine,
        )
        if not decision.due or decision.routine is None:
            continue
        routine = library.routines.get(decision.routine)
        name = routine.name if routine is not None else decision.routine
        areas = frozenset(a.value for a in library.areas_of(routine)) if routine else frozenset()
        days.append(SessionDay(day, decision.routine, name, decision.reasons[0]))
        past.append(Past(next_id, day, decision.routine, True, areas))
        next_id += 1
    return days


def coming_days_for(
    where: Places, profile: Profile, library: Library, start: date, weeks: int = WEEKS
) -> list[SessionDay]:
    """``coming_days`` with the saved history."""
    with reading(where) as store:
        history = past_of(store, library)
    return coming_days(profile, library, history, start, weeks)


def calendar_bytes(days: Sequence[SessionDay], *, made: datetime | None = None) -> bytes:
    """An iCalendar file with one all-day event per session day."""
    from icalendar import Calendar, Event

    stamp = made or datetime.now(timezone.utc)
    calendar = Calendar()
    calendar.add("prodid", "-//facecoach//session days//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "facecoach session days")
    for item in days:
        event = Event()
        event.add("uid", f"{item.day.isoformat()}-{item.routine}@facecoach.local")
        event.add("dtstamp", stamp)
        event.add("dtstart", item.day)
        event.add("dtend", item.day + timedelta(days=1))
        event.add("summary", f"facecoach: {item.routine_name}")
        event.add(
            "description",
            f"A session day: {item.routine_name} ({item.routine}). {item.why} "
            "Gently: light pressure, a gentle pull, never pain.",
        )
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    data: bytes = calendar.to_ical()
    return data


def write_calendar(path: Path, days: Sequence[SessionDay]) -> None:
    """Write the calendar file (readable by the user only: it tells about their health)."""
    data = calendar_bytes(days)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb", opener=lambda name, flags: os.open(name, flags, 0o600)) as f:
        f.write(data)
