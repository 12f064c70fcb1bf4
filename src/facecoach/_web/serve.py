"""``facecoach serve``: the web app on 127.0.0.1, on a free port, with a fresh token."""

from __future__ import annotations

import socket
import threading
import webbrowser
from collections.abc import Callable
from dataclasses import replace

import uvicorn

from .app import WebApp, make_app
from .security import new_token
from .settings import ServeSettings

__all__ = ["Server", "bind", "serve", "start_in_thread"]

HOST = "127.0.0.1"
"""The only address the app ever listens on."""


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

    def __init__(self, web: WebApp) -> None:
        config = uvicorn.Config(
            web.asgi,
            log_level="warning",
            access_log=False,
            lifespan="on",
            timeout_graceful_shutdown=3,
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


def start_in_thread(settings: ServeSettings) -> tuple[Server, threading.Thread, str]:
    """Serve in a background thread (tests, benchmarks); returns the server, thread and link.

    ``settings.port`` 0 picks a free port. Stop with ``server.should_exit = True``.
    """
    sock = bind(settings.port)
    settings = replace(settings, port=sock.getsockname()[1])
    server = Server(make_app(settings))
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
