"""Pictures of where the fingers go: a front view of a face as SVG text (pure).

The face looks out of the page, so the person's left is on the viewer's
right. An exercise's area is shaded on the side it is done on, and each of
its ``points`` is a numbered dot. Every picture carries a title and a
description in words, for screen readers and for anyone who cannot see it.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from .routine import Area, Exercise, Side

__all__ = ["POINT_WORDS", "FaceView", "face_svg", "face_view", "sides_of"]

WIDTH, HEIGHT, MIDDLE = 240, 320, 120

# (x, y) on the person's right side (the viewer's left); the left side mirrors it.
_SIDED: dict[str, tuple[int, int]] = {
    "forehead": (92, 62),
    "temple": (52, 98),
    "brow-inner": (104, 90),
    "brow-outer": (74, 92),
    "eyelid": (88, 112),
    "eye-corner": (66, 121),
    "cheekbone": (80, 141),
    "cheek": (74, 166),
    "nose-side": (105, 156),
    "upper-lip": (109, 181),
    "mouth-corner": (93, 191),
    "lower-lip": (109, 203),
    "jaw": (50, 172),
    "neck": (96, 256),
    "collarbone": (78, 300),
}
# places on the middle line: one dot whatever the side
_MIDDLE: dict[str, tuple[int, int]] = {"between-brows": (MIDDLE, 96), "chin": (MIDDLE, 220)}

POINT_WORDS: dict[str, str] = {
    "forehead": "the forehead, above the middle of the eyebrow",
    "temple": "the temple",
    "brow-inner": "just above the inner end of the eyebrow",
    "brow-outer": "the outer end of the eyebrow",
    "between-brows": "between the eyebrows",
    "eyelid": "the upper eyelid",
    "eye-corner": "the bone at the outer corner of the eye",
    "cheekbone": "the cheekbone, below the eye",
    "cheek": "the middle of the cheek",
    "nose-side": "beside the nostril",
    "upper-lip": "just above the upper lip",
    "mouth-corner": "the corner of the mouth",
    "lower-lip": "just below the lower lip",
    "chin": "the middle of the chin",
    "jaw": "the jaw muscle, in front of the ear",
    "neck": "the side of the neck, below the ear",
    "collarbone": "the collarbone",
}
"""Each point in plain words (for descriptions and the printed sheet)."""

# an ellipse (cx, cy, rx, ry) on the person's right side for each area
_AREA_SHAPE: dict[Area, tuple[int, int, int, int]] = {
    Area.FOREHEAD: (88, 70, 38, 26),
    Area.EYES: (86, 118, 28, 17),
    Area.NOSE: (110, 146, 13, 26),
    Area.CHEEKS: (78, 157, 26, 27),
    Area.MOUTH: (102, 191, 22, 15),
    Area.CHIN: (106, 215, 20, 12),
    Area.NECK: (98, 258, 20, 28),
}
# areas on the middle line get one shape when both sides are worked
_AREA_BOTH: dict[Area, tuple[int, int, int, int]] = {
    Area.FOREHEAD: (MIDDLE, 68, 66, 28),
    Area.NOSE: (MIDDLE, 146, 22, 28),
    Area.MOUTH: (MIDDLE, 191, 40, 17),
    Area.CHIN: (MIDDLE, 215, 34, 13),
}

_STYLE = (
    ".skin{fill:#f6e3d3;stroke:#5a4636;stroke-width:2}"
    ".line{fill:none;stroke:#5a4636;stroke-width:2.5;stroke-linecap:round}"
    ".area{fill:#f0a830;fill-opacity:.5;stroke:#b36b00;stroke-width:2;stroke-dasharray:5 3}"
    ".point{fill:#1d4f91;stroke:#fff;stroke-width:2.5}"
    ".num{fill:#fff;font:bold 11px sans-serif;text-anchor:middle}"
    ".side{fill:#222;font:bold 14px sans-serif;text-anchor:middle}"
)


@dataclass(frozen=True)
class FaceView:
    """What one picture shows, before it is drawn."""

    area: Area
    sides: tuple[str, ...]
    """The person's sides that are shaded: ``("left",)``, ``("right",)`` or both."""
    side_known: bool
    """False when the exercise is one-sided but the person's side is not set."""
    points: tuple[str, ...]


def sides_of(exercise_side: Side, person_side: str | None) -> tuple[tuple[str, ...], bool]:
    """The person's sides an exercise is done on, and whether that is known for sure.

    ``person_side`` is the affected side (``left``, ``right``, ``both`` or None).
    """
    if exercise_side is Side.BOTH or person_side == "both":
        return ("right", "left"), True
    if person_side not in ("left", "right"):
        return ("right", "left"), False
    if exercise_side is Side.AFFECTED:
        return (person_side,), True
    return ("left" if person_side == "right" else "right",), True


def face_view(exercise: Exercise, person_side: str | None) -> FaceView:
    """What the picture of ``exercise`` shows for a person with this affected side."""
    sides, known = sides_of(exercise.side, person_side)
    return FaceView(exercise.area, sides, known, exercise.points)


def _x(x: int, side: str) -> int:
    return x if side == "right" else WIDTH - x


def _face() -> list[str]:
    """The plain face: head, ears, neck, shoulders, brows, eyes, nose, mouth."""
    parts = [
        '<path class="skin" d="M40 320 C44 292 70 284 92 280 L92 226 L148 226 L148 280 '
        'C170 284 196 292 200 320 Z"/>',
        '<ellipse class="skin" cx="38" cy="132" rx="10" ry="20"/>',
        '<ellipse class="skin" cx="202" cy="132" rx="10" ry="20"/>',
        '<ellipse class="skin" cx="120" cy="130" rx="82" ry="102"/>',
        '<path class="line" d="M100 318 L60 306 M140 318 L180 306"/>',
        '<path class="line" d="M116 110 Q112 140 108 154 Q114 164 120 160 Q126 164 132 154 '
        'Q128 140 124 110"/>',
        '<path class="line" d="M96 188 Q120 180 144 188 Q120 204 96 188 Z"/>',
    ]
    for side in ("right", "left"):
        brow = f"M{_x(70, side)} 98 Q{_x(86, side)} 88 {_x(106, side)} 96"
        parts.append(f'<path class="line" d="{brow}"/>')
        parts.append(f'<ellipse class="line" cx="{_x(88, side)}" cy="120" rx="13" ry="6"/>')
        parts.append(f'<circle cx="{_x(88, side)}" cy="120" r="3.5" fill="#5a4636"/>')
    return parts


def _point_at(name: str, side: str) -> tuple[int, int]:
    if name in _MIDDLE:
        return _MIDDLE[name]
    x, y = _SIDED[name]
    return _x(x, side), y


def _describe(exercise: Exercise, view: FaceView) -> str:
    if not view.side_known:
        where = "your affected side (set your side in your profile to see which)"
    elif len(view.sides) == 2:
        where = "both sides"
    else:
        where = f"your {view.sides[0]} side"
    text = f"The {view.area.value} is shaded, on {where}."
    if view.points:
        spots = "; ".join(f"{n}: {POINT_WORDS[p]}" for n, p in enumerate(view.points, start=1))
        text += f" Fingertips: {spots}."
    return text


def face_svg(exercise: Exercise, person_side: str | None, *, ident: str = "") -> str:
    """A front-view face for ``exercise``: its area shaded on its side, its points numbered.

    ``ident`` makes the element ids unique when several pictures share a page.
    """
    view = face_view(exercise, person_side)
    ident = ident or exercise.id
    title = f"Where the fingers go: {exercise.name}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-labelledby="{ident}-t {ident}-d" class="face">',
        f'<title id="{ident}-t">{escape(title)}</title>',
        f'<desc id="{ident}-d">{escape(_describe(exercise, view))}</desc>',
        f"<style>{_STYLE}</style>",
        *_face(),
    ]
    shapes = [(side, _AREA_SHAPE[view.area]) for side in view.sides]
    if len(view.sides) == 2 and view.area in _AREA_BOTH:
        shapes = [("both", _AREA_BOTH[view.area])]
    for side, (cx, cy, rx, ry) in shapes:
        x = cx if side == "both" else _x(cx, side)
        parts.append(
            f'<ellipse class="area" data-side="{side}" cx="{x}" cy="{cy}" rx="{rx}" ry="{ry}"/>'
        )
    drawn: set[tuple[int, int]] = set()
    for number, name in enumerate(view.points, start=1):
        for side in view.sides:
            x, y = _point_at(name, side)
            if (x, y) in drawn:
                continue
            drawn.add((x, y))
            where = "middle" if name in _MIDDLE else side
            parts.append(
                f'<circle class="point" data-point="{name}" data-side="{where}" '
                f'cx="{x}" cy="{y}" r="8"/>'
                f'<text class="num" x="{x}" y="{y + 4}">{number}</text>'
            )
    # labels in words, so the side never rests on the picture alone
    parts.append('<text class="side" x="34" y="22">Your right</text>')
    parts.append(f'<text class="side" x="{WIDTH - 34}" y="22">Your left</text>')
    parts.append("</svg>")
    return "".join(parts)
