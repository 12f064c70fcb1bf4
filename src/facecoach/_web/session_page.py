"""The Session page: what the running session says and shows, its buttons, its live feed."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response, StreamingResponse

from .._core.commands import Command
from .session import BUTTONS, DOCKED, session_status
from .state import form_of, form_value, page, web_state

__all__ = ["command", "events", "session"]


async def session(request: Request) -> Response:
    runner = web_state(request).runner
    snap = runner.latest
    return page(
        request,
        "session.html",
        title="Session",
        snap=snap,
        status_text=session_status(snap),
        active=runner.active,
        buttons=BUTTONS,
        docked=DOCKED,
        pictures=runner.pictures,
    )


async def command(request: Request) -> Response:
    try:
        pressed = Command.parse(form_value(await form_of(request), "command"))
    except ValueError:
        return Response("unknown command", status_code=400)
    taken = web_state(request).runner.press(pressed)
    if request.headers.get("x-requested-with") == "fetch":
        return Response(status_code=204 if taken else 409)
    return RedirectResponse("/session", status_code=303)


async def events(request: Request) -> Response:
    state = web_state(request)
    return StreamingResponse(
        state.broadcast.stream(lambda: state.runner.latest),
        media_type="text/event-stream",
        headers={"x-accel-buffering": "no"},
    )
