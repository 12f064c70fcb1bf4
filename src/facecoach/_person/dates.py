"""Dates read from files and options: real calendar days in a span a life can use.

A date far from now (year 9999, year 1) is no one's session day and breaks
date arithmetic (``OverflowError``) in the schedule and the report, so it is
refused where it is read, with the file and the field.
"""

from __future__ import annotations

from datetime import date

__all__ = ["EARLIEST", "LATEST", "DateProblem", "read_day"]

EARLIEST = date(1900, 1, 1)
"""No session, stage or report is dated earlier."""
LATEST = date(2999, 12, 31)
"""Nor later: leaves the schedule and the report years of room to count on."""


class DateProblem(ValueError):
    """Not a date facecoach can use; the message says what was expected."""


def read_day(value: object) -> date:
    """``value`` (text like 2026-11-24) as a date from ``EARLIEST`` to ``LATEST``."""
    if not isinstance(value, str):
        raise DateProblem(f"expected a date like 2026-11-24, not {value!r}"[:120])
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise DateProblem(f"expected a date like 2026-11-24, not {value!r}"[:120]) from None
    if not EARLIEST <= day <= LATEST:
        raise DateProblem(f"{value} is outside {EARLIEST.year}-{LATEST.year}")
    return day
