"""Keyboard commands: one key each, read without Enter, at any time.

On a terminal the keyboard is put in cbreak mode (keys arrive at once, not
echoed; Ctrl-C still interrupts) and always put back as it was on ``stop``,
even when the reading thread fails, at exit, and before Ctrl-\\ (SIGQUIT)
ends the process the way it always does. Anything else (a pipe, a file) is read as
it comes, which is what the tests and scripted runs use.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import select
import signal
import sys
import threading
import time
from collections.abc import Callable, Mapping
from typing import IO, Any

from .._core.commands import Command
from .._core.ports import HeardCommand

try:  # POSIX terminals only; elsewhere keys are read as they come, in line mode
    import termios
    import tty
except ImportError:  # pragma: no cover - exercised by the import test with them hidden
    termios = None  # type: ignore[assignment]
    tty = None  # type: ignore[assignment]

__all__ = ["KEYS", "SPOKEN_KEYS", "KeyboardSource", "key_help"]

KEYS: Mapping[str, Command] = {
    "n": Command.NEXT,
    "r": Command.REPEAT,
    "t": Command.TOO_TIGHT,
    "p": Command.PAUSE,
    " ": Command.PAUSE,
    "b": Command.BACK,
    "s": Command.STOP,
    "h": Command.HELP,
}
"""Key -> command. "p" and space toggle: the live loop turns pause into resume when paused."""


SPOKEN_KEYS: Mapping[Command, str] = {
    **{command: key for key, command in KEYS.items() if key != " "},
    Command.RESUME: "p",
}
"""The key the coach names for each command when voice is off (p both pauses and goes on)."""


def key_help() -> str:
    """One line listing the keys."""
    return "keys: n next, r repeat, t too tight, p/space pause, b back, s stop, h help"


class KeyboardSource:
    """A ``CommandSource`` reading single keys from a terminal or a stream."""

    def __init__(
        self,
        stream: IO[Any] | int | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._fd = stream if isinstance(stream, int) else (stream or sys.stdin).fileno()
        self._clock = clock
        self._saved: list[Any] | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._quit_handler: Any = None
        self._cont_handler: Any = None

    @property
    def raw(self) -> bool:
        """True while the terminal is in cbreak mode."""
        return self._saved is not None

    def start(self, emit: Callable[[HeardCommand], None]) -> None:
        """Read keys on a thread of its own and emit their commands."""
        if termios is not None and tty is not None and os.isatty(self._fd):
            self._saved = termios.tcgetattr(self._fd)
            atexit.register(self._restore)  # put back even on an exit that skips stop()
            self._restore_before_quit()
            self._keys_again_after_continue()
            tty.setcbreak(self._fd, termios.TCSANOW)
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._read, args=(emit,), name="facecoach-keyboard", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop reading and restore the terminal. Safe to call twice."""
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=1.0)
        self._restore()

    def __enter__(self) -> KeyboardSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _restore(self) -> None:
        with self._lock:
            saved, self._saved = self._saved, None
            if saved is not None and termios is not None:
                # the terminal itself may have gone away
                with contextlib.suppress(termios.error):
                    termios.tcsetattr(self._fd, termios.TCSADRAIN, saved)
            quit_handler, self._quit_handler = self._quit_handler, None
            cont_handler, self._cont_handler = self._cont_handler, None
        if threading.current_thread() is threading.main_thread():
            if quit_handler is not None:
                signal.signal(signal.SIGQUIT, quit_handler)
            if cont_handler is not None:
                signal.signal(signal.SIGCONT, cont_handler)

    def _keys_again_after_continue(self) -> None:
        """After Ctrl-Z and ``fg`` the shell has put the terminal back in line mode:
        single keys work again only once cbreak mode is set anew (on SIGCONT)."""
        sigcont = getattr(signal, "SIGCONT", None)
        if sigcont is None or threading.current_thread() is not threading.main_thread():
            return

        def cbreak_again(signum: int, frame: object) -> None:
            # no lock: a handler runs on the main thread, which may hold it already
            if self._saved is not None and termios is not None and tty is not None:
                with contextlib.suppress(termios.error):
                    tty.setcbreak(self._fd, termios.TCSANOW)

        self._cont_handler = signal.signal(sigcont, cbreak_again)

    def _restore_before_quit(self) -> None:
        """Ctrl-\\ (SIGQUIT) ends the process without cleaning up: give the terminal
        back first, then quit as SIGQUIT always does (exit status 131)."""
        sigquit = getattr(signal, "SIGQUIT", None)
        if sigquit is None or threading.current_thread() is not threading.main_thread():
            return

        def quit_now(signum: int, frame: object) -> None:
            self._restore()
            signal.signal(sigquit, signal.SIG_DFL)
            os.kill(os.getpid(), sigquit)

        self._quit_handler = signal.signal(sigquit, quit_now)

    def _read(self, emit: Callable[[HeardCommand], None]) -> None:
        try:
            while not self._stop.is_set():
                ready, _, _ = select.select([self._fd], [], [], 0.1)
                if not ready:
                    continue
                data = os.read(self._fd, 64)
                if not data:  # end of input
                    return
                for char in data.decode("utf-8", "replace").lower():
                    command = KEYS.get(char)
                    if command is not None:
                        emit(HeardCommand(command, _shown(char), self._clock(), "keyboard"))
        except (OSError, ValueError):
            return
        finally:
            if not self._stop.is_set():
                self._restore()  # the thread ended on its own: give the terminal back now


def _shown(char: str) -> str:
    return "space" if char == " " else char
