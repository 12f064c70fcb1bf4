"""Choosing the speech engine: ``make_speaker`` for ``--tts``.

The interface and ``FakeSpeaker`` are in ``speech``; the engines in
``tts_pyttsx3`` (espeak-ng) and ``tts_piper`` (the ``piper`` extra), each
loaded only when chosen.
"""

from __future__ import annotations

from pathlib import Path

from .._core.plan import DEFAULT_SPEECH_RATE
from .speech import FakeSpeaker, Speaker, SpeechCache, TtsUnavailable

__all__ = ["make_speaker"]


def make_speaker(
    tts: str,
    *,
    voice: str | None = None,
    rate: int = DEFAULT_SPEECH_RATE,
    cache_dir: Path | None = None,
    models_dir: Path | None = None,
) -> Speaker:
    """The speaker for ``--tts`` (pyttsx3, piper or fake)."""
    cache = SpeechCache(cache_dir) if cache_dir is not None else None
    if tts == "pyttsx3":
        from .tts_pyttsx3 import Pyttsx3Speaker

        return Pyttsx3Speaker(voice=voice, rate=rate, cache=cache)
    if tts == "piper":
        from .tts_piper import PiperSpeaker

        return PiperSpeaker(voice=voice, rate=rate, cache=cache, models_dir=models_dir)
    if tts == "fake":
        return FakeSpeaker(rate=rate, cache=cache)
    raise TtsUnavailable(f"unknown speech engine '{tts}'; choose pyttsx3 or piper")
