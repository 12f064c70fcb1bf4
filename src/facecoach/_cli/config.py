"""``facecoach settings``: what is remembered between runs, and forgetting it."""

from __future__ import annotations

import argparse
import sys

from .._paths import places
from .options import SettingsProblem, forget_choices, saved_settings, sound_fields

__all__ = ["register"]


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``settings`` command to the parser."""
    p = sub.add_parser("settings", help="show or forget the remembered sound settings")
    p.add_argument(
        "--reset",
        nargs="*",
        metavar="KEY",
        choices=sound_fields(),
        help="forget these settings (all of them when no KEY is given)",
    )
    p.set_defaults(handler=_settings)


def _settings(args: argparse.Namespace) -> int:
    where = places(args.data_dir)
    if args.reset is not None:
        try:
            gone = forget_choices(where, args.reset)
        except OSError as error:
            print(f"facecoach: {error.strerror}", file=sys.stderr)
            return 1
        print(f"Forgot: {', '.join(gone)}." if gone else "Nothing to forget.")
        return 0
    try:
        saved = saved_settings(where)
    except SettingsProblem as error:  # 2, as from every command that reads the file
        print(f"facecoach: {error}", file=sys.stderr)
        return 2
    print(f"Settings file: {where.config_file}")
    if not saved:
        print("Nothing remembered yet: every setting is at its default.")
    for key in sorted(saved):
        print(f"  {key}: {saved[key]}")
    return 0
