"""What every endpoint reads from ``request.app.state``, and how a page is answered."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from .._core.routine import Library
from .._person.report import ExerciseLine
from .enrolment import EnrolmentRunner
from .events import Broadcast
from .library import RoutineFiles
from .render import environment
from .session import SessionRunner
from .settings import ServeSettings

__all__ = ["WebState", "form_of", "form_value", "page", "web_state"]


@dataclass
class WebState:
    """The app's one state: its settings, the session and enrolment runners, the files."""

    settings: ServeSettings
    runner: SessionRunner
    enrolment: EnrolmentRunner
    files: RoutineFiles
    broadcast: Broadcast = field(default_factory=Broadcast)
    plots_cache: dict[tuple[float, str], list[tuple[str, str]]] = field(default_factory=dict)
    exercises_cache: dict[tuple[float, str], list[ExerciseLine]] = field(default_factory=dict)
    """The History page's table per exercise, kept with the plots."""

    def library(self) -> Library:
        """Built-in exercises and routines, and the person's own files (the last good copy)."""
        return self.files.library()


def web_state(request: Request) -> WebState:
    """The state ``make_app`` put on the app."""
    return cast(WebState, request.app.state.web)


def page(request: Request, name: str, status: int = 200, **context: Any) -> Response:
    """A template as a response; a broken routine file shows as a banner on every page."""
    context.setdefault("notice", "")
    context.setdefault("done", "")
    context.setdefault("title", name.split(".")[0].capitalize())
    context.setdefault("files_problem", web_state(request).files.problem)
    body = environment().get_template(name).render(page=name.split(".")[0], **context)
    return HTMLResponse(body, status_code=status)


async def form_of(request: Request) -> dict[str, list[str]]:
    """A small URL-encoded form (``BodyLimit`` has already bounded the body)."""
    body = await request.body()
    return parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)


def form_value(form: dict[str, list[str]], key: str) -> str:
    """The first value of ``key`` in ``form``, or ""."""
    return form.get(key, [""])[0]
