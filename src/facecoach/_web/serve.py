"""``facecoach serve``: the web app on 127.0.0.1, on a free port, with a fresh token.

uvicorn bounds what one connection may hold: a request's head must be whole
within ``HEAD_SECONDS`` of the connection opening (or of the previous answer),
however slowly it trickles in; at most ``MAX_CONNECTIONS`` are served at once
(more get 503); a head is at most 16 kB (h11's limit); bodies are bounded by
``BodyLimit``.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import webbrowser
from collections.abc import Callable
from dataclasses import replace

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from .app import WebApp, make_app
from .security import new_token
from .settings import ServeSettings

__all__ = ["HEAD_SECONDS", "MAX_CONNECTIONS", "HeadDeadline", "Server", "bind", "serve"]

HOST = "127.0.0.1"
"""The only address the app ever listens on."""
HEAD_SECONDS = 10.0
"""How long a request's head may take to arrive, all of it."""
MAX_CONNECTIONS = 64
"""Open connections served at once: a few pages and their live streams need far fewer."""


class HeadDeadline(H11Protocol):
    """uvicorn's HTTP/1.1 protocol, closing a connection whose request head is too slow.

    uvicorn's own keep-alive timer starts only after an answer and restarts
    with every byte, so a client trickling a header a byte at a time would
    hold its connection for ever.
    """

    head_seconds = HEAD_SECONDS
    _deadline: asyncio.TimerHandle | None = None

    def _arm(self) -> None:
        self._disarm()
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self._deadline = self.loop.call_later(self.head_seconds, self._too_slow)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _too_slow(self) -> None:
        self._deadline = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        """A new connection: its first head must come in time."""
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        """Bytes in; once a whole head is here, the deadline is met."""
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:
            self._disarm()

    def on_response_complete(self) -> None:
        """An answer went out; the next head must come in time too."""
        super().on_response_complete()
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        """The connection ended."""
        self._disarm()
        super().connection_lost(exc)


def bind(port: int | None) -> socket.socket:
    """A listening socket on 127.0.0.1 (``port`` None or 0: a free one).

    Raises ``OSError`` when the port is taken.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((HOST, port or 0))
    except OSError:
        sock.close()
        raise
    sock.listen(64)
    return sock


class Server(uvicorn.Server):
    """uvicorn, ending the pages' live streams first so stopping never waits on them."""

    def __init__(self, web: WebApp, head_seconds: float = HEAD_SECONDS) -> None:
        protocol = type("HeadDeadline", (HeadDeadline,), {"head_seconds": head_seconds})
        config = uvicorn.Config(
            web.asgi,
            log_level="warning",
            access_log=False,
            lifespan="on",
            timeout_graceful_shutdown=3,
            http=protocol,
            limit_concurrency=MAX_CONNECTIONS,
        )
        super().__init__(config)
        self.web = web

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        """Close the event streams, then shut down as uvicorn does."""
        self.web.broadcast.close()
        await super().shutdown(sockets)


def url_of(settings: ServeSettings, path: str = "/") -> str:
    """The link to print: the app's address with its token."""
    return f"http://{HOST}:{settings.port}{path}?token={settings.token}"


def start_in_thread(
    settings: ServeSettings, head_seconds: float = HEAD_SECONDS
) -> tuple[Server, threading.Thread, str]:
    """Serve in a background thread (tests, benchmarks); returns the server, thread and link.

    ``settings.port`` 0 picks a free port. Stop with ``server.should_exit = True``.
    """
    sock = bind(settings.port)
    settings = replace(settings, port=sock.getsockname()[1])
    server = Server(make_app(settings), head_seconds)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="facecoach-web", daemon=True
    )
    thread.start()
    return server, thread, url_of(settings)


def serve(
    settings: ServeSettings,
    *,
    open_browser: bool = True,
    say: Callable[[str], None] = print,
) -> int:
    """Serve until Ctrl-C; returns the exit status (2 when the port cannot be used)."""
    try:
        sock = bind(settings.port)
    except OSError as error:
        say(f"facecoach: cannot listen on {HOST}:{settings.port}: {error.strerror or error}")
        return 2
    settings = replace(settings, port=sock.getsockname()[1], token=settings.token or new_token())
    server = Server(make_app(settings))
    link = url_of(settings)
    say(f"facecoach is open at {link} (Ctrl-C to stop)")
    if open_browser:
        threading.Thread(target=_open_when_ready, args=(server, link), daemon=True).start()
    server.run(sockets=[sock])
    return 0


def _open_when_ready(server: Server, link: str) -> None:
    for _ in range(100):
        if server.started:
            webbrowser.open(link)
            return
        threading.Event().wait(0.1)
