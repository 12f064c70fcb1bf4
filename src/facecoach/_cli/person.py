"""Commands of the person area: ``profile``, ``today``, ``history`` and ``report``."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any, cast

from .._core.frames import amount, minutes_text
from .._paths import PlaceProblem, Places, output_path, places, private_dir
from .._person.errors import RunRefused
from .._person.history import history_view, today_for
from .._person.profile import (
    SIDES,
    STAGES,
    UPKEEPS,
    ProfileProblem,
    SideName,
    Stage,
    UpkeepName,
    describe,
    load_profile,
    parse_days,
    save_profile,
)
from .._person.run import profile_for
from .._person.store import SessionRow
from .failure import CommandFailed
from .options import places_of, terminal_ask

__all__ = ["format_history", "register", "today_line"]


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this area's subcommands to the parser."""
    p = sub.add_parser("profile", help="show or change whom facecoach coaches")
    p.add_argument("--side", choices=SIDES, help="the affected side of the face")
    p.add_argument("--stage", choices=STAGES, help="where recovery stands (decides how often)")
    p.add_argument(
        "--days",
        metavar="DAYS",
        help="preferred days when not daily, e.g. 'mon wed fri' ('none' to clear)",
    )
    p.add_argument("--upkeep", choices=UPKEEPS, help="after-care upkeep, once restarted")
    p.add_argument(
        "--routine",
        metavar="FILE_OR_ID",
        help="make this routine your plan (a therapist's YAML file is checked and copied "
        "into your data folder; 'rotation' goes back to the built-in rotation)",
    )
    p.add_argument(
        "--routine-id", metavar="ID", help="with --routine FILE: which routine in the file"
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=_profile)

    p = sub.add_parser("today", help="is today a session day, which routine, and why")
    _date_argument(p)
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=_today)

    p = sub.add_parser("history", help="the sessions done so far")
    p.add_argument("--limit", type=int, metavar="N", help="only the last N sessions")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=_history)

    p = sub.add_parser("report", help="write a progress report (one HTML file with plots)")
    p.add_argument(
        "-o",
        "--out",
        type=Path,
        metavar="FILE.html",
        help="where to write it (default: report-DATE.html in your data folder)",
    )
    _date_argument(p)
    p.set_defaults(handler=_report)


def _date_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--date",
        type=_iso_date,
        metavar="YYYY-MM-DD",
        help="as if today were this date (default: today)",
    )


def _iso_date(text: str) -> date:
    from .._person.dates import DateProblem, read_day

    try:
        return read_day(text)
    except DateProblem as error:
        raise argparse.ArgumentTypeError(str(error)) from None


# ------------------------------------------------------------ profile


def _profile(args: argparse.Namespace) -> int:
    from .._core.loader import RoutineFileError
    from .._person.own_routine import PlanProblem, choose_routine

    where = places_of(args)
    if args.routine_id is not None and args.routine is None:
        raise CommandFailed("--routine-id goes with --routine FILE", 2)
    copied = None
    try:
        profile = load_profile(where)
        changed = profile
        if args.routine is not None:
            chosen = choose_routine(where, profile, args.routine, args.routine_id, date.today())
            changed, copied = chosen.profile, chosen.copy
        if args.side:
            changed = replace(changed, side=cast(SideName, args.side))
        if args.stage:
            changed = changed.with_stage(Stage(args.stage), date.today())
        if args.days is not None:
            days = () if args.days.strip().lower() in ("", "none") else parse_days(args.days)
            changed = replace(changed, days=days)
        if args.upkeep:
            changed = replace(changed, upkeep=cast(UpkeepName, args.upkeep))
        if changed != profile:
            # setting any value by hand counts as having answered the first-run questions
            changed = replace(changed, asked=True)
            save_profile(where, changed)
    except ValueError as error:
        raise CommandFailed(f"--days: {error}", 2) from None
    except RoutineFileError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        print("facecoach: the plan is unchanged; fix the file and choose it again", file=sys.stderr)
        return 1
    except PlanProblem as error:
        raise CommandFailed(f"--routine: {error}", 2) from None
    except ProfileProblem as error:
        raise CommandFailed(str(error), 1) from None
    except OSError as error:
        raise CommandFailed(f"cannot save the profile: {error.strerror or error}", 1) from None
    if args.json:
        print(json.dumps(changed.to_json()))
    else:
        print("\n".join(describe(changed)))
        if copied is not None:
            print(
                f"Your plan's routine is kept at {copied}: a later change to "
                f"{changed.routine_file} changes nothing until you choose it again."
            )
        if args.routine is not None and changed.routine is not None:
            print(
                "The built-in rotation is still there: facecoach run ROUTINE runs any routine, "
                "and facecoach profile --routine rotation goes back to it."
            )
        if changed.stage == "not-yet":
            print("Exercise sessions wait until movement starts to return.")
    return 0


# ------------------------------------------------------------ today


def today_line(data_dir: str | None) -> tuple[str, str]:
    """Today in one line, and what to type first, for bare ``facecoach``.

    Never asks and never fails.
    """
    from .._person.own_routine import person_library
    from .._person.profile import ProfileProblem, Stage, load_profile

    where = places(data_dir)
    start = "Start with 'facecoach run'."
    try:
        profile = load_profile(where)
        decision = today_for(where, profile, person_library(where, profile), date.today())
    except (RunRefused, ProfileProblem, OSError) as error:
        return f"Today: cannot tell ({error}).", "'facecoach today' says more."
    if not profile.asked:
        return "Today: not set up yet.", "Start with 'facecoach run': it asks some questions first."
    if profile.stage == Stage.NOT_YET:
        return (
            "Today: no exercise; movement has not started to return yet.",
            "'facecoach today' says what matters most for now.",
        )
    if profile.stage is None:
        return "Today: your stage of recovery is not set.", "'facecoach run' asks for it first."
    if decision.done_today:
        return "Today: done for today. Well done.", "See what you have done: facecoach history."
    if decision.routine is None:
        return "Today: no session.", "'facecoach today' says why."
    if decision.due:
        return f"Today: a session day ({decision.routine}).", start
    return "Today: a rest day.", "'facecoach today' says when the next session is."


def _progress_line(where: Places, day: date) -> None:
    """A word about the camera check when one is due and the face model is installed."""
    from .._person.progress_store import check_due
    from .._web.progress_assets import face_mesh_problem

    due = "" if face_mesh_problem(where) else check_due(where, day)
    if due:
        print(f"{due} (Progress page of facecoach serve)")


def _today(args: argparse.Namespace) -> int:
    from .._person.own_routine import person_library

    where = places_of(args)
    day = args.date or date.today()
    try:
        profile = profile_for(where, None if args.json else terminal_ask(), day)
        decision = today_for(where, profile, person_library(where, profile), day)
    except RunRefused as error:
        raise CommandFailed(str(error), error.status) from None
    if args.json:
        print(json.dumps(decision.to_json()))
        return 0
    when = day.strftime("%a %d %b %Y")
    if decision.routine is None:
        head = f"{when}: no session."
    elif decision.done_today:
        head = f"{when}: done for today."
    elif decision.stage is None:
        head = f"{when}: your stage is not set. Next routine: {decision.routine}"
    elif decision.due:
        head = f"{when}: a session day. Routine: {decision.routine} (start it: facecoach run)"
    else:
        head = f"{when}: a rest day."
    print(head)
    for reason in decision.reasons:
        print(f"  - {reason}")
    if decision.command:
        print(f"  To change it: {decision.command}")
    if decision.next_due is not None:
        nxt = decision.next_due.strftime("%a %d %b")
        print(f"Next session day: {nxt}" + (f" ({decision.routine})" if decision.routine else ""))
    _progress_line(where, day)
    return 0


# ------------------------------------------------------------ history


def _history(args: argparse.Namespace) -> int:
    try:
        rows, _ = history_view(places_of(args))
    except RunRefused as error:
        raise CommandFailed(str(error), error.status) from None
    if args.limit is not None:
        rows = rows[-args.limit :] if args.limit > 0 else []
    if args.json:
        print(json.dumps([_row_json(r) for r in rows]))
        return 0
    print(format_history(rows[::-1]))  # newest first, as the web app lists them
    return 0


def _row_json(row: SessionRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "date": row.day,
        "started": row.started,
        "routine": row.routine,
        "minutes": round(row.seconds / 60, 1),
        "completed_steps": row.completed_steps,
        "planned_steps": row.planned_steps,
        "too_tight": row.too_tight,
        "status": row.status,
        "simulated": row.simulated,
    }


def format_history(rows: list[SessionRow]) -> str:
    """The sessions as a plain text table, in the order given (plain, so years print at once)."""
    if not rows:
        return "No sessions yet. Start one with: facecoach run"
    width = max(len("routine"), *(len(r.routine) for r in rows))
    lines = [
        f"{'date':<10}  {'routine':<{width}}  {'minutes':>7}  {'steps done':>10}  "
        "too tight  how it ended"
    ]
    for r in rows:
        steps = f"{r.completed_steps} of {r.planned_steps}"
        status = r.ending + (" (simulated)" if r.simulated else "")
        lines.append(
            f"{r.day:<10}  {r.routine:<{width}}  {minutes_text(r.seconds):>7}  {steps:>10}  "
            f"{r.too_tight:>9}  {status}"
        )
    done = sum(1 for r in rows if r.status == "done")
    minutes = sum(r.seconds for r in rows) / 60
    simulated = sum(1 for r in rows if r.simulated)
    aside = f"; {simulated} simulated, never counted" if simulated else ""
    lines.append(
        f"{amount(len(rows), 'session')} ({done} finished{aside}), "
        f"{amount(round(minutes), 'minute')} in all."
    )
    return "\n".join(lines)


# ------------------------------------------------------------ report


def _report(args: argparse.Namespace) -> int:
    from .._person.own_routine import person_library
    from .._person.report import write_report
    from .._person.report_data import gather

    where = places_of(args)
    day = args.date or date.today()
    out: Path = args.out or where.data / f"report-{day.isoformat()}.html"
    try:  # before any work, as export does: -o must name a file in a folder that is there
        if args.out is None:
            private_dir(where.data)
        output_path(out)
    except PlaceProblem as error:
        raise CommandFailed(f"cannot write {out}: {error.strerror}", 2) from None
    try:
        profile = load_profile(where)
        data = gather(where, profile, person_library(where, profile), day)
    except ProfileProblem as error:
        raise CommandFailed(str(error), 1) from None
    except RunRefused as error:
        raise CommandFailed(str(error), error.status) from None
    try:
        write_report(out, data)
    except OSError as error:
        raise CommandFailed(str(error.strerror or error), 1) from None
    print(f"Report written to {out} ({amount(len(data.sessions), 'session')}).")
    if args.out is None:
        print(f"Open it in a web browser: {out.resolve().as_uri()}")
    return 0
