"""Left/right measures of a progress check, from face landmarks.

Pure: plain numbers in, plain numbers out, no numpy, no I/O. The browser finds
the landmarks (MediaPipe Face Mesh) and sends only the points named here; a
check is a few seconds of frames for each expression. Every length is given in
percent of the distance between the eye centres, in a frame of the face itself
(its x axis through both eye centres, its up axis towards the forehead), so
the distance to the camera and a tilted head change nothing.

Two things keep the figures honest. Every other frame is mirrored before the
landmarks are found and its sides swapped back: the model reads a perfectly
symmetric face a little lopsided, and the mirrored half reads it lopsided the
other way, so the mean of the two medians cancels the model's own bias. And
frames turned more than ``MAX_TURN_DEGREES`` are refused, since sideways
lengths shrink on the far side of a turned face.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "EXPRESSIONS",
    "MAX_TURN_DEGREES",
    "MEASURES",
    "MIN_FRAMES",
    "POINTS",
    "CheckResult",
    "Expression",
    "Frame",
    "FrameProblem",
    "Measure",
    "Reading",
    "read_frame",
    "summarise",
]

Expression = Literal["rest", "brows", "eyes", "smile", "pucker"]
EXPRESSIONS: tuple[Expression, ...] = ("rest", "brows", "eyes", "smile", "pucker")
"""The expressions of a check, in the order they are asked for."""

MAX_TURN_DEGREES = 10.0
"""A frame whose face is turned sideways further than this is refused."""
MIN_FACE_SHARE = 0.07
"""The eye distance must be at least this share of the frame's width ("too far" below)."""
MIN_FRAMES = 4
"""An expression with fewer usable frames is left out of the check."""


@dataclass(frozen=True)
class _Side:
    """The landmark numbers of one side of the face, as the model names them."""

    eye_outer: int
    eye_inner: int
    lid_upper: int
    lid_lower: int
    brow: tuple[int, ...]
    mouth: int


# Face Mesh numbering: in an unmirrored camera image the person's right side is
# on the image's left, and these are that side's points.
_RIGHT = _Side(33, 133, 159, 145, (70, 63, 105, 66, 107), 61)
_LEFT = _Side(263, 362, 386, 374, (300, 293, 334, 296, 336), 291)
_CHIN = 152

POINTS: tuple[int, ...] = tuple(
    sorted(
        {_CHIN}
        | {
            n
            for s in (_RIGHT, _LEFT)
            for n in (s.eye_outer, s.eye_inner, s.lid_upper, s.lid_lower, s.mouth, *s.brow)
        }
    )
)
"""The landmark numbers the page sends; nothing else of the face leaves it."""

Vector = tuple[float, float, float]


@dataclass(frozen=True)
class Frame:
    """One camera frame's landmarks, as the page sends them."""

    points: Mapping[int, Vector]
    """Landmark number -> (x, y, z); x and y as shares of the width and height, z like x."""
    width: int
    height: int
    mirrored: bool = False
    """The image was flipped left-right before the landmarks were found."""


class FrameProblem(ValueError):
    """A frame that cannot be measured; the message says why, for the person."""


_FEATURES = ("brow", "lid", "mouth_up", "mouth_out")


@dataclass(frozen=True)
class Reading:
    """One frame's left and right lengths, in percent of the eye distance."""

    left: Mapping[str, float]
    right: Mapping[str, float]
    turn: float
    """How far the face is turned sideways, in degrees."""
    mirrored: bool


def _sub(a: Vector, b: Vector) -> Vector:
    return (a[0] - b[0], a[1] - b[1], a[2] - b[2])


def _dot(a: Vector, b: Vector) -> float:
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def _scale(a: Vector, k: float) -> Vector:
    return (a[0] * k, a[1] * k, a[2] * k)


def _norm(a: Vector) -> float:
    return math.sqrt(_dot(a, a))


def _mean(points: Sequence[Vector]) -> Vector:
    n = len(points)
    return (
        sum(p[0] for p in points) / n,
        sum(p[1] for p in points) / n,
        sum(p[2] for p in points) / n,
    )


def read_frame(frame: Frame) -> Reading:
    """The frame's left and right lengths, or ``FrameProblem`` saying why not."""
    if frame.width <= 0 or frame.height <= 0:
        raise FrameProblem("The camera image has no size.")
    missing = [n for n in POINTS if n not in frame.points]
    if missing:
        raise FrameProblem(f"No face was found (landmark {missing[0]} is missing).")
    w, h = float(frame.width), float(frame.height)

    def at(n: int) -> Vector:
        x, y, z = frame.points[n]
        return (x * w, y * h, z * w)

    right_eye = _mean([at(_RIGHT.eye_outer), at(_RIGHT.eye_inner)])
    left_eye = _mean([at(_LEFT.eye_outer), at(_LEFT.eye_inner)])
    eye_distance = _norm(_sub(left_eye, right_eye))
    if eye_distance < MIN_FACE_SHARE * w:
        raise FrameProblem("The face is too far from the camera: please come a little closer.")
    # The frame hangs on the inner eye corners: in a palsy the outer corner and
    # the lower lid can sag with the cheek, the inner corners hardly move.
    inner_r, inner_l = at(_RIGHT.eye_inner), at(_LEFT.eye_inner)
    across = _sub(inner_l, inner_r)
    x_axis = _scale(across, 1 / max(_norm(across), 1e-9))
    origin = _mean([inner_r, inner_l])
    to_top = _sub(origin, at(_CHIN))
    up = _sub(to_top, _scale(x_axis, _dot(to_top, x_axis)))
    up = _scale(up, 1 / max(_norm(up), 1e-9))
    # A face square to the camera has both eyes at one depth; turned sideways,
    # the eye line leaves the image plane. (Up and down is not judged: the
    # chin and the eyes are at different depths in any face.)
    turn = abs(math.degrees(math.asin(max(-1.0, min(1.0, x_axis[2])))))
    if turn > MAX_TURN_DEGREES:
        raise FrameProblem("The face is turned: please look straight at the camera.")
    unit = 100.0 / eye_distance

    def lengths(side: _Side) -> dict[str, float]:
        def rise(n: int) -> float:
            return _dot(_sub(at(n), origin), up) * unit

        brow = statistics.fmean(rise(n) for n in side.brow)
        lid = rise(side.lid_upper) - rise(side.lid_lower)
        mouth_out = abs(_dot(_sub(at(side.mouth), origin), x_axis)) * unit
        return {"brow": brow, "lid": lid, "mouth_up": rise(side.mouth), "mouth_out": mouth_out}

    model_right, model_left = lengths(_RIGHT), lengths(_LEFT)
    if frame.mirrored:  # the model's right side of a flipped image is the person's left
        model_right, model_left = model_left, model_right
    return Reading(model_left, model_right, turn, frame.mirrored)


@dataclass(frozen=True)
class _Feature:
    """One length of one expression over its frames: left, right and left minus right."""

    left: float
    right: float
    gap_error: float
    """The standard error of the gap's estimate from this many frames."""


def _median_error(values: Sequence[float]) -> float:
    # A robust standard error of the median: the MAD as a standard deviation,
    # times the median's efficiency factor, over the square root of the count.
    if len(values) < 2:
        return 0.0
    mid = statistics.median(values)
    mad = statistics.median(abs(v - mid) for v in values)
    return 1.2533 * 1.4826 * mad / math.sqrt(len(values))


def _feature(readings: Sequence[Reading], name: str) -> _Feature:
    halves = [[r for r in readings if r.mirrored == m] for m in (False, True)]
    halves = [h for h in halves if h]
    left = statistics.fmean(statistics.median(r.left[name] for r in h) for h in halves)
    right = statistics.fmean(statistics.median(r.right[name] for r in h) for h in halves)
    errors = [_median_error([r.left[name] - r.right[name] for r in h]) for h in halves]
    gap_error = math.sqrt(sum(e * e for e in errors)) / len(halves)
    return _Feature(left, right, gap_error)


@dataclass(frozen=True)
class Measure:
    """One measure of a check, in percent of the eye distance."""

    key: str
    left: float
    right: float
    spread: float
    """About how much left minus right could differ from one check to the next."""

    @property
    def gap(self) -> float:
        """Left minus right: below zero when the left side is lower or moves less."""
        return self.left - self.right


MEASURES: dict[str, str] = {
    "brow_rest": "Brow height at rest",
    "mouth_rest": "Mouth corner height at rest",
    "eye_rest": "Eye opening at rest",
    "brow_lift": "Brow lift",
    "eye_close": "Eyelid closing",
    "smile": "Mouth corner movement in a smile",
    "pucker": "Mouth corner movement in a pucker",
}
"""Each measure's key and its name for people."""


@dataclass(frozen=True)
class CheckResult:
    """What one check found: its measures and how many frames each expression had."""

    measures: tuple[Measure, ...]
    frames: Mapping[str, int]
    """Usable frames per expression."""
    refused: Mapping[str, int]
    """Frames refused per reason (too far, turned, no face)."""

    def measure(self, key: str) -> Measure | None:
        """The measure called ``key``, if the check has it."""
        return next((m for m in self.measures if m.key == key), None)


def _moved(rest: _Feature, now: _Feature, sign: float = 1.0) -> tuple[float, float, float]:
    left = sign * (now.left - rest.left)
    right = sign * (now.right - rest.right)
    return left, right, math.hypot(rest.gap_error, now.gap_error)


def summarise(frames: Mapping[str, Iterable[Frame]]) -> CheckResult:
    """The measures of a check from the frames of each expression.

    Frames that cannot be measured are counted by reason and left out; an
    expression with fewer than ``MIN_FRAMES`` usable frames gives no measure.
    """
    refused: dict[str, int] = {}
    usable: dict[str, list[Reading]] = {}
    for expression, given in frames.items():
        if expression not in EXPRESSIONS:
            raise ValueError(f"unknown expression {expression!r}")
        kept: list[Reading] = []
        for frame in given:
            try:
                kept.append(read_frame(frame))
            except FrameProblem as problem:
                refused[str(problem)] = refused.get(str(problem), 0) + 1
        usable[expression] = kept
    counts: dict[str, int] = {e: len(usable.get(e, [])) for e in EXPRESSIONS}
    feats = {
        e: {name: _feature(readings, name) for name in _FEATURES}
        for e, readings in usable.items()
        if len(readings) >= MIN_FRAMES
    }
    found: list[Measure] = []
    rest = feats.get("rest")
    if rest is not None:
        for key, name in (("brow_rest", "brow"), ("mouth_rest", "mouth_up"), ("eye_rest", "lid")):
            f = rest[name]
            found.append(Measure(key, f.left, f.right, f.gap_error))
        moves: list[tuple[str, str, str, float]] = [
            ("brow_lift", "brows", "brow", 1.0),
            ("eye_close", "eyes", "lid", -1.0),
            ("pucker", "pucker", "mouth_out", -1.0),
        ]
        for key, expression, name, sign in moves:
            if expression in feats:
                left, right, spread = _moved(rest[name], feats[expression][name], sign)
                found.append(Measure(key, left, right, spread))
        if "smile" in feats:
            found.append(_smile(rest, feats["smile"]))
    order = list(MEASURES)
    found.sort(key=lambda m: order.index(m.key))
    return CheckResult(tuple(found), counts, refused)


def _smile(rest: Mapping[str, _Feature], smile: Mapping[str, _Feature]) -> Measure:
    """How far each mouth corner travels, up and out together, from rest to a smile."""
    up_l, up_r, up_e = _moved(rest["mouth_up"], smile["mouth_up"])
    out_l, out_r, out_e = _moved(rest["mouth_out"], smile["mouth_out"])
    return Measure(
        "smile", math.hypot(up_l, out_l), math.hypot(up_r, out_r), math.hypot(up_e, out_e)
    )
