"""Face pictures: valid SVG, the right side shaded, points checked like every other field."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from facecoach._core.faces import MIDDLE, POINT_WORDS, face_svg, sides_of
from facecoach._core.loader import builtin_library, check_files, load_library
from facecoach._core.routine import POINTS, Area, Exercise, ExerciseKind, Side, Step

SVG = "{http://www.w3.org/2000/svg}"
BUILTIN = sorted(builtin_library().exercises.values(), key=lambda e: e.id)


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    return root


def shaded(root: ET.Element) -> list[ET.Element]:
    return [e for e in root.iter(f"{SVG}ellipse") if e.get("class") == "area"]


def dots(root: ET.Element) -> list[ET.Element]:
    return [e for e in root.iter(f"{SVG}circle") if e.get("class") == "point"]


def expected_side(exercise: Exercise, person: str) -> set[str]:
    if exercise.side is Side.BOTH:
        return {"left", "right"}
    if exercise.side is Side.AFFECTED:
        return {person}
    return {"right" if person == "left" else "left"}


def on_side(x: float, side: str) -> bool:
    # the person's left is on the viewer's right: larger x; fingertips on the middle
    # line sit in a row across it
    return x > MIDDLE if side == "left" else x < MIDDLE if side == "right" else abs(x - MIDDLE) < 20


@pytest.mark.parametrize("exercise", BUILTIN, ids=lambda e: e.id)
@pytest.mark.parametrize("person", ["left", "right"])
def test_every_builtin_picture_is_valid_and_shades_the_right_side(
    exercise: Exercise, person: str
) -> None:
    root = parse(face_svg(exercise, person))
    assert exercise.points, f"{exercise.id} has no points"
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title is not None and exercise.name in (title.text or "")
    assert desc is not None and exercise.area.value in (desc.text or "")
    want = expected_side(exercise, person)
    areas = shaded(root)
    assert areas
    for area in areas:
        side = area.get("data-side") or ""
        if side == "both":
            assert want == {"left", "right"} and float(area.get("cx") or 0) == MIDDLE
        else:
            assert side in want and on_side(float(area.get("cx") or 0), side)
    assert {a.get("data-side") for a in areas} in (want, {"both"})
    seen = set()
    for dot in dots(root):
        side = dot.get("data-side") or ""
        seen.add(dot.get("data-point"))
        assert side == "middle" or side in want
        assert on_side(float(dot.get("cx") or 0), side)
    assert seen == set(exercise.points)
    if len(want) == 1:
        assert f"your {person if exercise.side is Side.AFFECTED else next(iter(want))} side" in (
            desc.text or ""
        )


def test_sides_mirror_the_person_and_say_when_unknown() -> None:
    assert sides_of(Side.AFFECTED, "left") == (("left",), True)
    assert sides_of(Side.UNAFFECTED, "left") == (("right",), True)
    assert sides_of(Side.BOTH, "right") == (("right", "left"), True)
    assert sides_of(Side.AFFECTED, None) == (("right", "left"), False)
    exercise = builtin_library().exercises["brow-lift"]
    desc = parse(face_svg(exercise, None)).find(f"{SVG}desc")
    assert desc is not None and "set your side" in (desc.text or "")


def test_without_points_the_area_is_still_shaded() -> None:
    bare = Exercise("x", "X", Area.CHEEKS, ExerciseKind.MOVEMENT, (Step("Smile."),))
    root = parse(face_svg(bare, "left"))
    assert not dots(root)
    assert [a.get("data-side") for a in shaded(root)] == ["left"]


def test_every_point_has_words() -> None:
    assert set(POINT_WORDS) == set(POINTS)
    for name in POINTS:
        ex = Exercise("x", "X", Area.CHEEKS, ExerciseKind.MOVEMENT, (Step("Go."),), points=(name,))
        assert [d.get("data-point") for d in dots(parse(face_svg(ex, "right")))] == [name]


def _file(tmp_path: Path, points: str) -> Path:
    path = tmp_path / "mine.yaml"
    path.write_text(
        "exercises:\n"
        "  - id: brow-lift\n"
        "    name: Brow lift\n"
        "    area: forehead\n"
        "    kind: resistance\n"
        f"    points: {points}\n"
        "    steps:\n"
        "      - say: Lift the brow, lightly.\n"
        "        hold: 5\n",
        encoding="utf-8",
    )
    return path


def test_points_are_read_from_a_file(tmp_path: Path) -> None:
    library = load_library([_file(tmp_path, "[brow-inner, brow-outer]")])
    assert library.exercises["brow-lift"].points == ("brow-inner", "brow-outer")


@pytest.mark.parametrize(
    ("points", "message"),
    [
        ("[brow-innr]", "unknown value 'brow-innr' (did you mean 'brow-inner'?)"),
        ("[chin, chin]", "point 'chin' is listed twice"),
        ("chin", "points must be a list"),
        ("[3]", "point must be text"),
    ],
)
def test_bad_points_name_the_line(tmp_path: Path, points: str, message: str) -> None:
    path = _file(tmp_path, points)
    problems = [str(p) for p in check_files([path])]
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{path}:6: ")
    assert message in problems[0]


NUMBER_WORDS = {"one": 1, "a": 1, "two": 2, "three": 3, "four": 4}


@pytest.mark.parametrize("exercise", BUILTIN, ids=lambda e: e.id)
def test_dots_match_the_fingertips_the_setup_names(exercise: Exercise) -> None:
    """ "Rest two fingertips ..." draws two dots at each place (a single point, one side)."""
    words = exercise.setup.lower().split()
    said = [
        NUMBER_WORDS[w]
        for w, nxt in itertools.pairwise(words)
        if w in NUMBER_WORDS and nxt.startswith("fingertip")
    ]
    if said and "each" not in exercise.setup:  # "a fingertip on each cheekbone": one a side
        assert exercise.fingers * len(exercise.points) == said[0], exercise.setup
    root = parse(face_svg(exercise, "left"))
    per_side: dict[str, int] = {}
    for dot in dots(root):
        key = dot.get("data-side") or ""
        per_side[key] = per_side.get(key, 0) + 1
    for side, count in per_side.items():
        assert count == exercise.fingers * len(exercise.points), (side, count)


def test_cheek_stretch_shows_two_fingertips_and_an_arrow_to_the_ear() -> None:
    exercise = builtin_library().exercises["cheek-stretch"]
    root = parse(face_svg(exercise, "left"))
    found = dots(root)
    assert len(found) == 2 and {d.get("data-side") for d in found} == {"left"}
    arrows = [e for e in root.iter(f"{SVG}path") if e.get("class") == "arrow"]
    heads = [e for e in root.iter(f"{SVG}path") if e.get("class") == "head"]
    assert len(arrows) == 1 and len(heads) == 1
    # the person's left ear is on the viewer's right: the arrow goes right and a little up
    start, end = (arrows[0].get("d") or "").removeprefix("M").split(" L")
    (x0, y0), (x1, y1) = (tuple(map(float, p.split())) for p in (start, end))
    assert x1 > x0 + 15 and y1 < y0
    desc = root.find(f"{SVG}desc")
    assert desc is not None and "two fingertips" in (desc.text or "")
    assert "towards the ear" in (desc.text or "")


@pytest.mark.parametrize("exercise", BUILTIN, ids=lambda e: e.id)
def test_an_arrow_wherever_the_exercise_says_which_way(exercise: Exercise) -> None:
    root = parse(face_svg(exercise, "right"))
    arrows = [e for e in root.iter(f"{SVG}path") if e.get("class") in ("arrow", "head")]
    assert bool(arrows) == bool(exercise.move)
    for arrow in arrows:  # inside the picture
        numbers = [float(v) for v in (arrow.get("d") or "").replace("M", " ").replace(
            "L", " ").replace("Z", " ").replace("A", " ").split()]  # fmt: skip
        assert all(-1 <= v <= 320 for v in numbers)


def test_side_labels_start_inside_the_picture() -> None:
    root = parse(face_svg(builtin_library().exercises["brow-lift"], "left"))
    labels = {e.text: e for e in root.iter(f"{SVG}text") if e.get("class") == "side"}
    right, left = labels["Your right"], labels["Your left"]
    assert float(right.get("x") or 0) >= 2 and right.get("text-anchor") is None  # starts at x
    assert left.get("text-anchor") == "end" and float(left.get("x") or 0) <= 238


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("    fingers: 5\n", "fingers"),
        ("    move: sideways\n", "unknown value 'sideways'"),
        ("    move_at: eyelid\n", "move_at needs a 'move:'"),
        ("    move: along\n", "list two points"),
    ],
)
def test_bad_fingers_and_moves_name_the_line(tmp_path: Path, extra: str, message: str) -> None:
    path = _file(tmp_path, "[brow-inner]")
    text = path.read_text(encoding="utf-8").replace("    steps:\n", extra + "    steps:\n")
    path.write_text(text, encoding="utf-8")
    problems = [str(p) for p in check_files([path])]
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{path}:7: ") and message in problems[0]


def test_fingers_and_move_are_read_from_a_file(tmp_path: Path) -> None:
    path = _file(tmp_path, "[brow-inner, brow-outer]")
    text = path.read_text(encoding="utf-8").replace(
        "    steps:\n", "    fingers: 2\n    move: down\n    move_at: eyelid\n    steps:\n"
    )
    path.write_text(text, encoding="utf-8")
    exercise = load_library([path]).exercises["brow-lift"]
    assert (exercise.fingers, exercise.move, exercise.move_at) == (2, "down", "eyelid")
