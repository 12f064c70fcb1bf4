"""The built-in exercises and routines keep the content rules of shared/CLINICAL.md."""

from __future__ import annotations

import re
from collections.abc import Iterator
from importlib import resources

import pytest
import yaml

from facecoach._core.loader import builtin_library
from facecoach._core.plan import Personal, compile_plan
from facecoach._core.routine import AREAS, Exercise, ExerciseKind, Library, Side

ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
MAX_WORDS = 20
ROUTINE_MINUTES = {
    "starter": (4.0, 6.0),
    "daily": (15.0, 25.0),
    "rotation-forehead-eyes": (6.0, 10.0),
    "rotation-nose-cheeks": (6.0, 10.0),
    "rotation-mouth": (6.0, 10.0),
    "rotation-chin-neck": (6.0, 10.0),
}
ROTATIONS = [r for r in ROUTINE_MINUTES if r.startswith("rotation-")]
# Words a coach must never say: promises of cure, or pushing through discomfort.
FORBIDDEN = ("cure", "push through", "through the pain", "as hard as", "harder", "force")


@pytest.fixture(scope="module")
def library() -> Library:
    return builtin_library()


def _raw(name: str) -> str:
    return (resources.files("facecoach") / "data" / name).read_text("utf-8")


def _lines(exercise: Exercise) -> Iterator[str]:
    yield exercise.setup
    for step in exercise.steps:
        yield step.say


def _exercises(library: Library) -> list[Exercise]:
    return list(library.exercises.values())


def test_library_is_big_enough(library: Library) -> None:
    assert len(library.exercises) >= 14
    assert set(ROUTINE_MINUTES) <= set(library.routines)


def test_ids_are_unique_and_well_formed() -> None:
    exercises = yaml.safe_load(_raw("exercises.yaml"))["exercises"]
    routines = yaml.safe_load(_raw("routines.yaml"))["routines"]
    ids = [e["id"] for e in exercises] + [r["id"] for r in routines]
    assert len(ids) == len(set(ids))
    assert all(ID_PATTERN.match(i) for i in ids), ids


def test_every_area_and_kind_is_present(library: Library) -> None:
    exercises = _exercises(library)
    assert {e.area.value for e in exercises} == set(AREAS)
    assert {e.kind for e in exercises} == set(ExerciseKind)
    assert sum(e.kind is ExerciseKind.RESISTANCE for e in exercises) >= 5
    assert sum(e.kind is ExerciseKind.MOVEMENT for e in exercises) >= 3


def test_numbers_are_in_range(library: Library) -> None:
    for e in _exercises(library):
        holds = [s.hold for s in e.steps if s.hold is not None]
        assert holds, e.id
        assert 1 <= e.reps <= 30, e.id
        assert 1 <= e.min_hold <= min(holds), e.id
        for step in e.steps:
            assert not (step.hold is not None and step.rest is not None), e.id
            if step.hold is not None:
                assert 1 <= step.hold <= 60, e.id
            if step.rest is not None:
                assert 0 <= step.rest <= 300, e.id


def test_holds_follow_the_published_ranges(library: Library) -> None:
    for e in _exercises(library):
        for step in e.steps:
            if step.hold is None:
                continue
            if e.kind in (ExerciseKind.MOVEMENT, ExerciseKind.RESISTANCE):
                assert 3 <= step.hold <= 10, (e.id, step.hold)
            if e.kind is ExerciseKind.STRETCH:
                assert 10 <= step.hold <= 30, (e.id, step.hold)


def test_every_resistance_hold_says_the_pressure_is_light(library: Library) -> None:
    for e in _exercises(library):
        if e.kind is not ExerciseKind.RESISTANCE:
            continue
        for step in e.steps:
            if step.hold is not None:
                assert "light" in step.say.lower(), (e.id, step.say)


def test_every_stretch_stops_at_a_gentle_pull_never_pain(library: Library) -> None:
    for e in _exercises(library):
        if e.kind is ExerciseKind.STRETCH:
            text = " ".join(_lines(e)).lower()
            assert "gentle pull" in text, e.id
            assert "never pain" in text, e.id


def test_every_hold_is_followed_by_a_rest_and_a_breath(library: Library) -> None:
    for e in _exercises(library):
        steps = e.steps
        for i, step in enumerate(steps):
            if step.hold is None:
                continue
            after = steps[(i + 1) % len(steps)]
            assert after.rest is not None and after.rest >= 3, (e.id, after)
            assert re.search(r"breath|rest", after.say.lower()), (e.id, after.say)


def test_movements_work_both_sides_together(library: Library) -> None:
    for e in _exercises(library):
        if e.kind is ExerciseKind.MOVEMENT:
            assert "both" in " ".join(_lines(e)).lower(), e.id


def test_setup_says_where_the_fingers_go(library: Library) -> None:
    for e in _exercises(library):
        assert re.search(r"finger", e.setup.lower()), (e.id, e.setup)


def test_lines_are_short_calm_and_promise_nothing(library: Library) -> None:
    for e in _exercises(library):
        assert len(e.name.split()) <= 8, e.id
        for line in _lines(e):
            assert 0 < len(line.split()) <= MAX_WORDS, (e.id, line)
            assert "!" not in line, (e.id, line)
            lowered = line.lower()
            assert not any(word in lowered for word in FORBIDDEN), (e.id, line)


def test_side_placeholder_matches_the_exercise_side(library: Library) -> None:
    for e in _exercises(library):
        text = " ".join(_lines(e))
        # Only {side} may appear in braces; anything else would be spoken as is.
        assert set(re.findall(r"\{[^}]*\}", text)) <= {"{side}"}, e.id
        if e.side is Side.BOTH:
            assert "{side}" not in text, e.id
        else:
            assert "{side}" in e.setup, e.id


@pytest.mark.parametrize("person_side", ["left", "right", None])
def test_compiled_lines_name_the_right_side(library: Library, person_side: str | None) -> None:
    plan = compile_plan(library.routines["daily"], library, personal=Personal(person_side))
    other = {"left": "right", "right": "left", None: "unaffected"}[person_side]
    mine = person_side or "affected"
    for step in plan.steps:
        assert "{" not in step.text, step.text
        exercise = library.exercises[step.exercise]
        if step.kind.value == "say" and step.is_setup and exercise.side is not Side.BOTH:
            expected = other if exercise.side is Side.UNAFFECTED else mine
            assert expected in step.text, step.text


def test_routines_reference_existing_exercises(library: Library) -> None:
    for routine in library.routines.values():
        assert routine.items, routine.id
        for item in routine.items:
            assert item.exercise in library.exercises, (routine.id, item.exercise)
            assert item.reps is None or 1 <= item.reps <= 30


@pytest.mark.parametrize("routine_id", sorted(ROUTINE_MINUTES))
def test_routine_lengths_are_in_range(library: Library, routine_id: str) -> None:
    routine = library.routines[routine_id]
    assert 5 <= routine.rest_between <= 15
    low, high = ROUTINE_MINUTES[routine_id]
    minutes = compile_plan(routine, library).total_seconds / 60
    assert low <= minutes <= high, (routine_id, minutes)


def test_routine_comments_give_the_true_estimate(library: Library) -> None:
    # The YAML comment above each routine is what a therapist reads first.
    stated = dict(
        re.findall(r"^\s*# ([a-z0-9-]+): about ([\d.]+) min", _raw("routines.yaml"), re.M)
    )
    assert set(stated) == set(ROUTINE_MINUTES)
    for routine_id, minutes in stated.items():
        actual = compile_plan(library.routines[routine_id], library).total_seconds / 60
        assert abs(float(minutes) - actual) <= 0.15, (routine_id, minutes, actual)


def _areas(library: Library, routine_id: str) -> set[str]:
    return {area.value for area in library.areas_of(library.routines[routine_id])}


def test_routines_cover_the_face(library: Library) -> None:
    starter = library.routines["starter"]
    assert 4 <= len(starter.items) <= 5
    assert len(_areas(library, "starter")) >= 3
    # A first session stays gentle: few reps of any resistance work.
    for item in starter.items:
        if library.exercises[item.exercise].kind is ExerciseKind.RESISTANCE:
            assert item.reps is not None and item.reps <= 3, item.exercise
    assert _areas(library, "daily") == set(AREAS)
    assert set(library.exercises) == {i.exercise for i in library.routines["daily"].items}
    covered = set().union(*(_areas(library, r) for r in ROTATIONS))
    assert covered == set(AREAS)
