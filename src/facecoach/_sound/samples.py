"""Sounds in memory and on disk: mono float samples, 16-bit WAV files, loudness."""

from __future__ import annotations

import io
import math
import os
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from .._paths import PRIVATE_FILE, replace_file

__all__ = [
    "SAMPLE_RATE",
    "Samples",
    "Sound",
    "frames_for",
    "normalise",
    "read_wav",
    "write_wav",
]

Samples = npt.NDArray[np.float32]

SAMPLE_RATE = 22050
"""The rate speech engines and cues use; a device may need another."""


def frames_for(seconds: float, rate: int) -> int:
    """``seconds`` as a whole number of frames at ``rate``: the one rounding every path uses.

    Half a frame rounds up, whatever the number's parity (``round`` would round
    half to even): a time that lies exactly between two frames must land on
    the same frame whoever asks, or a sound can be "due" to one path and "not
    yet" to another for ever.
    """
    return math.floor(seconds * rate + 0.5)


@dataclass(frozen=True, eq=False)
class Sound:
    """Mono float32 samples in [-1, 1] at ``rate`` frames a second."""

    samples: Samples
    rate: int = SAMPLE_RATE

    @property
    def seconds(self) -> float:
        """Length in seconds."""
        return len(self.samples) / self.rate

    @classmethod
    def silence(cls, seconds: float, rate: int = SAMPLE_RATE) -> Sound:
        """``seconds`` of silence."""
        return cls(np.zeros(max(0, frames_for(seconds, rate)), dtype=np.float32), rate)

    def at_rate(self, rate: int) -> Sound:
        """The same sound at another rate (linear interpolation is enough for speech)."""
        if rate == self.rate or len(self.samples) == 0:
            return Sound(self.samples, rate)
        n = round(len(self.samples) * rate / self.rate)
        x = np.arange(n, dtype=np.float64) * (self.rate / rate)
        resampled = np.interp(x, np.arange(len(self.samples)), self.samples)
        return Sound(resampled.astype(np.float32), rate)


def read_wav(path: str | os.PathLike[str]) -> Sound:
    """Read a 16-bit PCM WAV file (mono, or stereo mixed down)."""
    with wave.open(os.fspath(path), "rb") as f:
        if f.getsampwidth() != 2:
            raise ValueError(f"{path}: expected 16-bit samples, got {8 * f.getsampwidth()}-bit")
        channels, rate = f.getnchannels(), f.getframerate()
        data = np.frombuffer(f.readframes(f.getnframes()), dtype="<i2")
    samples = data.astype(np.float32) / 32768.0
    if channels > 1:
        samples = samples.reshape(-1, channels).mean(axis=1)
    return Sound(samples.astype(np.float32), rate)


def write_wav(path: str | os.PathLike[str], sound: Sound, *, mode: int = PRIVATE_FILE) -> None:
    """Write ``sound`` as 16-bit mono PCM, atomically (no half-written file is seen).

    The file is private to the user (0600) unless ``mode`` says otherwise;
    missing folders are made private too (0700). Raises ``OSError`` (a
    ``PlaceProblem`` naming the folder when it cannot be made).
    """
    pcm = (np.clip(sound.samples, -1.0, 1.0) * 32767.0).round().astype("<i2")
    data = io.BytesIO()
    with wave.open(data, "wb") as f:
        f.setnchannels(1)
        f.setsampwidth(2)
        f.setframerate(sound.rate)
        f.writeframes(pcm.tobytes())
    replace_file(Path(path), data.getvalue(), mode=mode, make_folder=True)


def normalise(
    samples: Samples, rate: int, *, rms_db: float = -20.0, peak_db: float = -1.0
) -> Samples:
    """Scale so the loud parts sit at ``rms_db`` dBFS, peaks never above ``peak_db``.

    Only the active 10 ms frames count, so pauses in speech do not make a
    line louder than a cue.
    """
    x = np.asarray(samples, dtype=np.float32)
    if len(x) == 0 or not np.any(x):
        return x
    size = max(1, rate // 100)
    frames = x[: len(x) // size * size].reshape(-1, size) if len(x) >= size else x.reshape(1, -1)
    frame_rms = np.sqrt(np.mean(frames.astype(np.float64) ** 2, axis=1))
    active = frame_rms[frame_rms > frame_rms.max() / 30]
    rms = float(np.sqrt(np.mean(active**2)))
    gain = 10 ** (rms_db / 20) / rms
    peak = float(np.max(np.abs(x)))
    gain = min(gain, 10 ** (peak_db / 20) / peak)
    return (x * gain).astype(np.float32)
