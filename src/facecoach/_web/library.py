"""The person's own routine files, as the pages see them: read once, kept while good.

``RoutineFiles`` reads the files given to ``serve --file`` and the copy of
the plan's routine (``person_library_for``) when the app starts, and again
only when one of them, or the profile, changes. A file that turns into
something that is not a routine file (edited to junk, deleted, replaced by a
pipe) does not take the pages down: the last good library stays in use,
the terminal is told once which file and why, and every page shows
``problem`` as a banner until the file is good again.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Sequence

from .._core.loader import RoutineFileError, builtin_library, load_library
from .._core.routine import Library
from .._paths import Places
from .._person.errors import RunRefused
from .._person.own_routine import copy_path, person_library_for
from .._person.profile import profile_path

__all__ = ["RoutineFiles"]

_PLAN_DAMAGE = (ValueError, OverflowError, TypeError, RecursionError)
"""What a hand-edited profile may raise before its own checks catch it."""

_Stamp = tuple[tuple[str, int, int, int, int], ...]


def _stamp(paths: Sequence[str]) -> _Stamp:
    stamps = []
    for path in paths:
        try:
            info = os.stat(path)
            stamps.append((path, info.st_mode, info.st_ino, info.st_size, info.st_mtime_ns))
        except OSError:
            stamps.append((path, 0, 0, 0, 0))
    return tuple(stamps)


class RoutineFiles:
    """The built-in library plus ``paths``, with the last good copy kept."""

    def __init__(
        self, where: Places, paths: Sequence[str], tell: Callable[[str], None] | None = None
    ) -> None:
        self.where = where
        self.paths = tuple(paths)
        self.problem = ""
        """What is wrong with the files now, for the pages' banner ("" when nothing)."""
        self._tell = tell or (lambda line: print(f"facecoach: {line}", file=sys.stderr))
        self._lock = threading.Lock()
        self._stamp: _Stamp | None = None
        self._good: Library | None = None

    def library(self) -> Library:
        """The library to show: the files as they are now, or as they last were when good."""
        with self._lock:
            now = _stamp((*self.paths, str(profile_path(self.where)), str(copy_path(self.where))))
            if now != self._stamp or self._good is None:
                self._stamp = now
                self._read()
            return self._good if self._good is not None else builtin_library()

    def _load(self) -> Library:
        try:
            return person_library_for(self.where, self.paths)
        except (RunRefused, *_PLAN_DAMAGE):
            # the plan's copy or the profile is damaged: the pages that need them say so
            return load_library(self.paths) if self.paths else builtin_library()

    def _read(self) -> None:
        wrong: list[str] = []
        try:  # the loader reads through read_regular: a pipe or a device is a problem
            self._good = self._load()
        except RoutineFileError as error:
            wrong = [str(problem) for problem in error.problems]
        except (OSError, ValueError, RecursionError) as error:
            wrong = [f"{', '.join(self.paths)}: cannot be read ({error})"]
        if not wrong:
            if self.problem:
                self._tell("the routine files are good again; the pages use them.")
            self.problem = ""
            return
        kept = "the last good copy" if self._good is not None else "the built-in routines"
        for line in wrong:
            self._tell(line)
        self._tell(f"the pages go on with {kept} until this is mended.")
        self.problem = (
            f"A routine file could not be read ({wrong[0]}"
            f"{f', and {len(wrong) - 1} more problems' if len(wrong) > 1 else ''}). "
            f"facecoach goes on with {kept} until it is mended."
        )
