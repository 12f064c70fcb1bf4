"""The one mixer every audible sound goes through (pure: no device, no clock).

Sounds are placed on a timeline of output frames. Each ``fill`` call produces
the next block and says exactly when each sound started and ended, in the
clock of the block times it was given. Every time is turned into a frame one
way only (``frame_at``: counted from one origin, with ``frames_for``), so a
sound is never due to one question and not yet due to another. Speech
replaces speech; cues mix over whatever plays. After a silence a near-silent
primer is put in front of the next sound, because Bluetooth headsets clip the
first few hundred milliseconds after they have been idle.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from .samples import Samples, frames_for
from .settings import DEFAULT_PRIMER_SECONDS

__all__ = [
    "DEFAULT_IDLE_SECONDS",
    "DEFAULT_PRIMER_SECONDS",
    "DUCK_DB",
    "BlockTap",
    "Mixer",
    "PlayReport",
    "SoundKind",
]

SoundKind = Literal["speech", "cue"]

DEFAULT_IDLE_SECONDS = 2.0
"""Silence longer than this counts as "after a silence" (a headset may sleep)."""

DUCK_DB = -24.0
"""How far speech is lowered while the person talks over it (barge-in): far
enough that its echo no longer covers their words, near enough to be heard."""

BlockTap = Callable[[Samples, float, int], None]
"""Sees every block played: (frames, time its first frame is heard, rate)."""

_PRIMER_LEVEL = 10 ** (-60 / 20)  # -60 dBFS: inaudible, but keeps the link awake


@dataclass(frozen=True)
class PlayReport:
    """A sound began (``phase`` "start") or ended ("end") at time ``t``.

    ``t`` is when the first or last sample reaches the listener, in the clock
    the output path uses (monotonic seconds). ``cut`` is True when the sound
    was stopped or replaced before its end.
    """

    phase: Literal["start", "end"]
    kind: SoundKind
    tag: int
    name: str
    t: float
    cut: bool = False


@dataclass(eq=False)  # compared by identity: the samples are arrays
class _Voice:
    samples: Samples
    kind: SoundKind
    tag: int
    name: str
    at: float | None
    pos: int = 0
    lead_in: int = 0  # primer frames in front of the sound itself
    start: float = 0.0
    started: bool = field(default=False)


class Mixer:
    """Mixes speech and cues into blocks of float32 mono frames at ``rate``.

    Thread-safe: ``play`` and ``stop_speech`` may be called from any thread
    while the audio thread calls ``fill``.
    """

    def __init__(
        self,
        rate: int,
        *,
        primer_seconds: float = DEFAULT_PRIMER_SECONDS,
        idle_seconds: float = DEFAULT_IDLE_SECONDS,
        volume: float = 1.0,
        seed: int = 7,
    ) -> None:
        self.rate = rate
        self.primer_frames = max(0, frames_for(primer_seconds, rate))
        self.idle_seconds = idle_seconds
        self.volume = volume
        self._lock = threading.Lock()
        self._pending: list[_Voice] = []
        self._speech: _Voice | None = None
        self._cues: list[_Voice] = []
        self._stop_speech = False
        self._last_end: float | None = None  # when the last sound (or primer) ended
        self.origin: float | None = None
        """The time of frame 0 (the first block's, unless the output sets it first)."""
        self._rng = np.random.default_rng(seed)
        self._speech_gain = 1.0
        self.tap: BlockTap | None = None
        """Sees every block as it is played (echo cancellation's reference)."""

    # ------------------------------------------------------------ control

    def play(
        self,
        samples: Samples,
        kind: SoundKind,
        *,
        tag: int = 0,
        name: str = "",
        at: float | None = None,
    ) -> None:
        """Queue ``samples`` to start at time ``at`` (None or past: at once)."""
        voice = _Voice(np.asarray(samples, dtype=np.float32), kind, tag, name, at)
        with self._lock:
            if kind == "speech":
                # a new line replaces one not yet begun
                self._pending = [v for v in self._pending if v.kind != "speech"]
            self._pending.append(voice)

    def stop_speech(self) -> None:
        """Cut the speech now playing and drop speech waiting to start."""
        with self._lock:
            self._pending = [v for v in self._pending if v.kind != "speech"]
            self._stop_speech = True

    def duck(self, on: bool) -> None:
        """Lower speech by ``DUCK_DB`` (cues stay) from the next block, or restore it."""
        with self._lock:
            self._speech_gain = 10 ** (DUCK_DB / 20) if on else 1.0

    @property
    def busy(self) -> bool:
        """True while anything plays or waits to play."""
        with self._lock:
            return bool(self._pending or self._speech or self._cues)

    def frame_at(self, t: float) -> int:
        """The frame heard at time ``t``, counted from ``origin``."""
        if self.origin is None:
            self.origin = t
        return frames_for(t - self.origin, self.rate)

    def time_of(self, frame: int) -> float:
        """When frame number ``frame`` is heard (the inverse of ``frame_at``)."""
        return (self.origin or 0.0) + frame / self.rate

    def next_change(self, t0: float) -> float | None:
        """When, after a block starting at ``t0``, something starts or ends.

        Always the time of a whole frame, the one ``fill`` will start or end it in.
        """
        with self._lock:
            start = self.frame_at(t0)
            frames: list[int] = []
            for voice in (self._speech, *self._cues):
                if voice is not None:
                    frames.append(start + len(voice.samples) + voice.lead_in - voice.pos)
            for voice in self._pending:
                frames.append(start if voice.at is None else max(start, self.frame_at(voice.at)))
            return self.time_of(min(frames)) if frames else None

    # ------------------------------------------------------------ audio thread

    def fill(self, frames: int, t0: float) -> tuple[Samples, list[PlayReport]]:
        """The next ``frames`` frames, whose first is heard at time ``t0``."""
        out = np.zeros(frames, dtype=np.float32)
        reports: list[PlayReport] = []
        rate = self.rate
        with self._lock:
            start = self.frame_at(t0)
            if self._stop_speech:
                self._stop_speech = False
                if self._speech is not None:
                    reports.append(self._end(self._speech, t0, cut=True))
                    self._speech = None
            # which waiting sounds begin in this block, in time order
            starting: list[tuple[int, _Voice]] = []
            keep: list[_Voice] = []
            for voice in self._pending:
                at = t0 if voice.at is None else voice.at
                # a primer goes in front of the sound, early enough if the sound comes late enough
                primed = self._needs_primer(at)
                first = at - (self.primer_frames / rate if primed else 0.0)
                offset = self.frame_at(first) - start
                if offset >= max(frames, 1):  # a zero-frame fill still starts what is due
                    keep.append(voice)
                else:
                    voice.lead_in = self.primer_frames if primed else 0
                    starting.append((max(0, offset), voice))
            self._pending = keep
            starting.sort(key=lambda item: item[0])
            # voices already playing: (voice, first frame in this block)
            active: list[tuple[_Voice, int]] = [(v, 0) for v in self._cues]
            if self._speech is not None:
                active.append((self._speech, 0))
            cut_at: dict[int, int] = {}  # id(speech voice) -> frame where it is replaced
            for offset, voice in starting:
                self._begin(voice, t0 + offset / rate, reports)
                if voice.kind == "speech":
                    if self._speech is not None:
                        cut_at[id(self._speech)] = offset
                    self._speech = voice
                else:
                    self._cues.append(voice)
                active.append((voice, offset))
            for voice, offset in active:
                limit = cut_at.get(id(voice), frames)
                total = voice.lead_in + len(voice.samples)
                n = min(limit - offset, total - voice.pos)
                if n > 0:
                    part = self._frames(voice, voice.pos, n)
                    if voice.kind == "speech" and self._speech_gain != 1.0:
                        part = part * np.float32(self._speech_gain)
                    out[offset : offset + n] += part
                    voice.pos += n
                if id(voice) in cut_at:
                    reports.append(self._end(voice, t0 + limit / rate, cut=True))
                elif voice.pos >= total:
                    reports.append(self._end(voice, t0 + (offset + max(n, 0)) / rate, cut=False))
                    if voice is self._speech:
                        self._speech = None
                    else:
                        self._cues.remove(voice)
        if self.volume != 1.0:
            out *= self.volume
        np.clip(out, -1.0, 1.0, out=out)
        tap = self.tap
        if tap is not None:
            tap(out, t0, rate)
        return out, reports

    def _needs_primer(self, at: float) -> bool:
        if not self.primer_frames or self._speech is not None or self._cues:
            return False
        begin = at - self.primer_frames / self.rate
        return self._last_end is None or begin - self._last_end > self.idle_seconds

    def _begin(self, voice: _Voice, t: float, reports: list[PlayReport]) -> None:
        if voice.kind == "speech":
            self._speech_gain = 1.0  # a new line (an answer, most often) is said in full
        voice.start = t + voice.lead_in / self.rate
        voice.started = True
        reports.append(PlayReport("start", voice.kind, voice.tag, voice.name, voice.start))

    def _frames(self, voice: _Voice, pos: int, n: int) -> Samples:
        if pos >= voice.lead_in:
            return voice.samples[pos - voice.lead_in : pos - voice.lead_in + n]
        primer_n = min(n, voice.lead_in - pos)
        primer = (self._rng.standard_normal(primer_n) * _PRIMER_LEVEL).astype(np.float32)
        rest = voice.samples[: n - primer_n]
        return np.concatenate([primer, rest]).astype(np.float32)

    def _end(self, voice: _Voice, t: float, *, cut: bool) -> PlayReport:
        self._last_end = t if self._last_end is None else max(self._last_end, t)
        return PlayReport("end", voice.kind, voice.tag, voice.name, max(t, voice.start), cut)
