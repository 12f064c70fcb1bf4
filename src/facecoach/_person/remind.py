"""Reminders: the coming session days, as a list and as an iCalendar file.

The days come from the same schedule as ``facecoach today``: the stage's
frequency, the preferred days and the history. Looking ahead, each coming
session day is assumed to be kept (with the routine the rotation gives it),
so the days that follow are spaced the way ``today`` would space them.

In the calendar file each session is an event at the person's time of day
(``Profile.remind_at``) with an alert some minutes before. The times are
*floating* (no time zone, RFC 5545 section 3.3.5): a session at 18:30 stays
at 18:30 wherever the phone or computer is, which is what a daily habit
wants; a calendar shows it in its own zone.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

from .._core.plan import compile_plan
from .._core.routine import Library
from .._paths import Places, replace_file
from .history import past_of, reading
from .profile import Profile
from .schedule import Past, decide

__all__ = [
    "WEEKS",
    "ReminderTime",
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
    minutes: int = 0
    """How long the routine takes, in whole minutes (rounded up; 0 when unknown)."""


@dataclass(frozen=True)
class ReminderTime:
    """When the calendar's events start, and how long before their alert goes off."""

    hour: int = 9
    minute: int = 0
    alert_minutes: int = 15


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
    minutes: dict[str, int] = {}
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
        if routine is not None and routine.id not in minutes:
            seconds = compile_plan(routine, library).total_seconds
            minutes[routine.id] = max(1, math.ceil(seconds / 60))
        length = minutes.get(decision.routine, 0)
        days.append(SessionDay(day, decision.routine, name, decision.reasons[0], length))
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


def calendar_bytes(
    days: Sequence[SessionDay],
    when: ReminderTime | None = None,
    *,
    made: datetime | None = None,
) -> bytes:
    """An iCalendar file: one event per session day at ``when``, each with an alert."""
    from icalendar import Alarm, Calendar, Event

    at = when or ReminderTime()
    stamp = made or datetime.now(timezone.utc)
    calendar = Calendar()
    calendar.add("prodid", "-//facecoach//session days//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "facecoach session days")
    for item in days:
        start = datetime.combine(item.day, time(at.hour, at.minute))  # floating: no tzinfo
        event = Event()
        # one event per day: a calendar that imports a newer file replaces it, not doubles it
        event.add("uid", f"{item.day.isoformat()}@session.facecoach.local")
        event.add("dtstamp", stamp)
        event.add("dtstart", start)
        event.add("duration", timedelta(minutes=item.minutes or 15))
        event.add("summary", f"facecoach: {item.routine_name}")
        event.add(
            "description",
            f"A session day: {item.routine_name} ({item.routine}), about "
            f"{item.minutes or 15} minutes. {item.why} Start it with: facecoach run. "
            "Gently: light pressure, a gentle pull, never pain.",
        )
        event.add("transp", "TRANSPARENT")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"facecoach in {at.alert_minutes} minutes: {item.routine_name}")
        alarm.add("trigger", timedelta(minutes=-at.alert_minutes))
        event.add_component(alarm)
        calendar.add_component(event)
    data: bytes = calendar.to_ical()
    return data


def write_calendar(
    path: Path, days: Sequence[SessionDay], when: ReminderTime | None = None
) -> None:
    """Put the calendar file at ``path`` atomically, readable by the user only (it
    tells about their health); its folder must be there (``PlaceProblem``)."""
    replace_file(path, calendar_bytes(days, when))
