"""Hardening: routine files are refused at validation, with the file, line and field,
for spoken lines that are paragraphs, control characters (on their real line), a
min_hold above the hold and absurd totals; a broken exercise is reported once, at its
root, not again for every routine that uses it."""

from __future__ import annotations

from pathlib import Path

import pytest

from facecoach._cli.main import main
from facecoach._core.loader import MAX_ROUTINE_SECONDS, check_files

HEADER = """\
exercises:
  - id: brow-lift
    name: Brow lift
    area: forehead
    kind: movement
"""


def _file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mine.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _steps(say: str = "Lift your brow.", hold: str = "5") -> str:
    return f"    steps:\n      - say: {say}\n        hold: {hold}\n"


ROUTINES = """\
routines:
  - id: one
    name: One
    exercises: [brow-lift]
  - id: two
    name: Two
    exercises: [brow-lift, brow-lift]
"""


@pytest.mark.parametrize("words", [41, 4000])
def test_a_spoken_line_of_a_paragraph_is_refused_with_file_line_and_field(
    tmp_path: Path, words: int
) -> None:
    path = _file(tmp_path, HEADER + _steps(say=" ".join(["gently"] * words)))
    (problem,) = check_files([path])
    assert (problem.path, problem.line) == (str(path), 7)
    assert "step 1: say" in problem.message and f"is {words} words" in problem.message
    assert "at most 40 words" in problem.message


def test_a_long_line_without_spaces_is_refused_too(tmp_path: Path) -> None:
    (problem,) = check_files([_file(tmp_path, HEADER + _steps(say="x" * 20_000))])
    assert problem.line == 7 and "say" in problem.message


def test_forty_words_pass(tmp_path: Path) -> None:
    assert check_files([_file(tmp_path, HEADER + _steps(say=" ".join(["soft"] * 40)))]) == []


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x1b", "\x7f"])
def test_a_control_character_is_reported_on_its_own_line(tmp_path: Path, char: str) -> None:
    lines = (HEADER + _steps() + ROUTINES).splitlines()
    lines[12] = lines[12] + f"  # bad {char} here"  # line 13
    (problem,) = check_files([_file(tmp_path, "\n".join(lines) + "\n")])
    assert problem.line == 13, problem
    assert f"U+{ord(char):04X}" in problem.message and "position" not in problem.message


def test_a_field_error_in_an_exercise_is_reported_once_at_its_root(tmp_path: Path) -> None:
    path = _file(tmp_path, HEADER + _steps(hold="seventy") + ROUTINES)
    problems = check_files([path])
    assert len(problems) == 1, problems
    assert problems[0].line == 8 and "hold" in problems[0].message
    assert "unknown exercise" not in str(problems)


def test_an_exercise_that_is_really_missing_is_still_named(tmp_path: Path) -> None:
    text = HEADER + _steps() + ROUTINES.replace("[brow-lift]", "[brow-lfit]")
    (problem,) = check_files([_file(tmp_path, text)])
    assert "unknown exercise 'brow-lfit'" in problem.message and "did you mean" in problem.message


def test_min_hold_above_a_hold_is_refused(tmp_path: Path) -> None:
    text = HEADER + "    min_hold: 10\n" + _steps(hold="5")
    (problem,) = check_files([_file(tmp_path, text)])
    assert problem.line == 6 and "min_hold (10 s)" in problem.message
    assert "step 1 (5 s)" in problem.message
    ok = HEADER + "    min_hold: 5\n" + _steps(hold="5")
    assert check_files([_file(tmp_path, ok)]) == []


def _huge(items: int) -> str:
    steps = "".join(f"      - say: Hold {n}.\n        hold: 60\n" for n in range(10))
    steps += "      - say: Rest.\n        rest: 300\n"
    exercise = HEADER + "    reps: 30\n    steps:\n" + steps
    listed = ", ".join(["brow-lift"] * items)
    return exercise + f"routines:\n  - id: days\n    name: Days\n    exercises: [{listed}]\n"


def test_a_routine_of_days_is_refused_at_validation_with_the_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _file(tmp_path, _huge(200))  # about 1,600 hours
    (problem,) = check_files([path])
    assert "routine 'days'" in problem.message and "the limit is 3 hours" in problem.message
    assert problem.line == 31  # the routine's own line
    for command in ("plan", "validate"):
        assert main([command, str(path)]) == 1
        assert "the limit is 3 hours" in capsys.readouterr().err


def test_a_routine_just_under_the_limit_passes(tmp_path: Path) -> None:
    # 30 reps of a 60 s hold and its line: about 31 minutes
    steps = "    steps:\n      - say: Hold.\n        hold: 60\n"
    text = HEADER + "    reps: 30\n" + steps + "routines:\n  - id: r\n    name: R\n"
    text += "    exercises: [brow-lift]\n"
    assert MAX_ROUTINE_SECONDS > 30 * 60 and check_files([_file(tmp_path, text)]) == []
