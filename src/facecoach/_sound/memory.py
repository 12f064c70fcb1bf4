"""Output paths with no sound card: ``MemoryAudioOut`` (the fake, and text
mode) and ``WavFileOut`` (``export``). Same mixer, same reports, as the
sounddevice stream; time comes from a scheduler, simulated or real."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from .._core.clock import Scheduler
from .mixer import DEFAULT_IDLE_SECONDS, BlockTap, Mixer, PlayReport, SoundKind
from .output import Reporter
from .samples import SAMPLE_RATE, Samples, Sound, write_wav

__all__ = ["MemoryAudioOut", "WavFileOut"]


class MemoryAudioOut:
    """Plays on a scheduler instead of a device; keeps what was played.

    On a ``SimClock`` a whole session plays in no time with sample-exact
    timing (tests, export); on a ``RealScheduler`` it paces text mode.
    """

    def __init__(
        self,
        scheduler: Scheduler,
        *,
        rate: int = SAMPLE_RATE,
        keep: bool = True,
        primer_seconds: float = 0.0,
        idle_seconds: float = DEFAULT_IDLE_SECONDS,
        volume: float = 1.0,
        name: str = "memory",
        sink: Callable[[Samples], None] | None = None,
    ) -> None:
        self.name = name
        self.sink = sink
        """Gets every block as it is mixed, at most a second at a time (export writes it)."""
        self.rate = rate
        self.mixer = Mixer(
            rate, primer_seconds=primer_seconds, idle_seconds=idle_seconds, volume=volume
        )
        self.reports: list[PlayReport] = []
        """Every report so far, in order."""
        self._scheduler = scheduler
        self._keep = keep
        self._chunks: list[np.ndarray[Any, np.dtype[np.int16]]] = []
        self._filled = 0
        self._report: Reporter | None = None
        self._lost: str | None = None
        self._wake: float | None = None
        self._lock = threading.RLock()
        self.closed = False

    @property
    def lead(self) -> float:
        """No latency; only the primer, after a silence, wants sounds early."""
        return 0.0 if self.mixer.busy else self.mixer.primer_frames / self.rate

    @property
    def busy(self) -> bool:
        """True while anything plays or waits to play."""
        return self.mixer.busy

    def open(self, report: Reporter) -> None:
        """Start the timeline at the scheduler's now."""
        self._report = report
        self.mixer.origin = self._scheduler()  # frame 0: one frame count for output and mixer
        self._filled = 0

    def play(
        self,
        sound: Sound,
        kind: SoundKind,
        *,
        tag: int = 0,
        name: str = "",
        at: float | None = None,
    ) -> None:
        """Queue a sound (see ``AudioOut.play``)."""
        with self._lock:
            self._catch_up()
            self.mixer.play(sound.at_rate(self.rate).samples, kind, tag=tag, name=name, at=at)
            self._catch_up()

    def stop_speech(self) -> None:
        """Cut off speech at the current time."""
        with self._lock:
            self._catch_up()
            self.mixer.stop_speech()
            self._catch_up()

    def duck(self, on: bool) -> None:
        """Lower the speech now playing, or restore it (from the next block on)."""
        self.mixer.duck(on)

    def tap(self, sink: BlockTap | None) -> None:
        """Hand every block played to ``sink``, or stop."""
        self.mixer.tap = sink

    def lose(self) -> None:
        """Pretend the device was unplugged (for tests)."""
        self._lost = self.name

    def poll(self) -> str | None:
        """The lost device's name once after ``lose``."""
        lost, self._lost = self._lost, None
        return lost

    def close(self) -> None:
        """Play out up to now and stop."""
        with self._lock:
            if not self.closed:
                self._catch_up()
                self.closed = True

    def audio(self) -> Sound:
        """Everything played so far as one sound."""
        with self._lock:
            self._catch_up()
            pcm = np.concatenate(self._chunks) if self._chunks else np.zeros(0, np.int16)
        return Sound((pcm.astype(np.float32) / 32767.0).astype(np.float32), self.rate)

    def _now_frame(self) -> int:
        return self.mixer.frame_at(self._scheduler())

    def _catch_up(self) -> None:
        if self.closed:
            return
        frames = max(0, self._now_frame() - self._filled)
        progressed = frames > 0
        while True:
            # a sink gets a second at a time, so a long silence never becomes one big block
            n = min(frames, self.rate) if self.sink is not None else frames
            t0 = self.mixer.time_of(self._filled)
            block, reports = self.mixer.fill(n, t0)
            self._filled += n
            frames -= n
            if self.sink is not None and n:
                self.sink(block)
            if self._keep and n:
                self._chunks.append((block * 32767.0).round().astype(np.int16))
            for r in reports:
                progressed = True
                self.reports.append(r)
                if self._report is not None:
                    self._report(r)
            if frames <= 0:
                break
        wake = self.mixer.next_change(self.mixer.time_of(self._filled))
        if wake is not None and not progressed and self.mixer.frame_at(wake) <= self._filled:
            # Nothing moved, so waking at this frame again would do nothing again:
            # the next frame always brings the sound closer.
            wake = self.mixer.time_of(self._filled + 1)
        if wake is not None and wake != self._wake:
            self._wake = wake
            self._scheduler.call_at(wake, self._on_wake)

    def _on_wake(self) -> None:
        with self._lock:
            self._wake = None
            self._catch_up()


class WavFileOut(MemoryAudioOut):
    """Plays on a scheduler and writes everything to a WAV file on close."""

    def __init__(self, path: str | os.PathLike[str], scheduler: Scheduler, **kwargs: Any) -> None:
        super().__init__(scheduler, keep=True, name=os.fspath(path), **kwargs)
        self.path = Path(path)

    def close(self) -> None:
        """Write the file."""
        if not self.closed:
            super().close()
            write_wav(self.path, self.audio())
