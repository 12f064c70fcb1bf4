"""Where rendered lines are kept, and how long each is, without loading any audio library.

``facecoach plan`` times lines that were already rendered by their real length;
it reads only the WAV header, so planning stays light.
"""

from __future__ import annotations

import hashlib
import json
import wave
from collections.abc import Callable
from pathlib import Path

from .._core.plan import estimate_speech_seconds

__all__ = ["cached_seconds", "line_seconds", "speech_file"]


def speech_file(directory: Path, engine: str, voice: str | None, rate: int, text: str) -> Path:
    """The file that holds this rendering of ``text``."""
    key = json.dumps([engine, (voice or "").lower(), int(rate), text], ensure_ascii=False)
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
    return directory / engine / f"{digest}.wav"


def cached_seconds(
    directory: Path, engine: str, voice: str | None, rate: int, text: str
) -> float | None:
    """The length of the cached rendering, or None when there is none (or it is damaged)."""
    try:
        with wave.open(str(speech_file(directory, engine, voice, rate, text)), "rb") as w:
            rate_hz = w.getframerate()
            return w.getnframes() / rate_hz if rate_hz > 0 else None
    except (OSError, EOFError, wave.Error):
        return None


def line_seconds(
    directory: Path, engine: str, voice: str | None, rate: int
) -> Callable[[str], float]:
    """Seconds each line takes: its rendered length when cached, else the estimate."""

    def seconds(text: str) -> float:
        found = cached_seconds(directory, engine, voice, rate, text)
        return estimate_speech_seconds(text, rate) if found is None else round(found, 3)

    return seconds
