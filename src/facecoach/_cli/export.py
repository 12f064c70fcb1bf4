"""``facecoach export``: today's (or a named) routine as an audio file for a phone."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from .._core.loader import RoutineFileError
from .._core.plan import compile_plan
from .._live.export import FORMATS, ExportProblem, check_target, export_session
from .._live.export_tags import can_tag
from .._live.wiring import speaker_for
from .._paths import places
from .._person.errors import RunRefused
from .._person.history import person_plan, today_for
from .._person.own_routine import person_library
from .._person.profile import ProfileProblem, load_profile
from .._sound.speech import TtsUnavailable
from .options import SettingsProblem, add_sound_arguments, sound_options

__all__ = ["add_export_command"]


def add_export_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``export`` to the parser."""
    formats = ", ".join(FORMATS)
    p = sub.add_parser(
        "export", help=f"write a whole session to an audio file ({formats}) for a phone"
    )
    p.add_argument(
        "routine",
        nargs="?",
        metavar="ROUTINE",
        help="a built-in routine id, or a YAML file (default: today's routine)",
    )
    p.add_argument("--routine", dest="routine_id", metavar="ID", help="which routine in the file")
    p.add_argument(
        "--side", choices=("left", "right"), help="the affected side (default: your profile's)"
    )
    p.add_argument(
        "--written-holds",
        action="store_true",
        help="holds as the file writes them, not shortened after 'too tight'",
    )
    p.add_argument(
        "--chapters",
        action="store_true",
        help="one numbered file per exercise, in a folder named like the file",
    )
    p.add_argument(
        "-o", "--out", required=True, type=Path, metavar="FILE", help=f"the file: {formats}"
    )
    add_sound_arguments(p, live=False)
    p.set_defaults(handler=_export)


def _fail(text: str, status: int) -> int:
    print(f"facecoach: {text}", file=sys.stderr)
    return status


def _progress(done: int, total: int) -> None:
    if sys.stderr.isatty():
        end = "\n" if done == total else ""
        print(f"\rRendering the lines: {done} of {total}", end=end, file=sys.stderr, flush=True)


def _export(args: argparse.Namespace) -> int:
    from .core import UsageProblem, resolve_routine

    try:  # before any work: the format and the place must be right
        check_target(args.out, chapters=args.chapters)
    except ExportProblem as error:
        return _fail(str(error), 2)
    where = places(args.data_dir)
    try:
        spec = args.routine
        profile = load_profile(where)
        mine = person_library(where, profile)
        if spec is None:
            decision = today_for(where, profile, mine, date.today())
            if decision.routine is None:
                return _fail(decision.said_with_command(), 3)
            spec = decision.routine
        routine, library = resolve_routine(spec, args.routine_id, mine)
        person = person_plan(where, args.side, library)
        options = sound_options(args)
        speaker = speaker_for(options, where)
    except RoutineFileError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return 1
    except RunRefused as error:
        return _fail(str(error), error.status)
    except ProfileProblem as error:
        return _fail(str(error), 1)
    except (UsageProblem, SettingsProblem, TtsUnavailable) as error:
        return _fail(str(error), 2)
    plan = compile_plan(
        routine,
        library,
        person_side=person.person_side,
        hold_factors={} if args.written_holds else person.hold_factors,
    )
    try:
        names = {eid: ex.name for eid, ex in library.exercises.items()}
        result = export_session(
            plan, speaker, args.out, chapters=args.chapters, progress=_progress, names=names
        )
    except (TtsUnavailable, ExportProblem) as error:
        return _fail(str(error), 1)
    except OSError as error:
        return _fail(f"cannot write {args.out}: {error.strerror or error}", 1)
    finally:
        speaker.close()
    minutes, seconds = divmod(round(result.seconds), 60)
    what = f"{len(result.files)} files in {result.path}" if args.chapters else str(result.path)
    print(
        f"Wrote {what}: {minutes}:{seconds:02d} ({plan.routine}, "
        f"{person.person_side or 'no side set'}), loudness {result.loudness:.1f} LUFS, "
        f"peak {result.peak_db:.1f} dBFS."
    )
    print(
        "It opens with how to use it safely: a recording cannot hear 'too tight', "
        "so pause the player whenever anything feels tight."
    )
    if not can_tag():
        print("(Not tagged with a title and chapters: the mutagen package is not installed.)")
    return 0
