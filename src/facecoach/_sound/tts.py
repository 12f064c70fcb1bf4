"""Choosing the speech engine: ``make_speaker`` for ``--tts``.

The interface and ``FakeSpeaker`` are in ``speech``; the engines in
``tts_pyttsx3`` (espeak-ng) and ``tts_piper`` (the ``piper`` extra), each
loaded only when chosen.
"""

from __future__ import annotations

from collections.abc import Callable
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
    on_cache_problem: Callable[[str], None] | None = None,
) -> Speaker:
    """The speaker for ``--tts`` (pyttsx3, piper or fake).

    ``on_cache_problem`` hears once why rendered lines cannot be kept in
    ``cache_dir`` (a full disk, no permission); they are spoken all the same.
    """
    cache = SpeechCache(cache_dir, on_problem=on_cache_problem) if cache_dir is not None else None
    if tts == "pyttsx3":
        from .tts_pyttsx3 import Pyttsx3Speaker

        return Pyttsx3Speaker(voice=voice, rate=rate, cache=cache)
    if tts == "piper":
        from .tts_piper import PiperSpeaker

        return PiperSpeaker(voice=voice, rate=rate, cache=cache, models_dir=models_dir)
    if tts == "fake":
        return FakeSpeaker(rate=rate, cache=cache)
    raise TtsUnavailable(f"unknown speech engine '{tts}'; choose pyttsx3 or piper")
