"""The loader: every kind of bad file gives FILE:LINE: message, never a traceback."""

from __future__ import annotations

import time
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from facecoach._core.loader import RoutineFileError, check_files, load_library
from facecoach._core.routine import Area, ExerciseKind, Side

GOOD_EXERCISE = """\
exercises:
  - id: brow-lift
    name: Brow lift
    area: forehead
    kind: resistance
    steps:
      - say: Lift the brow, lightly.
        hold: 5
"""


def write(tmp_path: Path, text: str | bytes, name: str = "x.yaml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path) -> list[str]:
    return [str(p) for p in check_files([path])]


def only_problem(path: Path) -> str:
    found = problems_of(path)
    assert len(found) == 1, found
    return found[0]


def test_sample_file_loads_with_every_field(sample_file: Path) -> None:
    library = load_library([sample_file])
    press = library.exercises["brow-press"]
    assert (press.area, press.kind, press.side) == (
        Area.FOREHEAD,
        ExerciseKind.RESISTANCE,
        Side.AFFECTED,
    )
    assert press.reps == 2 and press.min_hold == 2
    assert press.steps[0].hold == 8 and press.steps[1].rest == 3
    assert library.exercises["cheek-stretch"].side is Side.UNAFFECTED
    sample = library.routines["sample"]
    assert sample.rest_between == 10
    assert [(i.exercise, i.reps) for i in sample.items] == [
        ("brow-press", None),
        ("cheek-stretch", 2),
    ]
    assert press.source.endswith("sample.yaml:3")


def test_defaults_apply(tmp_path: Path) -> None:
    library = load_library([write(tmp_path, GOOD_EXERCISE)])
    ex = library.exercises["brow-lift"]
    assert (ex.side, ex.reps, ex.min_hold, ex.setup) == (Side.AFFECTED, 1, 3.0, "")


def test_decimal_seconds_are_accepted(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD_EXERCISE.replace("hold: 5", "hold: 4.5"))
    assert load_library([path]).exercises["brow-lift"].steps[0].hold == 4.5


def test_yaml_syntax_error_names_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD_EXERCISE + "    bad: [unclosed\n")
    assert only_problem(path).startswith(f"{path}:9: YAML syntax error")


SYNTAX_MISTAKES = [
    # (what a person wrote, the line named, what the message tells them to do)
    (
        GOOD_EXERCISE.replace("Lift the brow, lightly.", "Lift: the brow, lightly."),
        7,
        "put text that contains ':' in quotes, like say: \"Lift: the brow, lightly.\"",
    ),
    (
        GOOD_EXERCISE.replace("    area: forehead", "      area: forehead"),
        4,
        "check the indentation of line 4",
    ),
    (
        GOOD_EXERCISE.replace("    kind: resistance", "   kind: resistance"),
        5,
        "check the indentation of line 5",
    ),
    (GOOD_EXERCISE.replace("    name:", "\tname:"), 3, "line 3 is indented with a tab"),
    (GOOD_EXERCISE.replace("name: Brow lift", 'name: "Brow lift'), 3, "never closed"),
    (GOOD_EXERCISE.replace("name: Brow lift", "name: @brow"), 3, "must be in quotes"),
    (
        GOOD_EXERCISE.replace("name: Brow lift", "name: Brow\n    lift"),
        4,
        "join it to the line above, or put the whole sentence in quotes",
    ),
]


def test_yaml_syntax_errors_say_what_to_do(tmp_path: Path) -> None:
    for text, line, advice in SYNTAX_MISTAKES:
        message = only_problem(write(tmp_path, text))
        assert message.startswith(f"{tmp_path / 'x.yaml'}:{line}: YAML syntax error: "), message
        assert advice in message, message
        assert "not allowed in this context" not in message and "expected" not in message


def test_a_quoted_colon_is_what_the_advice_says_it_is(tmp_path: Path) -> None:
    fixed = GOOD_EXERCISE.replace("Lift the brow, lightly.", '"Lift: the brow, lightly."')
    steps = load_library([write(tmp_path, fixed)]).exercises["brow-lift"].steps
    assert steps[0].say == "Lift: the brow, lightly."


def test_empty_and_comment_only_files(tmp_path: Path) -> None:
    for text in ("", "   \n", "# just a comment\n"):
        message = only_problem(write(tmp_path, text))
        assert ":1: file is empty" in message


def test_bytes_that_are_not_utf8_name_their_line(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD_EXERCISE.encode() + b"# caf\xe9\n")
    assert only_problem(path) == f"{path}:9: not UTF-8 text (byte 0xe9); save it as UTF-8"


def test_wrong_type(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD_EXERCISE.replace("hold: 5", "hold: five"))
    message = only_problem(path)
    assert message.startswith(f"{path}:8: exercise 'brow-lift', step 1: hold must be a number")
    assert "'five'" in message


def test_missing_required_field(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD_EXERCISE.replace("    kind: resistance\n", ""))
    assert only_problem(path) == f"{path}:2: exercise: missing required field 'kind'"


def test_unknown_key_suggests_the_close_one(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD_EXERCISE.replace("        hold: 5", "        hodl: 5"))
    message = only_problem(path)
    assert message.startswith(f"{path}:8:")
    assert "unknown key 'hodl' (did you mean 'hold'?)" in message
    assert "allowed keys: say, hold, rest" in message


def test_values_out_of_range(tmp_path: Path) -> None:
    cases = {
        "hold: 61": "hold must be a number of seconds from 1 to 60",
        "hold: 0.5": "hold must be a number of seconds from 1 to 60",
        "hold: .nan": "hold must be a number of seconds from 1 to 60",
        "hold: -3": "hold must be a number of seconds from 1 to 60",
    }
    for replacement, expected in cases.items():
        path = write(tmp_path, GOOD_EXERCISE.replace("hold: 5", replacement))
        assert expected in only_problem(path), replacement
    path = write(tmp_path, GOOD_EXERCISE.replace("    kind:", "    reps: 31\n    kind:"))
    assert "reps must be a whole number from 1 to 30, got 31" in only_problem(path)
    path = write(tmp_path, GOOD_EXERCISE.replace("    kind:", "    reps: 2.5\n    kind:"))
    assert "reps must be a whole number" in only_problem(path)


def test_bool_is_not_a_number(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD_EXERCISE.replace("hold: 5", "hold: true"))
    assert "true/false" in only_problem(path)


def test_unknown_area_kind_side(tmp_path: Path) -> None:
    for field, bad, hint in (
        ("area: forehead", "area: foreheed", "did you mean 'forehead'?"),
        ("kind: resistance", "kind: pushing", "expected one of resistance"),
        ("kind: resistance", "kind: resistance\n    side: lft", "expected one of affected"),
    ):
        message = only_problem(write(tmp_path, GOOD_EXERCISE.replace(field, bad)))
        assert "unknown value" in message and hint in message, message


def test_duplicate_id_within_and_across_files(tmp_path: Path) -> None:
    twice = GOOD_EXERCISE + GOOD_EXERCISE.split("exercises:\n", 1)[1]
    path = write(tmp_path, twice)
    message = only_problem(path)
    assert message.startswith(f"{path}:9: duplicate exercise id 'brow-lift'")
    assert f"first defined at {path}:2" in message
    other = write(tmp_path, GOOD_EXERCISE, "y.yaml")
    first = write(tmp_path, GOOD_EXERCISE, "z.yaml")
    found = [str(p) for p in check_files([first, other])]
    assert found == [f"{other}:2: duplicate exercise id 'brow-lift' (first defined at {first}:2)"]


def test_routine_naming_unknown_exercise(tmp_path: Path) -> None:
    text = GOOD_EXERCISE + "routines:\n  - id: r\n    name: R\n    exercises:\n      - brow-lfit\n"
    message = only_problem(write(tmp_path, text))
    assert ":13: routine 'r' names unknown exercise 'brow-lfit' (did you mean 'brow-lift'?)" in (
        message
    )


def test_step_with_both_hold_and_rest(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD_EXERCISE.replace("hold: 5", "hold: 5\n        rest: 3"))
    assert only_problem(path).startswith(f"{path}:9: exercise 'brow-lift', step 1: has both")


def test_bad_ids_and_placeholders(tmp_path: Path) -> None:
    message = only_problem(write(tmp_path, GOOD_EXERCISE.replace("brow-lift", "Brow Lift")))
    assert "must be lowercase letters, digits and dashes" in message
    path = write(tmp_path, GOOD_EXERCISE.replace("the brow,", "the {sdie} brow,"))
    assert "unknown placeholder '{sdie}'" in only_problem(path)


def test_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    lines.append("exercises: *i")
    path = write(tmp_path, "\n".join(lines) + "\n")
    started = time.perf_counter()
    message = only_problem(path)
    assert "anchors and aliases; refused" in message
    assert time.perf_counter() - started < 5  # generous: a bomb must not run for minutes


def test_recursive_alias_and_deep_nesting_are_refused(tmp_path: Path) -> None:
    """Refused in facecoach's own words, naming the file and the line, whatever
    limits and wording the YAML library has of its own."""
    path = write(tmp_path, "exercises: &a [*a]\n")
    message = only_problem(path)
    assert message.startswith(f"{path}:1: ") and message.endswith("; refused")
    cases = {
        "exercises: " + "[" * 200_000 + "]" * 200_000 + "\n": 1,  # past any library's limit
        "exercises: " + "[" * 40 + "]" * 40 + "\n": 1,  # past ours only
        "exercises:\n  - id: x\n    steps: " + "{a: " * 5_000 + "\n": 3,
        "exercises:\n" + "".join("  " * i + "-\n" for i in range(1, 60)): 33,
    }
    for text, line in cases.items():
        path = write(tmp_path, text)
        message = only_problem(path)
        assert message.startswith(f"{path}:{line}: ") and "nested more than" in message, message
        assert message.endswith("; refused"), message


def test_plain_anchors_still_work(tmp_path: Path) -> None:
    text = GOOD_EXERCISE + (
        "  - id: brow-lift-two\n    name: Again\n    area: forehead\n    kind: movement\n"
        "    steps: &steps\n      - say: Raise both brows.\n        hold: 5\n"
    )
    library = load_library([write(tmp_path, text)])
    assert library.exercises["brow-lift-two"].steps[0].hold == 5


def test_file_over_one_megabyte_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD_EXERCISE + "#" * 1_000_001 + "\n")
    assert "limit is 1 MB" in only_problem(path)


def test_missing_file(tmp_path: Path) -> None:
    assert "cannot read the file" in only_problem(tmp_path / "absent.yaml")


def test_load_library_raises_its_own_error(tmp_path: Path) -> None:
    path = write(tmp_path, "exercises: 3\n")
    try:
        load_library([path])
    except RoutineFileError as error:
        assert [p.line for p in error.problems] == [1]
    else:  # pragma: no cover
        raise AssertionError("expected RoutineFileError")


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400))
def test_no_bytes_make_the_loader_raise(data: bytes) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.yaml"
        path.write_bytes(data)
        for problem in check_files([path]):
            assert problem.path == str(path) and problem.line >= 1


YAMLISH = st.lists(
    st.sampled_from(
        [
            "exercises:",
            "routines:",
            "  - id: a",
            "    steps:",
            "      - say: x",
            "        hold: 5",
            "    name: n",
            "    area: eyes",
            "    kind: stretch",
            "&x",
            "*x",
            "[",
            "]",
            "{",
            "}",
            ": ",
            "- ",
            "'",
            '"',
            "\t",
            "!!python/object:os.system",
            "\x00",
            "é",
            "  ",
        ]
    ),
    max_size=40,
)


@settings(max_examples=200, deadline=None)
@given(YAMLISH)
def test_no_yaml_like_text_makes_the_loader_raise(parts: list[str]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.yaml"
        path.write_text("\n".join(parts), encoding="utf-8")
        try:
            load_library([path], include_builtin=False)
        except RoutineFileError as error:
            assert all(p.line >= 1 for p in error.problems)
