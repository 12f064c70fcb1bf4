"""The printable sheet of a routine, and the exercise blocks the Routines page shares.

One block per exercise in the routine: its face picture, its name, how many
times, and every line the coach says, in order, with each hold or rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from markupsafe import Markup

from .._core.faces import face_svg
from .._core.plan import adapted_hold, side_word
from .._core.routine import Library, Routine
from .render import environment, seconds_text

__all__ = [
    "LogWeek",
    "SheetBlock",
    "SheetLine",
    "log_weeks",
    "render_sheet",
    "repeat_note",
    "sheet_blocks",
    "times_words",
]


@dataclass(frozen=True)
class SheetLine:
    """One spoken line and what follows it (``hold 5 seconds``, ``rest 4 seconds``, or "")."""

    text: str
    timing: str
    hold: bool = False


@dataclass(frozen=True)
class SheetBlock:
    """One exercise as the sheet shows it."""

    number: int
    exercise_id: str
    name: str
    area: str
    kind: str
    reps: int
    picture: Markup
    setup: str
    lines: tuple[SheetLine, ...]
    shortened: bool
    """Holds are shorter than written, after "too tight"."""


def sheet_blocks(
    routine: Routine,
    library: Library,
    *,
    person_side: str | None,
    hold_factors: dict[str, float] | None = None,
    prefix: str = "face",
) -> list[SheetBlock]:
    """The routine's exercises, with the person's side and adapted holds filled in.

    ``prefix`` keeps the pictures' element ids apart when several routines share a page.
    """
    factors = hold_factors or {}
    blocks: list[SheetBlock] = []
    for number, item in enumerate(routine.items, start=1):
        exercise = library.exercises.get(item.exercise)
        if exercise is None:
            continue
        word = side_word(person_side, exercise.side)
        factor = factors.get(exercise.id, 1.0)
        lines = []
        for step in exercise.steps:
            if step.hold is not None:
                held = adapted_hold(step.hold, exercise.min_hold, factor)
                lines.append(
                    SheetLine(step.say.replace("{side}", word), f"hold {seconds_text(held)}", True)
                )
            elif step.rest:
                lines.append(
                    SheetLine(step.say.replace("{side}", word), f"rest {seconds_text(step.rest)}")
                )
            else:
                lines.append(SheetLine(step.say.replace("{side}", word), ""))
        # face_svg escapes every piece of text it puts in the drawing
        picture = Markup(face_svg(exercise, person_side, ident=f"{prefix}-{number}-{exercise.id}"))
        blocks.append(
            SheetBlock(
                number=number,
                exercise_id=exercise.id,
                name=exercise.name,
                area=exercise.area.value,
                kind=exercise.kind.value,
                reps=item.reps or exercise.reps,
                picture=picture,
                setup=exercise.setup.replace("{side}", word),
                lines=tuple(lines),
                shortened=factor < 1.0,
            )
        )
    return blocks


_COUNTS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def times_words(count: int) -> str:
    """``three times``, ``once``, ``12 times``: a count of times as a person says it."""
    if count == 1:
        return "once"
    return f"{_COUNTS[count] if 0 <= count < len(_COUNTS) else count} times"


def repeat_note(block: SheetBlock) -> str:
    """``Repeat steps 2-3 three times.`` for an exercise done more than once ("" if once).

    The setup line is step 1 when there is one, so the repeated steps follow it.
    """
    if block.reps <= 1 or not block.lines:
        return ""
    first = 2 if block.setup else 1
    last = first + len(block.lines) - 1
    steps = f"step {first}" if first == last else f"steps {first}\u2013{last}"
    return f"Repeat {steps} {times_words(block.reps)}."


@dataclass(frozen=True)
class LogWeek:
    """One row of the sheet's tick-box log: a week from Monday, and which days are past."""

    monday: date
    days: tuple[tuple[date, bool], ...]
    """Each day of the week and whether it is before the sheet's date (no box to tick)."""


def log_weeks(day: date, weeks: int) -> list[LogWeek]:
    """The weeks of the log, starting with the week of ``day``."""
    monday = day - timedelta(days=day.weekday())
    rows = []
    for week in range(weeks):
        start = monday + timedelta(weeks=week)
        days = tuple((start + timedelta(days=k), start + timedelta(days=k) < day) for k in range(7))
        rows.append(LogWeek(start, days))
    return rows


def day_words(day: date) -> str:
    """``4 December 2026``."""
    return f"{day.day} {day:%B %Y}"


def render_sheet(
    routine: Routine,
    library: Library,
    *,
    person_side: str | None,
    hold_factors: dict[str, float] | None = None,
    day: date | None = None,
    minutes: float | None = None,
    name: str = "",
    weeks: int = 6,
) -> str:
    """The whole sheet as one HTML page (pictures inline, nothing to fetch).

    For a therapist to hand out: the person's ``name`` (a line to write it on when
    ""), the side and the date at the top, a box for notes, every exercise with its
    picture, and a log of ``weeks`` weeks to tick each session in.
    """
    day = day or date.today()
    blocks = sheet_blocks(routine, library, person_side=person_side, hold_factors=hold_factors)
    template = environment().get_template("sheet.html")
    return template.render(
        routine=routine,
        blocks=blocks,
        notes=[repeat_note(block) for block in blocks],
        side=person_side if person_side in ("left", "right", "both") else None,
        name=name.strip(),
        day=day_words(day),
        minutes=minutes,
        rest_between=seconds_text(routine.rest_between) if routine.rest_between else "",
        log=log_weeks(day, weeks),
    )
