"""Time for the live loop: a simulated clock for tests and export, a real one for use.

The live loop only ever asks two things of time: "what time is it" and "wake
me at T or when something arrives". ``SimClock`` answers both without waiting,
so a whole session runs in milliseconds; ``RealScheduler`` and ``QueueInbox``
answer them with a monotonic clock and threads.
"""

from __future__ import annotations

import heapq
import itertools
import queue
import threading
import time
from collections.abc import Callable
from typing import Protocol

__all__ = [
    "IDLE",
    "Inbox",
    "QueueInbox",
    "RealScheduler",
    "Scheduler",
    "SimClock",
    "SimInbox",
]


class _Idle:
    """Marker returned by a simulated inbox when nothing can ever arrive."""

    def __repr__(self) -> str:
        return "IDLE"


IDLE = _Idle()

_MOST_CALLS_AT_ONCE = 100_000  # a session has a few at one instant; more is a loop


class Scheduler(Protocol):
    """A clock that can call a function at a given time."""

    def __call__(self) -> float:
        """Now, in seconds."""

    def call_at(self, t: float, fn: Callable[[], None]) -> None:
        """Call ``fn`` (from any thread) once time ``t`` has come."""


class Inbox(Protocol):
    """Where events for the live loop wait."""

    def put(self, item: object) -> None:
        """Add an item (from any thread)."""

    def get(self, timeout: float | None) -> object | None:
        """The next item; None after ``timeout`` seconds; ``IDLE`` if none can come."""


class SimClock:
    """Simulated time: moves only when told to, running what falls due."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self._calls: list[tuple[float, int, Callable[[], None]]] = []
        self._order = itertools.count()

    def __call__(self) -> float:
        return self.now

    def call_at(self, t: float, fn: Callable[[], None]) -> None:
        """Run ``fn`` when simulated time reaches ``t``."""
        heapq.heappush(self._calls, (t, next(self._order), fn))

    def next_time(self) -> float | None:
        """When the earliest pending call falls due."""
        return self._calls[0][0] if self._calls else None

    def advance_to(self, t: float) -> None:
        """Move to ``t`` (never back), running every call due on the way.

        Raises ``RuntimeError`` when calls keep scheduling calls at one instant
        without end: a bug that would otherwise spin for ever, made loud.
        """
        same = 0
        while self._calls and self._calls[0][0] <= t:
            due, _, fn = heapq.heappop(self._calls)
            if due > self.now:
                self.now, same = due, 0
            same += 1
            if same > _MOST_CALLS_AT_ONCE:
                raise RuntimeError(f"simulated time is stuck at {self.now!r}: calls never end")
            fn()
        self.now = max(self.now, t)


class SimInbox:
    """An inbox on a ``SimClock``: waiting moves simulated time forward."""

    def __init__(self, clock: SimClock) -> None:
        self.clock = clock
        self._items: list[object] = []

    def put(self, item: object) -> None:
        """Add an item."""
        self._items.append(item)

    def get(self, timeout: float | None) -> object | None:
        """Advance time to the next call or the timeout, whichever is first."""
        while not self._items:
            wake = self.clock.next_time()
            limit = None if timeout is None else self.clock.now + timeout
            if wake is None and limit is None:
                return IDLE
            if wake is None or (limit is not None and limit < wake):
                assert limit is not None
                self.clock.advance_to(limit)
                return self._items.pop(0) if self._items else None
            self.clock.advance_to(wake)
        return self._items.pop(0)


class QueueInbox:
    """A thread-safe inbox on the real clock."""

    def __init__(self) -> None:
        self._queue: queue.Queue[object] = queue.Queue()

    def put(self, item: object) -> None:
        """Add an item (any thread)."""
        self._queue.put(item)

    def get(self, timeout: float | None) -> object | None:
        """Wait up to ``timeout`` seconds (None: for ever) for the next item."""
        try:
            return self._queue.get(timeout=timeout)
        except queue.Empty:
            return None


class RealScheduler:
    """Calls functions at monotonic times from one background thread."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._calls: list[tuple[float, int, Callable[[], None]]] = []
        self._order = itertools.count()
        self._cond = threading.Condition()
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="facecoach-timer", daemon=True)
        self._thread.start()

    def __call__(self) -> float:
        return self._clock()

    def call_at(self, t: float, fn: Callable[[], None]) -> None:
        """Run ``fn`` on the timer thread at time ``t``."""
        with self._cond:
            heapq.heappush(self._calls, (t, next(self._order), fn))
            self._cond.notify()

    def close(self) -> None:
        """Stop the timer thread; pending calls are dropped."""
        with self._cond:
            self._closed = True
            self._cond.notify()
        self._thread.join(timeout=2)

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._closed:
                    if self._calls and self._calls[0][0] <= self._clock():
                        break
                    wait = self._calls[0][0] - self._clock() if self._calls else None
                    self._cond.wait(timeout=wait)
                if self._closed:
                    return
                _, _, fn = heapq.heappop(self._calls)
            fn()
