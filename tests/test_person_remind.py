"""Reminders: session days as an iCalendar file, and a daily notice through a user timer
(a fake systemctl or crontab on PATH; nothing outside the temporary home is touched)."""

from __future__ import annotations

import os
import stat
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from pathlib import Path

import pytest
from icalendar import Calendar

from facecoach._cli.main import main
from facecoach._core.loader import builtin_library
from facecoach._person.profile import Profile
from facecoach._person.remind import ReminderTime, SessionDay, calendar_bytes, coming_days
from facecoach._person.remind_timer import parse_time, units_dir
from facecoach._person.schedule import Past
from fake_tools import fake_tool

MONDAY = date(2026, 11, 30)


def test_daily_stage_gives_a_session_every_day_for_eight_weeks() -> None:
    days = coming_days(Profile(side="left", stage="long-standing"), builtin_library(), [], MONDAY)
    assert [d.day for d in days] == [MONDAY + timedelta(days=k) for k in range(56)]
    assert days[0].routine == "starter"  # the very first session
    assert len({d.routine for d in days[1:8]}) > 1  # areas in rotation


def test_recent_stage_keeps_to_preferred_days_with_a_rest_between() -> None:
    profile = Profile(side="left", stage="recent", days=(0, 3))  # Monday and Thursday
    days = coming_days(profile, builtin_library(), [], MONDAY)
    assert days and all(d.day.weekday() in (0, 3) for d in days)
    assert len(days) == 16
    gaps = [(b.day - a.day).days for a, b in pairwise(days)]
    assert min(gaps) >= 2


def test_history_counts_a_session_done_today() -> None:
    profile = Profile(side="left", stage="recent")
    done = [Past(1, MONDAY, "starter", True, frozenset({"forehead"}))]
    days = coming_days(profile, builtin_library(), done, MONDAY)
    assert days[0].day > MONDAY + timedelta(days=1)


def test_no_days_before_movement_returns() -> None:
    assert coming_days(Profile(stage="not-yet"), builtin_library(), [], MONDAY) == []
    assert coming_days(Profile(), builtin_library(), [], MONDAY) == []


def test_the_calendar_has_a_timed_event_with_an_alert_per_session_day() -> None:
    days = coming_days(Profile(stage="long-standing"), builtin_library(), [], MONDAY, weeks=1)
    data = calendar_bytes(days, ReminderTime(18, 30, 10))
    _strict_ical(data)
    parsed = Calendar.from_ical(data)
    events = list(parsed.walk("VEVENT"))
    assert len(events) == 7
    first = events[0]
    start = first.decoded("dtstart")
    assert start == datetime(2026, 11, 30, 18, 30) and start.tzinfo is None  # floating
    assert first.decoded("duration") == timedelta(minutes=days[0].minutes) > timedelta(0)
    assert str(first["summary"]).startswith("facecoach: ")
    assert len({str(e["uid"]) for e in events}) == 7
    assert all(e.decoded("dtstamp").tzinfo is not None for e in events)  # DTSTAMP is UTC
    alarms = [list(e.walk("VALARM")) for e in events]
    assert all(len(a) == 1 for a in alarms)
    assert {str(a[0]["action"]) for a in alarms} == {"DISPLAY"}
    assert {a[0].decoded("trigger") for a in alarms} == {timedelta(minutes=-10)}


def _strict_ical(data: bytes) -> None:
    """RFC 5545 by hand: CRLF lines of at most 75 octets, folded with one space,
    balanced BEGIN/END, and the properties every event and alarm needs."""
    assert data.endswith(b"\r\n")
    lines = data.split(b"\r\n")[:-1]
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
    assert all(len(line) <= 75 for line in lines), max(lines, key=len)
    text = data.decode("utf-8")  # a fold never splits a character
    unfolded = text.replace("\r\n ", "").split("\r\n")[:-1]
    stack: list[str] = []
    seen: dict[str, set[str]] = {}
    for line in unfolded:
        name, _, value = line.partition(":")
        if name == "BEGIN":
            stack.append(value)
            seen[value] = set()
        elif name == "END":
            assert stack.pop() == value
            need = {
                "VEVENT": {"UID", "DTSTAMP", "DTSTART", "SUMMARY"},
                "VALARM": {"ACTION", "TRIGGER", "DESCRIPTION"},
                "VCALENDAR": {"VERSION", "PRODID"},
            }.get(value, set())
            assert need <= seen[value], (value, need - seen[value])
        else:
            seen[stack[-1]].add(name.split(";")[0])
    assert stack == []


def test_user_text_is_escaped_and_folded() -> None:
    name = "Anna's plan; week 2, gently\nsecond line: " + "ééé " * 30
    day = SessionDay(MONDAY, "anna", name, "Your plan.", 12)
    data = calendar_bytes([day], ReminderTime(7, 5, 0))
    _strict_ical(data)
    assert b"\\;" in data and b"\\," in data and b"\\n" in data
    event = next(iter(Calendar.from_ical(data).walk("VEVENT")))
    assert str(event["summary"]) == f"facecoach: {name}"
    assert next(iter(event.walk("VALARM"))).decoded("trigger") == timedelta(0)


def test_remind_remembers_the_time_and_the_alert(tmp_path: Path) -> None:
    assert main(["profile", "--stage", "long-standing", "--side", "left"]) == 0
    out = tmp_path / "days.ics"
    assert main(["remind", "--ics", str(out), "--at", "18:30", "--alert-minutes", "20"]) == 0
    assert main(["remind", "--ics", str(out)]) == 0
    event = next(iter(Calendar.from_ical(out.read_bytes()).walk("VEVENT")))
    assert event.decoded("dtstart").time() == time(18, 30)
    assert next(iter(event.walk("VALARM"))).decoded("trigger") == timedelta(minutes=-20)
    assert main(["remind", "--ics", str(out), "--at", "25:00"]) == 2
    assert main(["remind", "--ics", str(out), "--alert-minutes", "-5"]) == 2


def test_remind_ics_command_writes_a_private_file(tmp_path: Path) -> None:
    assert main(["profile", "--stage", "long-standing", "--side", "left"]) == 0
    out = tmp_path / "days.ics"
    assert main(["remind", "--ics", str(out)]) == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert len(list(Calendar.from_ical(out.read_bytes()).walk("VEVENT"))) == 56


def test_remind_ics_refuses_before_movement_returns(tmp_path: Path) -> None:
    assert main(["profile", "--stage", "not-yet"]) == 0
    assert main(["remind", "--ics", str(tmp_path / "x.ics")]) == 3
    assert not (tmp_path / "x.ics").exists()


def test_install_and_uninstall_a_systemd_user_timer(fake_bin: Path, tmp_path: Path) -> None:
    log = tmp_path / "systemctl.log"
    fake_tool(fake_bin, "systemctl", f'echo "$@" >> {log}')
    config = Path(os.environ["XDG_CONFIG_HOME"])
    before = sorted(p for p in config.rglob("*")) if config.exists() else []
    assert main(["remind", "--install", "--at", "07:45"]) == 0
    timer = units_dir() / "facecoach-remind.timer"
    service = units_dir() / "facecoach-remind.service"
    assert units_dir().is_relative_to(config)
    assert "OnCalendar=*-*-* 07:45:00" in timer.read_text()
    assert "remind --notify" in service.read_text()
    calls = log.read_text().splitlines()
    assert calls == ["--user daemon-reload", "--user enable --now facecoach-remind.timer"]
    assert main(["remind", "--uninstall"]) == 0
    assert not timer.exists() and not service.exists()
    assert "--user disable --now facecoach-remind.timer" in log.read_text()
    after = sorted(p for p in config.rglob("*")) if config.exists() else []
    assert after == before  # nothing left behind


def test_install_falls_back_to_cron_and_leaves_other_lines(fake_bin: Path, tmp_path: Path) -> None:
    table = tmp_path / "crontab.txt"
    table.write_text("0 1 * * * /usr/bin/true # someone else's\n", encoding="utf-8")
    fake_tool(
        fake_bin,
        "crontab",
        f'case "$1" in -l) /bin/cat {table};; -r) /bin/rm -f {table};; -) /bin/cat > {table};; '
        "esac",
    )
    assert main(["remind", "--install", "--at", "18:05"]) == 0
    lines = table.read_text().splitlines()
    assert lines[0] == "0 1 * * * /usr/bin/true # someone else's"
    assert lines[1].startswith("5 18 * * * ") and lines[1].endswith("# facecoach-remind")
    assert main(["remind", "--install", "--at", "18:10"]) == 0  # again: replaced, not doubled
    assert len(table.read_text().splitlines()) == 2
    assert main(["remind", "--uninstall"]) == 0
    assert table.read_text().splitlines() == ["0 1 * * * /usr/bin/true # someone else's"]


def test_without_any_scheduler_the_message_points_to_the_calendar(fake_bin: Path) -> None:
    assert main(["remind", "--install"]) == 1


@pytest.mark.parametrize("text", ["7:5", "24:00", "12:60", "noon"])
def test_bad_times_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_time(text)
    assert parse_time("07:05") == (7, 5)


def test_the_daily_notice_takes_the_remembered_time(fake_bin: Path, tmp_path: Path) -> None:
    fake_tool(fake_bin, "systemctl", "exit 0")
    assert main(["profile", "--stage", "long-standing"]) == 0
    assert main(["remind", "--ics", str(tmp_path / "d.ics"), "--at", "18:30"]) == 0
    assert main(["remind", "--install"]) == 0
    timer = units_dir() / "facecoach-remind.timer"
    assert "OnCalendar=*-*-* 18:30:00" in timer.read_text()
    assert main(["remind", "--uninstall"]) == 0
