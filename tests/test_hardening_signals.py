"""Hardening: exit codes follow convention (130 Ctrl-C, 143 SIGTERM) at start-up and
mid-session, a live session stopped by a signal is kept as stopped, and the terminal
is given back (echo on, cooked mode) on every exit path, Ctrl-\\ included."""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from facecoach._cli.main import main

termios = pytest.importorskip("termios")
pty = pytest.importorskip("pty")

FACECOACH = [sys.executable, "-m", "facecoach"]


def _env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "FACECOACH_HOME": str(tmp_path / "fc"), "HOME": str(tmp_path)}


def _ready_person(env: dict[str, str]) -> None:
    subprocess.run(
        [*FACECOACH, "profile", "--side", "left", "--stage", "recent"],
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )


def _history(env: dict[str, str]) -> list[dict[str, Any]]:
    out = subprocess.run(
        [*FACECOACH, "history", "--json"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    sessions: list[dict[str, Any]] = json.loads(out)
    return sessions


def _no_core_dump() -> None:  # runs in the child: Ctrl-\ must not leave a core file
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _wait_for_coach(live: subprocess.Popen[str]) -> str:
    """Read the child's output until the session speaks its first line."""
    assert live.stdout is not None
    seen = ""
    deadline = time.monotonic() + 120
    while "coach:" not in seen and time.monotonic() < deadline:
        line = live.stdout.readline()
        if not line:
            break
        seen += line
    assert "coach:" in seen, seen
    return seen


@pytest.mark.parametrize(("signum", "status"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_mid_session_exits_by_convention_and_keeps_the_session_as_stopped(
    tmp_path: Path, signum: int, status: int
) -> None:
    env = _env(tmp_path)
    _ready_person(env)
    live = subprocess.Popen(
        [*FACECOACH, "run", "starter", "--text-only", "--no-voice"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    _wait_for_coach(live)
    live.send_signal(signum)
    out, err = live.communicate(timeout=60)
    assert live.returncode == status, err
    assert "stopped: " in out
    (session,) = _history(env)
    assert (session["routine"], session["status"], session["simulated"]) == (
        "starter",
        "stop",
        False,
    )


@pytest.mark.parametrize(("signum", "status"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_during_start_up_exits_by_convention(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    signum: int,
    status: int,
) -> None:
    """The signal arrives while the output device is being chosen, before the session."""
    import facecoach._live.wiring as wiring

    data = str(tmp_path / "fc")
    assert main(["--data-dir", data, "profile", "--side", "left", "--stage", "recent"]) == 0

    def signalled(*args: object, **kwargs: object) -> object:
        signal.raise_signal(signum)
        raise AssertionError("the signal should have stopped the start")

    monkeypatch.setattr(wiring, "make_output", signalled)
    before = signal.getsignal(signal.SIGTERM)
    assert main(["--data-dir", data, "run", "starter", "--no-voice"]) == status
    assert "Stopped" in capsys.readouterr().err
    assert signal.getsignal(signal.SIGTERM) == before  # main put the handler back
    # nothing had started: no session row, and the lock is free for the next run
    assert main(["--data-dir", data, "history", "--json"]) == 0
    assert "starter" not in capsys.readouterr().out
    assert main(["--data-dir", data, "run", "starter", "--simulate", "--record"]) == 0


def _cooked(fd: int) -> bool:
    lflag = termios.tcgetattr(fd)[3]
    return bool(lflag & termios.ECHO) and bool(lflag & termios.ICANON)


@contextmanager
def _terminal() -> Iterator[int]:
    """A pseudo-terminal for the child's stdin; yields the end the child reads."""
    leader, follower = pty.openpty()
    try:
        assert _cooked(follower)
        yield follower
    finally:
        os.close(leader)
        os.close(follower)


@pytest.mark.parametrize(
    ("signum", "status"),
    [(signal.SIGQUIT, -signal.SIGQUIT), (signal.SIGTERM, 143), (signal.SIGINT, 130)],
)
def test_the_terminal_is_given_back_on_every_exit_path(
    tmp_path: Path, signum: int, status: int
) -> None:
    env = _env(tmp_path)
    _ready_person(env)
    with _terminal() as keyboard:
        live = subprocess.Popen(
            [*FACECOACH, "run", "starter", "--text-only", "--no-voice"],
            env=env,
            stdin=keyboard,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            preexec_fn=_no_core_dump,
        )
        _wait_for_coach(live)
        deadline = time.monotonic() + 60
        while _cooked(keyboard) and time.monotonic() < deadline:  # keys read one by one
            time.sleep(0.05)
        assert not _cooked(keyboard), "the keyboard never went into cbreak mode"
        live.send_signal(signum)
        _, err = live.communicate(timeout=60)
        assert live.returncode == status, err
        assert _cooked(keyboard), f"terminal left without echo after signal {signum}"
