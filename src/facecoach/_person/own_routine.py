"""The person's own routine: one routine chosen in the profile as their plan.

A therapist often writes a routine for one patient. ``choose_routine`` makes
it the person's plan: the file is checked once, then copied into the person's
data folder (private, replaced atomically), so a later edit of the original
changes nothing until the person chooses it again. ``person_library`` is the
library every command reads the plan from: the built-in one plus that copy.
The built-in rotation is still there (``ROTATION`` goes back to it).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from .._core.loader import RoutineFileError, builtin_library, load_library
from .._core.routine import Library, Routine
from .._paths import PlaceProblem, Places, private_dir, read_regular, write_text_atomic
from .errors import RunRefused
from .profile import Profile, ProfileProblem, load_profile

__all__ = [
    "ROTATION",
    "Chosen",
    "PlanProblem",
    "choose_routine",
    "copy_path",
    "person_library",
    "person_library_for",
]

ROTATION = "rotation"
"""What ``--routine`` takes to go back to the built-in rotation."""

_MAX_BYTES = 1_000_000
"""A routine file is a page of YAML; anything this large is not one."""


class PlanProblem(Exception):
    """The routine asked for cannot become the plan; the message says why and what to do."""


@dataclass(frozen=True)
class Chosen:
    """What ``choose_routine`` did."""

    profile: Profile
    """The profile with the plan set (or cleared), ready to save."""
    routine: Routine | None
    """The plan's routine, or None for the rotation."""
    copy: Path | None = None
    """The private copy of the file, when the routine came from one."""


def copy_path(where: Places) -> Path:
    """The private copy of the plan's routine file."""
    return where.data / "my-routine.yaml"


def _looks_like_file(spec: str) -> bool:
    return spec.endswith((".yaml", ".yml")) or os.sep in spec or os.path.exists(spec)


def choose_routine(
    where: Places, profile: Profile, spec: str, routine_id: str | None, today: date
) -> Chosen:
    """Make ``spec`` (a YAML file, a built-in routine id, or ``ROTATION``) the plan.

    The file is validated before anything is written (``RoutineFileError``
    lists its problems by file and line); a routine that cannot be chosen
    raises ``PlanProblem``. The copy is written here; the caller saves the
    returned profile.
    """
    if spec.strip().lower() == ROTATION:
        copy = copy_path(where)
        if os.path.lexists(copy) and not copy.is_symlink():
            copy.unlink()
        return Chosen(replace(profile, routine=None, routine_file=None, routine_since=None), None)
    if not _looks_like_file(spec):
        library = builtin_library()
        wanted = routine_id or spec
        if wanted not in library.routines:
            raise PlanProblem(
                f"no routine or file named '{wanted}'. Built-in routines: "
                f"{', '.join(sorted(library.routines))}; or give a routine file's path"
            )
        chosen = replace(profile, routine=wanted, routine_file=None, routine_since=today)
        return Chosen(chosen, library.routines[wanted])
    source = Path(spec)
    text = _read(source)
    library = load_library([spec])  # RoutineFileError names the file, the line, the field
    routine = _pick(library, spec, routine_id)
    if _read(source) != text:
        raise PlanProblem(f"{spec} changed while it was being read; choose it again")
    copy = copy_path(where)
    private_dir(where.data)
    write_text_atomic(copy, text)
    absolute = str(source.resolve())
    chosen = replace(profile, routine=routine.id, routine_file=absolute, routine_since=today)
    return Chosen(chosen, routine, copy)


def _read(path: Path) -> str:
    try:
        data = read_regular(path, limit=_MAX_BYTES, follow_links=True, what="routine file")
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise PlanProblem(f"{path} is not a text file (UTF-8)") from None
    except FileNotFoundError:
        raise PlanProblem(f"{path}: there is no such file") from None
    except PlaceProblem as error:
        raise PlanProblem(str(error.strerror)) from None
    except OSError as error:
        raise PlanProblem(f"{path}: cannot read it ({error.strerror or error})") from None


def _pick(library: Library, spec: str, routine_id: str | None) -> Routine:
    own = [r for r in library.routines.values() if r.source.startswith(f"{spec}:")]
    if routine_id is not None:
        found = next((r for r in own if r.id == routine_id), None)
        if found is None:
            names = ", ".join(r.id for r in own) or "none"
            raise PlanProblem(f"{spec}: no routine '{routine_id}'; it has: {names}")
        return found
    if len(own) == 1:
        return own[0]
    if not own:
        raise PlanProblem(f"{spec}: the file defines no routine; add one under 'routines:'")
    names = ", ".join(r.id for r in own)
    raise PlanProblem(f"{spec}: the file has {len(own)} routines; choose one ({names})")


def person_library(where: Places, profile: Profile, files: Sequence[str] = ()) -> Library:
    """The built-in library, ``files``, and the copy of the plan's file when there is one.

    Raises ``RunRefused`` (status 1) when the copy is gone or no longer loads,
    saying how to choose the plan again or go back to the rotation.
    """
    paths = [str(p) for p in files]
    if profile.routine is not None and profile.routine_file is not None:
        # the copy stands for the file it was made from: the original, edited since,
        # must not change the plan through another door (or clash with its copy)
        paths = [p for p in paths if str(Path(p).resolve()) != profile.routine_file]
        copy = copy_path(where)
        again = (
            f"choose it again (facecoach profile --routine {profile.routine_file}) "
            "or go back to the rotation (facecoach profile --routine rotation)"
        )
        if not copy.is_file() or copy.is_symlink():
            raise RunRefused(
                f"the copy of your plan's routine file ({copy}) is missing; {again}",
                1,
                "The copy of your plan's routine file is missing. Choose the file again "
                "in your profile, or go back to the rotation.",
            )
        paths.append(str(copy))
        try:
            library = load_library(paths)
        except RoutineFileError as error:
            said = "; ".join(str(p) for p in error.problems[:3])
            raise RunRefused(
                f"your plan's routine cannot be read: {said}; {again}",
                1,
                "Your plan's routine file cannot be read. Choose it again in your profile, "
                "or go back to the rotation.",
            ) from None
        if profile.routine not in library.routines:
            raise RunRefused(
                f"{copy} has no routine '{profile.routine}'; {again}",
                1,
                "Your plan's routine is not in its file. Choose it again in your profile.",
            )
        return library
    return load_library(paths) if paths else builtin_library()


def person_library_for(where: Places, files: Sequence[str] = ()) -> Library:
    """``person_library`` with the saved profile (``RunRefused`` for a damaged one)."""
    try:
        profile = load_profile(where)
    except ProfileProblem as error:
        raise RunRefused(str(error), 1) from None
    return person_library(where, profile, files)
