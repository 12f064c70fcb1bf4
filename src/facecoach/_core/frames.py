"""The words around the work: opening, rep counts, closing (pure, English).

A person with eyes closed hears where they are from these lines alone, so
they are short, calm and say numbers as words. The plan compiler writes the
opening and the counts; the session fills in the closing with what really
happened (minutes, holds, "too tight").
"""

from __future__ import annotations

import math

__all__ = [
    "amount",
    "closing_line",
    "count_prefix",
    "minutes_text",
    "number_words",
    "opening_line",
    "plural",
    "whole_seconds",
]

_ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def number_words(n: int) -> str:
    """``n`` as English words up to 999 ("twenty-one"); digits beyond that."""
    if n < 0 or n > 999:
        return str(n)
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens - 2] + (f"-{_ONES[ones]}" if ones else "")
    hundreds, rest = divmod(n, 100)
    head = f"{_ONES[hundreds]} hundred"
    return head if not rest else f"{head} and {number_words(rest)}"


def plural(n: int, one: str, many: str | None = None) -> str:
    """``n`` and the noun, in words: "one hold", "twelve holds"."""
    noun = one if n == 1 else (many or f"{one}s")
    return f"{number_words(n)} {noun}"


def amount(n: int, one: str, many: str | None = None) -> str:
    """``n`` and the noun, in digits, for the screen: "1 session", "3 sessions"."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


def whole_seconds(seconds: float) -> int:
    """Seconds as a person reads them: whole, half up, and at least 1 for anything timed.

    A hold shortened to 3.375 s is "3 s" on every screen; the session still
    times it to the sample.
    """
    return max(1 if seconds > 0 else 0, math.floor(seconds + 0.5))


def minutes_text(seconds: float) -> str:
    """Whole minutes for a table ("<1" for a session of seconds)."""
    minutes = math.floor(seconds / 60 + 0.5)
    return "<1" if minutes == 0 and seconds > 0 else str(minutes)


def _minutes(seconds: float) -> int:
    return max(1, round(seconds / 60))


def opening_line(routine_name: str, seconds: float, first_exercise: str) -> str:
    """What the session says first: the routine, about how long, what comes first."""
    name = routine_name.strip().rstrip(".")
    first = first_exercise.strip().rstrip(".")
    return f"{name}. About {plural(_minutes(seconds), 'minute')}. First, {first}."


def count_prefix(rep: int, reps: int) -> str:
    """The count said before a rep's hold: "Two of five. ", "Last one. " ("" for one rep)."""
    if reps <= 1:
        return ""
    if rep >= reps:
        return "Last one. "
    return f"{number_words(rep).capitalize()} of {number_words(reps)}. "


def closing_line(seconds: float, holds: int, too_tight: int = 0) -> str:
    """The spoken close: done, minutes, holds, and any "too tight" heard."""
    line = f"That is the session done. {plural(_minutes(seconds), 'minute').capitalize()}, "
    line += f"{plural(holds, 'hold')}."
    if too_tight == 1:
        line += " Too tight came once; that exercise will have shorter holds next time."
    elif too_tight > 1:
        line += (
            f" Too tight came {number_words(too_tight)} times; "
            "those exercises will have shorter holds next time."
        )
    return line
