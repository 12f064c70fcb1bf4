"""Reading the history: the rows the commands show and the queries that make them.

``HistoryQueries`` holds the reading side of ``store.Store`` (which adds opening,
writing and the error handling every query runs under); ``SessionRow`` and
``ExerciseSession`` are what they return.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, TypeVar

from .._core.yamlfields import control_character
from .dates import DateProblem, read_day

__all__ = ["ENDINGS", "BadValue", "ExerciseSession", "HistoryQueries", "SessionRow"]

T = TypeVar("T")


class BadValue(ValueError):
    """A history row holds a value of the wrong kind (the file was edited or damaged)."""


def _whole(value: object, where: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise BadValue(f"{where} is {value!r:.60}; expected a whole number")


def _real(value: object, where: str) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
        if math.isfinite(number):
            return number
    raise BadValue(f"{where} is {value!r:.60}; expected a number")


def _day(value: object, where: str) -> str:
    try:
        return read_day(value).isoformat()
    except DateProblem as error:
        raise BadValue(f"{where}: {error}") from None


def _text(value: object, where: str) -> str:
    if isinstance(value, str):
        bad = control_character(value)
        if bad is None:
            return value
        raise BadValue(f"{where} holds the control character {bad}")
    raise BadValue(f"{where} is {value!r:.60}; expected text")


ENDINGS: Mapping[str, str] = MappingProxyType(
    {"done": "finished", "stop": "stopped", "interrupted": "interrupted", "running": "running"}
)
"""A session's status as the terminal, the report and the web app all say it."""


@dataclass(frozen=True)
class SessionRow:
    """One session as the history shows it."""

    id: int
    day: str
    started: str
    routine: str
    simulated: bool
    status: str
    """done, stop, interrupted, or running (no end yet while another process holds the lock)."""
    planned_steps: int
    completed_steps: int
    """Distinct steps done (cues not counted; a repeated step counts once), as the
    session engine counts them for the live panel."""
    seconds: float
    too_tight: int

    @property
    def ending(self) -> str:
        """How it ended, in the words every screen uses (``ENDINGS``)."""
        return ENDINGS.get(self.status, self.status)

    @property
    def counts(self) -> bool:
        """Counts toward adherence: a real session, finished or at least half done.

        A simulated session never counts, whatever it did.
        """
        if self.simulated:
            return False
        done = self.status == "done"
        return done or (self.planned_steps > 0 and 2 * self.completed_steps >= self.planned_steps)


@dataclass(frozen=True)
class ExerciseSession:
    """What one session did with one exercise."""

    session_id: int
    day: str
    exercise: str
    area: str | None
    steps: int
    seconds: float
    holds: int
    too_tight: int


class HistoryQueries:
    """The reading queries of an open history database (``Store`` is the one to use)."""

    conn: sqlite3.Connection

    def _guard(self, body: Callable[[], T]) -> T:
        """Run ``body``, turning database failures into the store's own errors."""
        raise NotImplementedError

    def sessions(self, limit: int | None = None, *, running: bool = False) -> list[SessionRow]:
        """Sessions, oldest first (the last ``limit`` when given).

        A session with no end reads "running" when ``running`` (another process
        holds the lock), else "interrupted".
        """
        return self._guard(lambda: self._sessions(limit, running=running))

    def _sessions(self, limit: int | None, *, running: bool = False) -> list[SessionRow]:
        query = (
            "SELECT s.id, s.day, s.started, s.routine, s.simulated, s.end_reason,"
            " s.planned_steps, (SELECT COUNT(DISTINCT t.idx) FROM steps t"
            " WHERE t.session_id = s.id AND t.completed AND t.kind != 'cue'),"
            " COALESCE(SUM(e.seconds), 0),"
            " COALESCE(SUM(e.too_tight), 0)"
            " FROM sessions s LEFT JOIN session_exercises e ON e.session_id = s.id"
            " GROUP BY s.id ORDER BY s.id"
        )
        params: tuple[Any, ...] = ()
        if limit is not None:
            query = f"SELECT * FROM ({query} DESC LIMIT ?) ORDER BY 1"
            params = (limit,)
        unended = "running" if running else "interrupted"
        return [_session_row(r, unended) for r in self.conn.execute(query, params)]

    def exercise_sessions(self) -> list[ExerciseSession]:
        """Per session and exercise: what was done, oldest session first."""

        def body() -> list[ExerciseSession]:
            rows = self.conn.execute(
                "SELECT e.session_id, s.day, e.exercise, e.area, e.steps, e.seconds, e.holds,"
                " e.too_tight FROM session_exercises e JOIN sessions s ON s.id = e.session_id"
                " ORDER BY e.session_id, e.exercise"
            )
            return [_exercise_session(r) for r in rows]

        return self._guard(body)

    def too_tight_events(self) -> list[tuple[int, str, float]]:
        """Every "too tight": (session id, exercise, in-session factor), in order."""
        return self._guard(
            lambda: [
                (
                    _whole(r[0], "too_tight.session_id"),
                    _text(r[1], "too_tight.exercise"),
                    _real(r[2], "too_tight.factor"),
                )
                for r in self.conn.execute(
                    "SELECT session_id, exercise, factor FROM too_tight ORDER BY rowid"
                )
            ]
        )

    def steps_of(self, session_id: int) -> list[tuple[int, str, str, float, float, bool]]:
        """One session's steps: (index, kind, exercise, planned, actual, completed)."""
        return self._guard(
            lambda: [
                (
                    _whole(r[0], "steps.idx"),
                    _text(r[1], "steps.kind"),
                    _text(r[2], "steps.exercise"),
                    _real(r[3], "steps.planned"),
                    _real(r[4], "steps.actual"),
                    bool(_whole(r[5], "steps.completed")),
                )
                for r in self.conn.execute(
                    "SELECT idx, kind, exercise, planned, actual, completed FROM steps"
                    " WHERE session_id = ? ORDER BY rowid",
                    (session_id,),
                )
            ]
        )


def _session_row(r: tuple[Any, ...], unended: str) -> SessionRow:
    at = f"session {r[0]!r:.20}"
    return SessionRow(
        id=_whole(r[0], "sessions.id"),
        day=_day(r[1], f"{at}: day"),
        started=_text(r[2], f"{at}: started"),
        routine=_text(r[3], f"{at}: routine"),
        simulated=bool(_whole(r[4], f"{at}: simulated")),
        status=_text(r[5], f"{at}: end_reason") if r[5] is not None else unended,
        planned_steps=_whole(r[6], f"{at}: planned_steps"),
        completed_steps=_whole(r[7], f"{at}: completed steps"),
        seconds=round(_real(r[8], f"{at}: seconds of its exercises"), 3),
        too_tight=_whole(r[9], f"{at}: too_tight"),
    )


def _exercise_session(r: tuple[Any, ...]) -> ExerciseSession:
    at = f"session {r[0]!r:.20}, exercise {r[2]!r:.40}"
    area = r[3]
    return ExerciseSession(
        _whole(r[0], "session_exercises.session_id"),
        _day(r[1], f"{at}: day"),
        _text(r[2], f"{at}: exercise"),
        None if area is None else _text(area, f"{at}: area"),
        _whole(r[4], f"{at}: steps"),
        _real(r[5], f"{at}: seconds"),
        _whole(r[6], f"{at}: holds"),
        _whole(r[7], f"{at}: too_tight"),
    )
