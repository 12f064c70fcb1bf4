"""What the coach played, kept for a few seconds on the clock the microphone uses.

Echo cancellation needs the exact signal that left the speaker: the mixer
hands every block it plays to ``PlayedSignal.add`` (``AudioOut.tap``), with
the time its first frame is heard. The voice thread reads it back at 16 kHz
by time (``window``). ``CoachOnAir`` puts that together with the speech
timeline (which line was audible when) and the output's ducking, the three
things barge-in needs from the output path.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

from .timeline import SpeechTimeline

__all__ = ["REFERENCE_RATE", "CoachOnAir", "PlayedSignal"]

REFERENCE_RATE = 16_000
"""The rate the reference is kept at: the microphone's."""

_JUMP = 0.02
"""A block more than this far from where the last one ended starts afresh
(the stream restarted, or an underrun): the gap is silence."""


class PlayedSignal:
    """The last ``keep`` seconds of what was played, at 16 kHz, by time.

    ``add`` runs on the audio thread and only queues the block; the reading
    thread resamples (soxr, streaming) and files it.
    """

    def __init__(self, keep: float = 20.0) -> None:
        self.keep = keep
        self._lock = threading.Lock()
        self._queue: deque[tuple[npt.NDArray[np.float32], float, int]] = deque()
        self._queued = 0.0  # seconds of audio waiting in the queue
        self._buffer = np.zeros(0, dtype=np.float32)
        self._first = 0.0  # time of self._buffer[0]
        self._end: float | None = None  # time just after the last sample filed
        self._resampler: Any = None
        self._rate = 0

    def add(self, block: npt.NDArray[np.float32], t0: float, rate: int) -> None:
        """A block played from time ``t0`` at ``rate`` (called on the audio thread)."""
        with self._lock:
            self._queue.append((np.array(block, dtype=np.float32), t0, rate))
            self._queued += block.size / rate
            # Nobody may be reading (an export, a run without voice): what is
            # older than ``keep`` would be thrown away when filed anyway.
            while self._queued > self.keep and len(self._queue) > 1:
                old, _, old_rate = self._queue.popleft()
                self._queued -= old.size / old_rate

    @property
    def waiting(self) -> float:
        """Seconds of played audio queued and not yet filed."""
        with self._lock:
            return self._queued

    def _file(self) -> None:
        with self._lock:
            pending = list(self._queue)
            self._queue.clear()
            self._queued = 0.0
        for block, t0, rate in pending:
            if rate != self._rate:
                import soxr

                self._resampler = (
                    None if rate == REFERENCE_RATE else soxr.ResampleStream(rate, REFERENCE_RATE, 1)
                )
                self._rate = rate
            data = block if self._resampler is None else self._resampler.resample_chunk(block)
            data = np.asarray(data, dtype=np.float32).reshape(-1)
            if self._end is None or abs(t0 - self._end) > _JUMP:
                if self._end is not None and self._end < t0 < self._end + self.keep:
                    gap = round((t0 - self._end) * REFERENCE_RATE)
                    data = np.concatenate([np.zeros(gap, dtype=np.float32), data])
                else:
                    self._buffer = np.zeros(0, dtype=np.float32)
                    self._first = t0
            self._buffer = np.concatenate([self._buffer, data])
            self._end = self._first + self._buffer.size / REFERENCE_RATE
            extra = self._buffer.size - int(self.keep * REFERENCE_RATE)
            if extra > 0:
                self._buffer = self._buffer[extra:]
                self._first += extra / REFERENCE_RATE

    def window(self, start: float, count: int) -> npt.NDArray[np.int16]:
        """``count`` samples (16 kHz int16) of what was heard from time ``start``;
        silence where nothing was played or kept."""
        self._file()
        out = np.zeros(count, dtype=np.float32)
        at = round((start - self._first) * REFERENCE_RATE)
        lo, hi = max(at, 0), min(at + count, self._buffer.size)
        if hi > lo:
            out[lo - at : hi - at] = self._buffer[lo:hi]
        return np.asarray(np.clip(np.round(out * 32767), -32768, 32767), dtype=np.int16)


class CoachOnAir:
    """What the output path tells barge-in: the played signal, the line audible
    at a time, and a way to lower the line while the person talks."""

    def __init__(
        self, played: PlayedSignal, timeline: SpeechTimeline, duck: Callable[[bool], None]
    ) -> None:
        self._played = played
        self._timeline = timeline
        self._duck = duck

    def played(self, start: float, count: int) -> npt.NDArray[np.int16]:
        """16 kHz samples of what was heard from time ``start``."""
        return self._played.window(start, count)

    def line(self, start: float, end: float, tail: float = 0.0) -> str | None:
        """The words of the line audible then ("" unknown, None: the coach was silent)."""
        return self._timeline.line(start, end, tail)

    def duck(self, on: bool) -> None:
        """Lower the line being said, or restore it."""
        self._duck(on)
