"""Photos of a progress check, kept only when the person asks, one per expression.

``<data>/progress-photos/<check>/<expression>.jpg``: a 0700 folder per check,
0600 files, written without following links. Only JPEG files the page made
are taken (checked by their first and last bytes and their size); deleting a
check's photos or all of them removes the files and their folders.
"""

from __future__ import annotations

import os
from datetime import datetime
from typing import TYPE_CHECKING

from .._paths import PlaceProblem, private_dir, write_bytes_private
from .progress import EXPRESSIONS

if TYPE_CHECKING:
    from pathlib import Path

    from .._paths import Places

__all__ = [
    "PHOTO_LIMIT",
    "PhotoProblem",
    "delete_photos",
    "forget_photos",
    "keep_photo",
    "photo_bytes",
    "photos_folder",
    "photos_of",
]

PHOTO_LIMIT = 400_000
"""Bytes one photo may have (a 640 x 480 JPEG of a face is 30-80 kB)."""


class PhotoProblem(ValueError):
    """A photo that is not one the page makes, or for no such check or expression."""


def photos_folder(where: Places) -> Path:
    """Where kept photos are, one folder per check."""
    return where.data / "progress-photos"


def _folder_of(where: Places, check: str) -> Path:
    # The check's name must be exactly a date and time as the store writes it,
    # so nothing else can reach the file system through it.
    try:
        if datetime.fromisoformat(check).isoformat(timespec="seconds") != check:
            raise ValueError(check)
    except ValueError:
        raise PhotoProblem(f"there is no check called {check!r}") from None
    return photos_folder(where) / check.replace(":", "-")


def _expression(expression: str) -> str:
    if expression not in EXPRESSIONS:
        raise PhotoProblem(f"there is no expression called {expression!r}")
    return expression


def keep_photo(where: Places, check: str, expression: str, jpeg: bytes) -> None:
    """Keep one expression's photo of a check (replacing one kept before)."""
    folder = _folder_of(where, check)
    name = _expression(expression)
    if (
        not (0 < len(jpeg) <= PHOTO_LIMIT)
        or jpeg[:3] != b"\xff\xd8\xff"
        or jpeg[-2:] != b"\xff\xd9"
    ):
        raise PhotoProblem("the photo is not a JPEG image of a size the page makes")
    private_dir(photos_folder(where), "photos folder")
    private_dir(folder, "photos folder")
    write_bytes_private(folder / f"{name}.jpg", jpeg)


def photos_of(where: Places, check: str) -> list[str]:
    """The expressions of ``check`` that have a kept photo, in the check's order."""
    try:
        folder = _folder_of(where, check)
    except PhotoProblem:
        return []
    return [e for e in EXPRESSIONS if (folder / f"{e}.jpg").is_file()]


def photo_bytes(where: Places, check: str, expression: str) -> bytes | None:
    """One kept photo (None when there is none); never read through a link."""
    path = _folder_of(where, check) / f"{_expression(expression)}.jpg"
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    with os.fdopen(fd, "rb") as f:
        return f.read(PHOTO_LIMIT + 1)[:PHOTO_LIMIT]


def _remove(folder: Path) -> bool:
    if not folder.is_dir() or folder.is_symlink():
        return False
    for path in folder.iterdir():
        if path.is_dir() and not path.is_symlink():
            _remove(path)
        else:
            path.unlink()
    folder.rmdir()
    return True


def delete_photos(where: Places, check: str) -> bool:
    """Delete a check's photos; False when it had none."""
    folder = _folder_of(where, check)
    try:
        return _remove(folder)
    except OSError as error:
        raise PlaceProblem(
            error.errno or 0, f"cannot delete {folder}: {error.strerror or error}"
        ) from None


def forget_photos(where: Places) -> bool:
    """Delete every kept photo; False when there was none."""
    folder = photos_folder(where)
    try:
        return _remove(folder)
    except OSError as error:
        raise PlaceProblem(
            error.errno or 0, f"cannot delete {folder}: {error.strerror or error}"
        ) from None
