"""The Profile page: the affected side, the stage of recovery, the days, the upkeep,
and the plan (the rotation or one chosen routine)."""

from __future__ import annotations

from dataclasses import replace
from typing import cast

from anyio import to_thread
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from .._core.loader import RoutineFileError
from .._person.own_routine import ROTATION, PlanProblem
from .._person.profile import (
    DAY_NAMES,
    STAGES,
    UPKEEPS,
    ProfileProblem,
    SideName,
    Stage,
    load_profile,
    profile_path,
    save_profile,
)
from .damage import DAMAGE, damage_words
from .plan_choice import choose_plan, plan_choices
from .state import form_of, form_value, page, web_state

__all__ = ["profile", "profile_page", "save"]

SIDES = (("left", "My left side"), ("right", "My right side"), ("both", "Both sides"))
STAGE_WORDS = {
    "not-yet": ("No movement yet", "No exercise for now: sessions wait until movement returns."),
    "recent": ("Movement has recently started to return", "Sessions 2 or 3 days a week."),
    "long-standing": ("The palsy is long-standing", "A session every day."),
    "after-care": (
        "After-care: drooping or tightness, even years later",
        "Daily for four weeks to restart, then weekly or monthly upkeep.",
    ),
}
_DAY_NUMBERS = {str(number) for number in range(len(DAY_NAMES))}


async def profile(request: Request) -> Response:
    done = "Saved." if request.query_params.get("saved") else ""
    return await to_thread.run_sync(lambda: profile_page(request, done=done))


def profile_page(
    request: Request, notice: str = "", status: int = 200, *, done: str = ""
) -> Response:
    """The form, filled in from the saved profile, with ``notice`` (what went
    wrong) or ``done`` (what worked) above it."""
    where = web_state(request).settings.where
    try:
        saved = load_profile(where)
    except ProfileProblem as error:
        return page(request, "base.html", 500, title="Profile", notice=str(error))
    except DAMAGE as error:
        notice = damage_words(error, where, profile_path(where))
        return page(request, "base.html", 500, title="Profile", notice=notice)
    stages = [(s, *STAGE_WORDS[s]) for s in STAGES]
    state = web_state(request)
    plans = plan_choices(state.library(), state.settings.files, where)
    days = [(i, name.capitalize()) for i, name in enumerate(DAY_NAMES)]
    return page(
        request,
        "profile.html",
        status,
        title="Profile",
        notice=notice,
        done=done,
        profile=saved,
        sides=SIDES,
        stages=stages,
        days=days,
        upkeeps=UPKEEPS,
        plans=plans,
        plan=saved.routine or ROTATION,
    )


async def save(request: Request) -> Response:
    form = await form_of(request)
    return await to_thread.run_sync(_save, request, form)


def _save(request: Request, form: dict[str, list[str]]) -> Response:
    state = web_state(request)
    where = state.settings.where
    side, stage, upkeep = (form_value(form, k) for k in ("side", "stage", "upkeep"))
    days = form.get("days", [])
    day_list = sorted({int(d) for d in days if d in _DAY_NUMBERS})
    if (
        (side and side not in dict(SIDES))
        or (stage and stage not in STAGES)
        or (upkeep and upkeep not in UPKEEPS)
        or any(d not in _DAY_NUMBERS for d in days)
    ):
        return profile_page(request, "Some answers were not understood.", 400)
    try:
        saved = load_profile(where)
        changed = replace(saved, days=tuple(day_list))
        if side:
            changed = replace(changed, side=cast(SideName, side))
        if stage:
            # a stage word: Profile takes the text (checked against STAGES above)
            changed = changed.with_stage(Stage(stage), state.settings.today())
        if upkeep:
            changed = replace(changed, upkeep=upkeep)
        plan = form_value(form, "plan")
        if plan:
            library, files = state.library(), state.settings.files
            today = state.settings.today()
            changed = choose_plan(where, changed, plan, library, files, today)
        if changed != saved:
            save_profile(where, replace(changed, asked=True))
    except PlanProblem as error:
        return profile_page(request, f"Your plan is unchanged: {error}.", 400)
    except RoutineFileError as error:
        said = "; ".join(str(p) for p in error.problems[:2])
        return profile_page(
            request, f"Your plan is unchanged: the file has problems ({said}).", 400
        )
    except (ProfileProblem, OSError) as error:
        return profile_page(request, f"Could not save: {error}", 500)
    except DAMAGE as error:
        return profile_page(request, damage_words(error, where, profile_path(where)), 500)
    return RedirectResponse("/profile?saved=1", status_code=303)
