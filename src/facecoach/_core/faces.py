"""Pictures of where the fingers go: a front view of a face as SVG text (pure).

The face looks out of the page, so the person's left is on the viewer's
right. An exercise's area is shaded on the side it is done on, and each of
its ``points`` is a numbered dot. Every picture carries a title and a
description in words, for screen readers and for anyone who cannot see it.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from html import escape

from .routine import Area, Exercise, Side

__all__ = ["MOVE_WORDS", "POINT_WORDS", "FaceView", "face_svg", "face_view", "sides_of"]

WIDTH, HEIGHT, MIDDLE = 240, 320, 120
FACE_HEIGHT = 252
"""The height of a picture that does not need the neck."""

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
    ".point{fill:#1d4f91;stroke:#fff;stroke-width:2}"
    ".num{fill:#fff;font:bold 11px sans-serif;text-anchor:middle}"
    ".side{fill:#222;font:bold 15px sans-serif}"
    ".arrow{fill:none;stroke:#0b6b3a;stroke-width:4;stroke-linecap:round}"
    ".head{fill:#0b6b3a}"
)

_DOT = 8.0
"""Radius of a fingertip dot."""
_GAP = 17.0
"""Between the centres of fingertips side by side."""
_ARROW = 30.0
"""Length of a movement arrow."""
# the person's right ear (the viewer's left); "to-ear" arrows point at it
_EAR = (38, 132)
# places whose fingertips sit one above the other when the arrow does not decide
_UPRIGHT = {"temple", "eye-corner", "cheek", "nose-side", "mouth-corner", "jaw", "neck"}
# each way as a direction on the person's right side (the viewer's left): x grows
# towards the middle of the face, y grows downwards
_WAYS: dict[str, tuple[float, float]] = {
    "up": (0.0, -1.0),
    "down": (0.0, 1.0),
    "in": (1.0, 0.0),
    "out": (-1.0, 0.0),
    "up-out": (-0.71, -0.71),
    "up-in": (0.5, -0.87),
}
MOVE_WORDS: dict[str, str] = {
    "up": "upwards",
    "down": "downwards",
    "in": "towards the middle of the face",
    "out": "outwards, away from the middle of the face",
    "up-out": "up and out",
    "up-in": "up and towards the middle",
    "to-ear": "towards the ear",
    "circles": "in small circles",
    "along": "from the first dots to the next",
}
"""Each way of ``move:`` in plain words (for descriptions)."""


@dataclass(frozen=True)
class FaceView:
    """What one picture shows, before it is drawn."""

    area: Area
    sides: tuple[str, ...]
    """The person's sides that are shaded: ``("left",)``, ``("right",)`` or both."""
    side_known: bool
    """False when the exercise is one-sided but the person's side is not set."""
    points: tuple[str, ...]
    fingers: int = 1
    """Fingertips on each point (a dot each)."""
    move: str = ""
    """The way the movement or stretch goes ("": no arrow)."""
    move_at: str = ""
    """The point the arrow starts from ("": the fingertips)."""


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
    return FaceView(
        exercise.area,
        sides,
        known,
        exercise.points,
        exercise.fingers,
        exercise.move,
        exercise.move_at,
    )


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


def _way(view: FaceView, name: str, side: str) -> tuple[float, float] | None:
    """The arrow's direction at point ``name`` on ``side``, in the picture's frame."""
    if view.move == "to-ear":
        x, y = _point_at(name, side)
        ex, ey = _x(_EAR[0], side), _EAR[1]
        length = math.hypot(ex - x, ey - y) or 1.0
        return (ex - x) / length, (ey - y) / length
    way = _WAYS.get(view.move)
    if way is None:
        return None
    dx, dy = way
    return (dx if side == "right" else -dx), dy


def _fingertips(view: FaceView, name: str, side: str) -> list[tuple[float, float]]:
    """Where each fingertip dot of one point goes: a row across the arrow's way."""
    x, y = _point_at(name, side)
    n = view.fingers
    if n == 1:
        return [(x, y)]
    way = _way(view, name, side) if not view.move_at else None
    if way is not None:
        across = (-way[1], way[0])
    else:
        across = (0.0, 1.0) if name in _UPRIGHT else (1.0, 0.0)
    first = -(n - 1) / 2
    return [
        (round(x + (first + k) * _GAP * across[0], 1), round(y + (first + k) * _GAP * across[1], 1))
        for k in range(n)
    ]


def _head(tip: tuple[float, float], way: tuple[float, float]) -> str:
    """An arrowhead at ``tip`` pointing along ``way``."""
    size = 9.0
    bx, by = tip[0] - way[0] * size, tip[1] - way[1] * size
    nx, ny = -way[1] * size * 0.6, way[0] * size * 0.6
    corners = ((tip[0], tip[1]), (bx + nx, by + ny), (bx - nx, by - ny))
    return '<path class="head" d="M{:.1f} {:.1f} L{:.1f} {:.1f} L{:.1f} {:.1f} Z"/>'.format(
        *(v for corner in corners for v in corner)
    )


def _line(start: tuple[float, float], end: tuple[float, float]) -> list[str]:
    length = math.hypot(end[0] - start[0], end[1] - start[1]) or 1.0
    way = ((end[0] - start[0]) / length, (end[1] - start[1]) / length)
    stop = (end[0] - way[0] * 6, end[1] - way[1] * 6)  # the line ends inside the head
    return [
        f'<path class="arrow" d="M{start[0]:.1f} {start[1]:.1f} L{stop[0]:.1f} {stop[1]:.1f}"/>',
        _head(end, way),
    ]


def _arrows(view: FaceView) -> list[str]:
    """The movement arrows: from the fingertips (or ``move_at``) the way the face moves."""
    if not view.move or (not view.points and not view.move_at):
        return []
    parts: list[str] = []
    drawn: set[tuple[int, int]] = set()
    for side in view.sides:
        if view.move == "along":
            for a, b in itertools.pairwise(view.points):
                (ax, ay), (bx, by) = _point_at(a, side), _point_at(b, side)
                length = math.hypot(bx - ax, by - ay) or 1.0
                ux, uy = (bx - ax) / length, (by - ay) / length
                gap = _DOT + 4
                parts += _line((ax + ux * gap, ay + uy * gap), (bx - ux * gap, by - uy * gap))
            continue
        names = (view.move_at,) if view.move_at else view.points
        for name in names:
            start = _point_at(name, side)
            if start in drawn:
                continue
            drawn.add(start)
            if view.move == "circles":
                parts += _circle(start)
                continue
            way = _way(view, name, side)
            if way is None:
                continue
            x, y = start
            if view.move_at:  # from a place with no dot on it
                parts += _line((x, y), (x + way[0] * _ARROW, y + way[1] * _ARROW))
            elif view.move == "in":  # little room inwards: the arrow comes to the dots
                reach = _DOT + 3
                parts += _line(
                    (x - way[0] * (reach + _ARROW), y - way[1] * (reach + _ARROW)),
                    (x - way[0] * reach, y - way[1] * reach),
                )
            else:
                reach = _DOT + 3  # the fingertips lie in a row across the way
                parts += _line(
                    (x + way[0] * reach, y + way[1] * reach),
                    (x + way[0] * (reach + _ARROW), y + way[1] * (reach + _ARROW)),
                )
    return parts


def _circle(centre: tuple[int, int]) -> list[str]:
    """An arrow circling the fingertips: small circles."""
    cx, cy = centre
    r = 30.0
    start = (cx + r * math.cos(math.radians(200)), cy + r * math.sin(math.radians(200)))
    end = (cx + r * math.cos(math.radians(120)), cy + r * math.sin(math.radians(120)))
    # clockwise on screen from 200 degrees on to 120 (most of a circle)
    path = (
        f'<path class="arrow" d="M{start[0]:.1f} {start[1]:.1f} '
        f'A{r:.0f} {r:.0f} 0 1 1 {end[0]:.1f} {end[1]:.1f}"/>'
    )
    tangent = (-math.sin(math.radians(120)), math.cos(math.radians(120)))
    tip = (end[0] + tangent[0] * 4, end[1] + tangent[1] * 4)
    return [path, _head(tip, tangent)]


def _height(view: FaceView) -> int:
    """The whole drawing for the neck; for the rest, down to just below the chin, so a
    picture takes less room and its face is as large as before."""
    low = {"neck", "collarbone"}
    if view.area is Area.NECK or low & {*view.points, view.move_at}:
        return HEIGHT
    return FACE_HEIGHT


def _describe(exercise: Exercise, view: FaceView) -> str:
    if not view.side_known:
        where = "your affected side (set your side in your profile to see which)"
    elif len(view.sides) == 2:
        where = "both sides"
    else:
        where = f"your {view.sides[0]} side"
    text = f"The {view.area.value} is shaded, on {where}."
    if view.points:
        many = {2: "two fingertips on ", 3: "three fingertips on ", 4: "four fingertips on "}
        each = many.get(view.fingers, "")
        spots = "; ".join(
            f"{n}: {each}{POINT_WORDS[p]}" for n, p in enumerate(view.points, start=1)
        )
        text += f" Fingertips: {spots}."
    if view.move:
        text += f" The arrow shows the way it moves: {MOVE_WORDS[view.move]}."
    return text


def face_svg(exercise: Exercise, person_side: str | None, *, ident: str = "") -> str:
    """A front-view face for ``exercise``: its area shaded on its side, a numbered dot for
    each fingertip, and an arrow the way the movement or stretch goes.

    ``ident`` makes the element ids unique when several pictures share a page.
    """
    view = face_view(exercise, person_side)
    ident = ident or exercise.id
    title = f"Where the fingers go: {exercise.name}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {_height(view)}" '
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
    parts += _arrows(view)
    drawn: set[tuple[int, int]] = set()
    for number, name in enumerate(view.points, start=1):
        for side in view.sides:
            if _point_at(name, side) in drawn:
                continue
            drawn.add(_point_at(name, side))
            where = "middle" if name in _MIDDLE else side
            for dot_x, dot_y in _fingertips(view, name, side):
                parts.append(
                    f'<circle class="point" data-point="{name}" data-side="{where}" '
                    f'cx="{dot_x:g}" cy="{dot_y:g}" r="{_DOT:g}"/>'
                    f'<text class="num" x="{dot_x:g}" y="{dot_y + 4:g}">{number}</text>'
                )
    # labels in words, so the side never rests on the picture alone; each starts
    # inside its own edge, so neither is cut off
    parts.append('<text class="side" x="4" y="18">Your right</text>')
    parts.append(f'<text class="side" x="{WIDTH - 4}" y="18" text-anchor="end">Your left</text>')
    parts.append("</svg>")
    return "".join(parts)
