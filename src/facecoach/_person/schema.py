"""The history's schema, version by version, and the migrations between them.

``MIGRATIONS[n]`` brings a database at version ``n`` to version ``n + 1``.
Version 1 is the first schema ever shipped; it stays here unchanged so that
any old file can be brought up to date (tests build a version-1 file from it).
"""

from __future__ import annotations

import sqlite3

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "migrate"]

_V1 = """
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    day TEXT NOT NULL,              -- the person's local date, YYYY-MM-DD
    started TEXT NOT NULL,          -- local date and time, ISO 8601
    routine TEXT NOT NULL,
    simulated INTEGER NOT NULL DEFAULT 0,
    planned_steps INTEGER NOT NULL, -- spoken lines, holds and rests (cues not counted)
    planned_seconds REAL NOT NULL,
    end_reason TEXT,                -- done, stop, interrupted; NULL until it ends
    completed_steps INTEGER         -- as the session engine counted them at the end
);
CREATE TABLE steps (
    session_id INTEGER NOT NULL REFERENCES sessions (id),
    idx INTEGER NOT NULL,
    kind TEXT NOT NULL,
    exercise TEXT NOT NULL,
    planned REAL NOT NULL,
    actual REAL NOT NULL,
    completed INTEGER NOT NULL
);
CREATE TABLE commands (
    session_id INTEGER NOT NULL REFERENCES sessions (id),
    step_index INTEGER NOT NULL,
    command TEXT NOT NULL,
    text TEXT NOT NULL,
    exercise TEXT NOT NULL
);
CREATE TABLE too_tight (
    session_id INTEGER NOT NULL REFERENCES sessions (id),
    exercise TEXT NOT NULL,
    factor REAL NOT NULL
);
"""

# Version 2: a per-session, per-exercise summary kept as steps are written,
# so the schedule, adaptation and history read a few thousand rows rather
# than every step of years of sessions; the face area is stored with it so
# rotation still knows an exercise whose file is no longer loaded.
_V2 = """
CREATE TABLE session_exercises (
    session_id INTEGER NOT NULL REFERENCES sessions (id),
    exercise TEXT NOT NULL,
    area TEXT,
    steps INTEGER NOT NULL DEFAULT 0,
    seconds REAL NOT NULL DEFAULT 0,
    holds INTEGER NOT NULL DEFAULT 0,
    too_tight INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (session_id, exercise)
) WITHOUT ROWID;
INSERT INTO session_exercises (session_id, exercise, steps, seconds, holds)
    SELECT session_id, exercise, SUM(completed), SUM(actual),
           SUM(CASE WHEN kind = 'hold' AND completed THEN 1 ELSE 0 END)
    FROM steps GROUP BY session_id, exercise;
INSERT INTO session_exercises (session_id, exercise, too_tight)
    SELECT session_id, exercise, COUNT(*) FROM too_tight GROUP BY session_id, exercise
    ON CONFLICT (session_id, exercise) DO UPDATE SET too_tight = excluded.too_tight;
CREATE INDEX sessions_day ON sessions (day);
CREATE INDEX steps_session ON steps (session_id);
"""

MIGRATIONS: tuple[str, ...] = (_V1, _V2)
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(conn: sqlite3.Connection, version: int, target: int = SCHEMA_VERSION) -> int:
    """Apply the migrations from ``version`` up to ``target``, each in one transaction.

    ``conn`` must be in autocommit mode (``isolation_level=None``). Returns the
    version reached.
    """
    while version < target:
        conn.execute("BEGIN IMMEDIATE")
        try:
            # read again under the write lock: another process may have just migrated
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if version < target:
                # executescript would commit first; run the statements one by one instead
                for statement in _statements(MIGRATIONS[version]):
                    conn.execute(statement)
                version += 1
                conn.execute(f"PRAGMA user_version = {version}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    return version


def _statements(script: str) -> list[str]:
    """Split a script of our own (no semicolons inside strings) into statements."""
    lines = [line.split("--", 1)[0] for line in script.splitlines()]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]
