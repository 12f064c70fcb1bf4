"""Reading the history: the rows the commands show and the queries that make them.

``HistoryQueries`` holds the reading side of ``store.Store`` (which adds opening,
writing and the error handling every query runs under); ``SessionRow`` and
``ExerciseSession`` are what they return.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

__all__ = ["ExerciseSession", "HistoryQueries", "SessionRow"]

T = TypeVar("T")


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
        return [
            SessionRow(
                id=int(r[0]),
                day=str(r[1]),
                started=str(r[2]),
                routine=str(r[3]),
                simulated=bool(r[4]),
                status=str(r[5]) if r[5] is not None else unended,
                planned_steps=int(r[6]),
                completed_steps=int(r[7]),
                seconds=round(float(r[8]), 3),
                too_tight=int(r[9]),
            )
            for r in self.conn.execute(query, params)
        ]

    def exercise_sessions(self) -> list[ExerciseSession]:
        """Per session and exercise: what was done, oldest session first."""

        def body() -> list[ExerciseSession]:
            rows = self.conn.execute(
                "SELECT e.session_id, s.day, e.exercise, e.area, e.steps, e.seconds, e.holds,"
                " e.too_tight FROM session_exercises e JOIN sessions s ON s.id = e.session_id"
                " ORDER BY e.session_id, e.exercise"
            )
            return [
                ExerciseSession(
                    int(r[0]),
                    str(r[1]),
                    str(r[2]),
                    r[3],
                    int(r[4]),
                    float(r[5]),
                    int(r[6]),
                    int(r[7]),
                )
                for r in rows
            ]

        return self._guard(body)

    def too_tight_events(self) -> list[tuple[int, str, float]]:
        """Every "too tight": (session id, exercise, in-session factor), in order."""
        return self._guard(
            lambda: [
                (int(r[0]), str(r[1]), float(r[2]))
                for r in self.conn.execute(
                    "SELECT session_id, exercise, factor FROM too_tight ORDER BY rowid"
                )
            ]
        )

    def steps_of(self, session_id: int) -> list[tuple[int, str, str, float, float, bool]]:
        """One session's steps: (index, kind, exercise, planned, actual, completed)."""
        return self._guard(
            lambda: [
                (int(r[0]), str(r[1]), str(r[2]), float(r[3]), float(r[4]), bool(r[5]))
                for r in self.conn.execute(
                    "SELECT idx, kind, exercise, planned, actual, completed FROM steps"
                    " WHERE session_id = ? ORDER BY rowid",
                    (session_id,),
                )
            ]
        )
