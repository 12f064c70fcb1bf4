"""The printable sheet of a routine, and the exercise blocks the Routines page shares.

One block per exercise in the routine: its face picture, its name, how many
times, and every line the coach says, in order, with each hold or rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from markupsafe import Markup

from .._core.faces import face_svg
from .._core.plan import adapted_hold, side_word
from .._core.routine import Library, Routine
from .render import environment, seconds_text

__all__ = ["SheetBlock", "SheetLine", "render_sheet", "sheet_blocks"]


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


def render_sheet(
    routine: Routine,
    library: Library,
    *,
    person_side: str | None,
    hold_factors: dict[str, float] | None = None,
    day: date | None = None,
    minutes: float | None = None,
) -> str:
    """The whole sheet as one HTML page (pictures inline, nothing to fetch)."""
    blocks = sheet_blocks(routine, library, person_side=person_side, hold_factors=hold_factors)
    template = environment().get_template("sheet.html")
    return template.render(
        routine=routine,
        blocks=blocks,
        side=person_side if person_side in ("left", "right") else None,
        day=(day or date.today()).isoformat(),
        minutes=minutes,
        rest_between=seconds_text(routine.rest_between) if routine.rest_between else "",
    )
