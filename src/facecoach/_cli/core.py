"""Core commands: validate, routines, plan, and run."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from .._core.events import RecordEntry
from .._core.frames import whole_seconds
from .._core.loader import RoutineFileError, check_files, load_library
from .._core.plan import Plan, PlanStep, StepKind, compile_plan
from .._core.routine import Library, Routine
from .._core.session import Session
from .._core.simulate import ScriptedCommand, parse_scripted, simulate
from .._person.errors import RunRefused
from .._person.history import person_plan
from .._person.own_routine import person_library, person_library_for
from .._sound.speech_files import line_seconds
from .failure import CommandFailed
from .options import (
    SPEECH_KEYS,
    add_run_arguments,
    add_sound_arguments,
    person_run,
    places_of,
    remember_choices,
    sound_options,
)
from .voice_options import add_run_voice_arguments, voice_settings

__all__ = ["UsageProblem", "register", "resolve_routine"]


class UsageProblem(CommandFailed):
    """Something the person asked for cannot be done; the message says why (2)."""

    status = 2


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the core subcommands to the parser."""
    p = sub.add_parser("validate", help="check exercise and routine files")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.set_defaults(handler=_validate)

    p = sub.add_parser("routines", help="list the routines and exercises you can use")
    p.add_argument(
        "files", nargs="*", metavar="FILE", help="also list what these YAML files define"
    )
    p.add_argument("--file", action="append", default=[], metavar="FILE", help="the same as FILE")
    p.set_defaults(handler=_routines)

    p = sub.add_parser("plan", help="show the timed steps of a routine")
    _routine_arguments(p, optional=True)
    p.add_argument("--json", action="store_true", help="machine-readable output")
    _ready_argument(p)
    add_sound_arguments(p, live=False)  # lines already rendered in this voice are timed exactly
    p.set_defaults(handler=_plan)

    p = sub.add_parser("run", help="run a session")
    _routine_arguments(p, optional=True)
    p.add_argument(
        "--simulate",
        action="store_true",
        help="run on a simulated clock with no audio (finishes at once)",
    )
    p.add_argument(
        "--command",
        action="append",
        default=[],
        metavar="SECONDS:PHRASE",
        help="with --simulate: hear PHRASE at that simulated second "
        "(repeatable), e.g. --command 12.5:'too tight'",
    )
    p.add_argument("--json", action="store_true", help="with --simulate: one JSON object a line")
    _ready_argument(p)
    add_run_arguments(p)
    add_sound_arguments(p)
    add_run_voice_arguments(p)
    p.set_defaults(handler=_run)


def _ready_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= 15.0:
        raise argparse.ArgumentTypeError(f"{text!r}: give seconds from 0 to 15")
    return value


def _ready_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--ready",
        type=_ready_seconds,
        metavar="SECONDS",
        help="wait this long after each setup line, to get into place "
        "(0-15; default: each exercise's own, else 3)",
    )


def _routine_arguments(p: argparse.ArgumentParser, *, optional: bool = False) -> None:
    p.add_argument(
        "routine",
        nargs="?" if optional else None,
        metavar="ROUTINE",
        help="a built-in routine id, or a YAML file"
        + (" (default: today's routine)" if optional else ""),
    )
    p.add_argument(
        "--routine",
        dest="routine_id",
        metavar="ID",
        help="which routine, when the file holds more than one",
    )
    p.add_argument("--side", choices=("left", "right"), help="the affected side, for this run only")


# ------------------------------------------------------------------ helpers


def _print_problems(problems: Sequence[object]) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)


def resolve_routine(
    spec: str, routine_id: str | None, base: Library | None = None
) -> tuple[Routine, Library]:
    """Find the routine named by ``spec``: an id in ``base`` (default: the built-in
    library) or a YAML file.

    Raises ``RoutineFileError`` for a bad file and ``UsageProblem`` when the
    routine cannot be chosen.
    """
    looks_like_file = spec.endswith((".yaml", ".yml")) or os.sep in spec or os.path.exists(spec)
    if looks_like_file:
        library = load_library([spec])
        own = {rid: r for rid, r in library.routines.items() if r.source.startswith(f"{spec}:")}
        if routine_id is not None:
            if routine_id not in library.routines:
                raise UsageProblem(
                    f"{spec}: no routine '{routine_id}'; it has: {', '.join(own) or 'none'}"
                )
            return library.routines[routine_id], library
        if len(own) == 1:
            return next(iter(own.values())), library
        if not own:
            raise UsageProblem(
                f"{spec}: the file defines no routine; add one under "
                "'routines:' or name a built-in routine"
            )
        raise UsageProblem(
            f"{spec}: the file has {len(own)} routines; choose one with "
            f"--routine ({', '.join(own)})"
        )
    library = base if base is not None else load_library()
    wanted = routine_id or spec
    if wanted not in library.routines:
        import difflib

        close = difflib.get_close_matches(wanted, list(library.routines), n=1)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        raise UsageProblem(
            f"no routine or file named '{wanted}'.{hint} Routines: "
            f"{', '.join(sorted(library.routines))}"
        )
    return library.routines[wanted], library


def _prepare(args: argparse.Namespace) -> Plan:
    where = places_of(args)
    mine = person_library_for(where)
    spec = args.routine
    if spec is None:  # today's, as run and export choose it
        from datetime import date

        from .._person.history import today_for
        from .._person.profile import ProfileProblem, load_profile

        try:
            decision = today_for(where, load_profile(where), mine, date.today())
        except ProfileProblem as error:
            raise RunRefused(str(error), 1) from None
        if decision.routine is None:
            why = decision.reasons[0].rstrip(".") if decision.reasons else "none is due"
            raise UsageProblem(
                f"no routine today ({why}; 'facecoach today' says more). "
                "Name one to see it, for example: facecoach plan starter"
            )
        spec = decision.routine
    routine, library = resolve_routine(spec, args.routine_id, mine)
    options = sound_options(args)
    speech = line_seconds(where.cache / "speech", options.tts, options.voice, options.rate)
    person = person_plan(where, args.side, library)
    return compile_plan(
        routine,
        library,
        speech_seconds=speech,
        personal=person,
        ready=args.ready,
    )


def _guarded(args: argparse.Namespace, body: Callable[[argparse.Namespace], int]) -> int:
    """Run ``body(args)`` turning the person's mistakes into one-line messages."""
    try:
        status = body(args)
    except RoutineFileError as error:
        _print_problems(error.problems)
        return 1
    except RunRefused as error:  # the safety gate (3), a session running (3), bad history (1)
        print(f"facecoach: {error}", file=sys.stderr)
        return error.status
    return status


# ------------------------------------------------------------------ commands


def _validate(args: argparse.Namespace) -> int:
    problems = check_files(args.files)
    if problems:
        _print_problems(problems)
        return 1
    count = len(args.files)
    print(f"{count} file{'s' if count != 1 else ''} valid.")
    return 0


def _routines(args: argparse.Namespace) -> int:
    def body(args: argparse.Namespace) -> int:
        library = load_library([*args.files, *args.file])
        console = Console(highlight=False, markup=False)  # names are shown as written
        table = Table(title="Routines", title_justify="left")
        table.add_column("id", no_wrap=True)  # what a person types: always whole
        for column in ("name", "areas"):
            table.add_column(column)
        table.add_column("minutes", justify="right", no_wrap=True)
        for routine in sorted(library.routines.values(), key=lambda r: r.id):
            plan = compile_plan(routine, library)
            areas = ", ".join(a.value for a in library.areas_of(routine))
            minutes = max(1, round(plan.total_seconds / 60))
            table.add_row(Text(routine.id), Text(routine.name), areas, f"about {minutes}")
        console.print(table)
        table = Table(title="Exercises", title_justify="left")
        table.add_column("id", no_wrap=True)
        for column in ("name", "area", "kind"):
            table.add_column(column)
        for ex in sorted(library.exercises.values(), key=lambda e: (e.area.value, e.id)):
            table.add_row(Text(ex.id), Text(ex.name), ex.area.value, ex.kind.value)
        console.print(table)
        return 0

    return _guarded(args, body)


def _clock(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes:d}:{rest:02d}"


TABLE_ROWS = 300
"""Plans longer than this print as plain columns: rich's table measures every
cell again for each row, which took over a minute for 1000 exercises."""


def _what(step: PlanStep) -> str:
    if step.kind is StepKind.SAY:
        return f"say: {step.text}"
    if step.kind is StepKind.CUE:
        return f"cue {step.text}"
    if step.kind is StepKind.HOLD:
        what = f"hold {whole_seconds(step.seconds)} s"
        if step.written_seconds is not None and step.written_seconds != step.seconds:
            what += f" (written {whole_seconds(step.written_seconds)} s)"
        return what
    return f"rest {whole_seconds(step.seconds)} s" + (f" - {step.text}" if step.between else "")


def print_plan(plan: Plan, console: Console) -> None:
    """The plan as a table: time, exercise, what happens; then the total."""
    total = f"Total: {_clock(plan.total_seconds)}"
    rows = [(_clock(step.offset), step.exercise, _what(step)) for step in plan.steps]
    if len(rows) > TABLE_ROWS:
        clock_width = max(len(row[0]) for row in rows)
        name_width = max(len(row[1]) for row in rows)
        lines = [f"{plan.name} ({plan.routine})"]
        lines += [f"{a:>{clock_width}}  {b:<{name_width}}  {c}" for a, b, c in rows]
        console.file.write("\n".join([*lines, total]) + "\n")
        return
    table = Table(title=Text(f"{plan.name} ({plan.routine})"), title_justify="left")
    table.add_column("time", justify="right")
    table.add_column("exercise")
    table.add_column("what happens")
    for (clock, exercise, what), step in zip(rows, plan.steps, strict=True):
        shown = Text(what, style="dim" if step.kind is StepKind.CUE else "")
        table.add_row(clock, Text(exercise), shown)
    console.print(table)
    console.print(Text(total))


def _plan(args: argparse.Namespace) -> int:
    def body(args: argparse.Namespace) -> int:
        plan = _prepare(args)
        if args.json:
            print(json.dumps(plan.to_json(), ensure_ascii=False))
        else:
            print_plan(plan, Console(highlight=False, soft_wrap=True, markup=False))
        return 0

    return _guarded(args, body)


def _run(args: argparse.Namespace) -> int:
    def body(args: argparse.Namespace) -> int:
        try:
            scripted: list[ScriptedCommand] = [parse_scripted(s) for s in args.command]
        except ValueError as error:
            raise UsageProblem(str(error)) from None
        if scripted and not args.simulate:
            raise UsageProblem("--command works with --simulate only")
        if args.mic_file is not None and not (args.simulate or args.no_voice):
            _check_mic_file(args.mic_file)
        with person_run(args) as ctx:  # profile, gate, today's routine, history, lock
            for note in ctx.notes:
                print(note, file=sys.stderr)
            mine = person_library(ctx.where, ctx.profile)
            routine, library = resolve_routine(ctx.routine, args.routine_id, mine)
            plan = compile_plan(
                routine,
                library,
                personal=ctx.personal(library),
                ready=args.ready,
            )
            if not args.simulate:
                return _run_live(args, plan, ctx.recorder(plan, library))
            session = Session(plan)
            if args.pace:
                from .._live.paced import PacedSession

                session = PacedSession(plan, args.pace)
            log = simulate(plan, scripted, session=session, record=ctx.recorder(plan, library))
        for line in log:
            print(json.dumps(line, ensure_ascii=False) if args.json else _human(line))
        return 0

    return _guarded(args, body)


def _check_mic_file(path: str) -> None:
    """``--mic-file`` must be an audio file, said before the session (never a silent run)."""
    from .._voice.wavfile import MicError, check_audio_file

    try:
        check_audio_file(path)
    except MicError as error:
        raise UsageProblem(f"--mic-file: {error}") from None


def _run_live(
    args: argparse.Namespace,
    plan: Plan,
    recorder: Callable[[RecordEntry], None] | None,
) -> int:
    """A real-time session: sound out, keyboard and voice in, every step recorded."""
    options = sound_options(args)  # checked before anything starts
    voice = voice_settings(args, options)
    from .._live.wiring import run_live
    from .voice import voice_sources

    gated = voice_sources(voice, places_of(args), say=print) if voice is not None else []
    leave_out = [] if gated or voice is None else ["input_device"]

    def remember(chosen: bool) -> None:
        device = [] if chosen else ["output_device"]
        remember_choices(args, leave_out=[*leave_out, *device, *SPEECH_KEYS])

    def remember_speech(spoke: bool) -> None:
        # a voice is known to work only once the lines were said in it
        if spoke:
            remember_choices(args, only=SPEECH_KEYS)

    return run_live(
        plan,
        options,
        gated_sources=gated,
        recorder=recorder,
        on_started=remember,
        on_ended=remember_speech,
    )


_HUMAN = {
    "say": '"{text}"',
    "cue": "{name}",
    "ready": "{exercise} {seconds} s",
    "hold": "{exercise} {seconds} s",
    "rest": "{exercise} {seconds} s",
    "hold_end": "{exercise} after {actual} s ({reason})",
    "heard": "{command}",
    "paused": "{reason}",
    "resumed": "",
    "end": "{reason}: {completed_steps} of {planned_steps} steps",
}


def _human(line: dict[str, Any]) -> str:
    event = str(line["event"])
    detail = _HUMAN.get(event, "").format_map(line)
    return f"{_clock(float(line['t'])):>6}  {event:<8} {detail}"
