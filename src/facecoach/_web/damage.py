"""Saved data that was changed by hand or broken: said in the page's words, never a 500 trace.

The command line refuses such data with a message naming the file; the pages
catch what the readers let through (a date past the calendar's end, text
where a number belongs, a number too long to read, nesting too deep) and say
which of the person's files it came from, and the terminal gets the details.
"""

from __future__ import annotations

import sqlite3
import sys

from .._paths import Places

__all__ = ["DAMAGE", "damage_words"]

DAMAGE: tuple[type[BaseException], ...] = (
    ValueError,
    OverflowError,
    TypeError,
    KeyError,
    IndexError,
    RecursionError,
    sqlite3.Error,
)
"""What reading tampered data raises, beyond the readers' own refusals."""


def damage_words(error: BaseException, where: Places, file: object = None) -> str:
    """The page's sentence; the terminal gets the file and the error."""
    named = str(file) if file is not None else f"facecoach's data folder ({where.data})"
    print(
        f"facecoach: {named}: could not be read: {type(error).__name__}: {error}"[:500],
        file=sys.stderr,
    )
    return (
        f"Some of your saved information in {named} could not be read, so this page "
        "cannot be shown in full. If the file was changed by hand, put back a copy that "
        "worked, or move it away and facecoach starts a fresh one."
    )
