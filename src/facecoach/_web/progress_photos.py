"""Photos of a progress check, when the person ticks the box: kept, shown and deleted.

The page posts one JPEG per expression after the check's measures are kept;
these routes keep it (``_person.progress_photos``), show it on the Progress
page, and delete a check's photos. Nothing is kept unless the box was ticked.
"""

from __future__ import annotations

from anyio import to_thread
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from .._paths import PlaceProblem
from .._person.progress_photos import (
    PHOTO_LIMIT,
    PhotoProblem,
    delete_photos,
    keep_photo,
    photo_bytes,
)
from .._person.progress_store import ProgressFileProblem, load_checks
from .state import form_of, form_value, web_state

__all__ = ["PHOTO_BODY_LIMIT", "PHOTO_ROUTES"]

PHOTO_BODY_LIMIT = PHOTO_LIMIT
"""Bytes a posted photo may have."""


def _plain(text: str, status: int) -> Response:
    return Response(text, status_code=status, media_type="text/plain; charset=utf-8")


async def post_photo(request: Request) -> Response:
    """Keep one photo of a kept check: ``?check=...&expression=...``, the JPEG as the body."""
    where = web_state(request).settings.where
    check = request.query_params.get("check", "")
    expression = request.query_params.get("expression", "")
    try:
        kept = {c.key for c in await to_thread.run_sync(load_checks, where)}
    except ProgressFileProblem as error:
        return _plain(str(error), 500)
    if check not in kept:
        return _plain("There is no such check.", 404)
    body = await request.body()
    try:
        await to_thread.run_sync(keep_photo, where, check, expression, body)
    except PhotoProblem as problem:
        return _plain(f"The photo was not kept: {problem}.", 400)
    except PlaceProblem as error:
        return _plain(f"The photo could not be kept: {error}", 500)
    return Response(status_code=204)


async def get_photo(request: Request) -> Response:
    where = web_state(request).settings.where
    try:
        body = await to_thread.run_sync(
            photo_bytes, where, request.path_params["check"], request.path_params["expression"]
        )
    except PhotoProblem:
        body = None
    if body is None:
        return _plain("not found", 404)
    return Response(body, media_type="image/jpeg")


async def delete_check_photos(request: Request) -> Response:
    where = web_state(request).settings.where
    check = form_value(await form_of(request), "check")
    try:
        await to_thread.run_sync(delete_photos, where, check)
    except PhotoProblem:
        return _plain("There is no such check.", 404)
    except PlaceProblem as error:
        return _plain(f"The photos could not be deleted: {error}", 500)
    return RedirectResponse("/progress?done=photos", status_code=303)


PHOTO_ROUTES = [
    Route("/progress/photo", post_photo, methods=["POST"]),
    Route("/progress/photo/{check}/{expression}", get_photo),
    Route("/progress/delete-photos", delete_check_photos, methods=["POST"]),
]
"""The photo routes, part of the Progress page's."""
