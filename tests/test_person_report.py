"""The progress report and the history command."""

from __future__ import annotations

import base64
import json
import math
import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from facecoach._cli.main import main
from facecoach._core.commands import Command
from facecoach._core.loader import builtin_library
from facecoach._core.plan import Personal, compile_plan
from facecoach._core.session import Session
from facecoach._core.simulate import ScriptedCommand, simulate
from facecoach._paths import Places, places
from facecoach._person.history import factors_of
from facecoach._person.profile import Profile
from facecoach._person.recorder import Recorder, SessionStart
from facecoach._person.report import exercise_lines, render_html
from facecoach._person.report_data import gather
from facecoach._person.report_plots import broken_line, factor_series
from facecoach._person.store import Store


def _cli(home: Path, *args: str) -> int:
    return main(["--data-dir", str(home), *args])


PNG = b"\x89PNG\r\n\x1a\n"


def _images(page: str) -> list[bytes]:
    return [
        base64.b64decode(m) for m in re.findall(r"data:image/png;base64,([A-Za-z0-9+/=]+)", page)
    ]


def test_report_of_recorded_sessions(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "fc"
    assert _cli(home, "profile", "--stage", "recent", "--side", "right") == 0
    assert _cli(home, "run", "starter", "--simulate", "--record", "--command", "30:too tight") == 0
    assert _cli(home, "run", "--simulate", "--record") == 0
    out = tmp_path / "report.html"
    capsys.readouterr()
    assert _cli(home, "report", "-o", str(out)) == 0
    assert "2 sessions" in capsys.readouterr().out
    page = out.read_text(encoding="utf-8")
    images = _images(page)
    assert len(images) == 4 and all(i.startswith(PNG) and len(i) > 1000 for i in images)
    # self-contained: nothing fetched from elsewhere
    assert "http://" not in page and "https://" not in page and "<script" not in page
    for text in ("Sessions per week", "Minutes per face area", "Too tight", "Hold factors"):
        assert text in page
    sessions_table = page.split("<h2>Sessions</h2>")[1]
    assert sessions_table.count("<tr") == 3  # header and two sessions
    assert "Starter, gentle first steps" in sessions_table and "(simulated)" in page
    assert "stage: recent" in page and "finished" in sessions_table


def test_report_without_o_goes_to_the_data_folder_and_says_where(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "fc"
    assert _cli(home, "profile", "--stage", "recent") == 0
    assert _cli(home, "run", "starter", "--simulate", "--record") == 0
    capsys.readouterr()
    assert _cli(home, "report", "--date", "2026-11-24") == 0
    out = capsys.readouterr().out
    written = home / "report-2026-11-24.html"
    assert f"Report written to {written} (1 session)." in out  # one session, not "1 sessions"
    assert written.as_uri() in out
    assert written.stat().st_mode & 0o777 == 0o600 and "<h2>Sessions</h2>" in written.read_text()


def test_report_with_no_history(tmp_path: Path) -> None:
    out = tmp_path / "empty.html"
    assert _cli(tmp_path / "fc", "report", "-o", str(out), "--date", "2026-11-24") == 0
    page = out.read_text(encoding="utf-8")
    assert "No sessions yet" in page and len(_images(page)) == 4


def test_report_to_a_place_it_cannot_write(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _cli(tmp_path / "fc", "report", "-o", str(tmp_path / "no" / "such" / "r.html")) == 2
    assert "cannot write" in capsys.readouterr().err


def test_history_shows_each_session(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "fc"
    assert _cli(home, "history") == 0
    assert "No sessions yet" in capsys.readouterr().out
    assert _cli(home, "run", "starter", "--simulate", "--record", "--command", "40:stop") == 0
    assert _cli(home, "run", "starter", "--simulate", "--record", "--command", "30:too tight") == 0
    capsys.readouterr()
    assert _cli(home, "history", "--json") == 0
    first, second = json.loads(capsys.readouterr().out)
    assert first["status"] == "stop" and first["completed_steps"] < first["planned_steps"]
    assert second["status"] == "done" and second["too_tight"] == 1
    assert second["completed_steps"] == second["planned_steps"]
    assert 3 < second["minutes"] < 7 and second["simulated"]
    assert _cli(home, "history", "--limit", "1") == 0
    text = capsys.readouterr().out
    assert "starter" in text and "finished (simulated)" in text and "stopped" not in text
    # the table: newest first, in the web app's words, whole minutes
    assert _cli(home, "history") == 0
    rows = capsys.readouterr().out.splitlines()[1:3]
    assert "finished (simulated)" in rows[0] and "stopped (simulated)" in rows[1]
    assert all(row.split()[2].isdigit() or row.split()[2] == "<1" for row in rows)  # minutes


# ------------------------------------------------------------ exercises, "too tight", holds

MONDAY = date(2026, 9, 7)


def _history(where: Places) -> None:
    """Sessions on chosen days: lip-pucker eased twice in the first week, then three
    weeks without it; brow-lift done from the third week only."""
    lib = builtin_library()
    areas = {e: x.area.value for e, x in lib.exercises.items()}
    done = [
        (0, "rotation-mouth", ["lip-pucker", "lip-pucker"]),
        (2, "rotation-mouth", []),
        (14, "rotation-forehead-eyes", ["brow-lift"]),
        (35, "rotation-mouth", []),
    ]
    with Store.open(where.database) as store:
        for offset, routine_id, tight in done:
            day = MONDAY + timedelta(days=offset)
            plan = compile_plan(
                lib.routines[routine_id],
                lib,
                personal=Personal(hold_factors=factors_of(store, lib)),
            )
            holds = {s.exercise: s for s in reversed(plan.steps) if s.kind.value == "hold"}
            commands = sorted(
                (
                    ScriptedCommand(holds[e].offset + 0.2 + k, Command.TOO_TIGHT, "too tight")
                    for k, e in enumerate(tight)
                ),
                key=lambda c: c.at,
            )
            start = SessionStart(
                day=day.isoformat(),
                started=f"{day.isoformat()}T18:30:00",
                routine=routine_id,
                simulated=False,
                planned_steps=len([s for s in plan.steps if s.kind.value != "cue"]),
                planned_seconds=plan.total_seconds,
            )
            simulate(plan, commands, session=Session(plan), record=Recorder(store, start, areas))


def test_the_exercise_table_reads_the_too_tight_trail(tmp_path: Path) -> None:
    where = places(tmp_path / "fc")
    _history(where)
    data = gather(where, Profile(stage="recent"), builtin_library(), MONDAY + timedelta(days=40))
    assert [(t.exercise, t.day) for t in data.tight] == [
        ("lip-pucker", MONDAY),
        ("lip-pucker", MONDAY),
        ("brow-lift", MONDAY + timedelta(days=14)),
    ]
    assert 0 < data.tight[1].factor < data.tight[0].factor < 1  # the second eased further
    lines = {line.exercise: line for line in exercise_lines(data)}
    pucker = lines["lip-pucker"]
    assert pucker.name == "Soft pucker" and pucker.too_tight == 2
    assert pucker.last_too_tight == MONDAY.isoformat() and pucker.sessions == 3
    assert pucker.factor < 1 and all(
        now < written for now, written in zip(pucker.now, pucker.written, strict=True)
    )
    assert lines["brow-lift"].too_tight == 1 and lines["brow-lift"].sessions == 1
    page = render_html(data)
    table = page.split("<h2>Exercises</h2>")[1].split("<h2>Sessions</h2>")[0]
    assert "Soft pucker" in table and "lip-pucker" not in table
    assert "Brow lift against the fingers" in table and "as written" in table
    assert "&ldquo;too tight&rdquo; 3 times" in page


def test_hold_lines_start_at_the_first_session_and_break_over_gaps(tmp_path: Path) -> None:
    where = places(tmp_path / "fc")
    _history(where)
    data = gather(where, Profile(stage="recent"), builtin_library(), MONDAY + timedelta(days=40))
    series = factor_series(data)
    brow = series["brow-lift"]
    assert brow[0] == (MONDAY + timedelta(days=14), 1.0)  # not drawn back to the first week
    pucker = series["lip-pucker"]
    assert [d for d, _ in pucker] == [MONDAY + timedelta(days=k) for k in (0, 2, 35)]
    assert pucker[0][1] == 1.0 and pucker[1][1] < 1.0  # the factor each session used
    xs, ys = broken_line(pucker)
    assert sum(math.isnan(y) for y in ys) == 1  # one break: 33 days without it
    assert math.isnan(ys[2]) and xs[-1] == MONDAY + timedelta(days=35)
