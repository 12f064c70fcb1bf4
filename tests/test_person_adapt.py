"""Hold factors across sessions: down on "too tight", slowly back up, bounded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from facecoach._cli.main import main
from facecoach._core.loader import builtin_library
from facecoach._core.plan import adapted_hold
from facecoach._person.adapt import (
    GROW_AFTER,
    Adaptation,
    Outcome,
    adapt,
    factor_floor,
    hold_factors,
    replay,
)

LIBRARY = builtin_library()


def test_each_too_tight_multiplies_by_three_quarters() -> None:
    assert adapt(Adaptation(), 1, 0.0).factor == 0.75
    assert adapt(Adaptation(), 2, 0.0).factor == 0.5625
    assert adapt(Adaptation(0.5, 2), 1, 0.0) == Adaptation(0.375, 0)


def test_never_below_the_floor() -> None:
    state = Adaptation()
    for _ in range(20):
        state = adapt(state, 3, 0.4)
    assert state.factor == 0.4


def test_grows_ten_percent_after_three_clean_sessions_capped_at_one() -> None:
    state = Adaptation(0.75, 0)
    for _ in range(GROW_AFTER - 1):
        state = adapt(state, 0, 0.0)
        assert state.factor == 0.75
    state = adapt(state, 0, 0.0)
    assert state == Adaptation(0.825, 0)
    for _ in range(GROW_AFTER):
        state = adapt(state, 0, 0.0)
    assert state.factor == 0.9075
    for _ in range(GROW_AFTER):
        state = adapt(state, 0, 0.0)
    assert state.factor == 0.99825
    for _ in range(GROW_AFTER):
        state = adapt(state, 0, 0.0)
    assert state.factor == 1.0


def test_too_tight_breaks_the_run() -> None:
    outcomes = [
        Outcome(1, "x", 1),
        Outcome(2, "x"),
        Outcome(3, "x"),
        Outcome(4, "x", 1),
        Outcome(5, "x"),
        Outcome(6, "x"),
    ]
    assert hold_factors(outcomes, {}) == {"x": 0.5625}
    outcomes.append(Outcome(7, "x"))
    assert hold_factors(outcomes, {}) == {"x": 0.61875}


def test_sessions_without_the_exercise_do_not_count() -> None:
    outcomes = [Outcome(1, "x", 1), Outcome(2, "y"), Outcome(3, "y"), Outcome(4, "y")]
    assert hold_factors(outcomes, {}) == {"x": 0.75}
    assert replay(outcomes, {}) == [(1, "x", 0.75)]


def test_floor_is_where_the_longest_hold_meets_min_hold() -> None:
    for exercise in LIBRARY.exercises.values():
        holds = [s.hold for s in exercise.steps if s.hold]
        floor = factor_floor(exercise)
        if not holds:
            assert floor == 1.0
            continue
        assert 0 < floor <= 1.0
        longest = max(holds)
        assert adapted_hold(longest, exercise.min_hold, floor) == pytest.approx(
            min(exercise.min_hold, longest), abs=1e-3
        )


# ------------------------------------------------------------ end to end


def _run(home: Path, *args: str) -> int:
    return main(["--data-dir", str(home), "run", "starter", "--simulate", "--record", *args])


def _holds(home: Path, capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    capsys.readouterr()
    assert main(["--data-dir", str(home), "plan", "starter", "--json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    return [s for s in plan["steps"] if s["kind"] == "hold"]


def _first_hold_second(home: Path, capsys: pytest.CaptureFixture[str]) -> float:
    capsys.readouterr()
    assert main(["--data-dir", str(home), "run", "starter", "--simulate", "--json"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    return float(next(x["t"] for x in lines if x["event"] == "hold")) + 0.5


def test_adaptation_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "fc"
    written = _holds(home, capsys)
    assert all(h["seconds"] == h["written_seconds"] for h in written)
    first = str(written[0]["exercise"])
    at = _first_hold_second(home, capsys)
    assert _run(home, "--command", f"{at}:too tight") == 0
    adapted = _holds(home, capsys)
    mine = [h for h in adapted if h["exercise"] == first]
    assert mine and all(
        float(h["seconds"]) < float(h["written_seconds"])  # type: ignore[arg-type]
        or float(h["seconds"]) == LIBRARY.exercises[first].min_hold
        for h in mine
    )
    assert any(float(h["seconds"]) < float(h["written_seconds"]) for h in mine)  # type: ignore[arg-type]
    others = [h for h in adapted if h["exercise"] != first]
    assert all(h["seconds"] == h["written_seconds"] for h in others)
    # the text plan shows both lengths
    capsys.readouterr()
    assert main(["--data-dir", str(home), "plan", "starter"]) == 0
    assert "(written" in capsys.readouterr().out
    # three sessions without "too tight" on it: 10 % back
    shortened = float(mine[0]["seconds"])  # type: ignore[arg-type]
    for _ in range(GROW_AFTER):
        assert _run(home) == 0
    grown = [h for h in _holds(home, capsys) if h["exercise"] == first]
    assert float(grown[0]["seconds"]) > shortened  # type: ignore[arg-type]


def test_a_simulation_without_record_does_not_adapt(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "fc"
    at = _first_hold_second(home, capsys)
    assert (
        main(
            [
                "--data-dir",
                str(home),
                "run",
                "starter",
                "--simulate",
                "--command",
                f"{at}:too tight",
            ]
        )
        == 0
    )
    assert all(h["seconds"] == h["written_seconds"] for h in _holds(home, capsys))
