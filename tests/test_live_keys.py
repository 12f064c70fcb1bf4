"""Keyboard commands on a real pseudo-terminal and on a pipe; the terminal is
always given back as it was."""

from __future__ import annotations

import contextlib
import os
import pty
import queue
import signal
import termios
import time

from facecoach._core.commands import Command
from facecoach._core.ports import HeardCommand
from facecoach._live.keys import KEYS, KeyboardSource, key_help


def collect(q: queue.Queue[HeardCommand], n: int, timeout: float = 5.0) -> list[HeardCommand]:
    out: list[HeardCommand] = []
    deadline = time.monotonic() + timeout
    while len(out) < n and time.monotonic() < deadline:
        with contextlib.suppress(queue.Empty):
            out.append(q.get(timeout=0.05))
    return out


def test_keys_on_a_terminal_arrive_at_once_and_the_terminal_is_restored() -> None:
    master, slave = pty.openpty()
    before = termios.tcgetattr(slave)
    heard: queue.Queue[HeardCommand] = queue.Queue()
    source = KeyboardSource(slave, clock=lambda: 42.0)
    try:
        source.start(heard.put)
        during = termios.tcgetattr(slave)
        assert source.raw
        assert not during[3] & termios.ICANON  # no Enter needed
        assert not during[3] & termios.ECHO
        assert during[3] & termios.ISIG  # Ctrl-C still interrupts
        os.write(master, b"nrtp bshxN")  # x is no command; capitals work too
        got = collect(heard, 9)
    finally:
        source.stop()
        source.stop()
    assert [h.command for h in got] == [
        Command.NEXT,
        Command.REPEAT,
        Command.TOO_TIGHT,
        Command.PAUSE,
        Command.PAUSE,
        Command.BACK,
        Command.STOP,
        Command.HELP,
        Command.NEXT,
    ]
    assert got[4].text == "space"
    assert all(h.source == "keyboard" and h.at == 42.0 for h in got)
    assert termios.tcgetattr(slave) == before
    assert not source.raw
    os.close(master)
    os.close(slave)


def test_after_ctrl_z_and_fg_single_keys_work_again() -> None:
    # The shell puts the terminal back in line mode while the job is stopped;
    # on SIGCONT the source sets cbreak mode anew, and stopping puts both back.
    master, slave = pty.openpty()
    before = termios.tcgetattr(slave)
    handler_before = signal.getsignal(signal.SIGCONT)
    heard: queue.Queue[HeardCommand] = queue.Queue()
    source = KeyboardSource(slave)
    try:
        source.start(heard.put)
        termios.tcsetattr(slave, termios.TCSANOW, before)  # as the shell leaves it
        assert termios.tcgetattr(slave)[3] & termios.ICANON
        os.kill(os.getpid(), signal.SIGCONT)
        deadline = time.monotonic() + 2
        while termios.tcgetattr(slave)[3] & termios.ICANON and time.monotonic() < deadline:
            time.sleep(0.01)
        assert not termios.tcgetattr(slave)[3] & termios.ICANON
        os.write(master, b"p")  # no Enter
        assert [h.command for h in collect(heard, 1)] == [Command.PAUSE]
    finally:
        source.stop()
    assert termios.tcgetattr(slave) == before
    assert signal.getsignal(signal.SIGCONT) == handler_before
    os.close(master)
    os.close(slave)


def test_terminal_is_restored_when_used_as_a_context_manager_that_fails() -> None:
    master, slave = pty.openpty()
    before = termios.tcgetattr(slave)
    try:
        with KeyboardSource(slave) as source:
            source.start(lambda h: None)
            raise RuntimeError("the session crashed")
    except RuntimeError:
        pass
    assert termios.tcgetattr(slave) == before
    os.close(master)
    os.close(slave)


def test_keys_from_a_pipe_and_end_of_input() -> None:
    read_end, write_end = os.pipe()
    heard: queue.Queue[HeardCommand] = queue.Queue()
    source = KeyboardSource(read_end)
    source.start(heard.put)
    os.write(write_end, b"t\ns\n")
    os.close(write_end)
    got = collect(heard, 2)
    source.stop()
    os.close(read_end)
    assert [h.command for h in got] == [Command.TOO_TIGHT, Command.STOP]
    assert not source.raw


def test_every_command_has_a_key_and_the_help_line_names_them() -> None:
    assert set(KEYS.values()) == set(Command) - {Command.RESUME}  # p/space toggles
    for key in "nrtpbsh":
        assert key in key_help()
