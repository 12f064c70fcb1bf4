"""When the coach's speech was audible, for the microphone gate."""

from __future__ import annotations

import threading
from typing import Any

from .._core.ports import GUARD_SECONDS
from .mixer import PlayReport

__all__ = ["SpeechTimeline"]


class SpeechTimeline:
    """When the coach's speech was audible, from the output path's reports.

    ``gate`` is the ``SpeechGate`` voice input uses: audio heard while the
    coach spoke, or within ``guard`` seconds after, is to be ignored. Cues
    never count.
    """

    def __init__(self, guard: float = GUARD_SECONDS, *, keep_seconds: float = 120.0) -> None:
        self.guard = guard
        self.keep_seconds = keep_seconds
        self._spans: list[list[Any]] = []  # [start, end or None, tag]
        self._texts: dict[int, str] = {}
        self._lock = threading.Lock()

    def name(self, tag: int, text: str) -> None:
        """The words of the line played with ``tag`` (for ``line``)."""
        with self._lock:
            self._texts[tag] = text
            if len(self._texts) > 256:  # only recent lines are ever asked about
                del self._texts[min(self._texts)]

    def note(self, report: PlayReport) -> None:
        """Take a report from the output path."""
        if report.kind != "speech":
            return
        with self._lock:
            if report.phase == "start":
                self._spans.append([report.t, None, report.tag])
                horizon = report.t - self.keep_seconds
                self._spans = [s for s in self._spans if s[1] is None or s[1] > horizon]
                return
            for span in reversed(self._spans):
                if span[2] == report.tag and span[1] is None:
                    span[1] = report.t
                    return

    def gate(self, start: float, end: float) -> bool:
        """True if audio between ``start`` and ``end`` overlaps the coach's speech."""
        with self._lock:
            return any(
                s <= end and (e is None or e + self.guard >= start) for s, e, _ in self._spans
            )

    def line(self, start: float, end: float, tail: float = 0.0) -> str | None:
        """The words of the coach's line audible between ``start`` and ``end``
        (or ``tail`` seconds after it ended); "" when not known, None when
        the coach was silent."""
        with self._lock:
            for s, e, tag in reversed(self._spans):
                if s <= end and (e is None or e + tail >= start):
                    return self._texts.get(tag, "")
            return None

    def spans(self) -> list[tuple[float, float | None]]:
        """The speech spans seen so far (start, end or None while speaking)."""
        with self._lock:
            return [(s, e) for s, e, _ in self._spans]
