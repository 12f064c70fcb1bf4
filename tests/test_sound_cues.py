"""The cue files: one per cue name, exactly as long as the plan says, made by
the script from one recipe, and as loud as speech."""

from __future__ import annotations

import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest

from facecoach._core.plan import CUE_SECONDS
from facecoach._sound.cues import cue_path, load_cues, make_cue, write_cues
from facecoach._sound.samples import read_wav
from sound_fixtures import ROOT


def active_rms_db(samples: np.ndarray, rate: int) -> float:
    size = rate // 100
    frames = samples[: len(samples) // size * size].reshape(-1, size)
    rms = np.sqrt(np.mean(frames.astype(np.float64) ** 2, axis=1))
    active = rms[rms > rms.max() / 30]
    return float(20 * np.log10(np.sqrt(np.mean(active**2))))


@pytest.mark.parametrize("name", list(CUE_SECONDS))
def test_each_cue_file_is_exactly_as_long_as_the_plan_says(name: str) -> None:
    with wave.open(str(cue_path(name)), "rb") as f:
        assert (f.getnchannels(), f.getsampwidth(), f.getframerate()) == (1, 2, 22050)
        assert f.getnframes() == round(CUE_SECONDS[name] * 22050)
    assert cue_path(name).stat().st_size < 50_000  # small enough to commit


@pytest.mark.parametrize("name", list(CUE_SECONDS))
def test_cues_are_normalised_to_stand_next_to_speech(name: str) -> None:
    sound = read_wav(cue_path(name))
    assert active_rms_db(sound.samples, sound.rate) == pytest.approx(-18.0, abs=1.5)
    assert np.abs(sound.samples).max() <= 10 ** (-1 / 20) + 1e-3


def test_committed_files_are_what_the_recipes_make() -> None:
    for name in CUE_SECONDS:
        committed = read_wav(cue_path(name)).samples
        fresh = make_cue(name).samples
        np.testing.assert_allclose(committed, fresh, atol=1.5 / 32768)


def test_the_script_writes_identical_files(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_cues.py"), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    for name in CUE_SECONDS:
        assert (tmp_path / f"{name}.wav").read_bytes() == cue_path(name).read_bytes(), name


def test_hold_start_rises_and_hold_end_falls() -> None:
    def pitch(samples: np.ndarray) -> float:
        spectrum = np.abs(np.fft.rfft(samples))
        return float(np.argmax(spectrum) * 22050 / len(samples))

    start, end = make_cue("hold_start").samples, make_cue("hold_end").samples
    half = len(start) // 2
    assert pitch(start[:half]) < pitch(start[half:])
    assert pitch(end[:half]) > pitch(end[half:])


def test_load_cues_remakes_a_missing_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_cues(tmp_path)
    (tmp_path / "tick.wav").unlink()
    monkeypatch.setattr("facecoach._sound.cues.cue_path", lambda name: tmp_path / f"{name}.wav")
    cues = load_cues()
    assert set(cues) == set(CUE_SECONDS)
    assert cues["tick"].seconds == pytest.approx(CUE_SECONDS["tick"])
    with pytest.raises(KeyError, match="no cue named 'gong'"):
        make_cue("gong")
