"""Writing one session to the history as it happens (``Recorder``).

The session row is added with the first entry, so a start that is refused
leaves nothing behind; entries that do not fit on a full disk wait in memory
and are written, in order, with the next one that fits.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from .._core.events import RecordEntry
from .store import HistoryFull, Store

__all__ = ["Recorder", "SessionStart"]


@dataclass(frozen=True)
class SessionStart:
    """The session row to add once the session has really started."""

    day: str
    started: str
    routine: str
    simulated: bool
    planned_steps: int
    planned_seconds: float


def _warn(text: str) -> None:
    print(f"facecoach: {text}", file=sys.stderr, flush=True)


class Recorder:
    """Writes one session's record entries to the store as they happen.

    Call it with each ``RecordEntry`` (it is the ``recorder`` callable of the
    simulator and the live loop). Given a ``SessionStart`` rather than a
    session id, the session row is added with the first entry, so a start
    that is refused leaves no row. When a write fails for want of room the
    entries are kept in memory and written, in order, with the next one that
    fits; ``say`` is told once that the history could not be saved and once
    that it caught up (standard error by default).
    """

    def __init__(
        self,
        store: Store,
        session: int | SessionStart,
        areas: Mapping[str, str],
        say: Callable[[str], None] | None = None,
    ) -> None:
        self.store = store
        self.session_id: int | None = session if isinstance(session, int) else None
        self._start = session if isinstance(session, SessionStart) else None
        self.areas = areas
        """Exercise id -> face area, stored with each exercise's summary."""
        self.unsaved: list[RecordEntry] = []
        """Entries not yet written (the disk was full); written with the next one that fits."""
        self._say = say or _warn
        self._behind = False

    def __call__(self, entry: RecordEntry) -> None:
        self.unsaved.append(entry)
        self.flush()

    def flush(self) -> bool:
        """Write what is unsaved; True when nothing is left behind."""
        try:
            if self.session_id is None and self._start is not None:
                start = self._start
                self.session_id = self.store.begin_session(
                    day=start.day,
                    started=start.started,
                    routine=start.routine,
                    simulated=start.simulated,
                    planned_steps=start.planned_steps,
                    planned_seconds=start.planned_seconds,
                )
            while self.unsaved and self.session_id is not None:
                entry = self.unsaved[0]
                exercise = getattr(entry, "exercise", None)
                area = self.areas.get(exercise) if isinstance(exercise, str) else None
                self.store.write(self.session_id, entry, area)
                self.unsaved.pop(0)
        except HistoryFull as error:
            if not self._behind:
                self._behind = True
                self._say(
                    f"Could not save the session history ({error}). The steps are kept "
                    "in memory and saved as soon as there is room; the session goes on."
                )
            return False
        if self._behind:
            self._behind = False
            self._say("The session history caught up: every step so far is saved.")
        return True
