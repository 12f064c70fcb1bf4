"""The Routines page and the printable sheets, with the person's side and adapted holds."""

from __future__ import annotations

from anyio import to_thread
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from .._core.plan import Personal, compile_plan
from .._person.errors import RunRefused
from .._person.history import person_plan
from .damage import DAMAGE, damage_words
from .sheet import render_sheet, sheet_blocks
from .state import page, web_state

__all__ = ["routines", "sheet"]


def _mine(request: Request) -> Personal | str:
    """The person's side and holds, or what is wrong with the saved data."""
    state = web_state(request)
    try:
        return person_plan(state.settings.where, None, state.library())
    except RunRefused as error:
        return error.plain
    except DAMAGE as error:
        return damage_words(error, state.settings.where)


async def routines(request: Request) -> Response:
    return await to_thread.run_sync(_routines, request)


def _routines(request: Request) -> Response:
    library = web_state(request).library()
    mine = _mine(request)
    if isinstance(mine, str):
        return page(request, "routines.html", 500, title="Routines", notice=mine, routines=[])
    items = []
    for routine in sorted(library.routines.values(), key=lambda r: r.name):
        plan = compile_plan(routine, library, personal=mine)
        items.append(
            {
                "routine": routine,
                "minutes": f"{plan.total_seconds / 60:.0f}",
                "areas": ", ".join(a.value for a in library.areas_of(routine)),
                "blocks": sheet_blocks(
                    routine,
                    library,
                    person_side=mine.side,
                    hold_factors=dict(mine.hold_factors),
                    prefix=f"face-{routine.id}",
                ),
            }
        )
    return page(request, "routines.html", title="Routines", routines=items)


async def sheet(request: Request) -> Response:
    return await to_thread.run_sync(_sheet, request)


def _sheet(request: Request) -> Response:
    state = web_state(request)
    library = state.library()
    routine = library.routines.get(request.path_params["routine"])
    if routine is None:
        notice = "There is no routine by that name."
        return page(request, "base.html", 404, title="Not found", notice=notice)
    mine = _mine(request)
    if isinstance(mine, str):
        return page(request, "base.html", 500, title=routine.name, notice=mine)
    plan = compile_plan(routine, library, personal=mine)
    body = render_sheet(
        routine,
        library,
        person_side=mine.side,
        hold_factors=dict(mine.hold_factors),
        day=state.settings.today(),
        minutes=plan.total_seconds / 60,
    )
    return HTMLResponse(body)
