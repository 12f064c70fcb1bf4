"""The ``facecoach`` command: builds the parser from each area's commands."""

from __future__ import annotations

import argparse
import importlib
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from types import FrameType, ModuleType

from .failure import CommandFailed

__all__ = ["EXIT_SIGINT", "EXIT_SIGTERM", "Terminated", "build_parser", "main"]

EXIT_SIGINT = 128 + signal.SIGINT
"""130: stopped by Ctrl-C (SIGINT), as shells report it."""
EXIT_SIGTERM = 128 + signal.SIGTERM
"""143: stopped by SIGTERM (``kill``, a closed terminal, a service manager)."""


class Terminated(BaseException):
    """SIGTERM (or SIGHUP) arrived outside a live session: unwind (closing files, the
    lock) and exit 143 (129).

    A ``BaseException``, like ``KeyboardInterrupt``, so no ``except Exception`` swallows it.
    """

    def __init__(self, exit_status: int = EXIT_SIGTERM) -> None:
        super().__init__()
        self.exit_status = exit_status


_AREAS: dict[str, tuple[str, ...]] = {
    "core": ("validate", "routines", "plan", "run"),
    "sound": ("voices", "devices", "export"),
    "config": ("settings",),
    "voice": ("listen", "check", "model"),
    "enroll": ("enroll",),
    "person": ("profile", "today", "history", "report"),
    "progress": ("progress",),
    "web": ("sheet", "serve", "remind"),
}
"""Which module registers which subcommands (so a command imports only its own)."""

_OVERVIEW: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Every day", ("run", "today", "history", "report", "progress")),
    ("Setting up", ("profile", "check", "enroll", "devices", "voices", "settings", "model")),
    ("Routines", ("routines", "plan", "validate", "sheet", "export")),
    ("Other ways in", ("serve", "remind", "listen")),
)

"""The commands as bare ``facecoach`` lists them, by what people use them for."""


def _area_modules(argv: Sequence[str]) -> list[ModuleType]:
    """The modules needed to parse ``argv``: one area when the command is known.

    Sound and voice pull in numpy and audio libraries; ``today`` and
    ``history`` should not wait for them.
    """
    if "--version" in argv:
        return []
    words = iter(argv)
    for word in words:
        if word == "--data-dir":
            next(words, None)
            continue
        if word.startswith("-"):
            continue
        for module, commands in _AREAS.items():
            if word in commands:
                return [importlib.import_module(f"facecoach._cli.{module}")]
        break
    return [importlib.import_module(f"facecoach._cli.{module}") for module in _AREAS]


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The argument parser (with only the area ``argv`` needs, when given)."""
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
    parser.add_argument("--version", action="version", version=f"facecoach {version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for module in _area_modules(argv or ()):
        module.register(sub)
    return parser


def version() -> str:
    """This installation's version, from the package metadata."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as metadata_version

    try:
        return metadata_version("facecoach")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


def overview(data_dir: str | None) -> str:
    """What bare ``facecoach`` says: what it is, where today stands, what to type."""
    from .person import today_line

    today, start = today_line(data_dir)
    lines = ["facecoach: a hands-free coach for facial palsy home exercise.", today, ""]
    for heading, commands in _OVERVIEW:
        lines.append(f"{heading + ':':<15}{', '.join(commands)}")
    lines += ["", f"{start} More about any command: facecoach COMMAND --help"]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status.

    0 done (or a session stopped by the person), 1 a bad file or data, 2 a
    usage or device problem, 3 refused by the safety gate or a session already
    running, 130 Ctrl-C (SIGINT), 143 SIGTERM. A live session stopped by a
    signal is still kept in the history, as stopped.
    """
    arguments = list(sys.argv[1:] if argv is None else argv)
    with _sigterm_unwinds():
        try:
            if not arguments or (len(arguments) == 2 and arguments[0] == "--data-dir"):
                print(overview(arguments[1] if arguments else None))
                return 0
            args = build_parser(arguments).parse_args(arguments)
            status: int = args.handler(args)
        except CommandFailed as failure:
            print(f"facecoach: {failure}", file=sys.stderr)
            return failure.status
        except KeyboardInterrupt as error:  # a live session's second signal says which
            print("\nStopped.", file=sys.stderr)
            return int(getattr(error, "exit_status", EXIT_SIGINT))
        except Terminated as error:
            print("\nStopped (terminated).", file=sys.stderr)
            return error.exit_status
        except BrokenPipeError:  # output piped into `head` and the like
            sys.stderr.close()
            return 0
    return status


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise Terminated(128 + signum)


@contextmanager
def _sigterm_unwinds() -> Iterator[None]:
    """While a command runs, SIGTERM raises ``Terminated`` (the live loop has its own)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    hangup = getattr(signal, "SIGHUP", None)  # the terminal closed (not on Windows)
    previous: dict[int, Callable[[int, FrameType | None], object] | int | None] = {}
    for signum in (signal.SIGTERM, *([hangup] if hangup is not None else [])):
        previous[signum] = signal.signal(signum, _raise_terminated)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            if handler is not None:
                signal.signal(signum, handler)
