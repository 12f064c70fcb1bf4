"""The profile's plan and reminder fields, read from its on-disk shape and checked.

The plan is the routine the person chose instead of the rotation
(``own_routine``); the reminder fields are the time of day of reminders and
how long before it a calendar alert goes off (``remind``).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

__all__ = ["ALERT_MAX", "parse_clock", "plan_fields"]

ALERT_MAX = 24 * 60
"""The longest alert ahead of a reminder: a day, in minutes."""


def parse_clock(text: str) -> tuple[int, int] | None:
    """``HH:MM`` (24-hour) as (hour, minute), or None when it is not a time of day."""
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", text.strip())
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        return None
    return int(match[1]), int(match[2])


def plan_fields(data: dict[str, Any]) -> dict[str, Any]:
    """The fields for ``Profile``; ``ValueError`` names the one that is wrong."""
    routine, routine_file = data.get("routine"), data.get("routine_file")
    if routine is not None and not (isinstance(routine, str) and routine.strip()):
        raise ValueError("routine: expected a routine id or null")
    if routine_file is not None and not isinstance(routine_file, str):
        raise ValueError("routine_file: expected the path it was copied from")
    since_raw = data.get("routine_since")
    try:
        since = date.fromisoformat(since_raw) if isinstance(since_raw, str) else None
    except ValueError:
        raise ValueError("routine_since: expected YYYY-MM-DD") from None
    at = data.get("remind_at", "09:00")
    if not isinstance(at, str) or parse_clock(at) is None:
        raise ValueError(f"remind_at: expected a time like 18:30, not {at!r}")
    alert = data.get("alert_minutes", 15)
    if isinstance(alert, bool) or not isinstance(alert, int) or not 0 <= alert <= ALERT_MAX:
        raise ValueError(
            f"alert_minutes: expected whole minutes from 0 to {ALERT_MAX}, not {alert!r}"
        )
    return {
        "routine": routine,
        "routine_file": routine_file if routine is not None else None,
        "routine_since": since if routine is not None else None,
        "remind_at": at,
        "alert_minutes": alert,
    }
