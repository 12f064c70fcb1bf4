"""Export: the whole session in one WAV file, as long as the plan says."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from facecoach._cli.main import main
from facecoach._core.plan import Personal, Plan, StepKind
from facecoach._live.export import export_session, spoken_lines
from facecoach._live.export_tags import with_safety_opening
from facecoach._sound.cues import load_cues
from facecoach._sound.samples import read_wav
from facecoach._sound.speech import FakeSpeaker, SpeechCache
from facecoach._sound.tts_pyttsx3 import Pyttsx3Speaker
from sound_fixtures import MINI_YAML, mini_plan


def test_export_with_the_fake_voice_is_sample_exact(tmp_path: Path) -> None:
    plan = mini_plan()
    result = export_session(plan, FakeSpeaker(), tmp_path / "s.wav")
    written = read_wav(tmp_path / "s.wav")
    assert written.seconds == pytest.approx(result.plan_seconds, abs=0.002)
    assert result.finish is not None and result.finish.reason == "done"
    # each hold-end cue sits where the re-timed plan puts it
    cue = load_cues()["hold_end"].samples
    for step in result.plan.steps:
        if step.kind is StepKind.CUE and step.text == "hold_end":
            at = round(step.offset * written.rate)  # plan offsets are kept to the millisecond
            lags = range(-12, 13)
            fits = [
                np.corrcoef(written.samples[at + k : at + k + len(cue)], cue)[0, 1] for k in lags
            ]
            assert max(fits) > 0.999


def test_export_with_pyttsx3_matches_the_plan_within_half_a_second(tmp_path: Path) -> None:
    plan = mini_plan(personal=Personal("left"))
    speaker = Pyttsx3Speaker(cache=SpeechCache(tmp_path / "cache"))
    try:
        result = export_session(plan, speaker, tmp_path / "s.wav")
    finally:
        speaker.close()
    assert abs(result.seconds - result.plan_seconds) <= 0.5
    assert result.plan_seconds != plan.total_seconds  # estimates were replaced by real lengths
    assert read_wav(tmp_path / "s.wav").rate == 22050


def test_spoken_lines_cover_the_plan_and_the_sessions_own_lines() -> None:
    lines = spoken_lines(mini_plan())
    assert "Lift both brows gently." in lines
    assert "Rest. Next: Brow lift." in lines
    assert any("too tight" in line for line in lines)  # the help line
    assert len(lines) == len(set(lines))


def test_export_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "session.wav"
    status = main(["--data-dir", str(tmp_path / "d"), "export", str(MINI_YAML), "-o", str(out)])
    assert status == 0, capsys.readouterr().err
    assert "Wrote" in capsys.readouterr().out
    assert read_wav(out).seconds > 20


def test_plan_agrees_with_the_export_once_lines_are_rendered(tmp_path: Path) -> None:
    from facecoach._live.wiring import SoundOptions, cached_speech_seconds
    from facecoach._paths import places

    options = SoundOptions(data_dir=str(tmp_path))
    plan = mini_plan()
    before = cached_speech_seconds(options)
    assert compile_plan_total(plan, before) == pytest.approx(plan.total_seconds)
    speaker = Pyttsx3Speaker(cache=SpeechCache(places(str(tmp_path)).cache / "speech"))
    try:
        result = export_session(plan, speaker, tmp_path / "s.wav")
    finally:
        speaker.close()
    # the export opens with its safety words; the rest is the plan as timed
    opened = with_safety_opening(plan)
    after = compile_plan_total(opened, cached_speech_seconds(options))
    assert after == pytest.approx(result.plan_seconds, abs=0.05)
    assert abs(after - result.seconds) <= 0.5


def compile_plan_total(plan: Plan, seconds: Callable[[str], float]) -> float:
    """What ``facecoach plan`` would print as the total, with these line lengths."""
    return plan.with_speech_seconds(seconds).total_seconds


def test_export_command_problems_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["export", "no-such-routine", "-o", str(tmp_path / "x.wav")])
    err = capsys.readouterr().err
    assert status == 2 and err.count("\n") == 1 and "no routine or file named" in err
    status = main(
        [
            "export",
            str(MINI_YAML),
            "-o",
            str(tmp_path / "y.wav"),
            "--tts",
            "piper",
            "--voice",
            "nobody",
        ]
    )
    err = capsys.readouterr().err
    assert status == 1 and "no Piper voice 'nobody'" in err
