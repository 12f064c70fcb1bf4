"""The quieter pages of the web app: History, Profile, Routines and the printable sheets."""

from __future__ import annotations

from dataclasses import replace
from importlib import resources
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import parse_qs

from anyio import to_thread
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from .._core.plan import compile_plan
from .._core.routine import Library
from .._person import (
    DAY_NAMES,
    STAGES,
    UPKEEPS,
    ProfileProblem,
    RunRefused,
    SideName,
    Stage,
    history_view,
    load_profile,
    person_plan,
    save_profile,
)
from .sheet import render_sheet, sheet_blocks

if TYPE_CHECKING:
    from .app import ServeSettings

__all__ = ["HEADERS", "Pages", "form_of"]

HEADERS = {
    "content-security-policy": "default-src 'self'; img-src 'self' data:; "
    "style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
    "cache-control": "no-store",
}
"""On every page: only this app's own files, never framed, no token in a Referer."""

_SIDES = (("left", "My left side"), ("right", "My right side"), ("both", "Both sides"))
_STAGE_WORDS = {
    "not-yet": ("No movement yet", "No exercise for now: sessions wait until movement returns."),
    "recent": ("Movement has recently started to return", "Sessions 2 or 3 days a week."),
    "long-standing": ("The palsy is long-standing", "A session every day."),
    "after-care": (
        "After-care: drooping or tightness, even years later",
        "Daily for four weeks to restart, then weekly or monthly upkeep.",
    ),
}
_STATIC = {"app.css": "text/css; charset=utf-8", "app.js": "text/javascript; charset=utf-8"}
_ENDINGS = {"done": "finished", "stop": "stopped", "interrupted": "interrupted"}


_FORM_LIMIT = 16_384


async def form_of(request: Request) -> dict[str, list[str]]:
    """A small URL-encoded form (the app's pages send nothing else)."""
    body = await request.body()
    if len(body) > _FORM_LIMIT:
        return {}
    return parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)


def one(form: dict[str, list[str]], key: str) -> str:
    """The first value of ``key`` in ``form``, or ""."""
    return form.get(key, [""])[0]


class Pages:
    """History, Profile, Routines and sheets; mixed into the app's state."""

    settings: ServeSettings
    plots_cache: dict[tuple[float, str], list[tuple[str, str]]]

    def page(self, request: Request, name: str, status: int = 200, **context: Any) -> Response:
        """A template as a response with the app's headers."""
        raise NotImplementedError

    def library(self) -> Library:
        """Built-in exercises and routines, and the person's own files."""
        raise NotImplementedError

    # ------------------------------------------------------------ History

    async def history(self, request: Request) -> Response:
        return await to_thread.run_sync(self._history, request)

    def _history(self, request: Request) -> Response:
        from .._person.report import gather, plots

        where = self.settings.where
        try:
            rows, _running = history_view(where)
            profile = load_profile(where)
            stamp = where.database.stat().st_mtime if where.database.exists() else 0.0
            key = (stamp, self.settings.today().isoformat())
            if rows and key not in self.plots_cache:
                data = gather(where, profile, self.library(), self.settings.today())
                self.plots_cache = {key: plots(data)}
            drawn = self.plots_cache.get(key, []) if rows else []
        except (ProfileProblem, RunRefused) as error:
            return self.page(
                request,
                "history.html",
                500,
                title="History",
                notice=str(error),
                rows=[],
                plots=[],
                summary="",
                endings=_ENDINGS,
            )
        done = sum(1 for r in rows if r.status == "done")
        minutes = sum(r.seconds for r in rows) / 60
        summary = (
            f"{len(rows)} session{'s' if len(rows) != 1 else ''}, {done} finished, "
            f"{minutes:.0f} minutes in all."
            if rows
            else "No sessions yet. Start one on the Today page."
        )
        return self.page(
            request,
            "history.html",
            title="History",
            rows=list(reversed(rows)),
            plots=drawn,
            summary=summary,
            endings=_ENDINGS,
        )

    # ------------------------------------------------------------ Profile

    async def profile(self, request: Request) -> Response:
        notice = "Saved." if request.query_params.get("saved") else ""
        return self.profile_page(request, notice)

    def profile_page(self, request: Request, notice: str = "", status: int = 200) -> Response:
        try:
            profile = load_profile(self.settings.where)
        except ProfileProblem as error:
            return self.page(request, "base.html", 500, title="Profile", notice=str(error))
        stages = [(s, *_STAGE_WORDS[s]) for s in STAGES]
        days = [(i, name.capitalize()) for i, name in enumerate(DAY_NAMES)]
        return self.page(
            request,
            "profile.html",
            status,
            title="Profile",
            notice=notice,
            profile=profile,
            sides=_SIDES,
            stages=stages,
            days=days,
            upkeeps=UPKEEPS,
        )

    async def save_profile(self, request: Request) -> Response:
        form = await form_of(request)
        where = self.settings.where
        side, stage, upkeep = (one(form, k) for k in ("side", "stage", "upkeep"))
        try:
            day_list = sorted({int(d) for d in form.get("days", [])})
        except ValueError:
            day_list = [-1]
        if (
            (side and side not in dict(_SIDES))
            or (stage and stage not in STAGES)
            or (upkeep and upkeep not in UPKEEPS)
            or any(not 0 <= d < 7 for d in day_list)
        ):
            return self.profile_page(request, "Some answers were not understood.", 400)
        try:
            profile = load_profile(where)
            changed = replace(profile, days=tuple(day_list))
            if side:
                changed = replace(changed, side=cast(SideName, side))
            if stage:
                # a stage word: Profile takes the text (checked against STAGES above)
                changed = changed.with_stage(Stage(stage), self.settings.today())
            if upkeep:
                changed = replace(changed, upkeep=upkeep)
            if changed != profile:
                save_profile(where, replace(changed, asked=True))
        except (ProfileProblem, OSError) as error:
            return self.profile_page(request, f"Could not save: {error}", 500)
        return RedirectResponse("/profile?saved=1", status_code=303, headers=HEADERS)

    # ------------------------------------------------------------ Routines and sheets

    async def routines(self, request: Request) -> Response:
        library = self.library()
        mine = person_plan(self.settings.where, None, library)
        items = []
        for routine in sorted(library.routines.values(), key=lambda r: r.name):
            plan = compile_plan(
                routine, library, person_side=mine.person_side, hold_factors=mine.hold_factors
            )
            items.append(
                {
                    "routine": routine,
                    "minutes": f"{plan.total_seconds / 60:.0f}",
                    "areas": ", ".join(a.value for a in library.areas_of(routine)),
                    "blocks": sheet_blocks(
                        routine,
                        library,
                        person_side=mine.person_side,
                        hold_factors=mine.hold_factors,
                        prefix=f"face-{routine.id}",
                    ),
                }
            )
        return self.page(request, "routines.html", title="Routines", routines=items)

    async def sheet(self, request: Request) -> Response:
        library = self.library()
        routine = library.routines.get(request.path_params["routine"])
        if routine is None:
            return self.page(
                request,
                "base.html",
                404,
                title="Not found",
                notice="There is no routine by that name.",
            )
        mine = person_plan(self.settings.where, None, library)
        plan = compile_plan(
            routine, library, person_side=mine.person_side, hold_factors=mine.hold_factors
        )
        body = render_sheet(
            routine,
            library,
            person_side=mine.person_side,
            hold_factors=mine.hold_factors,
            day=self.settings.today(),
            minutes=plan.total_seconds / 60,
        )
        return HTMLResponse(body, headers=HEADERS)

    async def static(self, request: Request) -> Response:
        name = request.path_params["name"]
        kind = _STATIC.get(name)
        if kind is None:  # only the app's own two files, by exact name
            return Response("not found", status_code=404, media_type="text/plain")
        body = resources.files("facecoach._web").joinpath("static", name).read_bytes()
        return Response(body, media_type=kind, headers={**HEADERS, "cache-control": "no-cache"})
