"""``facecoach export``: today's (or a named) routine as an audio file for a phone."""

from __future__ import annotations

import argparse
import contextlib
import sys
from datetime import date
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn

from .._core.loader import RoutineFileError
from .._core.plan import Personal, compile_plan
from .._live.export import FORMATS, ExportProblem, ExportStage, check_target, export_session
from .._live.export_tags import can_tag
from .._live.wiring import speaker_for
from .._paths import places
from .._person.errors import RunRefused
from .._person.history import person_plan, today_for
from .._person.own_routine import person_library
from .._person.profile import ProfileProblem, load_profile
from .._sound.speech import TtsUnavailable
from .failure import CommandFailed
from .options import SettingsProblem, add_sound_arguments, sound_options

__all__ = ["ProgressBars", "add_export_command"]


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


def _clock(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes}:{rest:02d}"


class ProgressBars:
    """Bars on the terminal, one a stage, each saying what is being made and how far."""

    def __init__(self, out: Path, console: Console | None = None) -> None:
        self.out = out
        self._bars = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.fields[amount]}"),
            console=console or Console(stderr=True),
        )
        self._tasks: dict[ExportStage, TaskID] = {}

    def __enter__(self) -> ProgressBars:
        self._bars.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._bars.stop()

    def __call__(self, stage: ExportStage, done: float, total: float) -> None:
        """Move the bar of ``stage`` (see ``ExportProgress``)."""
        amount = (
            f"{int(done)} of {int(total)} lines"
            if stage == "lines"
            else f"{_clock(done)} of {_clock(total)}"
        )
        task = self._tasks.get(stage)
        if task is None:
            what = {
                "lines": "Making the spoken lines",
                "measure": "Measuring the loudness",
                "write": f"Writing {self.out.name}",
            }[stage]
            task = self._tasks[stage] = self._bars.add_task(what, total=total, amount=amount)
        self._bars.update(task, completed=done, total=total, amount=amount)


def _export(args: argparse.Namespace) -> int:
    from .core import UsageProblem, resolve_routine

    try:  # before any work: the format and the place must be right
        check_target(args.out, chapters=args.chapters)
    except ExportProblem as error:
        raise CommandFailed(str(error), 2) from None
    where = places(args.data_dir)
    try:
        spec = args.routine
        profile = load_profile(where)
        mine = person_library(where, profile)
        if spec is None:
            decision = today_for(where, profile, mine, date.today())
            if decision.routine is None:
                raise CommandFailed(decision.said_with_command(), 3)
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
        raise CommandFailed(str(error), error.status) from None
    except ProfileProblem as error:
        raise CommandFailed(str(error), 1) from None
    except (UsageProblem, SettingsProblem, TtsUnavailable) as error:
        raise CommandFailed(str(error), 2) from None
    plan = compile_plan(
        routine,
        library,
        personal=Personal(person.side) if args.written_holds else person,
    )
    bars = ProgressBars(args.out) if sys.stderr.isatty() else None
    try:
        names = {eid: ex.name for eid, ex in library.exercises.items()}
        with bars or contextlib.nullcontext():
            result = export_session(
                plan, speaker, args.out, chapters=args.chapters, progress=bars, names=names
            )
    except (TtsUnavailable, ExportProblem) as error:
        raise CommandFailed(str(error), 1) from None
    except OSError as error:
        raise CommandFailed(f"cannot write {args.out}: {error.strerror or error}", 1) from None
    finally:
        speaker.close()
    minutes, seconds = divmod(round(result.seconds), 60)
    what = f"{len(result.files)} files in {result.path}" if args.chapters else str(result.path)
    print(
        f"Wrote {what}: {minutes}:{seconds:02d} ({plan.routine}, "
        f"{person.side or 'no side set'}), loudness {result.loudness:.1f} LUFS, "
        f"peak {result.peak_db:.1f} dBFS."
    )
    print(
        "It opens with how to use it safely: a recording cannot hear 'too tight', "
        "so pause the player whenever anything feels tight."
    )
    if not can_tag():
        print("(Not tagged with a title and chapters: the mutagen package is not installed.)")
    return 0
