"""Helpers shared by the sound tests (test_sound_*.py).

- ``mini_plan``: a tiny routine compiled to a plan.
- ``alsa_file_home``: a HOME whose ``.asoundrc`` makes the ALSA default device
  a ``file`` PCM, so sounddevice opens real streams with no sound card; what
  is played lands in a raw file, and input reads ``$MIC_FILE``.
- ``run_python``: run code in a fresh interpreter with that HOME (PortAudio
  reads the ALSA config once, when it starts).
- ``ScriptedSource``: a ``CommandSource`` that says commands at set times of
  a ``SimClock`` (or, on the real clock, from a timer thread).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from facecoach._core import Command, HeardCommand, Plan, SimClock, compile_plan, load_library

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
    import numpy as np

    loudest = 0
    with raw.open("rb") as f:
        while chunk := f.read(8_000_000):
            loudest = max(loudest, int(np.abs(np.frombuffer(chunk, dtype="<i2")).max()))
    return loudest


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
        "PYTHONPATH": str(ROOT / "tests"),
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
