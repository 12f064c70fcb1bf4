"""The History page: every session, and the report's plots."""

from __future__ import annotations

from anyio import to_thread
from starlette.requests import Request
from starlette.responses import Response

from .._person.errors import RunRefused
from .._person.history import history_view
from .._person.profile import ProfileProblem, load_profile
from .._person.queries import ENDINGS  # one vocabulary: the terminal and the report say these
from .damage import DAMAGE, damage_words
from .progress_page import progress_context
from .state import page, web_state

__all__ = ["history"]


async def history(request: Request) -> Response:
    return await to_thread.run_sync(_history, request)


def _history(request: Request) -> Response:
    from .._person.report import exercise_lines
    from .._person.report_data import gather
    from .._person.report_plots import plots

    state = web_state(request)
    where = state.settings.where
    today = state.settings.today()
    try:
        rows, _running = history_view(where)
        profile = load_profile(where)
        stamp = where.database.stat().st_mtime if where.database.exists() else 0.0
        key = (stamp, today.isoformat())
        if rows and key not in state.plots_cache:
            data = gather(where, profile, state.library(), today)
            state.plots_cache = {key: plots(data)}
            state.exercises_cache = {key: exercise_lines(data)}
        drawn = state.plots_cache.get(key, []) if rows else []
        exercises = state.exercises_cache.get(key, []) if rows else []
        done = sum(1 for r in rows if r.status == "done")
        minutes = sum(r.seconds for r in rows) / 60
    except (ProfileProblem, RunRefused) as error:
        return _broken(request, str(error))
    except DAMAGE as error:
        return _broken(request, damage_words(error, where))
    summary = (
        f"{len(rows)} session{'s' if len(rows) != 1 else ''}, {done} finished, "
        f"{minutes:.0f} minutes in all."
        if rows
        else "No sessions yet. Start one on the Today page."
    )
    return page(
        request,
        "history.html",
        title="History",
        rows=list(reversed(rows)),
        plots=drawn,
        exercises=exercises,
        summary=summary,
        endings=ENDINGS,
        routine_names={rid: r.name for rid, r in state.library().routines.items()},
        **progress_context(where, rows),
    )


def _broken(request: Request, notice: str) -> Response:
    return page(
        request,
        "history.html",
        500,
        title="History",
        notice=notice,
        rows=[],
        plots=[],
        exercises=[],
        summary="",
        endings=ENDINGS,
    )
