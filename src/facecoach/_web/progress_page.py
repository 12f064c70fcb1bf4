"""The Progress page: a camera check of how evenly the two sides of the face move.

The page's script runs the face model in the browser (``progress_assets``)
and posts only the few landmark numbers the measures need, for each frame of
each expression, to ``/progress/check``. Here they are turned into measures
(``_person.progress``), kept (``_person.progress_store``) and dropped: no image
reaches the app, no landmark is kept. Routes follow the app's rules (the
``AccessCheck`` checks host, token and origin before any of them runs); the page
alone allows the WebAssembly model to compile and its loader to build its
functions ('wasm-unsafe-eval', 'unsafe-eval'), still from this app's own
scripts only.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from anyio import to_thread
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from .._paths import PlaceProblem
from .._person.profile import ProfileProblem, load_profile
from .._person.progress import EXPRESSIONS, MEASURES, POINTS, CheckResult, Frame, Measure, summarise
from .._person.progress_photos import PhotoProblem, delete_photos, forget_photos, photos_of
from .._person.progress_store import (
    KeptCheck,
    ProgressFileProblem,
    check_due,
    delete_check,
    forget_checks,
    keep_check,
    load_checks,
)
from .progress_assets import FACE_MESH_FILES, face_mesh_folder, face_mesh_problem, media_type
from .progress_photos import PHOTO_BODY_LIMIT, PHOTO_ROUTES
from .progress_plot import difference_words, progress_plots
from .state import form_of, form_value, page, web_state

if TYPE_CHECKING:
    from .._paths import Places

__all__ = [
    "CHECK_BODY_LIMIT",
    "PAGE_HEADERS",
    "PROGRESS_BODY_LIMITS",
    "PROGRESS_ROUTES",
    "check_of_json",
    "measure_words",
    "progress_context",
    "progress_suggestion",
]

PAGE_HEADERS = {
    "content-security-policy": "default-src 'self'; img-src 'self' data:; "
    "style-src 'self' 'unsafe-inline'; script-src 'self' 'wasm-unsafe-eval' 'unsafe-eval'; "
    "connect-src 'self'; media-src 'self' blob: mediastream:; worker-src 'self' blob:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "permissions-policy": "camera=(self), microphone=()",
}
"""The Progress page's own headers (the app stamps the rest): the model may compile."""

CHECK_BODY_LIMIT = 262_144
"""Bytes a posted check may have (80 frames of 31 points, as numbers, fit in about 60 kB)."""
PROGRESS_BODY_LIMITS = {"/progress/check": CHECK_BODY_LIMIT, "/progress/photo": PHOTO_BODY_LIMIT}
"""The Progress page's posts larger than the app's forms, by path."""
_FRAMES_LIMIT = 400

PROMPTS: dict[str, tuple[str, str]] = {
    "rest": ("Rest", "Look at the camera and let your face rest."),
    "brows": ("Brows up", "Raise your eyebrows as if surprised, and hold."),
    "eyes": ("Eyes closed", "Close your eyes gently, without squeezing, and hold."),
    "smile": ("Big smile", "Give a big smile, showing your teeth, and hold."),
    "pucker": ("Pucker", "Push your lips forward as if to whistle, and hold."),
}
"""Each expression's title and its instruction, written and spoken."""

_MOVES = {"brow_lift", "eye_close", "smile", "pucker"}


class BadCheck(ValueError):
    """A posted check that is not what the page sends; the message says what is wrong."""


def _number(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise BadCheck(f"{where}: expected a number")
    return float(value)


def check_of_json(data: object) -> dict[str, list[Frame]]:
    """The frames of a posted check, checked field by field."""
    if not isinstance(data, dict) or not isinstance(data.get("expressions"), dict):
        raise BadCheck("expected an object with 'expressions'")
    frames: dict[str, list[Frame]] = {}
    total = 0
    for name, items in data["expressions"].items():
        if name not in EXPRESSIONS:
            raise BadCheck(f"unknown expression {name!r}")
        if not isinstance(items, list):
            raise BadCheck(f"{name}: expected a list of frames")
        total += len(items)
        if total > _FRAMES_LIMIT:
            raise BadCheck(f"more than {_FRAMES_LIMIT} frames")
        kept: list[Frame] = []
        for i, item in enumerate(items):
            where = f"{name}, frame {i + 1}"
            if not isinstance(item, dict) or not isinstance(item.get("points"), list):
                raise BadCheck(f"{where}: expected an object with 'points'")
            points: dict[int, tuple[float, float, float]] = {}
            for p in item["points"]:
                if not isinstance(p, list) or len(p) != 4:
                    raise BadCheck(f"{where}: a point is not [number, x, y, z]")
                n = _number(p[0], where)
                if n not in POINTS:
                    raise BadCheck(f"{where}: landmark {p[0]!r} is not one the check uses")
                points[int(n)] = (_number(p[1], where), _number(p[2], where), _number(p[3], where))
            width = _number(item.get("width"), f"{where}, width")
            height = _number(item.get("height"), f"{where}, height")
            if not (0 < width <= 10_000 and 0 < height <= 10_000):
                raise BadCheck(f"{where}: the image size is out of range")
            kept.append(Frame(points, int(width), int(height), bool(item.get("mirrored"))))
        frames[name] = kept
    return frames


_LESS = {"eye_rest": "is less open"}
"""How a side that reads less is said, where "sits lower" or "moves less" is wrong."""


def measure_words(measure: Measure, side: str) -> str:
    """One sentence about one measure, naming the affected side when the profile has one.

    Lengths are in % of the distance between the eyes; a difference within twice
    the check's spread (or under 0.5) is called even.
    """
    move = measure.key in _MOVES
    lower = "left" if measure.gap < 0 else "right"
    size = abs(measure.gap)
    name = MEASURES[measure.key]
    varies = f"a check varies by about {measure.spread:.1f}"
    amounts = f" (left {measure.left:.1f}, right {measure.right:.1f})" if move else ""
    if size <= max(0.5, 2 * measure.spread):
        return f"{name}{amounts}: about even on both sides ({varies})."
    how = _LESS.get(measure.key, "moves less" if move else "sits lower")
    whose = ""
    if side in ("left", "right"):
        whose = " (the affected one)" if side == lower else " (not the affected one)"
    return f"{name}{amounts}: your {lower} side{whose} {how} by {size:.1f} ({varies})."


def _side_of(where: Places) -> str:
    try:
        return load_profile(where).side or ""
    except ProfileProblem:
        return ""


def _result_json(result: CheckResult, side: str, when: str) -> dict[str, Any]:
    return {
        "when": when,
        "frames": dict(result.frames),
        "refused": dict(result.refused),
        "sentences": [measure_words(m, side) for m in result.measures],
    }


def _error(text: str, status: int) -> Response:
    return JSONResponse({"error": text}, status)


def progress_context(
    where: Places,
    rows: Sequence[Any] = (),
    checks: Sequence[KeptCheck] | None = None,
    side: str | None = None,
) -> dict[str, Any]:
    """What the progress charts' section needs (History and Progress pages).

    ``rows`` are the history's sessions (their ``day`` and ``too_tight``);
    kept checks that cannot be read draw no chart.
    """
    if checks is None:
        try:
            checks = load_checks(where)
        except ProgressFileProblem:
            checks = []
    side = _side_of(where) if side is None else side
    sessions: list[date] = []
    tight: list[date] = []
    for row in rows:
        try:
            day = date.fromisoformat(str(row.day))
        except ValueError:
            continue
        sessions.append(day)
        if getattr(row, "too_tight", 0):
            tight.append(day)
    return {
        "progress_plots": progress_plots(checks, side, sessions, tight),
        "progress_meaning": difference_words(side),
    }


def progress_suggestion(where: Places, day: date) -> str:
    """The Today page's suggestion of a check ("" when none is due or none can be done)."""
    if face_mesh_problem(where):
        return ""
    return check_due(where, day)


def _render(request: Request, notice: str = "", status: int = 200) -> Response:
    where = web_state(request).settings.where
    problem = face_mesh_problem(where)
    side = _side_of(where)
    try:
        checks = load_checks(where)
    except ProgressFileProblem as error:
        checks, notice = [], str(error)
    response = page(
        request,
        "progress.html",
        status,
        title="Progress",
        notice=notice,
        problem=problem,
        ready=not problem,
        points=",".join(str(n) for n in POINTS),
        prompts=[(e, *PROMPTS[e]) for e in EXPRESSIONS],
        checks=[
            (c.key, [measure_words(m, c.side) for m in c.measures], photos_of(where, c.key))
            for c in checks
        ],
        **progress_context(where, checks=checks, side=side),
    )
    response.headers.update(PAGE_HEADERS)
    return response


_NOTICES = {
    "deleted": "That check was deleted, with any photos of it.",
    "forgotten": "Every check and every photo was deleted.",
    "photos": "The photos of that check were deleted; its measures are kept.",
}


async def progress(request: Request) -> Response:
    notice = _NOTICES.get(request.query_params.get("done", ""), "")
    return await to_thread.run_sync(_render, request, notice)


async def model(request: Request) -> Response:
    """One of the face model's files, by exact name, once all of them are as pinned."""
    where = web_state(request).settings.where
    name = request.path_params["name"]
    problem = await to_thread.run_sync(face_mesh_problem, where)
    if name not in FACE_MESH_FILES or problem:
        return Response("not found", status_code=404, media_type="text/plain")
    body = await to_thread.run_sync((face_mesh_folder(where) / name).read_bytes)
    return Response(
        body, media_type=media_type(name), headers={"cache-control": "private, max-age=86400"}
    )


async def check(request: Request) -> Response:
    """Measure a posted check, keep its measures, and answer what they say."""
    where = web_state(request).settings.where
    try:
        frames = check_of_json(json.loads(await request.body()))
    except BadCheck as error:
        return _error(f"The check was not understood: {error}", 400)
    except (ValueError, OverflowError, RecursionError):
        # not JSON or not UTF-8, an integer too long to read or past a float's range,
        # nesting too deep: nothing this app's page sends
        return _error("The check was not understood: it is not one this page sends.", 400)
    result = summarise(frames)
    if not result.measures:
        reasons = "; ".join(f"{why} ({n} frames)" for why, n in result.refused.items())
        text = "Your face at rest was not seen clearly enough to measure." + (
            f" {reasons}" if reasons else ""
        )
        return _error(text, 422)
    side = _side_of(where)
    try:
        kept = await to_thread.run_sync(keep_check, where, result, datetime.now(), side)
    except (ProgressFileProblem, PlaceProblem) as error:
        return _error(f"The check could not be kept: {error}", 500)
    return JSONResponse(_result_json(result, side, kept.key))


async def delete(request: Request) -> Response:
    where = web_state(request).settings.where
    key = form_value(await form_of(request), "check")
    try:
        gone = await to_thread.run_sync(delete_check, where, key)
        if gone:
            await to_thread.run_sync(delete_photos, where, key)
    except (ProgressFileProblem, PlaceProblem, PhotoProblem) as error:
        return await to_thread.run_sync(_render, request, str(error), 500)
    if not gone:
        return await to_thread.run_sync(_render, request, "There is no such check.", 404)
    return RedirectResponse("/progress?done=deleted", status_code=303)


async def forget(request: Request) -> Response:
    where = web_state(request).settings.where
    try:
        await to_thread.run_sync(forget_checks, where)
        await to_thread.run_sync(forget_photos, where)
    except PlaceProblem as error:
        return await to_thread.run_sync(_render, request, str(error), 500)
    return RedirectResponse("/progress?done=forgotten", status_code=303)


PROGRESS_ROUTES = [
    Route("/progress", progress),
    Route("/progress/model/{name}", model),
    Route("/progress/check", check, methods=["POST"]),
    Route("/progress/delete", delete, methods=["POST"]),
    Route("/progress/forget", forget, methods=["POST"]),
    *PHOTO_ROUTES,
]
"""The Progress page's routes, for the app's route list (the script is in /static)."""
