"""The Today page: what today holds, starting a session, and the headset check."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

from anyio import to_thread
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from .._core.plan import compile_plan
from .._person.errors import RunRefused
from .._person.history import person_plan, today_for
from .._person.profile import ProfileProblem, load_profile
from .check import headset_check
from .damage import DAMAGE, damage_words
from .progress_page import progress_suggestion
from .state import form_of, form_value, page, web_state

__all__ = ["check", "start", "today", "today_page"]


async def today(request: Request) -> Response:
    return await to_thread.run_sync(today_page, request)


def today_page(request: Request, notice: str = "", check: str = "", status: int = 200) -> Response:
    """The page, with ``notice`` (why a start was refused) or ``check`` (the headset check)."""
    state = web_state(request)
    where = state.settings.where
    day = state.settings.today()
    library = state.library()
    try:
        profile = load_profile(where)
        decision = today_for(where, profile, library, day)
        routine = library.routines.get(decision.routine) if decision.routine else None
        minutes = ""
        if routine is not None:
            mine = person_plan(where, None, library)
            plan = compile_plan(routine, library, personal=mine)
            minutes = f"{plan.total_seconds / 60:.0f}"
    except (ProfileProblem, RunRefused) as error:
        notice = error.plain if isinstance(error, RunRefused) else str(error)
        return page(request, "today.html", 500, title="Today", notice=notice, **_empty(day))
    except DAMAGE as error:
        notice = damage_words(error, where)
        return page(request, "today.html", 500, title="Today", notice=notice, **_empty(day))
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
    return page(
        request,
        "today.html",
        status,
        title="Today",
        notice=notice,
        check=check,
        listening=state.settings.hearing is not None,
        day_text=day.strftime("%A %d %B %Y"),
        headline=headline,
        reasons=list(decision.reasons),
        routine=decision.routine,
        routine_name=routine.name if routine else "",
        minutes=minutes,
        due=decision.due,
        can_start=decision.routine is not None and decision.stage not in (None, "not-yet"),
        running=state.runner.active,
        routines=sorted(library.routines.values(), key=lambda r: r.name),
        progress_due=progress_suggestion(where, day),
    )


def _empty(day: date) -> dict[str, Any]:
    return {
        "check": "",
        "listening": False,
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


async def start(request: Request) -> Response:
    state = web_state(request)
    wanted = form_value(await form_of(request), "routine") or None
    if wanted is not None and wanted not in state.library().routines:
        notice, status = f"There is no routine called {wanted}.", 400
    else:
        try:
            await to_thread.run_sync(state.runner.start, wanted)
        except RunRefused as error:
            notice, status = error.plain, 409
        except DAMAGE as error:
            notice, status = damage_words(error, state.settings.where), 500
        else:
            return RedirectResponse("/session", status_code=303)
    return await to_thread.run_sync(partial(today_page, request, notice, status=status))


async def check(request: Request) -> Response:
    state = web_state(request)
    if state.runner.active:
        result = "A session is running; the test line waits until it ends."
    elif state.enrolment.active:
        result = "facecoach is learning your voice; the test line waits until that ends."
    else:
        settings = state.settings
        result = await to_thread.run_sync(
            headset_check, settings.sound, settings.where, settings.hearing
        )
    return await to_thread.run_sync(partial(today_page, request, check=result))
