"""A therapist's routine as the person's plan: ``facecoach profile --routine``."""

from __future__ import annotations

import json
import stat
from datetime import date, timedelta
from pathlib import Path

import pytest

from facecoach._cli.main import main
from facecoach._core.loader import builtin_library
from facecoach._paths import places
from facecoach._person.errors import RunRefused
from facecoach._person.own_routine import copy_path, person_library
from facecoach._person.profile import Profile, load_profile
from facecoach._person.remind import coming_days
from facecoach._person.schedule import Past, decide

THERAPIST = """\
routines:
  - id: anna-plan
    name: Anna's plan from the clinic
    rest_between: 8
    exercises:
      - {exercise: forehead-smooth, reps: 2}
      - {exercise: lip-pucker, reps: 2}
"""


def _cli(home: Path, *args: str) -> int:
    return main(["--data-dir", str(home), *args])


def _set_up(tmp_path: Path) -> tuple[Path, Path]:
    home = tmp_path / "fc"
    original = tmp_path / "clinic" / "anna.yaml"
    original.parent.mkdir()
    original.write_text(THERAPIST, encoding="utf-8")
    assert _cli(home, "profile", "--side", "left", "--stage", "long-standing") == 0
    return home, original


def test_a_file_becomes_the_plan_as_a_private_copy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home, original = _set_up(tmp_path)
    assert _cli(home, "profile", "--routine", str(original)) == 0
    out = capsys.readouterr().out
    assert "plan: anna-plan, copied from" in out and "rotation" in out
    copy = copy_path(places(home))
    assert copy.read_text(encoding="utf-8") == THERAPIST
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    profile = load_profile(places(home))
    assert profile.routine == "anna-plan" and profile.routine_file == str(original.resolve())

    # a later edit of the original changes nothing until it is chosen again
    original.write_text(THERAPIST.replace("reps: 2", "reps: 9"), encoding="utf-8")
    assert _cli(home, "today", "--json") == 0
    decision = json.loads(capsys.readouterr().out)
    assert decision["routine"] == "anna-plan"
    assert any("Your plan: Anna's plan" in r for r in decision["reasons"])
    assert _cli(home, "plan", "anna-plan", "--json") == 0
    holds = [s for s in json.loads(capsys.readouterr().out)["steps"] if s["kind"] == "hold"]
    assert len(holds) == 4  # two exercises, two reps each: the copy, not the edit


def test_run_and_remind_use_the_plan_and_rotation_comes_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home, original = _set_up(tmp_path)
    assert _cli(home, "profile", "--routine", str(original)) == 0
    capsys.readouterr()
    assert _cli(home, "run", "--simulate", "--record", "--json") == 0
    captured = capsys.readouterr()
    assert "Today's routine: anna-plan" in captured.err
    assert _cli(home, "history", "--json") == 0
    assert [r["routine"] for r in json.loads(capsys.readouterr().out)] == ["anna-plan"]
    ics = tmp_path / "days.ics"
    assert _cli(home, "remind", "--ics", str(ics)) == 0
    assert b"Anna's plan from the clinic" in ics.read_bytes()

    assert _cli(home, "profile", "--routine", "rotation") == 0
    assert "plan: the built-in rotation" in capsys.readouterr().out
    assert not copy_path(places(home)).exists()
    assert _cli(home, "today", "--json") == 0
    assert json.loads(capsys.readouterr().out)["routine"] != "anna-plan"


def test_a_bad_file_leaves_the_plan_unchanged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home, original = _set_up(tmp_path)
    assert _cli(home, "profile", "--routine", str(original)) == 0
    bad = tmp_path / "clinic" / "bad.yaml"
    bad.write_text(THERAPIST.replace("lip-pucker", "lip-puckr"), encoding="utf-8")
    capsys.readouterr()
    assert _cli(home, "profile", "--routine", str(bad)) == 1
    err = capsys.readouterr().err
    assert "bad.yaml:7" in err and "plan is unchanged" in err
    assert load_profile(places(home)).routine == "anna-plan"
    assert copy_path(places(home)).read_text(encoding="utf-8") == THERAPIST
    assert _cli(home, "profile", "--routine", "no-such-routine") == 2
    assert "no routine or file named 'no-such-routine'" in capsys.readouterr().err
    two = tmp_path / "clinic" / "two.yaml"
    two.write_text(THERAPIST + THERAPIST.split("routines:\n")[1].replace("anna", "bo"), "utf-8")
    assert _cli(home, "profile", "--routine", str(two)) == 2
    assert "choose one (anna-plan, bo-plan)" in capsys.readouterr().err
    assert _cli(home, "profile", "--routine", str(two), "--routine-id", "bo-plan") == 0
    assert load_profile(places(home)).routine == "bo-plan"


def test_a_built_in_routine_can_be_the_plan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home, _ = _set_up(tmp_path)
    capsys.readouterr()
    assert _cli(home, "profile", "--routine", "daily", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["routine"] == "daily" and data["routine_file"] is None
    assert _cli(home, "today", "--json") == 0
    assert json.loads(capsys.readouterr().out)["routine"] == "daily"


def test_a_missing_or_damaged_copy_is_said_with_the_way_out(tmp_path: Path) -> None:
    home, original = _set_up(tmp_path)
    assert _cli(home, "profile", "--routine", str(original)) == 0
    where = places(home)
    profile = load_profile(where)
    copy_path(where).write_text("routines: [", encoding="utf-8")
    with pytest.raises(RunRefused, match="--routine rotation"):
        person_library(where, profile)
    copy_path(where).unlink()
    with pytest.raises(RunRefused, match="is missing"):
        person_library(where, profile)
    assert _cli(home, "run", "--simulate") == 1


def test_the_schedule_keeps_the_plan_and_its_frequency() -> None:
    library = builtin_library()
    monday = date(2026, 11, 30)
    past = [Past(1, monday - timedelta(days=1), "daily", True, frozenset({"forehead"}))]
    plain = dict(
        stage_since=None, upkeep="weekly", days=(), library=library, history=past, today=monday
    )
    chosen = decide(stage="recent", plan="rotation-mouth", **plain)  # type: ignore[arg-type]
    assert chosen.routine == "rotation-mouth"
    assert not chosen.due  # the stage still decides how often
    gone = decide(stage="long-standing", plan="not-here", **plain)  # type: ignore[arg-type]
    assert gone.routine != "not-here" and "not available" in gone.reasons[-1]
    days = coming_days(Profile(stage="long-standing", routine="daily"), library, [], monday)
    assert {d.routine for d in days} == {"daily"}


def test_the_sheet_defaults_to_the_plan(tmp_path: Path) -> None:
    home, original = _set_up(tmp_path)
    assert _cli(home, "profile", "--routine", str(original)) == 0
    sheet = tmp_path / "sheet.html"
    assert _cli(home, "sheet", "-o", str(sheet)) == 0
    page = sheet.read_text(encoding="utf-8")
    assert "plan from the clinic" in page and "Soft pucker" in page
