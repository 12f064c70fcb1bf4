"""The short sounds at the edges of holds and rests.

The WAV files in ``facecoach/cues/`` are made by ``scripts/make_cues.py`` from
the recipes here, one file per name in ``CUE_SECONDS`` and exactly that long.
Their loudness is normalised to the same level as rendered speech, so a cue
stays audible next to a spoken line.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from pathlib import Path

import numpy as np

from .._core.plan import CUE_SECONDS
from .samples import SAMPLE_RATE, Samples, Sound, normalise, read_wav, write_wav

__all__ = ["CUE_DIR", "cue_path", "load_cues", "make_cue", "write_cues"]

CUE_DIR = "cues"
"""Package folder holding the cue files."""

_CUE_RMS_DB = -18.0  # a little above speech (-20): short sounds seem quieter

# (frequency in Hz, start and end as fractions of the cue) for each note
_RECIPES: Mapping[str, tuple[tuple[float, float, float], ...]] = {
    "hold_start": ((523.25, 0.0, 0.45), (783.99, 0.35, 1.0)),  # rising: begin
    "hold_end": ((783.99, 0.0, 0.45), (523.25, 0.35, 1.0)),  # falling: let go
    "tick": ((1046.5, 0.0, 1.0),),
    "rest": ((392.0, 0.0, 1.0),),
    "exercise_done": ((523.25, 0.0, 0.4), (659.25, 0.3, 0.7), (783.99, 0.6, 1.0)),
    "session_done": (
        (523.25, 0.0, 1.0),
        (659.25, 0.2, 1.0),
        (783.99, 0.4, 1.0),
        (1046.5, 0.6, 1.0),
    ),
    # low and twice, like nothing else here: something is wrong (speech failed)
    "problem": ((293.66, 0.0, 0.4), (293.66, 0.5, 1.0)),
}


def _note(freq: float, n: int, rate: int) -> Samples:
    """A soft bell-like note: quick attack, smooth decay, a quiet octave above."""
    t = np.arange(n, dtype=np.float64) / rate
    wave = np.sin(2 * np.pi * freq * t) + 0.25 * np.sin(2 * np.pi * 2 * freq * t)
    attack = max(1, int(0.008 * rate))
    envelope = np.exp(-t * 4.0 / max(t[-1], 1e-3)) if n else t
    envelope[:attack] *= np.linspace(0.0, 1.0, min(attack, n))
    release = max(1, int(0.01 * rate))
    envelope[-release:] *= np.linspace(1.0, 0.0, min(release, n))
    return (wave * envelope).astype(np.float32)


def make_cue(name: str, rate: int = SAMPLE_RATE) -> Sound:
    """Synthesise the cue ``name``: exactly ``CUE_SECONDS[name]`` long, normalised."""
    if name not in CUE_SECONDS:
        raise KeyError(f"no cue named '{name}'; cues: {', '.join(CUE_SECONDS)}")
    total = round(CUE_SECONDS[name] * rate)
    out = np.zeros(total, dtype=np.float32)
    for freq, start, end in _RECIPES[name]:
        a, b = round(start * total), round(end * total)
        out[a:b] += _note(freq, b - a, rate)
    return Sound(normalise(out, rate, rms_db=_CUE_RMS_DB), rate)


def write_cues(directory: Path, rate: int = SAMPLE_RATE) -> list[Path]:
    """Write every cue into ``directory``; returns the files written."""
    written = []
    for name in CUE_SECONDS:
        path = directory / f"{name}.wav"
        write_wav(path, make_cue(name, rate), mode=0o644)  # shipped with the package
        written.append(path)
    return written


def cue_path(name: str) -> Path:
    """The packaged file of cue ``name``."""
    return Path(str(resources.files("facecoach").joinpath(CUE_DIR, f"{name}.wav")))


def load_cues() -> dict[str, Sound]:
    """Every packaged cue by name.

    A missing or damaged file is made again in memory from its recipe, so a
    broken install still sounds right.
    """
    cues: dict[str, Sound] = {}
    for name in CUE_SECONDS:
        try:
            cues[name] = read_wav(cue_path(name))
        except (OSError, EOFError, ValueError):
            cues[name] = make_cue(name)
    return cues
