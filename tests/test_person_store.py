"""The history database: recording, migrations, the lock, a damaged file."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from facecoach._cli.main import main
from facecoach._core.commands import Command
from facecoach._core.events import CommandRecord, EndRecord, StepRecord, TooTightRecord
from facecoach._person.recorder import Recorder
from facecoach._person.schema import MIGRATIONS, SCHEMA_VERSION
from facecoach._person.store import Store
from facecoach._person.store_safety import CorruptDatabase, SessionBusy, SessionLock, StoreProblem

_COMMAND = [sys.executable, "-m", "facecoach", "--data-dir"]


def _begin(store: Store, day: str = "2026-11-01", routine: str = "starter") -> int:
    return store.begin_session(
        day=day,
        started=f"{day}T09:00:00",
        routine=routine,
        simulated=False,
        planned_steps=4,
        planned_seconds=30.0,
    )


def test_entries_are_written_as_they_happen(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    with Store.open(path) as store:
        assert store.version == SCHEMA_VERSION
        sid = _begin(store)
        record = Recorder(store, sid, {"brow-lift": "forehead"})
        record(StepRecord(0, "say", "brow-lift", 2.0, 2.0, True))
        record(StepRecord(2, "hold", "brow-lift", 5.0, 3.0, True))
        record(CommandRecord(Command.TOO_TIGHT, "too tight", "brow-lift", 2))
        record(TooTightRecord("brow-lift", 0.75))
        # another connection sees each entry at once: nothing waits for the end
        other = sqlite3.connect(path)
        assert other.execute("SELECT COUNT(*) FROM steps").fetchone()[0] == 2
        assert other.execute("SELECT COUNT(*) FROM too_tight").fetchone()[0] == 1
        other.close()
        [row] = store.sessions()
        assert (row.status, row.completed_steps, row.too_tight, row.seconds) == (
            "interrupted",
            2,
            1,
            5.0,
        )
        record(EndRecord("stop", 3, 6))
        [row] = store.sessions()
        assert row.status == "stop"
        [summary] = store.exercise_sessions()
        assert (summary.area, summary.holds, summary.too_tight) == ("forehead", 1, 1)
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_history_limit_keeps_the_latest(tmp_path: Path) -> None:
    with Store.open(tmp_path / "h.sqlite3") as store:
        for day in ("2026-11-01", "2026-11-02", "2026-11-03"):
            _begin(store, day)
        assert [r.day for r in store.sessions(2)] == ["2026-11-02", "2026-11-03"]


def _first_schema_file(path: Path) -> None:
    """A database exactly as the first schema wrote it, with one session in it."""
    conn = sqlite3.connect(path)
    conn.executescript(MIGRATIONS[0])
    conn.execute("PRAGMA user_version = 1")
    conn.execute(
        "INSERT INTO sessions (id, day, started, routine, simulated, planned_steps,"
        " planned_seconds, end_reason, completed_steps) VALUES"
        " (1, '2025-01-02', '2025-01-02T08:00:00', 'daily', 0, 3, 20, 'done', 5)"
    )
    conn.executemany(
        "INSERT INTO steps VALUES (1, ?, ?, ?, ?, ?, ?)",
        [
            (0, "say", "brow-lift", 2.0, 2.0, 1),
            (2, "hold", "brow-lift", 5.0, 4.0, 1),
            (5, "hold", "lip-pucker", 5.0, 5.0, 1),
        ],
    )
    conn.execute("INSERT INTO too_tight VALUES (1, 'brow-lift', 0.75)")
    conn.execute("INSERT INTO commands VALUES (1, 2, 'too_tight', 'too tight', 'brow-lift')")
    conn.commit()
    conn.close()


def test_migrates_from_the_first_schema(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    _first_schema_file(path)
    with Store.open(path) as store:
        assert store.version == SCHEMA_VERSION == 2
        [row] = store.sessions()
        assert (row.routine, row.status, row.completed_steps, row.too_tight) == (
            "daily",
            "done",
            3,
            1,
        )
        by_exercise = {e.exercise: e for e in store.exercise_sessions()}
        assert by_exercise["brow-lift"].holds == 1
        assert by_exercise["brow-lift"].seconds == 6.0
        assert by_exercise["brow-lift"].too_tight == 1
        assert by_exercise["lip-pucker"].too_tight == 0
        assert by_exercise["brow-lift"].area is None  # the first schema did not keep it
        # and it keeps working as a current database
        sid = _begin(store, "2025-01-03")
        Recorder(store, sid, {"brow-lift": "forehead"})(TooTightRecord("brow-lift", 0.75))
    # opening again changes nothing
    with Store.open(path) as store:
        assert len(store.sessions()) == 2


def test_first_schema_history_through_the_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _first_schema_file(tmp_path / "facecoach.sqlite3")
    assert main(["--data-dir", str(tmp_path), "history", "--json"]) == 0
    [session] = json.loads(capsys.readouterr().out)
    assert session["date"] == "2025-01-02" and session["too_tight"] == 1


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreProblem, match="newer facecoach"):
        Store.open(path)


def test_a_damaged_file_is_reported_and_copied_never_replaced(tmp_path: Path) -> None:
    path = tmp_path / "facecoach.sqlite3"
    garbage = b"this is not a database at all\x00\x01" * 200
    path.write_bytes(garbage)
    with pytest.raises(CorruptDatabase) as caught:
        Store.open(path)
    message = str(caught.value)
    assert str(path) in message and "damaged" in message and "copy" in message
    copy = caught.value.copy
    assert copy is not None and copy.read_bytes() == garbage
    assert path.read_bytes() == garbage
    # a second attempt keeps the one copy
    with pytest.raises(CorruptDatabase):
        Store.open(path)
    assert len(list(tmp_path.glob("facecoach.sqlite3.damaged-*"))) == 1


def test_damaged_pages_inside_a_real_database(tmp_path: Path) -> None:
    path = tmp_path / "facecoach.sqlite3"
    with Store.open(path) as store:
        for day in range(1, 29):
            sid = _begin(store, f"2026-02-{day:02d}")
            for i in range(40):
                store.write(sid, StepRecord(i, "say", "brow-lift", 2.0, 2.0, True), "forehead")
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(path.read_bytes())
    page = 4096
    assert len(data) > 4 * page
    data[2 * page : len(data)] = b"\xff" * (
        len(data) - 2 * page
    )  # wreck every page but the first two
    path.write_bytes(bytes(data))
    with pytest.raises(StoreProblem, match=r"damaged|malformed"), Store.open(path) as store:
        store.sessions()
        store.exercise_sessions()
    assert path.read_bytes() == bytes(data)


def test_damaged_file_through_the_commands(tmp_path: Path) -> None:
    (tmp_path / "facecoach.sqlite3").write_bytes(b"\x00garbage" * 100)
    for args in (["history"], ["run", "starter", "--simulate", "--record"], ["today"]):
        proc = subprocess.run(
            [*_COMMAND, str(tmp_path), *args],
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=60,
        )
        assert proc.returncode == 1, (args, proc.stderr)
        assert "damaged" in proc.stderr and "Traceback" not in proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1
    assert (tmp_path / "facecoach.sqlite3").read_bytes() == b"\x00garbage" * 100


def test_the_lock_refuses_a_second_session(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lock = SessionLock(tmp_path / "facecoach.lock")
    lock.acquire("session of daily")
    try:
        with pytest.raises(SessionBusy, match="already running"):
            SessionLock(tmp_path / "facecoach.lock").acquire()
        # a second process is refused, with who holds it
        proc = subprocess.run(
            [*_COMMAND, str(tmp_path), "run", "starter", "--simulate", "--record"],
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=60,
        )
        assert proc.returncode == 3
        assert "already running" in proc.stderr and "session of daily" in proc.stderr
        assert not (tmp_path / "facecoach.sqlite3").exists()
        # looking is fine while a session runs; a simulation that records nothing too
        assert main(["--data-dir", str(tmp_path), "history"]) == 0
        assert main(["--data-dir", str(tmp_path), "run", "starter", "--simulate"]) == 0
    finally:
        lock.release()
    capsys.readouterr()
    assert main(["--data-dir", str(tmp_path), "run", "starter", "--simulate", "--record"]) == 0


def test_a_simulation_without_record_leaves_no_trace(tmp_path: Path) -> None:
    assert main(["--data-dir", str(tmp_path), "run", "starter", "--simulate"]) == 0
    assert list(tmp_path.iterdir()) == []


def test_a_failing_write_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    from datetime import date

    from facecoach._core.loader import builtin_library
    from facecoach._core.plan import compile_plan
    from facecoach._paths import places
    from facecoach._person.errors import RunRefused
    from facecoach._person.run import prepare_run

    library = builtin_library()
    plan = compile_plan(library.routines["starter"], library)
    ctx = prepare_run(
        places(tmp_path),
        "starter",
        simulate=True,
        record=True,
        side_override=None,
        today=date(2026, 11, 24),
    )
    try:
        record = ctx.recorder(plan, library)
        assert record is not None
        other = sqlite3.connect(tmp_path / "facecoach.sqlite3")
        other.execute("DROP TABLE steps")
        other.commit()
        other.close()
        with pytest.raises(RunRefused, match="steps") as caught:
            record(StepRecord(0, "say", "forehead-smooth", 2.0, 2.0, True))
        assert caught.value.status == 1
    finally:
        ctx.close()
