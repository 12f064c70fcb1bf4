"""The local web app: Today, Session, History, Profile, Your voice and Routines, on 127.0.0.1.

``make_app`` builds the Starlette app: the endpoint functions of the page
modules, reading the one ``WebState`` on ``app.state``; the app's own files
from ``StaticFiles``; ``AccessCheck`` (host, token, origin) and ``BodyLimit`` in
front of every route; and ``SecurityHeaders`` around it all, so every answer,
errors included, carries the same browser rules. Sessions are started and
driven through ``SessionRunner``, the same live session as ``facecoach run``;
the pages only show it and send buttons.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass

from anyio import to_thread
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from . import history_page, profile_page, routines_page, session_page, today_page, voice_page
from .enrolment import EnrolmentRunner
from .events import Broadcast
from .headers import SecurityHeaders
from .library import RoutineFiles
from .limits import BodyLimit
from .progress_page import PROGRESS_BODY_LIMITS, PROGRESS_ROUTES
from .security import AccessCheck
from .session import SessionRunner
from .settings import ServeSettings
from .state import WebState

__all__ = ["WebApp", "make_app"]


@dataclass(frozen=True)
class WebApp:
    """The ASGI app to serve, and what a server or a test needs to reach inside it."""

    asgi: SecurityHeaders
    runner: SessionRunner
    broadcast: Broadcast
    enrolment: EnrolmentRunner


ROUTES = [
    Route("/", today_page.today),
    Route("/session", session_page.session),
    Route("/session/start", today_page.start, methods=["POST"]),
    Route("/session/command", session_page.command, methods=["POST"]),
    Route("/events", session_page.events),
    Route("/check", today_page.check, methods=["POST"]),
    Route("/history", history_page.history),
    Route("/profile", profile_page.profile),
    Route("/profile", profile_page.save, methods=["POST"]),
    Route("/voice", voice_page.voice),
    Route("/voice/status", voice_page.voice_status),
    Route("/voice/start", voice_page.voice_start, methods=["POST"]),
    Route("/voice/stop", voice_page.voice_stop, methods=["POST"]),
    Route("/voice/forget", voice_page.voice_forget, methods=["POST"]),
    Route("/routines", routines_page.routines),
    Route("/sheet/{routine}", routines_page.sheet),
    *PROGRESS_ROUTES,
    Mount("/static", StaticFiles(packages=[("facecoach._web", "static")]), name="static"),
]

_WENT_WRONG = (
    "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Something went wrong"
    "</title></head><body><main><h1>Something went wrong</h1><p>This page could not be "
    "shown. The window where facecoach was started has the details. Your sessions and "
    "settings are as they were.</p><p><a href='/'>Back to Today</a></p></main></body></html>"
)


async def _went_wrong(request: Request, error: Exception) -> Response:
    """The last resort, for a fault in facecoach itself (the terminal gets the trace)."""
    return HTMLResponse(_WENT_WRONG, status_code=500)


def make_app(settings: ServeSettings) -> WebApp:
    """The whole app, guarded, with its session runner."""
    log = io.StringIO() if settings.quiet else None

    def tell(line: str) -> None:
        print(f"facecoach: {line}", file=log if log is not None else sys.stderr)

    files = RoutineFiles(settings.where, settings.files, tell)
    runner = SessionRunner(settings.where, settings.sound, files.library, settings.voice, log=log)
    enrolment = EnrolmentRunner(
        settings.where,
        settings.sound,
        settings.enrolment,
        lock=runner.start_lock,
        session_active=lambda: runner.active,
        off=settings.enrolment_off,
    )
    runner.blocked = enrolment.busy_words
    state = WebState(settings, runner, enrolment, files)
    runner.publish = state.broadcast.publish

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        state.broadcast.bind(asyncio.get_running_loop())
        try:
            yield
        finally:
            state.broadcast.close()
            await to_thread.run_sync(enrolment.stop)
            await to_thread.run_sync(runner.stop)

    app = Starlette(
        routes=ROUTES,
        middleware=[
            Middleware(AccessCheck, token=settings.token, port=settings.port),
            Middleware(BodyLimit, wider=PROGRESS_BODY_LIMITS),
        ],
        exception_handlers={Exception: _went_wrong},
        lifespan=lifespan,
    )
    app.state.web = state
    files.library()  # read the files now, so a problem is told at start
    return WebApp(SecurityHeaders(app), runner, state.broadcast, enrolment)
