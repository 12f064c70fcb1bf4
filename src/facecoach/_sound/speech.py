"""Speech out: text to audio, behind one small Protocol, cached on disk.

The interface every engine shares: ``Speaker``, ``VoiceInfo``,
``TtsUnavailable``, the ``SpeechCache`` (every line is rendered once and kept
in the cache directory under a key made of the text, voice, rate and engine,
so a repeated line starts at once), ``CachedSpeaker`` (the cache logic the
engines build on) and ``FakeSpeaker``, which needs no engine.

The engines are in ``tts_pyttsx3`` and ``tts_piper``; ``tts.make_speaker``
picks one.
"""

from __future__ import annotations

import errno
import os
import threading
import wave
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from .._core.plan import DEFAULT_SPEECH_RATE, estimate_speech_seconds
from .._paths import PlaceProblem
from .samples import SAMPLE_RATE, Sound, frames_for, normalise, read_wav, write_wav
from .speech_files import speech_file

__all__ = [
    "CachedSpeaker",
    "FakeSpeaker",
    "Speaker",
    "SpeechCache",
    "TtsUnavailable",
    "VoiceInfo",
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
    """Rendered lines on disk, one WAV file per (engine, voice, rate, text).

    Files are private to the user (0600, folders 0700). When a line cannot be
    kept (a full disk, a folder that is not writable) the cache stops writing
    for the rest of the run: lines are still spoken, only not kept, and
    ``on_problem`` hears why once.
    """

    def __init__(
        self,
        directory: str | os.PathLike[str],
        *,
        on_problem: Callable[[str], None] | None = None,
        writer: Callable[[Path, Sound], None] | None = None,
    ) -> None:
        self.directory = Path(directory)
        self.on_problem = on_problem
        """Told once, in words for the person, when lines can no longer be kept."""
        self.problem: str | None = None
        """Why lines are not being kept (None while they are)."""
        self._write = writer or write_wav
        self._lock = threading.Lock()

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

    def put(self, engine: str, voice: str | None, rate: int, text: str, sound: Sound) -> bool:
        """Keep a rendering (written atomically); False when it could not be kept."""
        if self.problem is not None:
            return False
        try:
            self._write(self.path(engine, voice, rate, text), sound)
        except OSError as error:
            self._give_up(error)
            return False
        return True

    def _give_up(self, error: OSError) -> None:
        reason = error.strerror or str(error) or type(error).__name__
        if isinstance(error, PlaceProblem) and error.errno == errno.ENOSPC:
            reason = os.strerror(errno.ENOSPC)  # the folder is what the person can act on
            where = f"cannot keep spoken lines in {self.directory}: {reason}"
        elif isinstance(error, PlaceProblem):  # it names the folder itself
            where = reason
        else:
            where = f"cannot keep spoken lines in {self.directory}: {reason}"
        with self._lock:
            if self.problem is not None:
                return
            self.problem = f"{where}; speaking each line without keeping it"
        if self.on_problem is not None:
            self.on_problem(self.problem)


class CachedSpeaker:
    """Shared cache logic for engines; subclasses say how to synthesise one line."""

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
            self.cache.put(self.engine, self.voice, self.rate, text, sound)  # says once if not
        return sound

    def _synthesise(self, text: str) -> Sound:
        raise NotImplementedError

    def close(self) -> None:
        """Nothing to release by default."""


class FakeSpeaker(CachedSpeaker):
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
        n = frames_for(seconds, self.sample_rate)
        t = np.arange(n, dtype=np.float32) / self.sample_rate
        tone = 0.0 if self.silent else 0.1 * np.sin(2 * np.pi * 220.0 * t)
        return Sound(np.asarray(tone * np.ones_like(t), dtype=np.float32), self.sample_rate)
