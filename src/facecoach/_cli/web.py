"""Commands beyond the terminal: ``sheet``, ``serve`` and ``remind``.

Each handler imports what it needs when it runs, so ``facecoach validate``
and the other commands never load the web server or the calendar library.
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from .._paths import PlaceProblem, Places, output_path, replace_file
from .._person.errors import RunRefused
from .options import add_sound_arguments, places_of, sound_options
from .voice_options import add_run_voice_arguments

if TYPE_CHECKING:
    from collections.abc import Callable

    from .._core.ports import CommandSource, SpeechGate
    from .._person.profile import Profile

__all__ = ["register"]


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this area's subcommands to the parser."""
    p = sub.add_parser("sheet", help="write a printable sheet of a routine, with face pictures")
    p.add_argument(
        "routine",
        nargs="?",
        metavar="ROUTINE",
        help="a built-in routine id, or a YAML file (default: today's routine, your plan's "
        "when you chose one)",
    )
    p.add_argument("--routine", dest="routine_id", metavar="ID", help="which routine in the file")
    p.add_argument("--side", choices=("left", "right"), help="the affected side, for this sheet")
    p.add_argument(
        "--name", default="", metavar="NAME", help="the person's name, printed at the top"
    )
    p.add_argument("-o", "--out", required=True, type=Path, metavar="FILE.html")
    p.set_defaults(handler=_sheet)

    p = sub.add_parser("serve", help="open facecoach in your web browser (this computer only)")
    p.add_argument(
        "--port", type=int, metavar="N", help="listen on this port (default: a free one)"
    )
    p.add_argument(
        "--no-browser", action="store_true", help="print the link but do not open a browser"
    )
    p.add_argument(
        "--file",
        action="append",
        default=[],
        metavar="FILE",
        help="also offer the exercises and routines of this YAML file",
    )
    add_sound_arguments(p)
    add_run_voice_arguments(p)
    p.set_defaults(handler=_serve)

    p = sub.add_parser("remind", help="session-day reminders: a calendar file or a daily notice")
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument(
        "--ics", type=Path, metavar="FILE", help="write the next 8 weeks' session days"
    )
    what.add_argument("--install", action="store_true", help="a daily notice on session days")
    what.add_argument("--uninstall", action="store_true", help="take the daily notice away")
    what.add_argument("--notify", action="store_true", help=argparse.SUPPRESS)
    p.add_argument(
        "--at",
        metavar="HH:MM",
        help="your time for sessions, for the calendar's events and the notice "
        "(remembered; 09:00 until you choose)",
    )
    p.add_argument(
        "--alert-minutes",
        type=int,
        metavar="N",
        help="with --ics: the calendar alerts N minutes before (remembered; 15 until you choose)",
    )
    p.set_defaults(handler=_remind)


def _fail(message: str, status: int = 1) -> int:
    print(f"facecoach: {message}", file=sys.stderr)
    return status


def _refuse_output(path: Path) -> int | None:
    """Exit status 2 when ``-o`` cannot name a file there (said before any work), else None."""
    try:
        output_path(path)
    except PlaceProblem as error:
        return _fail(f"cannot write {path}: {error.strerror}", 2)
    return None


# ------------------------------------------------------------ sheet


def _sheet(args: argparse.Namespace) -> int:
    from .._core.loader import RoutineFileError
    from .._core.plan import compile_plan
    from .._person.history import person_plan, today_for
    from .._person.own_routine import person_library_for
    from .._person.profile import ProfileProblem, load_profile
    from .._web.sheet import render_sheet
    from .core import UsageProblem, resolve_routine

    where = places_of(args)
    refused = _refuse_output(args.out)
    if refused is not None:
        return refused
    try:
        own = person_library_for(where)
        spec = args.routine
        if spec is None:
            spec = today_for(where, load_profile(where), own, date.today()).routine
            if spec is None:
                return _fail("no routine today; name one (see 'facecoach routines')", 2)
        routine, library = resolve_routine(spec, args.routine_id, own)
        mine = person_plan(where, args.side, library)
    except RoutineFileError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return 1
    except UsageProblem as error:
        return _fail(str(error), 2)
    except ProfileProblem as error:
        return _fail(str(error))
    except RunRefused as error:
        return _fail(str(error), error.status)
    plan = compile_plan(routine, library, personal=mine)
    page = render_sheet(
        routine,
        library,
        person_side=mine.side,
        hold_factors=dict(mine.hold_factors),
        minutes=plan.total_seconds / 60,
        name=args.name,
    )
    try:
        # private and whole: the sheet may carry the person's name
        replace_file(args.out, page.encode("utf-8"))
    except OSError as error:
        return _fail(str(error.strerror or error))
    print(
        f"Sheet written to {args.out} ({len(routine.items)} exercises). Print it on A4 or Letter."
    )
    return 0


# ------------------------------------------------------------ serve


def _serve(args: argparse.Namespace) -> int:
    from .._core.loader import RoutineFileError, load_library
    from .options import SettingsProblem
    from .voice_options import voice_settings

    if args.port is not None and not 0 < args.port < 65536:
        return _fail(f"--port {args.port}: must be from 1 to 65535", 2)
    try:
        options = replace(sound_options(args), keyboard=False)
    except SettingsProblem as error:
        return _fail(str(error), 2)
    except (ValueError, OverflowError, RecursionError) as error:  # a hand-edited file
        return _fail(
            f"{places_of(args).config_file}: cannot be read ({error}); fix or delete it", 2
        )
    if args.file:
        try:
            load_library(args.file)  # a bad file is said now, not on the first page
        except RoutineFileError as error:
            for problem in error.problems:
                print(problem, file=sys.stderr)
            return 1
    voice = voice_settings(args, options)
    where = places_of(args)

    def voice_sources() -> list[Callable[[SpeechGate], CommandSource]]:
        from .voice import voice_sources as make

        return list(make(voice, where, say=print)) if voice is not None else []

    from .._web.security import new_token
    from .._web.serve import serve
    from .._web.settings import ServeSettings
    from .._web.take_input import whisper_take_input

    hearing = None
    if voice is not None and voice.mic_file is None:
        from .._voice.headset import check_microphone

        hearing = functools.partial(check_microphone, voice, where)
    enrolment, enrolment_off = whisper_take_input(voice, where)
    settings = ServeSettings(
        where=where,
        sound=options,
        token=new_token(),
        port=args.port or 0,
        files=tuple(args.file),
        voice=voice_sources,
        hearing=hearing,
        enrolment=enrolment,
        enrolment_off=enrolment_off,
    )
    return serve(settings, open_browser=not args.no_browser)


# ------------------------------------------------------------ remind


def _remind(args: argparse.Namespace) -> int:
    from .._person.own_routine import person_library
    from .._person.plan_fields import ALERT_MAX
    from .._person.profile import ProfileProblem, load_profile, save_profile
    from .._person.remind_timer import (
        RemindProblem,
        UnsafeCommand,
        install,
        parse_time,
        uninstall,
    )

    where = places_of(args)
    if args.uninstall:
        try:
            print(uninstall().message)
        except RemindProblem as error:
            return _fail(str(error))
        return 0
    if args.at is not None:
        try:
            parse_time(args.at)
        except ValueError as error:
            return _fail(f"--at: {error}", 2)
    if args.alert_minutes is not None and not 0 <= args.alert_minutes <= ALERT_MAX:
        return _fail(f"--alert-minutes {args.alert_minutes}: give 0 to {ALERT_MAX} minutes", 2)
    if args.ics is not None:
        refused = _refuse_output(args.ics)
        if refused is not None:
            return refused
    try:
        profile = load_profile(where)
    except ProfileProblem as error:
        return _fail(str(error))
    chosen = replace(
        profile,
        remind_at=args.at.strip() if args.at is not None else profile.remind_at,
        alert_minutes=profile.alert_minutes if args.alert_minutes is None else args.alert_minutes,
    )
    hour, minute = parse_time(chosen.remind_at)
    if args.notify:
        return _notify(where, profile)
    if args.install:
        command = [sys.executable, "-m", "facecoach"]
        root = args.data_dir or os.environ.get("FACECOACH_HOME")
        if root:  # the timer runs without this shell's environment: name the data itself
            command += ["--data-dir", str(Path(root).expanduser().resolve())]
        try:
            done = install([*command, "remind", "--notify"], hour, minute)
        except UnsafeCommand as error:
            return _fail(str(error), 2)
        except RemindProblem as error:
            return _fail(str(error))
        print(done.message)
        for path in done.files:
            print(f"  {path}")
        print("Take it away with: facecoach remind --uninstall")
        return _remember(where, profile, chosen, save_profile)
    from .._person.remind import ReminderTime, coming_days_for, write_calendar

    if profile.stage in (None, "not-yet"):
        why = (
            "movement has not yet started to return, so no session days are planned"
            if profile.stage
            else "your stage is not set (facecoach profile --stage ...), so no days can be planned"
        )
        return _fail(why, 3)
    when = ReminderTime(hour, minute, chosen.alert_minutes)
    try:
        days = coming_days_for(where, profile, person_library(where, profile), date.today())
        write_calendar(args.ics, days, when)
    except RunRefused as error:
        return _fail(str(error), error.status)
    except OSError as error:
        return _fail(str(error.strerror or error))
    first = days[0].day.isoformat() if days else "none"
    print(
        f"Calendar written to {args.ics}: {len(days)} session days in 8 weeks (first: {first}), "
        f"each at {chosen.remind_at} with an alert {chosen.alert_minutes} minutes before."
    )
    print("Open the file with your calendar (or send it to your phone) to add them.")
    return _remember(where, profile, chosen, save_profile)


def _remember(
    where: Places,
    before: Profile,
    after: Profile,
    save: Callable[[Places, Profile], object],
) -> int:
    """Keep a time or alert given on the command line for the next time."""
    if after == before:
        return 0
    try:
        save(where, after)
    except OSError as error:
        print(f"facecoach: could not remember the time: {error.strerror or error}", file=sys.stderr)
    return 0


def _notify(where: Places, profile: Profile) -> int:
    """The daily check the timer runs: a desktop notice on a session day, else nothing."""
    import shutil
    import subprocess

    from .._person.history import today_for
    from .._person.own_routine import person_library

    try:
        library = person_library(where, profile)
        decision = today_for(where, profile, library, date.today())
    except RunRefused as error:
        return _fail(str(error), error.status)
    if not decision.due or decision.routine is None:
        return 0
    routine = library.routines.get(decision.routine)
    name = routine.name if routine is not None else decision.routine
    text = f"Today is a session day: {name}. Start it with: facecoach run"
    sender = shutil.which("notify-send")
    if sender is None:
        print(text)
        return 0
    subprocess.run([sender, "--app-name=facecoach", "facecoach", text], check=False, timeout=30)
    return 0
