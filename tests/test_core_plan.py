"""The plan compiler: order, timing, sides and adaptation."""

from __future__ import annotations

from pathlib import Path

import pytest

from facecoach._core.loader import load_library
from facecoach._core.plan import (
    CUE_SECONDS,
    READY_SECONDS,
    Personal,
    StepKind,
    adapted_hold,
    compile_plan,
    estimate_speech_seconds,
    side_word,
)
from facecoach._core.routine import Library, Side


@pytest.fixture
def library(sample_file: Path) -> Library:
    return load_library([sample_file])


def test_order_setup_then_reps_then_rest_between(library: Library) -> None:
    plan = compile_plan(library.routines["sample"], library, personal=Personal("left"))
    shape = [
        (s.kind.value, s.exercise, s.text if s.kind is not StepKind.HOLD else s.seconds)
        for s in plan.steps
    ]

    def press(count: str) -> list[tuple[str, str, object]]:
        line = f"{count}Lift the brow into your fingers, lightly."
        return [
            ("say", "brow-press", line),
            ("cue", "brow-press", "hold_start"),
            ("hold", "brow-press", 8.0),
            ("cue", "brow-press", "hold_end"),
            ("say", "brow-press", "Let go and breathe."),
            ("rest", "brow-press", "Let go and breathe."),
        ]

    def stretch(count: str) -> list[tuple[str, str, object]]:
        return [
            ("say", "cheek-stretch", f"{count}Slide the cheek up to a gentle pull, never pain."),
            ("cue", "cheek-stretch", "hold_start"),
            ("hold", "cheek-stretch", 20.0),
            ("cue", "cheek-stretch", "hold_end"),
            ("say", "cheek-stretch", "Release."),
        ]

    setup = "Rest two fingertips above your left eyebrow."
    other = "Place your palm on your right cheek."
    assert shape == [
        ("say", "brow-press", "Sample routine. About two minutes. First, Brow press."),
        ("say", "brow-press", setup),
        ("ready", "brow-press", setup),
        *press("One of two. "),
        *press("Last one. "),
        ("rest", "brow-press", "Rest. Next: Cheek stretch."),
        ("say", "cheek-stretch", other),
        ("ready", "cheek-stretch", other),
        *stretch("One of two. "),
        *stretch("Last one. "),
        ("say", "cheek-stretch", "That is the session done. Two minutes, four holds."),
        ("cue", "cheek-stretch", "session_done"),
    ]


def test_without_frames_the_plan_is_the_bare_file(library: Library) -> None:
    plan = compile_plan(library.routines["sample"], library, frames=False, ready=0)
    kinds = [s.kind.value for s in plan.steps]
    assert "ready" not in kinds and not any(s.frame for s in plan.steps)
    assert plan.steps[0].text == "Rest two fingertips above your affected eyebrow."
    assert not any("of two" in s.text or "Last one" in s.text for s in plan.steps)


def test_no_rest_after_the_last_exercise(library: Library) -> None:
    plan = compile_plan(library.routines["sample"], library)
    rests = [s for s in plan.steps if s.between]
    assert len(rests) == 1 and rests[0].seconds == 10


def test_offsets_add_up_and_total_matches(library: Library) -> None:
    plan = compile_plan(library.routines["sample"], library)
    running = 0.0
    for step in plan.steps:
        assert step.offset == pytest.approx(running, abs=1e-6)
        running += step.seconds
    assert plan.total_seconds == pytest.approx(running, abs=1e-3)
    holds = 2 * 8 + 2 * 20
    rests = 2 * 3 + 10
    ready = 2 * READY_SECONDS  # after each setup line
    cues = 4 * (CUE_SECONDS["hold_start"] + CUE_SECONDS["hold_end"]) + CUE_SECONDS["session_done"]
    speech = sum(s.seconds for s in plan.steps if s.kind is StepKind.SAY)
    assert plan.total_seconds == pytest.approx(holds + rests + ready + cues + speech, abs=1e-3)


def test_speech_estimate_uses_the_rate() -> None:
    assert estimate_speech_seconds("one two three four", rate=160) == pytest.approx(1.5)
    assert estimate_speech_seconds("one two three four", rate=120) == pytest.approx(2.0)


def test_side_words() -> None:
    assert side_word("left", Side.AFFECTED) == "left"
    assert side_word("left", Side.UNAFFECTED) == "right"
    assert side_word("right", Side.UNAFFECTED) == "left"
    assert side_word(None, Side.AFFECTED) == "affected"
    assert side_word("both", Side.UNAFFECTED) == "unaffected"


def test_unset_side_reads_affected(library: Library) -> None:
    plan = compile_plan(library.routines["sample"], library)
    assert plan.steps[1].text == "Rest two fingertips above your affected eyebrow."


def test_adapted_hold_never_lengthens_and_keeps_the_floor() -> None:
    assert adapted_hold(8, 2, 1.0) == 8
    assert adapted_hold(8, 2, 0.75) == 6
    assert adapted_hold(8, 2, 0.1) == 2
    assert adapted_hold(1.5, 3, 0.5) == 1.5  # written under the floor: left alone
    assert adapted_hold(8, 2, 1.7) == 8


def test_hold_factors_shorten_and_json_shows_both(library: Library) -> None:
    shorter = Personal(hold_factors={"brow-press": 0.75})
    plan = compile_plan(library.routines["sample"], library, personal=shorter)
    data = plan.to_json()
    assert data["routine"] == "sample"
    holds = [s for s in data["steps"] if s["kind"] == "hold"]
    assert [(h["exercise"], h["seconds"], h["written_seconds"]) for h in holds] == [
        ("brow-press", 6.0, 8.0),
        ("brow-press", 6.0, 8.0),
        ("cheek-stretch", 20.0, 20.0),
        ("cheek-stretch", 20.0, 20.0),
    ]
    assert data["total_seconds"] == plan.total_seconds
    assert {s["kind"] for s in data["steps"]} == {"say", "cue", "ready", "hold", "rest"}
    assert all(set(s) >= {"kind", "exercise", "seconds", "text"} for s in data["steps"])


def test_rendered_speech_lengths_replace_estimates(library: Library) -> None:
    plan = compile_plan(library.routines["sample"], library)
    timed = plan.with_speech_seconds(lambda text: 1.0)
    says = [s for s in timed.steps if s.kind is StepKind.SAY]
    assert all(s.seconds == 1.0 for s in says)
    others = sum(s.seconds for s in plan.steps if s.kind is not StepKind.SAY)
    assert timed.total_seconds == pytest.approx(others + len(says))
