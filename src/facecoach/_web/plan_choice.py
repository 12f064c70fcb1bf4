"""The Profile page's "Your plan": the rotation, or one routine every session day.

The choices are the routines the app knows: the built-in ones and those of
the files given to ``serve --file`` (a therapist's file, say). Choosing one
from a file does what ``facecoach profile --routine FILE`` does: the file is
checked and copied into the person's data folder (``choose_routine``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .._core.loader import builtin_library
from .._core.routine import Library, Routine
from .._paths import Places
from .._person.own_routine import ROTATION, PlanProblem, choose_routine, copy_path
from .._person.profile import Profile

__all__ = ["PlanChoice", "choose_plan", "plan_choices"]


@dataclass(frozen=True)
class PlanChoice:
    """One radio button of "Your plan"."""

    value: str
    label: str
    explain: str


def _file_of(routine: Routine, files: tuple[str, ...]) -> str | None:
    return next((f for f in files if routine.source.startswith(f"{f}:")), None)


def plan_choices(library: Library, files: tuple[str, ...], where: Places) -> list[PlanChoice]:
    """The rotation first, then every routine by name, each saying where it comes from."""
    built_in = builtin_library().routines
    copy = str(copy_path(where))
    choices = [
        PlanChoice(
            ROTATION,
            "The built-in rotation",
            "A different area of the face each session day, in turn.",
        )
    ]
    for routine in sorted(library.routines.values(), key=lambda r: r.name):
        source = _file_of(routine, files)
        if source is not None:
            explain = f"From the file {source}: a copy is kept, so later edits change nothing."
        elif routine.source.startswith(f"{copy}:"):
            explain = "Your plan's own copy, from the file it was chosen from."
        elif routine.id in built_in:
            explain = "Built in."
        else:
            continue
        choices.append(PlanChoice(routine.id, routine.name, explain))
    return choices


def choose_plan(
    where: Places,
    profile: Profile,
    wanted: str,
    library: Library,
    files: tuple[str, ...],
    today: date,
) -> Profile:
    """The profile with ``wanted`` (a value of ``plan_choices``) as the plan.

    Raises ``PlanProblem`` for a routine the app does not know, and
    ``RoutineFileError`` when its file no longer loads.
    """
    if wanted == (profile.routine or ROTATION):
        return profile
    if wanted == ROTATION:
        return choose_routine(where, profile, ROTATION, None, today).profile
    routine = library.routines.get(wanted)
    if routine is None:
        raise PlanProblem(f"there is no routine called {wanted}")
    source = _file_of(routine, files)
    if source is not None:
        return choose_routine(where, profile, source, routine.id, today).profile
    if routine.id in builtin_library().routines:
        return choose_routine(where, profile, routine.id, None, today).profile
    raise PlanProblem(f"{routine.name} cannot be chosen here")
