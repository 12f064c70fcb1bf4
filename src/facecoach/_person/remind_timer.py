"""A daily desktop reminder on session days, through the user's own scheduler.

``install`` writes a systemd user timer and service (``~/.config/systemd/user``,
or ``$XDG_CONFIG_HOME``) and enables it with ``systemctl --user``; where there
is no systemctl, one marked line in the user's crontab. Nothing needs root,
and ``uninstall`` takes away everything ``install`` made.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .._paths import read_regular, replace_file
from .plan_fields import parse_clock

__all__ = [
    "Installed",
    "RemindProblem",
    "UnsafeCommand",
    "install",
    "parse_time",
    "systemd_word",
    "uninstall",
    "units_dir",
]

UNIT = "facecoach-remind"
_MARK = "# facecoach-remind"


class RemindProblem(Exception):
    """The reminder could not be set up or taken away; the message says why."""


class UnsafeCommand(RemindProblem):
    """The command holds what a unit file or crontab line cannot carry (a line break)."""


@dataclass(frozen=True)
class Installed:
    """What ``install`` or ``uninstall`` did, for the person to read."""

    how: str
    """systemd or cron."""
    files: tuple[Path, ...] = ()
    message: str = ""


def parse_time(text: str) -> tuple[int, int]:
    """``HH:MM`` as (hour, minute); ``ValueError`` otherwise."""
    clock = parse_clock(text)
    if clock is None:
        raise ValueError(f"{text!r} is not a time like 09:30")
    return clock


def units_dir() -> Path:
    """Where systemd looks for this user's own units."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "systemd" / "user"


def _run(command: Sequence[str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            list(command), input=stdin, capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise RemindProblem(f"{command[0]} did not run: {error}") from None


def _checked(command: Sequence[str], stdin: str | None = None) -> None:
    done = _run(command, stdin)
    if done.returncode != 0:
        why = (done.stderr or done.stdout).strip() or f"status {done.returncode}"
        raise RemindProblem(f"{' '.join(command)} failed: {why}")


def install(command: Sequence[str], hour: int, minute: int) -> Installed:
    """Run ``command`` every day at ``hour:minute`` (it says something only on session days)."""
    systemctl = shutil.which("systemctl")
    if systemctl is not None:
        return _install_systemd(systemctl, command, hour, minute)
    crontab = shutil.which("crontab")
    if crontab is not None:
        return _install_cron(crontab, command, hour, minute)
    raise RemindProblem(
        "neither systemctl nor crontab is here; use 'facecoach remind --ics FILE' "
        "and import it into your calendar instead"
    )


def uninstall() -> Installed:
    """Take away the timer (or the crontab line) and every file it needed."""
    removed: list[Path] = []
    systemctl = shutil.which("systemctl")
    folder = units_dir()
    timer, service = folder / f"{UNIT}.timer", folder / f"{UNIT}.service"
    if systemctl is not None and timer.exists():
        _run([systemctl, "--user", "disable", "--now", f"{UNIT}.timer"])
    for path in (timer, service):
        if path.exists():
            path.unlink()
            removed.append(path)
    if removed and systemctl is not None:
        _run([systemctl, "--user", "daemon-reload"])
    for empty in (folder, folder.parent):  # only folders left empty by us
        if removed and empty.is_dir() and not any(empty.iterdir()):
            empty.rmdir()
    crontab = shutil.which("crontab")
    cron = False
    if crontab is not None:
        lines = _cron_lines(crontab)
        kept = [line for line in lines if _MARK not in line]
        if len(kept) != len(lines):
            cron = True
            if kept:
                _checked([crontab, "-"], "\n".join(kept) + "\n")
            else:
                _checked([crontab, "-r"])
    if not removed and not cron:
        return Installed("none", (), "No reminder was set up; nothing to take away.")
    how = "systemd" if removed else "cron"
    return Installed(how, tuple(removed), "The daily reminder is gone.")


def _install_systemd(systemctl: str, command: Sequence[str], hour: int, minute: int) -> Installed:
    folder = units_dir()
    made = [f for f in (folder.parent, folder) if not f.exists()]
    folder.mkdir(parents=True, exist_ok=True)
    service = folder / f"{UNIT}.service"
    timer = folder / f"{UNIT}.timer"
    units = {
        service: "[Unit]\n"
        "Description=facecoach: a reminder on session days\n\n"
        "[Service]\n"
        "Type=oneshot\n"
        f"ExecStart={' '.join(systemd_word(word) for word in command)}\n",
        timer: "[Unit]\n"
        "Description=facecoach: look each day whether it is a session day\n\n"
        "[Timer]\n"
        f"OnCalendar=*-*-* {hour:02d}:{minute:02d}:00\n"
        "Persistent=true\n\n"
        "[Install]\n"
        "WantedBy=timers.target\n",
    }
    before = {path: _old(path) for path in units}
    try:
        for path, text in units.items():
            replace_file(path, text.encode("utf-8"), mode=_UNIT_MODE)
        _checked([systemctl, "--user", "daemon-reload"])
        _checked([systemctl, "--user", "enable", "--now", f"{UNIT}.timer"])
    except (RemindProblem, OSError) as error:
        _put_back(before, made)  # all or nothing: no half-installed reminder
        _run_quietly([systemctl, "--user", "daemon-reload"])
        if isinstance(error, RemindProblem):
            raise
        raise RemindProblem(f"cannot write the timer: {error.strerror or error}") from None
    return Installed(
        "systemd",
        (service, timer),
        f"A reminder will show at {hour:02d}:{minute:02d} on session days "
        f"(systemd user timer {UNIT}.timer).",
    )


_UNIT_MODE = 0o644
"""Unit files as systemd's own tools write them; they say nothing about the person."""


def systemd_word(word: str) -> str:
    """``word`` as one quoted word of a systemd ``ExecStart=`` line.

    Inside double quotes systemd reads C escapes, ``%`` specifiers and ``$``
    variables, so each is doubled or escaped; a control character (a newline
    would start a line of its own) is refused: ``RemindProblem``.
    """
    _refuse_controls(word)
    if word and all(c.isascii() and (c.isalnum() or c in _PLAIN) for c in word):
        return word
    escaped = word.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("%", "%%").replace("$", "$$") + '"'


_PLAIN = frozenset("_./:=@+,-")
"""Characters a systemd word may hold unquoted."""


def _refuse_controls(word: str) -> None:
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in word):
        raise UnsafeCommand(
            f"{word!r} holds a control character (such as a line break); a reminder cannot "
            "run it. Choose a data folder whose name has none."
        )


def _old(path: Path) -> bytes | None:
    try:
        return read_regular(path, limit=1_000_000)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise RemindProblem(f"cannot use {path}: {error.strerror or error}") from None


def _put_back(before: dict[Path, bytes | None], made: Sequence[Path]) -> None:
    for path, old in before.items():
        with contextlib.suppress(OSError):
            if old is None:
                path.unlink(missing_ok=True)
            else:
                replace_file(path, old, mode=_UNIT_MODE)
    for folder in reversed(made):
        with contextlib.suppress(OSError):
            folder.rmdir()


def _run_quietly(command: Sequence[str]) -> None:
    with contextlib.suppress(RemindProblem):
        _run(command)


def _cron_lines(crontab: str) -> list[str]:
    done = _run([crontab, "-l"])
    if done.returncode != 0:  # "no crontab for this user"
        return []
    return [line for line in done.stdout.splitlines() if line.strip()]


def _install_cron(crontab: str, command: Sequence[str], hour: int, minute: int) -> Installed:
    for word in command:
        _refuse_controls(word)
    lines = [line for line in _cron_lines(crontab) if _MARK not in line]
    bus = f"DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/{os.getuid()}/bus"
    # cron reads an unescaped % as the end of the command
    line = shlex.join(command).replace("%", "\\%")
    lines.append(f"{minute} {hour} * * * {bus} {line} {_MARK}")
    _checked([crontab, "-"], "\n".join(lines) + "\n")
    return Installed(
        "cron",
        (),
        f"A reminder will show at {hour:02d}:{minute:02d} on session days "
        "(a line in your crontab).",
    )
