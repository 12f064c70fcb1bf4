"""A live run hears a spoken command from the microphone path and acts on it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from voice_support import corpus, needs_piper

pytestmark = pytest.mark.slow

ROUTINE = """\
exercises:
  - id: cheek-press
    name: Cheek press
    area: cheeks
    kind: resistance
    setup: Rest two fingertips on your {side} cheek.
    steps:
      - say: Push the cheek into your fingers, lightly.
        hold: 30
routines:
  - id: one-hold
    name: One hold
    exercises: [cheek-press]
"""


@needs_piper
def test_too_tight_said_in_a_hold_ends_it_and_is_recorded(tmp_path: Path) -> None:
    routine = tmp_path / "one-hold.yaml"
    routine.write_text(ROUTINE, encoding="utf-8")
    env = {**os.environ, "FACECOACH_HOME": str(tmp_path / "fc"), "HOME": str(tmp_path)}
    base = [sys.executable, "-m", "facecoach"]

    def facecoach(*argv: str) -> str:
        done = subprocess.run(
            [*base, *argv], env=env, capture_output=True, text=True, timeout=120, check=False
        )
        assert done.returncode == 0, done.stdout + done.stderr[-2000:]
        return done.stdout

    facecoach("profile", "--side", "left", "--stage", "recent")
    plan = json.loads(facecoach("plan", str(routine), "--json"))
    hold = next(s for s in plan["steps"] if s["kind"] == "hold")
    # Said well inside the 30 s hold, whatever the lines before it took to render
    # and say (a cold neural voice lags the plan's estimate by several seconds).
    said_at = hold["offset"] + 12.0
    rng = np.random.default_rng(12)
    clip = corpus.piper_say("too tight", noise_scale=0.0, noise_w=0.0).astype(np.float64)
    first, last = corpus.speech_bounds(clip.astype(np.int16))
    audio = np.zeros(int((said_at + 40.0) * 16_000))
    at = int(said_at * 16_000)
    audio[at : at + last - first] = clip[first:last]
    audio += corpus.noise(audio.size, -50.0, rng)
    mic = tmp_path / "mic.wav"
    corpus.save_wav(mic, np.clip(audio, -32768, 32767).astype(np.int16))

    out = facecoach("run", str(routine), "--text-only", "--mic-file", str(mic))

    lines = [line.strip() for line in out.splitlines()]
    heard = next(i for i, line in enumerate(lines) if line.endswith("heard: too tight (voice)"))
    assert "coach: Ease off now." in lines[heard + 1]
    assert "finished: " in out
    (session,) = json.loads(facecoach("history", "--json"))
    assert session["too_tight"] == 1
    assert session["status"] == "done"
    # The 30 s hold ended when it was heard, not when it ran out (a full hold
    # alone would take the session past the hold's end in the plan).
    assert session["minutes"] * 60 < hold["offset"] + 28.0
