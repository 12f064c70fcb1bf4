"""Time ``facecoach today`` and ``facecoach history`` on five years of daily sessions.

Builds a history database in a temporary directory (or in --keep DIR): one
simulated session a day for five years, following the schedule and the
rotation, with an occasional "too tight", each written entry by entry through
the same recorder a real session uses. Then times each command run in
process (the goal is under 200 ms each) and as a fresh process (which adds
Python's start-up and imports). Prints the figures.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from facecoach._cli.main import main
from facecoach._core.commands import Command
from facecoach._core.loader import builtin_library
from facecoach._core.plan import Personal, compile_plan
from facecoach._core.session import Session
from facecoach._core.simulate import ScriptedCommand, simulate
from facecoach._paths import places
from facecoach._person.adapt import Adaptation, adapt, floors_of
from facecoach._person.profile import Profile, save_profile
from facecoach._person.recorder import Recorder
from facecoach._person.schedule import Past, next_routine
from facecoach._person.store import Store

GOAL_MS = 200.0


def build(home: Path, years: int, seed: int = 7) -> tuple[int, float]:
    """Write ``years`` of daily sessions; returns (sessions, seconds taken)."""
    where = places(home)
    library = builtin_library()
    floors = floors_of(library)
    start = date.today() - timedelta(days=365 * years)
    save_profile(where, Profile(side="left", stage="long-standing", stage_since=start, asked=True))
    rng = random.Random(seed)
    history: list[Past] = []
    states: dict[str, Adaptation] = {}
    began = time.perf_counter()
    with Store.open(where.database) as store:
        for k in range(365 * years):
            day = start + timedelta(days=k)
            routine_id, _ = next_routine(library, history)
            assert routine_id is not None
            routine = library.routines[routine_id]
            factors = {e: s.factor for e, s in states.items() if s.factor < 1.0}
            plan = compile_plan(routine, library, personal=Personal("left", factors))
            commands = []
            if rng.random() < 0.15:  # now and then, "too tight" in the middle of a hold
                holds = [s for s in plan.steps if s.kind.value == "hold"]
                hold = rng.choice(holds)
                commands.append(ScriptedCommand(hold.offset + 0.5, Command.TOO_TIGHT, "too tight"))
            sid = store.begin_session(
                day=day.isoformat(),
                started=f"{day.isoformat()}T08:30:00",
                routine=routine.id,
                simulated=True,
                planned_steps=sum(1 for s in plan.steps if s.kind.value != "cue"),
                planned_seconds=plan.total_seconds,
            )
            areas = {e: ex.area.value for e, ex in library.exercises.items()}
            simulate(plan, commands, session=Session(plan), record=Recorder(store, sid, areas))
            done = {s.exercise for s in plan.steps}
            rows = store.conn.execute(
                "SELECT exercise, too_tight FROM session_exercises WHERE session_id = ?", (sid,)
            ).fetchall()
            tight_by = {str(r[0]): int(r[1]) for r in rows}
            for exercise in sorted(done):
                states[exercise] = adapt(
                    states.get(exercise, Adaptation()),
                    tight_by.get(exercise, 0),
                    floors.get(exercise, 0.0),
                )
            worked = frozenset(a.value for a in library.areas_of(routine))
            history.append(Past(sid, day, routine.id, True, worked))
    return len(history), time.perf_counter() - began


def time_in_process(home: Path, args: list[str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        sink = io.StringIO()
        began = time.perf_counter()
        with contextlib.redirect_stdout(sink):
            status = main(["--data-dir", str(home), *args])
        times.append((time.perf_counter() - began) * 1000)
        assert status == 0, args
    return times


def time_process(home: Path, args: list[str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "facecoach", "--data-dir", str(home), *args],
            check=True,
            stdout=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
        )
        times.append((time.perf_counter() - began) * 1000)
    return times


def main_bench() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="build the database here and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = args.keep or Path(tmp) / "fc"
        if args.keep is None or not (home / "facecoach.sqlite3").exists():
            count, seconds = build(home, args.years)
            print(f"built {count} daily sessions ({args.years} years) in {seconds:.1f} s")
        size = (home / "facecoach.sqlite3").stat().st_size / 1e6
        print(f"database: {size:.1f} MB")
        # the first in-process run also loads the built-in library: count it
        for name, cmd in (
            ("today", ["today", "--json"]),
            ("today (text)", ["today"]),
            ("history", ["history"]),
            ("history --json", ["history", "--json"]),
        ):
            inproc = time_in_process(home, cmd, args.runs)
            proc = time_process(home, cmd, 3)
            verdict = "ok" if statistics.median(inproc) < GOAL_MS else "OVER GOAL"
            print(
                f"{name:<16} in process: median {statistics.median(inproc):6.1f} ms, "
                f"max {max(inproc):6.1f} ms ({verdict}, goal < {GOAL_MS:.0f} ms); "
                f"fresh process: median {statistics.median(proc):6.0f} ms"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main_bench())
