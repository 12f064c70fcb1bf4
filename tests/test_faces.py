"""Face pictures: valid SVG, the right side shaded, points checked like every other field."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from facecoach._core import Area, ExerciseKind, Side, check_files, load_library
from facecoach._core.faces import MIDDLE, POINT_WORDS, face_svg, sides_of
from facecoach._core.loader import builtin_library
from facecoach._core.routine import POINTS, Exercise, Step

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
    # the person's left is on the viewer's right: larger x
    return x > MIDDLE if side == "left" else x < MIDDLE if side == "right" else x == MIDDLE


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
