"""A session process killed with SIGKILL mid-session: the history keeps what was done."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from facecoach._core.loader import builtin_library
from facecoach._core.plan import StepKind, compile_plan

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")


_COMMAND = [sys.executable, "-m", "facecoach", "--data-dir"]


def _facecoach(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "facecoach", "--data-dir", str(home), *args],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


def _step_count(database: Path) -> int:
    if not database.exists():
        return 0
    conn = sqlite3.connect(database, timeout=5)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM steps").fetchone()[0])
    except sqlite3.OperationalError:  # the tables are not made yet
        return 0
    finally:
        conn.close()


def test_kill_9_mid_session_keeps_the_steps_and_shows_interrupted(tmp_path: Path) -> None:
    home = tmp_path / "fc"
    assert _facecoach(home, "profile", "--stage", "long-standing").returncode == 0
    database = home / "facecoach.sqlite3"
    # 0.05 real seconds per session second: the starter takes about 15 s, so the
    # kill lands mid-session however slow the machine is
    proc = subprocess.Popen(
        [*_COMMAND, str(home), "run", "starter", "--simulate", "--record", "--pace", "0.05"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while _step_count(database) < 6 and proc.poll() is None:
            assert time.monotonic() < deadline, "the session never wrote a step"
            time.sleep(0.05)
        # while it runs, the history says so (the lock is held)
        running = json.loads(_facecoach(home, "history", "--json").stdout)
        assert proc.poll() is None, "the session ended before it could be killed"
        assert [s["status"] for s in running] == ["running"]
        before = _step_count(database)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL

    # nothing committed was lost, and what is there is the plan's first steps in order
    conn = sqlite3.connect(database)
    rows = conn.execute("SELECT idx, kind, exercise FROM steps ORDER BY rowid").fetchall()
    conn.close()
    assert len(rows) >= before
    library = builtin_library()
    plan = compile_plan(library.routines["starter"], library)
    expected = [
        (i, s.kind.value, s.exercise)
        for i, s in enumerate(plan.steps)
        if s.kind is not StepKind.CUE
    ]
    assert rows == expected[: len(rows)]
    assert len(rows) < len(expected)

    history = _facecoach(home, "history", "--json")
    assert history.returncode == 0, history.stderr
    [session] = json.loads(history.stdout)
    assert session["status"] == "interrupted"
    assert session["routine"] == "starter"
    assert session["completed_steps"] == len(rows)
    assert session["planned_steps"] == len(expected)

    # the next start says so, and the killed process left no lock behind
    again = _facecoach(home, "run", "starter", "--simulate", "--record")
    assert again.returncode == 0, again.stderr
    assert "interrupted" in again.stderr
    statuses = [s["status"] for s in json.loads(_facecoach(home, "history", "--json").stdout)]
    assert statuses == ["interrupted", "done"]


def test_paced_session_waits_for_real_time() -> None:
    from facecoach._core.events import Tick
    from facecoach._live.paced import PacedSession

    library = builtin_library()
    plan = compile_plan(library.routines["starter"], library)
    now = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(round(seconds, 6))
        now[0] += seconds

    session = PacedSession(plan, 0.5, clock=lambda: now[0], sleep=sleep)
    session.start(0.0)
    session.handle(Tick(4.0))  # 4 session seconds = 2 real seconds
    assert slept == [2.0]
    now[0] += 5.0  # late already: no more waiting
    session.handle(Tick(6.0))
    assert slept == [2.0]
