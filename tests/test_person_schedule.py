"""The schedule: frequency per stage across simulated calendars, and rotation."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path

import pytest

from facecoach._cli.main import main
from facecoach._core.loader import builtin_library
from facecoach._core.routine import (
    Area,
    Exercise,
    ExerciseKind,
    Library,
    Routine,
    RoutineItem,
    Step,
)
from facecoach._person.schedule import (
    RESTART_DAYS,
    Past,
    Today,
    decide,
    frequency,
    next_routine,
    rotation_routines,
)

LIBRARY = builtin_library()
START = date(2026, 1, 5)  # a Monday


def _areas(routine: str) -> frozenset[str]:
    return frozenset(a.value for a in LIBRARY.areas_of(LIBRARY.routines[routine]))


def _calendar(
    stage: str | None,
    weeks: int,
    *,
    days: tuple[int, ...] = (),
    since: date | None = START,
    upkeep: str = "weekly",
    library: Library = LIBRARY,
) -> tuple[list[Past], list[Today]]:
    """Follow the schedule day by day for ``weeks``: a session on every due day."""
    history: list[Past] = []
    decisions: list[Today] = []
    for k in range(weeks * 7):
        day = START + timedelta(days=k)
        today = decide(
            stage=stage,
            stage_since=since,
            upkeep=upkeep,
            days=days,
            library=library,
            history=history,
            today=day,
        )
        decisions.append(today)
        if today.due:
            assert today.routine is not None
            areas = frozenset(a.value for a in library.areas_of(library.routines[today.routine]))
            history.append(Past(len(history) + 1, day, today.routine, True, areas))
    return history, decisions


def _per_week(history: list[Past]) -> list[int]:
    counts = Counter((p.day - START).days // 7 for p in history)
    return [counts.get(w, 0) for w in range(max(counts) + 1)] if counts else []


def test_long_standing_is_daily() -> None:
    history, _ = _calendar("long-standing", 6)
    assert _per_week(history) == [7] * 6


def test_recent_is_two_or_three_a_week_with_rest_days_between() -> None:
    history, decisions = _calendar("recent", 12)
    weekly = _per_week(history)
    assert all(2 <= n <= 3 for n in weekly), weekly
    gaps = [(b.day - a.day).days for a, b in pairwise(history)]
    assert min(gaps) >= 2
    # no rolling seven days ever holds more than three
    for p in history:
        assert sum(1 for q in history if 0 <= (p.day - q.day).days < 7) <= 3
    rest = next(d for d in decisions if not d.due)
    assert rest.next_due is not None and rest.next_due > rest.day


def test_recent_keeps_to_preferred_days() -> None:
    history, _ = _calendar("recent", 8, days=(0, 3))  # Monday and Thursday
    assert {p.day.weekday() for p in history} == {0, 3}
    assert _per_week(history) == [2] * 8


def test_after_care_restarts_daily_then_weekly() -> None:
    history, _ = _calendar("after-care", 12)
    weekly = _per_week(history)
    restart_weeks = RESTART_DAYS // 7
    assert weekly[:restart_weeks] == [7] * restart_weeks
    assert weekly[restart_weeks:] == [1] * (12 - restart_weeks)


def test_after_care_monthly_upkeep() -> None:
    history, _ = _calendar("after-care", 20, upkeep="monthly")
    upkeep = [p.day for p in history if p.day >= START + timedelta(days=RESTART_DAYS)]
    gaps = [(b - a).days for a, b in pairwise(upkeep)]
    assert gaps and all(g == 28 for g in gaps)


def test_after_care_upkeep_waits_for_a_preferred_day() -> None:
    history, _ = _calendar("after-care", 10, days=(5,))  # Saturday
    upkeep = [p.day for p in history if p.day >= START + timedelta(days=RESTART_DAYS)]
    assert upkeep and all(d.weekday() == 5 for d in upkeep)


def test_not_yet_never_has_a_session_day() -> None:
    history, decisions = _calendar("not-yet", 4)
    assert history == []
    assert all(d.routine is None and not d.due for d in decisions)
    assert "movement" in decisions[0].reasons[0].lower()


def test_unset_stage_says_how_to_set_it() -> None:
    _, decisions = _calendar(None, 1)
    assert not decisions[0].due
    assert "set it in your profile" in decisions[0].reasons[0]
    # the command is kept apart, so the web page can offer its Profile page instead
    assert not any("facecoach profile" in reason for reason in decisions[0].reasons)
    assert decisions[0].command.startswith("facecoach profile --stage")
    assert decisions[0].routine == "starter"


def test_done_today() -> None:
    day = date(2026, 3, 3)
    history = [Past(1, day, "starter", True, _areas("starter"))]
    today = decide(
        stage="long-standing",
        stage_since=None,
        upkeep="weekly",
        days=(),
        library=LIBRARY,
        history=history,
        today=day,
    )
    assert today.done_today and not today.due
    assert today.next_due == day + timedelta(days=1)


def test_a_session_mostly_not_done_does_not_count() -> None:
    day = date(2026, 3, 3)
    history = [Past(1, day - timedelta(days=1), "starter", False, frozenset({"forehead"}))]
    today = decide(
        stage="recent",
        stage_since=None,
        upkeep="weekly",
        days=(),
        library=LIBRARY,
        history=history,
        today=day,
    )
    assert today.due


def test_frequency_labels() -> None:
    assert frequency("recent", None, "weekly", START) is not None
    assert frequency(None, None, "weekly", START) is None
    late = START + timedelta(days=RESTART_DAYS)
    aftercare = frequency("after-care", START, "weekly", late)
    assert aftercare is not None and aftercare.label == "weekly upkeep"


# ------------------------------------------------------------ rotation


def test_builtin_rotation_shares_the_face_out_in_face_order() -> None:
    ids = [r.id for r in rotation_routines(LIBRARY)]
    assert ids == [
        "rotation-forehead-eyes",
        "rotation-nose-cheeks",
        "rotation-mouth",
        "rotation-chin-neck",
    ]
    covered = [a for r in ids for a in _areas(r)]
    assert sorted(covered) == sorted(a.value for a in Area)


def test_every_area_gets_its_turn() -> None:
    history, _ = _calendar("long-standing", 3)
    assert history[0].routine == "starter"
    # after the starter, the areas it did not reach come first
    assert history[1].routine in ("rotation-chin-neck", "rotation-nose-cheeks")
    rotation = [p.routine for p in history[1:]]
    for k in range(0, len(rotation) - 3):
        assert len(set(rotation[k : k + 4])) == 4, rotation
    # every area is worked at least every four sessions
    for k in range(1, len(history) - 4):
        worked = set().union(*(p.areas for p in history[k : k + 4]))
        assert worked == {a.value for a in Area}


def test_rotation_picks_up_after_a_whole_face_session() -> None:
    history = [
        Past(1, date(2026, 1, 1), "rotation-forehead-eyes", True, _areas("rotation-forehead-eyes")),
        Past(2, date(2026, 1, 2), "rotation-nose-cheeks", True, _areas("rotation-nose-cheeks")),
        Past(3, date(2026, 1, 3), "daily", True, _areas("daily")),
    ]
    routine, why = next_routine(LIBRARY, history)
    assert routine == "rotation-mouth"  # all tie after 'daily': the cycle goes on
    assert "Rotation" in why


def test_rotation_prefers_areas_worked_longest_ago() -> None:
    history = [
        Past(1, date(2026, 1, 1), "rotation-mouth", True, _areas("rotation-mouth")),
        Past(2, date(2026, 1, 2), "rotation-chin-neck", True, _areas("rotation-chin-neck")),
        Past(3, date(2026, 1, 3), "x", True, frozenset({"forehead", "eyes"})),
    ]
    routine, why = next_routine(LIBRARY, history)
    assert routine == "rotation-nose-cheeks"
    assert "not worked yet" in why


def _exercise(eid: str, area: Area) -> Exercise:
    return Exercise(eid, eid, area, ExerciseKind.MOVEMENT, (Step("Move.", hold=5),))


def test_rotation_of_a_custom_library() -> None:
    exercises = {
        "a": _exercise("a", Area.MOUTH),
        "b": _exercise("b", Area.FOREHEAD),
        "c": _exercise("c", Area.NECK),
    }
    routines = {
        "all": Routine("all", "All", (RoutineItem("a"), RoutineItem("b"), RoutineItem("c"))),
        "low": Routine("low", "Low", (RoutineItem("a"), RoutineItem("c"))),
        "top": Routine("top", "Top", (RoutineItem("b"),)),
    }
    library = Library(exercises, routines)
    assert [r.id for r in rotation_routines(library)] == ["top", "low"]
    history, _ = _calendar("long-standing", 1, library=library)
    assert [p.routine for p in history] == ["top", "low"] * 3 + ["top"]


def test_no_rotation_falls_back_to_the_whole_face() -> None:
    library = Library(
        {"a": _exercise("a", Area.MOUTH)}, {"one": Routine("one", "One", (RoutineItem("a"),))}
    )
    assert rotation_routines(library) == ()
    assert next_routine(library, [])[0] == "one"


@pytest.mark.parametrize("stage", ["recent", "long-standing", "after-care"])
def test_today_reasons_name_the_stage_and_the_rotation(stage: str) -> None:
    _, decisions = _calendar(stage, 1)
    assert any(stage in r for r in decisions[2].reasons)
    assert any("Rotation" in r or "First" in r for r in decisions[2].reasons)
    assert decisions[2].to_json()["stage"] == stage


# ------------------------------------------------------------ through the commands


def test_simulated_sessions_are_kept_and_marked_but_never_count(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A simulation is not exercise: it neither moves the rotation on nor makes
    # today done, however much of it ran; the history keeps it, marked.
    home = tmp_path / "fc"
    assert main(["--data-dir", str(home), "profile", "--stage", "long-standing"]) == 0
    routines = []
    for _ in range(3):
        capsys.readouterr()
        assert main(["--data-dir", str(home), "run", "--simulate", "--record"]) == 0
        err = capsys.readouterr().err
        routines.append(err.split("Today's routine: ")[1].split(".")[0])
    assert routines == ["starter"] * 3
    capsys.readouterr()
    assert main(["--data-dir", str(home), "today", "--json"]) == 0
    today = json.loads(capsys.readouterr().out)
    assert not today["done_today"] and today["stage"] == "long-standing"
    assert main(["--data-dir", str(home), "history", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["simulated"], r["status"]) for r in rows] == [(True, "done")] * 3
    assert all(r["completed_steps"] == r["planned_steps"] for r in rows)
    assert main(["--data-dir", str(home), "history"]) == 0
    out = capsys.readouterr().out
    assert out.count("(simulated)") == 3
    assert "3 sessions (3 finished; 3 simulated, never counted)" in out


def test_a_simulated_session_does_not_move_the_rotation_on(tmp_path: Path) -> None:
    from facecoach._core.events import EndRecord, StepRecord
    from facecoach._core.loader import builtin_library
    from facecoach._person.history import past_of
    from facecoach._person.recorder import Recorder
    from facecoach._person.store import Store

    library = builtin_library()
    with Store.open(tmp_path / "h.sqlite3") as store:

        def session(routine: str, exercise: str, *, simulated: bool) -> None:
            sid = store.begin_session(
                day="2026-11-02",
                started="2026-11-02T09:00:00",
                routine=routine,
                simulated=simulated,
                planned_steps=1,
                planned_seconds=10.0,
            )
            area = library.exercises[exercise].area.value
            record = Recorder(store, sid, {exercise: area})
            record(StepRecord(0, "hold", exercise, 10.0, 10.0, True))
            record(EndRecord("done", 1, 1))

        session("starter", "brow-lift", simulated=False)
        before = next_routine(library, past_of(store, library))[0]
        assert before is not None and before != "starter"
        session(before, library.routines[before].items[0].exercise, simulated=True)
        assert next_routine(library, past_of(store, library))[0] == before
        assert [p.routine for p in past_of(store, library)] == ["starter"]


def test_today_command_on_a_given_date(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "fc"
    assert main(["--data-dir", str(home), "profile", "--stage", "recent", "--days", "mon"]) == 0
    capsys.readouterr()
    assert main(["--data-dir", str(home), "today", "--date", "2026-11-23"]) == 0  # a Monday
    out = capsys.readouterr().out
    assert "a session day" in out and "starter" in out and "Stage recent" in out
    assert main(["--data-dir", str(home), "today", "--date", "2026-11-24", "--json"]) == 0
    tuesday = json.loads(capsys.readouterr().out)
    assert not tuesday["session_day"] and tuesday["next_session_day"] == "2026-11-30"
