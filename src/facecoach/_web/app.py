"""The local web app: Today, Session, History, Profile, Your voice and Routines, on 127.0.0.1.

``make_app`` builds the Starlette app behind the ``Guard`` (host, token,
origin). Sessions are started and driven through ``SessionRunner``, the same
live session as ``facecoach run``; the pages only show it and send buttons.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from anyio import to_thread
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Route

from .._core.commands import Command
from .._core.plan import compile_plan
from .._core.routine import Library
from .._live import SoundOptions
from .._paths import Places
from .._person import (
    ProfileProblem,
    RunRefused,
    load_profile,
    today_for,
)
from .check import headset_check
from .ears import VOICE_OFF, EarsFactory
from .enrolment import EnrolmentRunner
from .events import Broadcast
from .pages import HEADERS as _HEADERS
from .pages import Pages, form_of, one
from .render import environment
from .security import Guard
from .session import BUTTONS, SessionRunner, VoiceFactory, library_of
from .voice_page import VoicePages

if TYPE_CHECKING:
    from .._voice.headset import HearingCheck

__all__ = ["ServeSettings", "WebApp", "make_app"]


@dataclass(frozen=True)
class ServeSettings:
    """Everything ``facecoach serve`` decided, once, from its command line."""

    where: Places
    """Where the profile, history and caches are."""
    sound: SoundOptions
    """Sound for sessions and the headset check (as ``facecoach run`` has them)."""
    token: str
    """The secret in the printed link."""
    port: int
    """The port the app listens on (for the cookie and the Origin check)."""
    files: tuple[str, ...] = ()
    """The person's own exercise and routine files, beside the built-in ones."""
    voice: VoiceFactory | None = None
    """Makes the voice sources of a session (None: buttons and keys only)."""
    hearing: Callable[[], HearingCheck] | None = None
    """Listens once for "next" through the session's microphone (None: no voice)."""
    enrolment: EarsFactory | None = None
    """Makes the Whisper recogniser and opens the microphone for a voice
    enrolment (None: there can be none; ``enrolment_off`` says why)."""
    enrolment_off: str = VOICE_OFF
    """Why there can be no voice enrolment, in one plain sentence."""
    today: Callable[[], date] = date.today
    """Today's date (tests move it)."""
    quiet: bool = False
    """Keep the terminal's session log to itself (tests)."""


@dataclass(frozen=True)
class WebApp:
    """The ASGI app to serve, and what a server or a test needs to reach inside it."""

    asgi: Guard
    runner: SessionRunner
    broadcast: Broadcast
    enrolment: EnrolmentRunner


@dataclass
class _App(Pages, VoicePages):
    settings: ServeSettings
    runner: SessionRunner
    enrolment: EnrolmentRunner
    broadcast: Broadcast = field(default_factory=Broadcast)
    plots_cache: dict[tuple[float, str], list[tuple[str, str]]] = field(default_factory=dict)

    # ------------------------------------------------------------ helpers

    def page(self, request: Request, name: str, status: int = 200, **context: Any) -> Response:
        context.setdefault("notice", "")
        context.setdefault("title", name.split(".")[0].capitalize())
        body = environment().get_template(name).render(page=name.split(".")[0], **context)
        return HTMLResponse(body, status_code=status, headers=_HEADERS)

    def library(self) -> Library:
        try:
            return library_of(self.settings.files, self.settings.where)
        except RunRefused:  # the plan's copy is damaged: Today says its routine is not there
            return library_of(self.settings.files)

    # ------------------------------------------------------------ Today

    async def today(self, request: Request) -> Response:
        return self.today_page(request)

    def today_page(
        self, request: Request, notice: str = "", check: str = "", status: int = 200
    ) -> Response:
        where = self.settings.where
        day = self.settings.today()
        library = self.library()
        try:
            profile = load_profile(where)
            decision = today_for(where, profile, library, day)
        except (ProfileProblem, RunRefused) as error:
            notice = error.plain if isinstance(error, RunRefused) else str(error)
            return self.page(
                request, "today.html", 500, title="Today", notice=notice, **_empty_today(day)
            )
        routine = library.routines.get(decision.routine) if decision.routine else None
        minutes = ""
        if routine is not None:
            minutes = f"{compile_plan(routine, library).total_seconds / 60:.0f}"
        if decision.stage == "not-yet":
            headline = "No exercise for now"
        elif decision.done_today:
            headline = "Done for today. Well done."
        elif decision.stage is None:
            headline = "Please set your stage first"
        elif decision.due:
            headline = "Today is a session day"
        else:
            nxt = decision.next_due.strftime("%A %d %B") if decision.next_due else ""
            headline = "Today is a rest day" + (f"; the next session day is {nxt}" if nxt else "")
        return self.page(
            request,
            "today.html",
            status,
            title="Today",
            notice=notice,
            check=check,
            listening=self.settings.hearing is not None,
            day_text=day.strftime("%A %d %B %Y"),
            headline=headline,
            reasons=list(decision.reasons),
            routine=decision.routine,
            routine_name=routine.name if routine else "",
            minutes=minutes,
            due=decision.due,
            can_start=decision.routine is not None and decision.stage not in (None, "not-yet"),
            running=self.runner.active,
            routines=sorted(library.routines.values(), key=lambda r: r.name),
        )

    async def start(self, request: Request) -> Response:
        wanted = one(await form_of(request), "routine") or None
        if wanted is not None and wanted not in self.library().routines:
            return self.today_page(
                request, notice=f"There is no routine called {wanted}.", status=400
            )
        try:
            await to_thread.run_sync(self.runner.start, wanted)
        except RunRefused as error:
            return self.today_page(request, notice=error.plain, status=409)
        return RedirectResponse("/session", status_code=303, headers=_HEADERS)

    async def check(self, request: Request) -> Response:
        if self.runner.active:
            result = "A session is running; the test line waits until it ends."
        elif self.enrolment.active:
            result = "facecoach is learning your voice; the test line waits until that ends."
        else:
            settings = self.settings
            result = await to_thread.run_sync(
                headset_check, settings.sound, settings.where, settings.hearing
            )
        return self.today_page(request, check=result)

    # ------------------------------------------------------------ Session

    async def session(self, request: Request) -> Response:
        snap = self.runner.latest
        status = {
            "paused": 'Paused. Press Resume or say "continue" to go on.',
            "finished": "The session is over.",
            "idle": "No session is running.",
        }.get(snap.state, f"Session running: {snap.routine}")
        return self.page(
            request,
            "session.html",
            title="Session",
            snap=snap,
            status_text=status,
            active=self.runner.active,
            buttons=BUTTONS,
        )

    async def command(self, request: Request) -> Response:
        try:
            command = Command.parse(one(await form_of(request), "command"))
        except ValueError:
            return Response("unknown command", status_code=400, headers=_HEADERS)
        taken = self.runner.press(command)
        if request.headers.get("x-requested-with") == "fetch":
            return Response(status_code=204 if taken else 409, headers=_HEADERS)
        return RedirectResponse("/session", status_code=303, headers=_HEADERS)

    async def events(self, request: Request) -> Response:
        headers = {**_HEADERS, "x-accel-buffering": "no"}
        return StreamingResponse(
            self.broadcast.stream(lambda: self.runner.latest),
            media_type="text/event-stream",
            headers=headers,
        )


def _empty_today(day: date) -> dict[str, Any]:
    return {
        "check": "",
        "day_text": day.strftime("%A %d %B %Y"),
        "headline": "",
        "reasons": [],
        "routine": None,
        "routine_name": "",
        "minutes": "",
        "due": False,
        "can_start": False,
        "running": False,
        "routines": [],
    }


def make_app(settings: ServeSettings) -> WebApp:
    """The whole app, guarded, with its session runner."""
    log = None
    if settings.quiet:
        import io

        log = io.StringIO()
    runner = SessionRunner(settings.where, settings.sound, settings.files, settings.voice, log=log)
    enrolment = EnrolmentRunner(
        settings.where,
        settings.sound,
        settings.enrolment,
        lock=runner.start_lock,
        session_active=lambda: runner.active,
        off=settings.enrolment_off,
    )
    runner.blocked = enrolment.busy_words
    state = _App(settings, runner, enrolment)
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
        routes=[
            Route("/", state.today),
            Route("/session", state.session),
            Route("/session/start", state.start, methods=["POST"]),
            Route("/session/command", state.command, methods=["POST"]),
            Route("/events", state.events),
            Route("/check", state.check, methods=["POST"]),
            Route("/history", state.history),
            Route("/profile", state.profile),
            Route("/profile", state.save_profile, methods=["POST"]),
            Route("/voice", state.voice),
            Route("/voice/status", state.voice_status),
            Route("/voice/start", state.voice_start, methods=["POST"]),
            Route("/voice/stop", state.voice_stop, methods=["POST"]),
            Route("/voice/forget", state.voice_forget, methods=["POST"]),
            Route("/routines", state.routines),
            Route("/sheet/{routine}", state.sheet),
            Route("/static/{name}", state.static),
        ],
        lifespan=lifespan,
    )
    guarded = Guard(app, token=settings.token, port=settings.port)
    return WebApp(guarded, runner, state.broadcast, enrolment)
