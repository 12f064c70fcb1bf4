"""The profile: the command, the first-run questions, and {side} in the lines."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest

from facecoach._cli.main import main
from facecoach._paths import Places, places
from facecoach._person.errors import RunRefused
from facecoach._person.profile import (
    Profile,
    ProfileProblem,
    Question,
    Stage,
    ask_first_run,
    keyboard_ask,
    load_profile,
    parse_days,
    profile_path,
    save_profile,
)
from facecoach._person.run import prepare_run

DAY = date(2026, 11, 24)


def _prepare_once(where: Places, ask: object, *, live: bool = False) -> None:
    """Everything a run of the starter asks and checks, then nothing more."""
    prepare_run(
        where,
        "starter",
        simulate=not live,
        record=False,
        side_override=None,
        today=DAY,
        ask=ask,  # type: ignore[arg-type]
    ).close()


def _cli(home: Path, *args: str) -> int:
    return main(["--data-dir", str(home), *args])


def test_profile_command_sets_and_shows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "fc"
    assert _cli(home, "profile", "--json") == 0
    empty = json.loads(capsys.readouterr().out)
    assert empty["side"] is None and empty["stage"] is None and not empty["asked"]
    assert not (home / "config" / "profile.json").exists()  # showing writes nothing
    assert (
        _cli(home, "profile", "--side", "left", "--stage", "after-care", "--days", "mon thu") == 0
    )
    text = capsys.readouterr().out
    assert "side: left" in text and "after-care" in text and "mon thu" in text
    assert _cli(home, "profile", "--json", "--upkeep", "monthly") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["side"] == "left" and data["stage"] == "after-care"
    assert data["days"] == ["mon", "thu"] and data["upkeep"] == "monthly" and data["asked"]
    assert data["stage_since"] is not None
    assert _cli(home, "profile", "--days", "none", "--json") == 0
    assert json.loads(capsys.readouterr().out)["days"] == []


def test_bad_days_and_bad_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "fc"
    assert _cli(home, "profile", "--days", "funday") == 2
    assert "funday" in capsys.readouterr().err
    path = home / "config" / "profile.json"
    path.parent.mkdir(parents=True)
    path.write_text('{"stage": "soon"}')
    assert _cli(home, "profile") == 1
    err = capsys.readouterr().err
    assert "profile.json" in err and "stage" in err and "soon" in err
    path.write_text("{not json")
    assert _cli(home, "run", "starter", "--simulate") == 1
    assert "not valid JSON" in capsys.readouterr().err


def test_parse_days() -> None:
    assert parse_days("Monday, wed fri") == (0, 2, 4)
    assert parse_days("th tu") == (1, 3)
    with pytest.raises(ValueError):
        parse_days("t")


def _scripted(*answers: str | None) -> tuple[list[Question], object]:
    asked: list[Question] = []
    queue = list(answers)

    def ask(question: Question) -> str | None:
        asked.append(question)
        return queue.pop(0) if queue else None

    return asked, ask


def test_first_run_questions() -> None:
    asked, ask = _scripted("sideways", "right", "9", "2", "mon fri")
    profile = ask_first_run(Profile(), ask, DAY)  # type: ignore[arg-type]
    assert [q.key for q in asked] == ["side", "side", "stage", "stage", "days"]
    assert profile == Profile("right", "recent", (0, 4), DAY, asked=True)
    # each question carries the words that answer it (for a voice grammar later)
    assert {"left", "right", "both"} <= set(asked[0].choices)
    assert "long-standing" in asked[2].choices


def test_first_run_questions_can_be_skipped() -> None:
    asked, ask = _scripted("", "")
    profile = ask_first_run(Profile(), ask, DAY)  # type: ignore[arg-type]
    assert profile == Profile(asked=True)
    assert len(asked) == 2


def test_keyboard_ask() -> None:
    out = io.StringIO()
    ask = keyboard_ask(io.StringIO("left\n"), out)
    question = Question("side", "Which side?", {"left": "left"})
    assert ask(question) == "left"
    assert ask(question) is None  # end of input
    assert "Which side?" in out.getvalue()


def test_questions_are_said_as_well_as_shown() -> None:
    said: list[str] = []
    out = io.StringIO()
    ask = keyboard_ask(io.StringIO("l\n1\n"), out, speak=said.append)
    profile = ask_first_run(Profile(), ask, DAY)
    assert (profile.side, profile.stage) == ("left", "not-yet")
    # said once each, after it is on screen, in the words for ears (keys named)
    assert len(said) == 2
    assert "Type L for left" in said[0] and "Which side" in out.getvalue()
    assert "Type 1" in said[1]


def test_spoken_questions_are_short_and_name_their_keys() -> None:
    questions: list[Question] = []

    def every(question: Question) -> str | None:
        questions.append(question)
        return ""

    ask_first_run(Profile(stage="recent"), every, DAY)  # side, then days
    ask_first_run(Profile(side="left"), every, DAY)  # stage
    assert {q.key for q in questions} == {"side", "stage", "days"}
    for question in questions:
        words = question.heard.split()
        assert question.spoken and len(words) <= 40, question.key
        assert "Enter" in question.heard
        # a key the line names is a key the question takes
        assert "(" not in question.heard and ";" not in question.heard


def test_questions_are_asked_once_on_first_run(tmp_path: Path) -> None:
    where = places(tmp_path / "fc")
    _, ask = _scripted("both", "long-standing")
    ctx = prepare_run(
        where,
        "starter",
        simulate=True,
        record=False,
        side_override=None,
        today=DAY,
        ask=ask,  # type: ignore[arg-type]
    )
    ctx.close()
    assert load_profile(where).stage == "long-standing"
    assert load_profile(where).side == "both"
    again, ask2 = _scripted("left")
    _prepare_once(where, ask2)
    assert again == []


def test_a_skipped_stage_is_asked_again_at_every_run_with_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    where = places(tmp_path / "fc")
    first, ask = _scripted("", "")  # Enter at the side, Enter at the stage
    _prepare_once(where, ask)
    assert [q.key for q in first] == ["side", "stage"]
    assert load_profile(where).stage is None and load_profile(where).asked
    # the next run asks for the stage again (not the side), and a live run can go on
    again, ask = _scripted("3")
    capsys.readouterr()
    _prepare_once(where, ask, live=True)
    assert [q.key for q in again] == ["stage"]
    assert "needs to know where you are in recovery" in capsys.readouterr().out
    assert load_profile(where).stage == "long-standing"
    # once it is known, nothing more is asked
    after, ask = _scripted("2")
    _prepare_once(where, ask)
    assert after == []


def test_a_stage_skipped_again_still_refuses_a_live_run(tmp_path: Path) -> None:
    where = places(tmp_path / "fc")
    save_profile(where, Profile(side="left", asked=True))
    asked, ask = _scripted("")
    with pytest.raises(RunRefused) as refused:
        prepare_run(
            where,
            "starter",
            simulate=False,
            record=False,
            side_override=None,
            today=DAY,
            ask=ask,  # type: ignore[arg-type]
        )
    assert refused.value.status == 3 and [q.key for q in asked] == ["stage"]


def test_no_terminal_no_questions(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "fc"
    assert _cli(home, "today") == 0  # stdin is not a terminal under pytest
    assert "?" not in capsys.readouterr().out
    assert not (home / "config" / "profile.json").exists()


def _said(home: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    capsys.readouterr()
    assert _cli(home, "plan", "starter", "--json", *extra) == 0
    return " ".join(s["text"] for s in json.loads(capsys.readouterr().out)["steps"])


def test_profile_side_fills_the_lines_and_side_overrides(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "fc"
    unset = _said(home, capsys)
    assert "affected" in unset
    save_profile(places(home), Profile(side="left", stage="recent", asked=True))
    left = _said(home, capsys)
    assert " left " in left and "your affected" not in left
    right = _said(home, capsys, "--side", "right")
    assert " right " in right and " left " not in right
    capsys.readouterr()
    assert _cli(home, "run", "starter", "--simulate", "--json") == 0
    assert " left " in capsys.readouterr().out
    save_profile(places(home), Profile(side="both", stage="recent", asked=True))
    assert "affected" in _said(home, capsys)


def test_profile_problem_names_the_file(tmp_path: Path) -> None:
    where = places(tmp_path)
    path = where.config / "profile.json"
    path.parent.mkdir(parents=True)
    path.write_text('{"days": ["mon", "someday"]}')
    with pytest.raises(ProfileProblem, match="days"):
        load_profile(where)


def test_settings_files_are_replaced_whole_with_no_leftovers(tmp_path: Path) -> None:
    from facecoach._paths import write_text_atomic

    target = tmp_path / "deeper" / "settings.json"
    write_text_atomic(target, "first\n")
    write_text_atomic(target, "second\n")
    assert target.read_text(encoding="utf-8") == "second\n"
    assert [p.name for p in target.parent.iterdir()] == ["settings.json"]


def test_the_stage_is_an_enum_and_its_word_is_kept_on_disk(tmp_path: Path) -> None:
    where = places(str(tmp_path))
    save_profile(where, Profile(stage=Stage.AFTER_CARE))
    assert json.loads(profile_path(where).read_text())["stage"] == "after-care"
    loaded = load_profile(where)
    assert loaded.stage is Stage.AFTER_CARE and f"{loaded.stage}" == "after-care"
    assert Profile(stage="recent").stage is Stage.RECENT
