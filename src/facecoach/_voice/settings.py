"""How voice input is set up for one run; light, so the command line can build it cheaply."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["Engine", "VoiceSettings"]

Engine = Literal["auto", "whisper", "vosk", "pocketsphinx"]


@dataclass(frozen=True)
class VoiceSettings:
    """How voice input is set up for one run (built from command-line options)."""

    lang: str = "en"
    """Language pack code (or path to a pack file)."""
    engine: Engine = "auto"
    """"auto": Whisper when installed (tiny.en for English, base for Korean), else
    Vosk when a model is found, else PocketSphinx for English."""
    model: str | None = None
    """``--model PATH``: a Vosk or Whisper (CTranslate2) model directory."""
    barge_in: bool = True
    """Hear the safety commands while the coach speaks (``--barge-in off``: half-duplex)."""
    echo: str = "linear"
    """The echo canceller for barge-in: "linear" (built in) or "webrtc" (the
    ``barge-in`` extra; ``--echo``)."""
    device: int | str | None = None
    """Input device (sounddevice name or index); None for the default."""
    mic_file: str | None = None
    """Read a WAV file instead of the microphone (``--mic-file``), paced in real time."""
