"""Read exercise and routine files, checking every field.

Every problem is reported with the file, the line and what was expected; no
input, whatever its bytes, makes this module raise anything but
``RoutineFileError``.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TypeVar

import yaml

from .._paths import PlaceProblem, read_regular
from .plan import estimate_speech_seconds
from .routine import Exercise, Library, Routine
from .yamlcheck import Problem, parse_document
from .yamlsyntax import explain

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_ROUTINE_SECONDS",
    "Problem",
    "RoutineFileError",
    "builtin_library",
    "check_files",
    "load_library",
]

MAX_FILE_BYTES = 1_000_000
"""Larger files are refused unread: no real routine file comes near this."""

MAX_ROUTINE_SECONDS = 3 * 3600
"""A routine longer than 3 hours (its holds, rests and spoken lines) is a mistake."""

MAX_DEPTH = 32
"""Our format needs five levels; anything far deeper is not a routine file."""

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class RoutineFileError(Exception):
    """One or more files are not valid; ``problems`` says where and why."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class _Parsed:
    path: str
    exercises: tuple[Exercise, ...]
    routines: tuple[Routine, ...]
    references: tuple[tuple[str, str, int], ...]  # (routine id, exercise id, line)
    broken: frozenset[str] = frozenset()  # exercises defined with a problem, reported there


def _read_text(path: str) -> tuple[str | None, list[Problem]]:
    try:
        # the person names this file: a link to it is theirs to make
        data = read_regular(path, limit=MAX_FILE_BYTES, follow_links=True, what="routine file")
    except PlaceProblem as error:
        if error.errno == errno.EFBIG:
            return None, [Problem(path, 1, "file is too large; the limit is 1 MB")]
        if error.errno in (errno.EISDIR, errno.EINVAL):  # a folder, a pipe, a device
            kind = "a folder" if error.errno == errno.EISDIR else "a pipe or a device"
            return None, [Problem(path, 1, f"cannot read the file: it is {kind}, not a file")]
        return None, [Problem(path, 1, f"cannot read the file: {error.strerror}")]
    except OSError as error:
        return None, [Problem(path, 1, f"cannot read the file: {error.strerror or error}")]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        bad = data[error.start : error.start + 1].hex()
        return None, [Problem(path, line, f"not UTF-8 text (byte 0x{bad}); save it as UTF-8")]


def _parse_text(path: str, text: str) -> tuple[_Parsed | None, list[Problem]]:
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        return None, [Problem(path, 1, "file is empty; expected 'exercises:' and/or 'routines:'")]
    try:
        too_deep = _nesting_line(text)
        if too_deep is not None:
            return None, [
                Problem(
                    path, too_deep, f"YAML is nested more than {MAX_DEPTH} levels deep; refused"
                )
            ]
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        line, what = explain(error, text)
        return None, [Problem(path, line, f"YAML syntax error: {what}")]
    except yaml.reader.ReaderError as error:  # a NUL or control character: say its line
        line = text.count("\n", 0, max(0, int(error.position))) + 1
        char = error.character
        shown = f"U+{char:04X}" if isinstance(char, int) else repr(char)
        return None, [
            Problem(path, line, f"control character {shown} is not allowed in YAML; remove it")
        ]
    except yaml.YAMLError as error:
        return None, [Problem(path, 1, f"YAML error: {error}")]
    except RecursionError:
        return None, [Problem(path, 1, "YAML is nested too deeply")]
    if root is None:
        return None, [Problem(path, 1, "file is empty; expected 'exercises:' and/or 'routines:'")]
    document, problems = parse_document(path, root)
    if document is None:
        return None, problems
    parsed = _Parsed(
        path,
        tuple(document.exercises),
        tuple(document.routines),
        tuple(document.references),
        frozenset(document.broken),
    )
    return parsed, problems


def _nesting_line(text: str) -> int | None:
    """The line where nesting first passes ``MAX_DEPTH``, or None.

    Checked on the event stream (which is not recursive) before composing,
    because libyaml's composer recurses in C and crashes on deep nesting.
    Newer libyaml refuses deep nesting itself, with its own words, while
    scanning ahead of the events: when the fast parser fails, the pure-Python
    one (which has no limit of its own) decides whether our limit came first.
    That costs time on broken files only (about 5 s for the largest allowed).
    """
    try:
        return _first_too_deep(text, _Loader)
    except yaml.YAMLError:
        if _Loader is yaml.SafeLoader:
            raise
        try:
            line = _first_too_deep(text, yaml.SafeLoader)
        except yaml.YAMLError:
            line = None
        if line is None:
            raise
        return line


def _first_too_deep(text: str, loader: type[yaml.SafeLoader]) -> int | None:
    depth = 0
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                return int(mark.line) + 1 if mark is not None else 1
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return None


def _parse_file(path: str) -> tuple[_Parsed | None, list[Problem]]:
    text, problems = _read_text(path)
    if text is None:
        return None, problems
    return _parse_text(path, text)


def _merge(parsed: Iterable[_Parsed], base: Library | None) -> tuple[Library, list[Problem]]:
    """Join files into one library; later files may not repeat an id.

    Ids from the built-in library may be redefined by a person's own file, so
    a therapist can copy and adjust a built-in exercise.
    """
    problems: list[Problem] = []
    exercises: dict[str, Exercise] = {}
    routines: dict[str, Routine] = {}
    references: list[tuple[str, str, str, int]] = []
    broken: set[str] = set()
    own: list[Routine] = []
    for part in parsed:
        problems += _add_unique("exercise", part.exercises, exercises)
        problems += _add_unique("routine", part.routines, routines)
        references.extend((part.path, r, e, line) for r, e, line in part.references)
        broken |= part.broken
        own.extend(part.routines)
    if base is not None:
        exercises = {**base.exercises, **exercises}
        routines = {**base.routines, **routines}
    for path, routine_id, exercise_id, line in references:
        if exercise_id not in exercises and exercise_id not in broken:
            hint = _did_you_mean(exercise_id, exercises)
            problems.append(
                Problem(
                    path,
                    line,
                    f"routine '{routine_id}' names unknown exercise '{exercise_id}'{hint}",
                )
            )
    for routine in own:
        seconds = _routine_seconds(routine, exercises)
        if seconds > MAX_ROUTINE_SECONDS:
            problems.append(
                _at(
                    routine.source,
                    f"routine '{routine.id}' would take about {seconds / 3600:.1f} hours; "
                    f"the limit is {MAX_ROUTINE_SECONDS // 3600} hours (fewer reps or exercises)",
                )
            )
    return Library(exercises=exercises, routines=routines), problems


def _routine_seconds(routine: Routine, exercises: Mapping[str, Exercise]) -> float:
    """At least how long ``routine`` takes: its holds, rests and spoken lines."""
    total = routine.rest_between * max(0, len(routine.items) - 1)
    for item in routine.items:
        exercise = exercises.get(item.exercise)
        if exercise is None:
            continue
        once = sum(
            (step.hold or 0.0) + (step.rest or 0.0) + estimate_speech_seconds(step.say)
            for step in exercise.steps
        )
        reps = item.reps if item.reps is not None else exercise.reps
        total += estimate_speech_seconds(exercise.setup) + (exercise.ready or 0.0) + reps * once
    return total


_Item = TypeVar("_Item", Exercise, Routine)


def _add_unique(what: str, items: Iterable[_Item], into: dict[str, _Item]) -> list[Problem]:
    """Add ``items`` by id; each id already there is a problem at the repeat."""
    problems = []
    for item in items:
        if item.id in into:
            first = into[item.id].source
            message = f"duplicate {what} id '{item.id}' (first defined at {first})"
            problems.append(_at(item.source, message))
        else:
            into[item.id] = item
    return problems


def _at(source: str, message: str) -> Problem:
    path, _, line = source.rpartition(":")
    return Problem(path, int(line) if line.isdigit() else 1, message)


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    import difflib

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def check_files(paths: Sequence[str | os.PathLike[str]]) -> list[Problem]:
    """Every problem in ``paths``, checked together with the built-in library."""
    return _load(paths, include_builtin=True)[1]


def load_library(
    paths: Sequence[str | os.PathLike[str]] = (), *, include_builtin: bool = True
) -> Library:
    """The built-in library plus the exercises and routines in ``paths``.

    Raises ``RoutineFileError`` listing every problem found.
    """
    library, problems = _load(paths, include_builtin=include_builtin)
    if problems:
        raise RoutineFileError(problems)
    return library


def _load(
    paths: Sequence[str | os.PathLike[str]], *, include_builtin: bool
) -> tuple[Library, list[Problem]]:
    problems: list[Problem] = []
    parsed: list[_Parsed] = []
    for raw in paths:
        part, found = _parse_file(os.fspath(raw))
        problems.extend(found)
        if part is not None:
            parsed.append(part)
    base = builtin_library() if include_builtin else None
    library, found = _merge(parsed, base)
    problems.extend(found)
    return library, problems


@lru_cache(maxsize=1)
def builtin_library() -> Library:
    """The exercises and routines that ship with facecoach."""
    parsed: list[_Parsed] = []
    problems: list[Problem] = []
    folder = resources.files("facecoach") / "data"
    for name in ("exercises.yaml", "routines.yaml"):
        entry = folder / name
        if not entry.is_file():
            continue
        part, found = _parse_text(str(Path("facecoach/data") / name), entry.read_text("utf-8"))
        problems.extend(found)
        if part is not None:
            parsed.append(part)
    library, found = _merge(parsed, None)
    problems.extend(found)
    if problems:  # a packaging fault, not the person's: fail loudly in tests
        raise RoutineFileError(problems)
    return library
