"""A session that takes real time on a simulated run, for tests of a killed process."""

from __future__ import annotations

import time
from collections.abc import Callable

from .._core.events import Effect, Event
from .._core.plan import Plan
from .._core.session import Session

__all__ = ["PacedSession"]


class PacedSession(Session):
    """A session whose events wait for real time: ``pace`` real seconds per session second.

    Only for simulated runs that must take real time (tests of a process
    killed mid-session); the clock and sleep are injected.
    """

    def __init__(
        self,
        plan: Plan,
        pace: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(plan)
        self.pace = pace
        self._clock = clock
        self._sleep = sleep
        self._t0 = 0.0

    def start(self, t: float) -> list[Effect]:
        """Begin now, at session time ``t``."""
        self._t0 = self._clock() - t * self.pace
        return super().start(t)

    def handle(self, event: Event) -> list[Effect]:
        """Wait until ``event.t`` in real time, then handle it."""
        wait = self._t0 + event.t * self.pace - self._clock()
        if wait > 0:
            self._sleep(wait)
        return super().handle(event)
