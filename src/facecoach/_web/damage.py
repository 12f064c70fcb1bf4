"""Saved data that was changed by hand or broken: said in the page's words, never a 500 trace.

The command line refuses such data with a message naming the file; the pages
catch what the readers let through (a date past the calendar's end, text
where a number belongs, a number too long to read, nesting too deep), say in
their own words that the saved information could not be read, and tell the
terminal which file and what was wrong.
"""

from __future__ import annotations

import sqlite3
import sys
import traceback
from pathlib import Path

from .._paths import Places
from .._person.profile import profile_path

__all__ = ["DAMAGE", "damage_words", "files_of"]

DAMAGE: tuple[type[Exception], ...] = (
    ValueError,
    OverflowError,
    TypeError,
    KeyError,
    IndexError,
    RecursionError,
    sqlite3.Error,
)
"""What reading tampered data raises, beyond the readers' own refusals."""

_READERS = {
    "queries": "history",
    "store": "history",
    "guard": "history",
    "schema": "history",
    "profile": "profile",
    "plan_fields": "profile",
    "enroll": "enrolment",
}
"""The modules that read one file each; a fault further in (a date sum, a plot)
may come from the profile or the history, so both are named."""


def files_of(error: BaseException, where: Places) -> tuple[Path, ...]:
    """The person's file(s) ``error`` may have come from, by the innermost facecoach frame."""
    from .._voice.enroll import enrolment_path

    named = {
        "history": (where.database,),
        "profile": (profile_path(where),),
        "enrolment": (enrolment_path(where),),
    }
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if "facecoach" not in Path(frame.filename).parts:
            continue
        kind = _READERS.get(Path(frame.filename).stem)
        return named[kind] if kind else (profile_path(where), where.database)
    return (where.data,)


def damage_words(error: BaseException, where: Places, file: Path | None = None) -> str:
    """The page's sentence; the terminal gets the file(s) and what was wrong."""
    named = " or ".join(str(p) for p in ((file,) if file else files_of(error, where)))
    detail = f"{type(error).__name__}: {error}"
    print(f"facecoach: {named}: could not be read ({detail:.300})", file=sys.stderr)
    return (
        f"Some of your saved information ({named}) could not be read, so this page cannot "
        "be shown in full. If the file was changed by hand, put back a copy that worked, or "
        "move it away and facecoach starts afresh. Your other pages still work."
    )
