"""``facecoach progress``: the camera checks kept by the web app's Progress page,
listed, or deleted (one check, one check's photos, or everything)."""

from __future__ import annotations

import argparse
import sys

from .._paths import PlaceProblem
from .._person.progress import MEASURES
from .._person.progress_photos import PhotoProblem, delete_photos, forget_photos, photos_of
from .._person.progress_store import (
    ProgressFileProblem,
    delete_check,
    forget_checks,
    load_checks,
)
from .options import places_of

__all__ = ["register"]


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``progress`` to the parser."""
    p = sub.add_parser(
        "progress", help="the camera checks of the web app's Progress page: list or delete them"
    )
    which = p.add_mutually_exclusive_group()
    which.add_argument(
        "--delete", metavar="WHEN", help="delete this check and its photos (WHEN as listed)"
    )
    which.add_argument(
        "--delete-photos", metavar="WHEN", help="delete this check's photos, keep its measures"
    )
    which.add_argument("--forget", action="store_true", help="delete every check and photo")
    p.set_defaults(handler=_progress)


def _fail(message: str) -> int:
    print(f"facecoach: {message}", file=sys.stderr)
    return 1


def _progress(args: argparse.Namespace) -> int:
    where = places_of(args)
    try:
        if args.forget:
            had_checks, had_photos = forget_checks(where), forget_photos(where)
            done = had_checks or had_photos
            print("Every check and photo was deleted." if done else "Nothing was kept.")
            return 0
        if args.delete_photos:
            if not delete_photos(where, args.delete_photos):
                return _fail(f"no photos are kept for the check {args.delete_photos}")
            print(f"The photos of {args.delete_photos} were deleted; its measures are kept.")
            return 0
        if args.delete:
            if not delete_check(where, args.delete):
                return _fail(f"there is no check {args.delete} (see: facecoach progress)")
            delete_photos(where, args.delete)
            print(f"The check {args.delete} was deleted, with any photos of it.")
            return 0
        checks = load_checks(where)
    except (ProgressFileProblem, PlaceProblem, PhotoProblem) as error:
        return _fail(str(error))
    if not checks:
        print("No camera checks yet: the Progress page of 'facecoach serve' makes them.")
        return 0
    print("Left minus right, in % of the distance between the eyes (below zero: the left")
    print("side is lower or moves less). A trend of measured symmetry, not a clinical grade.")
    for c in checks:
        shots = photos_of(where, c.key)
        side = f", affected side {c.side}" if c.side in ("left", "right") else ""
        extra = f", {len(shots)} photo{'s' if len(shots) != 1 else ''}" if shots else ""
        print(f"\n{c.key}{side}{extra}")
        for m in c.measures:
            print(f"  {MEASURES[m.key]:36s} {m.gap:+6.1f}  (varies by about {m.spread:.1f})")
    return 0
