"""The ``facecoach`` command: builds the parser from each area's commands."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import _cli_core, _cli_person, _cli_sound, _cli_voice

__all__ = ["main"]


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser."""
    parser = argparse.ArgumentParser(
        prog="facecoach",
        description="Offline, hands-free coach for facial palsy home exercise. "
        "A coaching aid, not a treatment: work with a facial therapist where you can.",
    )
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="keep history, settings and caches here (default: your user data "
        "directory, or $FACECOACH_HOME)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for module in (_cli_core, _cli_sound, _cli_voice, _cli_person):
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        status: int = args.handler(args)
    except KeyboardInterrupt:
        print("\nStopped.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0
    return status
