"""The progress check's measures on landmark sets made here: a symmetric face, one
side lowered, a mirrored frame, a biased model, a turned face, a face too far."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest

from facecoach._person.progress import (
    MIN_FRAMES,
    POINTS,
    Frame,
    FrameProblem,
    read_frame,
    summarise,
)

# A frontal face in a 640 x 480 image, as (x, y) in pixels of the model's RIGHT
# side (the image's left); the model's left side mirrors it about x = 320.
_RIGHT_SIDE = {
    33: (250.0, 200.0),  # outer eye corner
    133: (295.0, 200.0),  # inner eye corner
    159: (272.0, 192.0),  # upper lid
    145: (272.0, 208.0),  # lower lid
    70: (240.0, 165.0),
    63: (255.0, 160.0),
    105: (270.0, 158.0),
    66: (285.0, 160.0),
    107: (298.0, 165.0),
    61: (275.0, 300.0),  # mouth corner
}
_MIRROR = {33: 263, 133: 362, 159: 386, 145: 374, 70: 300, 63: 293, 105: 334, 66: 296, 107: 336}
_MIRROR[61] = 291
W, H = 640, 480
EYES = 320.0 - 272.5  # half the eye-centre distance, in pixels
UNIT = 100 / (2 * EYES)  # pixels to percent of the eye distance

Points = dict[int, tuple[float, float]]


def face() -> Points:
    pts: Points = {152: (320.0, 380.0)}
    for n, (x, y) in _RIGHT_SIDE.items():
        pts[n] = (x, y)
        pts[_MIRROR[n]] = (640.0 - x, y)
    return pts


def frame(
    pts: Points, mirrored: bool = False, depth: Callable[[float], float] | None = None
) -> Frame:
    """Normalised as the model gives them; ``depth`` gives z (in pixels) from x."""
    z_of = depth or (lambda x: 0.0)
    return Frame({n: (x / W, y / H, z_of(x) / W) for n, (x, y) in pts.items()}, W, H, mirrored)


def flipped(pts: Points) -> Points:
    """The landmarks the model would give for the image flipped left-right: its right
    side is now the person's left."""
    out: Points = {}
    for n, (x, y) in pts.items():
        partner = next((a for a, b in _MIRROR.items() if b == n), _MIRROR.get(n, n))
        out[partner] = (640.0 - x, y)
    return out


def lowered(pts: Points, numbers: tuple[int, ...], pixels: float) -> Points:
    return {n: (x, y + pixels) if n in numbers else (x, y) for n, (x, y) in pts.items()}


PERSON_LEFT_BROW = (300, 293, 334, 296, 336)


def test_the_points_sent_are_the_ones_measured() -> None:
    assert set(face()) == set(POINTS)


def test_a_symmetric_face_reads_even() -> None:
    r = read_frame(frame(face()))
    for name in ("brow", "lid", "mouth_up", "mouth_out"):
        assert r.left[name] == pytest.approx(r.right[name], abs=1e-9)
    assert r.left["lid"] == pytest.approx(16 * UNIT)
    assert r.left["brow"] == pytest.approx((200 - 161.6) * UNIT)
    assert r.turn == pytest.approx(0.0, abs=1e-9)


def test_the_persons_left_brow_lowered_reads_lower_on_the_left() -> None:
    r = read_frame(frame(lowered(face(), PERSON_LEFT_BROW, 5.0)))
    assert r.left["brow"] - r.right["brow"] == pytest.approx(-5 * UNIT)


def test_a_mirrored_frame_is_read_back_to_the_persons_sides() -> None:
    drooped = lowered(face(), (291,), 6.0)  # the person's left mouth corner
    plain = read_frame(frame(drooped))
    mirrored = read_frame(frame(flipped(drooped), mirrored=True))
    assert plain.left["mouth_up"] - plain.right["mouth_up"] == pytest.approx(-6 * UNIT)
    assert mirrored.left["mouth_up"] == pytest.approx(plain.left["mouth_up"])
    assert mirrored.right["mouth_up"] == pytest.approx(plain.right["mouth_up"])


def test_a_tilted_head_changes_nothing() -> None:
    angle = math.radians(12)

    def turn(p: tuple[float, float]) -> tuple[float, float]:
        x, y = p[0] - 320, p[1] - 240
        return (
            320 + x * math.cos(angle) - y * math.sin(angle),
            240 + x * math.sin(angle) + y * math.cos(angle),
        )

    drooped = lowered(face(), PERSON_LEFT_BROW, 5.0)
    upright = read_frame(frame(drooped))
    tilted = read_frame(frame({n: turn(p) for n, p in drooped.items()}))
    for name in ("brow", "lid", "mouth_up", "mouth_out"):
        assert tilted.left[name] == pytest.approx(upright.left[name], abs=1e-6)
        assert tilted.right[name] == pytest.approx(upright.right[name], abs=1e-6)


def test_a_face_turned_sideways_is_refused_and_a_slight_turn_is_not() -> None:
    def depth(degrees: float) -> Callable[[float], float]:
        return lambda x: (x - 320) * math.tan(math.radians(degrees))

    assert read_frame(frame(face(), depth=depth(6))).turn == pytest.approx(6, abs=0.01)
    with pytest.raises(FrameProblem, match="turned"):
        read_frame(frame(face(), depth=depth(15)))


def test_a_small_face_and_a_missing_point_are_refused_with_reasons() -> None:
    small = {n: (320 + (x - 320) / 3, 240 + (y - 240) / 3) for n, (x, y) in face().items()}
    with pytest.raises(FrameProblem, match="too far"):
        read_frame(frame(small))
    gone = face()
    del gone[61]
    with pytest.raises(FrameProblem, match="No face"):
        read_frame(frame(gone))


def _biased(pts: Points, mirrored: bool, bias: float) -> Frame:
    """A model that reads the mouth corner on its own right side ``bias`` px low."""
    seen = flipped(pts) if mirrored else pts
    return frame(lowered(seen, (61,), bias), mirrored=mirrored)


def test_mirror_averaging_cancels_a_models_own_lopsidedness() -> None:
    frames = [_biased(face(), i % 2 == 1, 3.0) for i in range(8)]
    result = summarise({"rest": frames})
    mouth = result.measure("mouth_rest")
    assert mouth is not None
    assert mouth.gap == pytest.approx(0.0, abs=1e-9)
    plain = summarise({"rest": [f for f in frames if not f.mirrored]}).measure("mouth_rest")
    assert plain is not None and plain.gap == pytest.approx(3 * UNIT)


def test_movements_are_taken_from_the_same_checks_rest() -> None:
    rest = face()
    brows = lowered(rest, (*PERSON_LEFT_BROW, 70, 63, 105, 66, 107), -12.0)
    brows = lowered(brows, PERSON_LEFT_BROW, 4.0)  # the left brow lifts 8 px, the right 12
    eyes = lowered(lowered(rest, (159,), 14.0), (386,), 6.0)  # right lid closes, left halfway
    smile = {**rest, 61: (255.0, 285.0), 291: (380.0, 295.0)}
    pucker = {**rest, 61: (290.0, 300.0), 291: (345.0, 300.0)}
    frames = {
        name: [frame(p)] * MIN_FRAMES
        for name, p in (
            ("rest", rest),
            ("brows", brows),
            ("eyes", eyes),
            ("smile", smile),
            ("pucker", pucker),
        )
    }
    result = summarise(frames)
    got = {m.key: m for m in result.measures}
    assert list(got) == [
        "brow_rest",
        "mouth_rest",
        "eye_rest",
        "brow_lift",
        "eye_close",
        "smile",
        "pucker",
    ]
    assert got["brow_lift"].left == pytest.approx(8 * UNIT)
    assert got["brow_lift"].right == pytest.approx(12 * UNIT)
    assert got["eye_close"].right == pytest.approx(14 * UNIT)
    assert got["eye_close"].left == pytest.approx(6 * UNIT)
    assert got["smile"].right == pytest.approx(math.hypot(20, 15) * UNIT)
    assert got["smile"].left == pytest.approx(math.hypot(15, 5) * UNIT)
    assert got["pucker"].right == pytest.approx(15 * UNIT)
    assert got["pucker"].left == pytest.approx(20 * UNIT)
    assert all(m.spread == 0 for m in result.measures)  # identical frames vary by nothing


def test_too_few_frames_give_no_measure_and_refusals_are_counted() -> None:
    far = {n: (320 + (x - 320) / 3, 240 + (y - 240) / 3) for n, (x, y) in face().items()}
    frames = {"rest": [frame(face())] * (MIN_FRAMES - 1) + [frame(far)] * 3}
    result = summarise(frames)
    assert result.measures == ()
    assert result.frames["rest"] == MIN_FRAMES - 1
    assert sum(result.refused.values()) == 3


def test_the_spread_grows_with_frame_to_frame_noise() -> None:
    def jittered(amount: float) -> list[Frame]:
        out = []
        for i in range(12):
            step = amount * ((i * 7) % 5 - 2)
            out.append(frame(lowered(face(), PERSON_LEFT_BROW, step), mirrored=i % 2 == 1))
        return [f if not f.mirrored else frame(flipped(_unframe(f)), mirrored=True) for f in out]

    quiet = summarise({"rest": jittered(0.5)}).measure("brow_rest")
    noisy = summarise({"rest": jittered(2.0)}).measure("brow_rest")
    assert quiet is not None and noisy is not None
    assert 0 < quiet.spread < noisy.spread


def _unframe(f: Frame) -> Points:
    return {n: (x * W, y * H) for n, (x, y, _z) in f.points.items()}


def test_an_unknown_expression_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown expression"):
        summarise({"frown": [frame(face())]})
