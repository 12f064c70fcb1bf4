"""Helpers shared by the sound tests (test_sound_*.py).

- ``mini_plan``: a tiny routine compiled to a plan.
- ``alsa_file_home``: a HOME whose ``.asoundrc`` makes the ALSA default device
  a ``file`` PCM, so sounddevice opens real streams with no sound card; what
  is played lands in a raw file, and input reads ``$MIC_FILE``.
- ``run_python``: run code in a fresh interpreter with that HOME (PortAudio
  reads the ALSA config once, when it starts).
- ``ScriptedSource``: a ``CommandSource`` that says commands at set times of
  a ``SimClock`` (or, on the real clock, from a timer thread).
- ``StopWhen``: a ``CommandSource`` that says "stop" once a condition holds
  (polled, with a generous deadline), so a real-time test waits for what it
  checks instead of racing a timer. ``LoudnessWatch`` is such a condition:
  a sound louder than a threshold has reached the file device.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from facecoach._core.clock import SimClock
from facecoach._core.commands import Command
from facecoach._core.loader import load_library
from facecoach._core.plan import Plan, compile_plan
from facecoach._core.ports import HeardCommand

FIXTURES = Path(__file__).parent / "fixtures" / "sound"
MINI_YAML = FIXTURES / "mini.yaml"
ROOT = Path(__file__).resolve().parent.parent


def mini_plan(**kwargs: object) -> Plan:
    """The two-exercise 'mini' routine as a plan."""
    library = load_library([str(MINI_YAML)])
    return compile_plan(library.routines["mini"], library, **kwargs)  # type: ignore[arg-type]


ASOUNDRC = """\
pcm.!default {{ type plug slave {{ pcm "nullfile" format S16_LE rate {rate} channels 1 }} }}
pcm.nullfile {{ type file slave.pcm "null" file "{played}"
  infile {{ @func getenv vars [ MIC_FILE ] default "/dev/zero" }} format "raw" }}
"""


def alsa_file_home(directory: Path, *, rate: int = 22050) -> tuple[Path, Path]:
    """A HOME with the ALSA file device; returns (home, file that receives the output)."""
    home = directory / "alsa-home"
    home.mkdir(parents=True, exist_ok=True)
    played = directory / "played.raw"
    (home / ".asoundrc").write_text(ASOUNDRC.format(rate=rate, played=played))
    return home, played


def peak(raw: Path) -> int:
    """The loudest 16-bit sample in a raw capture, read a piece at a time."""
    watch = LoudnessWatch(raw, 32768)
    watch()
    return watch.loudest


class LoudnessWatch:
    """True once a sample louder than ``threshold`` is in the raw 16-bit file ``raw``.

    Each call reads only what was added since the last one, so it can be
    polled while a stream is still writing the file.
    """

    def __init__(self, raw: Path, threshold: int) -> None:
        self.raw = raw
        self.threshold = threshold
        self.loudest = 0
        self._offset = 0

    def __call__(self) -> bool:
        import numpy as np

        try:
            f = self.raw.open("rb")
        except FileNotFoundError:
            return False
        with f:
            f.seek(self._offset)
            while chunk := f.read(8_000_000):
                whole = len(chunk) - len(chunk) % 2  # a sample may be half written
                self._offset += whole
                if whole:
                    samples = np.frombuffer(chunk[:whole], dtype="<i2").astype(np.int32)
                    self.loudest = max(self.loudest, int(np.abs(samples).max()))
                if whole < len(chunk):
                    break
        return self.loudest > self.threshold


def run_python(
    code: str, home: Path, *, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a new interpreter with HOME (and FACECOACH_HOME) set."""
    base = dict(os.environ)
    base.pop("XDG_RUNTIME_DIR", None)  # no PulseAudio from the developer's session
    base.pop("PULSE_SERVER", None)
    full = {
        **base,
        "HOME": str(home),
        "FACECOACH_HOME": str(home / "facecoach"),
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT / "tests")]),
        **(env or {}),
    }
    return subprocess.run(
        [sys.executable, "-c", code], env=full, capture_output=True, text=True, timeout=timeout
    )


class ScriptedSource:
    """Says ``(seconds, command)`` pairs, seconds counted from ``start``."""

    def __init__(
        self,
        script: Sequence[tuple[float, Command]],
        *,
        clock: SimClock | None = None,
        source: str = "script",
    ) -> None:
        self.script = list(script)
        self.clock = clock
        self.source = source
        self.stopped = 0
        self._timers: list[threading.Timer] = []

    def start(self, emit: Callable[[HeardCommand], None]) -> None:
        """Schedule every command."""
        for seconds, command in self.script:
            if self.clock is not None:
                at = self.clock() + seconds

                def say(command: Command = command, at: float = at) -> None:
                    emit(HeardCommand(command, command.value, at, self.source))  # type: ignore[arg-type]

                self.clock.call_at(at, say)
            else:
                at0 = time.monotonic()

                def say_now(command: Command = command, due: float = at0 + seconds) -> None:
                    emit(HeardCommand(command, command.value, due, self.source))  # type: ignore[arg-type]

                timer = threading.Timer(seconds, say_now)
                timer.daemon = True
                timer.start()
                self._timers.append(timer)

    def stop(self) -> None:
        """Cancel what has not been said."""
        self.stopped += 1
        for timer in self._timers:
            timer.cancel()


class StopWhen:
    """Says "stop" once ``done()`` is true, checked every ``every`` seconds.

    If ``done()`` is still false after ``deadline`` seconds it says "stop"
    anyway, and ``met`` stays False, so the test fails on what it checks
    rather than hanging.
    """

    def __init__(
        self,
        done: Callable[[], bool],
        *,
        deadline: float = 60.0,
        every: float = 0.05,
        source: str = "script",
    ) -> None:
        self.done = done
        self.deadline = deadline
        self.every = every
        self.source = source
        self.met = False
        self._stopped = threading.Event()

    def start(self, emit: Callable[[HeardCommand], None]) -> None:
        """Start polling in a daemon thread."""

        def watch() -> None:
            give_up = time.monotonic() + self.deadline
            while not self._stopped.is_set():
                if self.done():
                    self.met = True
                    break
                if time.monotonic() > give_up:
                    break
                self._stopped.wait(self.every)
            else:
                return
            emit(HeardCommand(Command.STOP, Command.STOP.value, time.monotonic(), self.source))  # type: ignore[arg-type]

        threading.Thread(target=watch, name="stop-when", daemon=True).start()

    def stop(self) -> None:
        """Stop polling."""
        self._stopped.set()


def start_pulse(directory: Path) -> dict[str, str] | None:
    """Start a private PulseAudio daemon with a null sink; None if PulseAudio is missing.

    Returns the environment that reaches it (stop it with ``stop_pulse``).
    """
    import shutil

    if shutil.which("pulseaudio") is None or shutil.which("pactl") is None:
        return None
    run = directory / "pulse-run"
    run.mkdir(mode=0o700, parents=True, exist_ok=True)
    home = directory / "pulse-home"
    home.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "XDG_RUNTIME_DIR": str(run), "HOME": str(home)}
    env.pop("PULSE_SERVER", None)
    started = subprocess.run(
        [
            "pulseaudio",
            "--daemonize=yes",
            "--system=false",
            "--exit-idle-time=-1",
            "-n",
            "--load=module-null-sink sink_name=facecoach_test rate=22050 channels=1",
            "--load=module-native-protocol-unix",
            "--use-pid-file=yes",
        ],
        env=env,
        capture_output=True,
        timeout=30,
    )
    if started.returncode != 0:
        return None
    for _ in range(50):
        if subprocess.run(["pactl", "info"], env=env, capture_output=True).returncode == 0:
            return env
        time.sleep(0.1)
    stop_pulse(env)
    return None


def stop_pulse(env: dict[str, str]) -> None:
    """Stop the daemon ``start_pulse`` started (found by its runtime directory)."""
    subprocess.run(["pulseaudio", "--kill"], env=env, capture_output=True, timeout=30)
