"""Server-Sent Events: the session's snapshots, fanned out to every open page."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable

from .session import Snapshot

__all__ = ["Broadcast"]

_KEEPALIVE = 15.0


class Broadcast:
    """Takes snapshots from any thread; each open page gets them in order."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._queues: set[asyncio.Queue[Snapshot | None]] = set()

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        """The server's event loop (set when the app starts)."""
        self._loop = loop

    def publish(self, snapshot: Snapshot) -> None:
        """Send ``snapshot`` to every page (safe from any thread)."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        loop.call_soon_threadsafe(self._fan_out, snapshot)

    def close(self) -> None:
        """End every stream (the app is stopping)."""
        for queue in self._queues:
            queue.put_nowait(None)

    def _fan_out(self, snapshot: Snapshot | None) -> None:
        for queue in self._queues:
            if queue.full():  # a page that stopped reading loses old snapshots, never new ones
                queue.get_nowait()
            queue.put_nowait(snapshot)

    async def stream(self, first: Callable[[], Snapshot]) -> AsyncIterator[str]:
        """``text/event-stream`` lines: the snapshot now, then each change."""
        queue: asyncio.Queue[Snapshot | None] = asyncio.Queue(maxsize=64)
        self._queues.add(queue)
        try:
            yield _event(first())
            while True:
                try:
                    snapshot = await asyncio.wait_for(queue.get(), _KEEPALIVE)
                except asyncio.TimeoutError:
                    yield ": still here\n\n"
                    continue
                if snapshot is None:
                    return
                yield _event(snapshot)
        finally:
            self._queues.discard(queue)


def _event(snapshot: Snapshot) -> str:
    return f"data: {json.dumps(snapshot.to_json())}\n\n"
