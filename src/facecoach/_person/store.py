"""The history: one SQLite file (standard library), written as things happen.

Every record entry is its own small transaction in WAL mode, so a process
killed mid-session (kill -9) loses at most the step in progress; the session
row is left without an end, and the next session start marks it interrupted.
The schema carries its version in ``PRAGMA user_version`` and is brought up to
date by the migrations in ``_store_schema``. A damaged file is copied aside
and reported; it is never replaced behind the person's back. The reading
queries (``SessionRow``, ``ExerciseSession``) are in ``queries``; this module
opens, writes and guards.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from .._core.events import CommandRecord, EndRecord, RecordEntry, StepRecord, TooTightRecord
from .._paths import PlaceProblem, open_private
from .queries import BadValue, ExerciseSession, HistoryQueries, SessionRow
from .schema import SCHEMA_VERSION, migrate
from .store_safety import (
    CorruptDatabase,
    SessionBusy,
    SessionLock,
    StoreProblem,
    check_place,
    keep_copy,
    make_private,
    quick_check,
    readonly_uri,
)

__all__ = [
    "CorruptDatabase",
    "ExerciseSession",
    "HistoryFull",
    "SessionBusy",
    "SessionLock",
    "SessionRow",
    "Store",
    "StoreProblem",
]

_CORRUPT_CODES = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB
_FULL_CODES = {10, 13}  # SQLITE_IOERR (and its extended codes), SQLITE_FULL


class HistoryFull(StoreProblem):
    """A write failed for want of room (or a passing I/O error); it may work later."""


T = TypeVar("T")


class Store(HistoryQueries):
    """An open history database. Use ``Store.open``; close it when done."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self.conn = conn
        self.notes: list[str] = []
        """What opening found and did that the person should hear (a 0-byte file kept aside)."""

    @classmethod
    def open(cls, path: Path, *, readonly: bool = False) -> Store:
        """Open (creating if needed) and migrate the database at ``path``.

        The file is checked (``PRAGMA quick_check``) before anything is written
        to it. ``readonly`` (today, history, report) never writes: it works in
        a read-only folder and creates nothing. Raises ``CorruptDatabase`` for
        a damaged file (a copy kept aside byte for byte, with its WAL) and
        ``StoreProblem`` for one that cannot be opened or was written by a
        newer facecoach. A 0-byte file is kept aside and said in ``notes``.
        """
        notes: list[str] = []
        check_place(path, readonly)
        if os.path.lexists(path) and path.stat().st_size == 0:
            if readonly:
                raise StoreProblem(
                    f"the history database {path} is empty (0 bytes), so there is no history "
                    "to show; the next session keeps it aside and starts a new one"
                )
            copy = keep_copy(path, "empty")
            path.unlink()
            notes.append(
                f"The history database {path} was empty (0 bytes); "
                + (f"it is kept at {copy} and " if copy else "")
                + "a new history is started."
            )
        if os.path.lexists(path):
            quick_check(path)
            if readonly:
                store = cls._connect(path, readonly=True)
                if store.version >= SCHEMA_VERSION:
                    return store
                store.close()  # an older file must be brought up to date first
        elif readonly:
            raise StoreProblem(f"there is no history database at {path} yet")
        else:
            try:
                os.close(open_private(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL))
            except PlaceProblem as error:
                why = error.strerror
                raise StoreProblem(f"cannot create the history database: {why}") from None
        store = cls._connect(path, readonly=False)
        store.notes = notes
        return store

    @classmethod
    def _connect(cls, path: Path, *, readonly: bool) -> Store:
        try:
            # the live loop may record from its own thread; it is the only writer then
            target = readonly_uri(path) if readonly else str(path)
            conn = sqlite3.connect(
                target, timeout=5.0, isolation_level=None, check_same_thread=False, uri=readonly
            )
        except sqlite3.Error as error:
            raise StoreProblem(f"cannot open the history database {path}: {error}") from None
        store = cls(path, conn)
        try:
            if not readonly:
                store._guard(store._prepare)
                make_private(path)
        except BaseException:
            conn.close()
            raise
        return store

    def _prepare(self) -> None:
        mode = self.conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise StoreProblem(f"{self.path}: cannot switch the history to WAL mode ({mode})")
        # NORMAL in WAL mode: a killed process loses nothing committed
        self.conn.execute("PRAGMA synchronous=NORMAL")
        version = int(self.conn.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise StoreProblem(
                f"{self.path} was written by a newer facecoach (schema {version}; this one "
                f"knows up to {SCHEMA_VERSION}); update facecoach"
            )
        migrate(self.conn, version)

    @property
    def version(self) -> int:
        """The schema version of the open file."""
        return int(self._guard(lambda: self.conn.execute("PRAGMA user_version").fetchone()[0]))

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ errors

    def _guard(self, body: Callable[[], T]) -> T:
        """Run ``body`` turning SQLite failures into ``StoreProblem``s."""
        try:
            return body()
        except BadValue as error:
            raise StoreProblem(
                f"the history database {self.path} holds a value facecoach cannot use ({error}); "
                "facecoach has not changed it. Restore a backup over it, or move it away "
                "to start a new history."
            ) from None
        except sqlite3.DatabaseError as error:
            code = getattr(error, "sqlite_errorcode", None)
            if (
                code in _CORRUPT_CODES
                or "malformed" in str(error)
                or "not a database" in str(error)
            ):
                raise CorruptDatabase(self.path, keep_copy(self.path), str(error)) from None
            if code is not None and code & 0xFF in _FULL_CODES:
                raise HistoryFull(f"history database {self.path}: {error}") from None
            raise StoreProblem(f"history database {self.path}: {error}") from None

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            if self.conn.in_transaction:  # SQLite may have rolled back already (disk full)
                self.conn.execute("ROLLBACK")
            raise
        try:
            self.conn.execute("COMMIT")
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise

    # ------------------------------------------------------------ writing

    def begin_session(
        self,
        *,
        day: str,
        started: str,
        routine: str,
        simulated: bool,
        planned_steps: int,
        planned_seconds: float,
    ) -> int:
        """Add a session row with no end yet; returns its id."""

        def body() -> int:
            with self._transaction() as conn:
                cursor = conn.execute(
                    "INSERT INTO sessions (day, started, routine, simulated, planned_steps,"
                    " planned_seconds) VALUES (?, ?, ?, ?, ?, ?)",
                    (day, started, routine, int(simulated), planned_steps, planned_seconds),
                )
                return int(cursor.lastrowid or 0)

        return self._guard(body)

    def write(self, session_id: int, entry: RecordEntry, area: str | None = None) -> None:
        """Write one record entry now, in its own transaction."""
        self._guard(lambda: self._write(session_id, entry, area))

    def _write(self, session_id: int, entry: RecordEntry, area: str | None) -> None:
        with self._transaction() as conn:
            if isinstance(entry, StepRecord):
                conn.execute(
                    "INSERT INTO steps (session_id, idx, kind, exercise, planned, actual,"
                    " completed) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        session_id,
                        entry.index,
                        entry.kind,
                        entry.exercise,
                        entry.planned,
                        entry.actual,
                        int(entry.completed),
                    ),
                )
                hold = int(entry.kind == "hold" and entry.completed)
                _bump(
                    conn,
                    session_id,
                    entry.exercise,
                    area,
                    int(entry.completed),
                    entry.actual,
                    hold,
                    0,
                )
            elif isinstance(entry, CommandRecord):
                conn.execute(
                    "INSERT INTO commands (session_id, step_index, command, text, exercise)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (session_id, entry.step_index, entry.command.value, entry.text, entry.exercise),
                )
            elif isinstance(entry, TooTightRecord):
                conn.execute(
                    "INSERT INTO too_tight (session_id, exercise, factor) VALUES (?, ?, ?)",
                    (session_id, entry.exercise, entry.factor),
                )
                _bump(conn, session_id, entry.exercise, area, 0, 0.0, 0, 1)
            elif isinstance(entry, EndRecord):
                conn.execute(
                    "UPDATE sessions SET end_reason = ?, completed_steps = ? WHERE id = ?",
                    (entry.reason, entry.completed_steps, session_id),
                )

    def mark_interrupted(self) -> list[SessionRow]:
        """Give every session left without an end the end "interrupted"; returns them.

        Call it only while holding the ``SessionLock`` (so none is still running).
        """

        def body() -> list[SessionRow]:
            open_ids = [
                int(r[0])
                for r in self.conn.execute("SELECT id FROM sessions WHERE end_reason IS NULL")
            ]
            if not open_ids:
                return []
            with self._transaction() as conn:
                conn.execute(
                    "UPDATE sessions SET end_reason = 'interrupted' WHERE end_reason IS NULL"
                )
            return [row for row in self._sessions(None) if row.id in open_ids]

        return self._guard(body)


def _bump(
    conn: sqlite3.Connection,
    session_id: int,
    exercise: str,
    area: str | None,
    steps: int,
    seconds: float,
    holds: int,
    too_tight: int,
) -> None:
    conn.execute(
        "INSERT INTO session_exercises (session_id, exercise, area, steps, seconds, holds,"
        " too_tight) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (session_id, exercise) DO UPDATE"
        " SET steps = steps + excluded.steps, seconds = seconds + excluded.seconds,"
        " holds = holds + excluded.holds, too_tight = too_tight + excluded.too_tight,"
        " area = COALESCE(area, excluded.area)",
        (session_id, exercise, area, steps, seconds, holds, too_tight),
    )
