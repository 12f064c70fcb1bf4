#!/usr/bin/env python3
"""Timing benchmark: a long routine in real time through the real output path.

Starts a private PulseAudio daemon with a null sink (nothing assumed about
this machine), then runs a routine of about --minutes minutes live: real
speech (pyttsx3, rendered beforehand as a warm cache would be), real cues,
one sounddevice output stream. For every hold it compares when the hold-end
cue started with the hold's deadline:

- reported: the start time the output path reports (PortAudio's DAC time of
  the cue's first frame, on the monotonic clock);
- heard (with --record, the default): the null sink's monitor is recorded
  with parec and each hold-end cue is found in the recording; intervals
  between cues are compared with intervals between deadlines, which measures
  jitter and drift as played, independent of what the app reports.

Prints median, p95 and max error and the drift from the first holds to the
last. Goal: p95 <= 20 ms, no drift.

    .venv/bin/python scripts/bench_timing.py [--minutes 20] [--tts pyttsx3|fake]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

SINK = "facecoach_null"
RATE = 22050


# ------------------------------------------------------------------ pulse daemon


def start_pulse(base: Path) -> dict[str, str]:
    """Start a PulseAudio daemon of our own; returns the environment that reaches it."""
    if shutil.which("pulseaudio") is None:
        raise SystemExit("pulseaudio is not installed (scripts/install_system.sh installs it)")
    env = dict(os.environ)
    env.update(XDG_RUNTIME_DIR=str(base / "run"), HOME=str(base / "home"))
    for key in ("PULSE_SERVER", "PULSE_SINK"):
        env.pop(key, None)
    (base / "run").mkdir(mode=0o700)
    (base / "home").mkdir()
    subprocess.run(
        [
            "pulseaudio",
            "--daemonize=yes",
            "--system=false",
            "--exit-idle-time=-1",
            "-n",
            f"--load=module-null-sink sink_name={SINK} rate={RATE} channels=1",
            "--load=module-native-protocol-unix",
            "--use-pid-file=yes",
        ],
        env=env,
        check=True,
        capture_output=True,
    )
    for _ in range(50):
        if subprocess.run(["pactl", "info"], env=env, capture_output=True).returncode == 0:
            return env
        time.sleep(0.1)
    raise SystemExit("the PulseAudio daemon did not come up")


def stop_pulse(env: dict[str, str]) -> None:
    """Stop the daemon this script started (and no other)."""
    subprocess.run(["pulseaudio", "--kill"], env=env, capture_output=True)


# ------------------------------------------------------------------ the routine


def long_routine(minutes: float) -> tuple[object, object]:
    """A routine of about ``minutes``: holds of 5 to 20 s, rests, announcements."""
    from facecoach._core.routine import (
        Area,
        Exercise,
        ExerciseKind,
        Library,
        Routine,
        RoutineItem,
        Side,
        Step,
    )

    holds = (5, 8, 12, 20, 7, 15)
    exercises = {}
    for n, hold in enumerate(holds):
        ex_id = f"timing-{n}"
        exercises[ex_id] = Exercise(
            id=ex_id,
            name=f"Timing exercise {n + 1}",
            area=Area.FOREHEAD,
            kind=ExerciseKind.MOVEMENT,
            side=Side.AFFECTED,
            reps=2,
            min_hold=2,
            setup="Sit comfortably and rest your fingertips on your face.",
            steps=(
                Step(say=f"Hold gently for {hold} seconds.", hold=hold),
                Step(say="Let go and breathe.", rest=4),
            ),
        )
    # cycle through the exercises until the routine is about as long as asked
    per_item = {n: 2 * h + 30 for n, h in enumerate(holds)}  # rough seconds, speech included
    items: list[RoutineItem] = []
    total = 0.0
    while total < minutes * 60 or not items:
        n = len(items) % len(holds)
        items.append(RoutineItem(f"timing-{n}"))
        total += per_item[n]
    routine = Routine(id="timing", name="Timing benchmark", items=tuple(items), rest_between=10)
    return routine, Library(exercises=exercises, routines={"timing": routine})


# ------------------------------------------------------------------ child: the run


def run(args: argparse.Namespace) -> int:
    from facecoach._core.clock import QueueInbox
    from facecoach._core.events import Effect, StartTimer
    from facecoach._core.plan import compile_plan
    from facecoach._live.export import prerender, spoken_lines
    from facecoach._live.loop import LiveLoop, LiveOptions
    from facecoach._live.view_port import NullView
    from facecoach._sound.cues import load_cues
    from facecoach._sound.mixer import PlayReport
    from facecoach._sound.stream import SounddeviceOut
    from facecoach._sound.tts import make_speaker

    routine, library = long_routine(args.minutes)
    plan = compile_plan(routine, library)  # type: ignore[arg-type]
    speaker = make_speaker(args.tts, cache_dir=Path(args.workdir) / "cache")
    began = time.perf_counter()
    rendered = prerender(speaker, spoken_lines(plan))
    print(f"rendered {len(rendered)} lines in {time.perf_counter() - began:.1f} s")
    plan = plan.with_speech_seconds(lambda text: rendered[text].seconds)
    holds = sum(1 for s in plan.steps if s.kind.value == "hold")
    print(f"plan: {plan.total_seconds / 60:.1f} minutes, {holds} holds")

    class Deadlines(NullView):
        def __init__(self) -> None:
            super().__init__()
            self.holds: list[float] = []

        def effect(self, t: float, effect: Effect) -> None:
            if isinstance(effect, StartTimer) and effect.kind == "hold":
                self.holds.append(effect.deadline)

    view = Deadlines()
    reports: list[PlayReport] = []

    class TeeOut(SounddeviceOut):
        """The real output path, keeping a copy of every report."""

        def open(self, report: Callable[[PlayReport], None]) -> None:
            def both(r: PlayReport) -> None:
                reports.append(r)
                report(r)

            super().open(both)

    out = TeeOut(None, name="PulseAudio null sink", primer_seconds=0.3)
    tape = Tape() if args.record else None
    loop = LiveLoop(
        plan,
        speaker=speaker,
        out=out,
        cues=load_cues(),
        clock=time.monotonic,
        inbox=QueueInbox(),
        view=view,
        options=LiveOptions(refresh=None),
    )
    started = time.monotonic()
    finish = loop.run()
    wall = time.monotonic() - started
    time.sleep(0.5)
    if tape is not None:
        tape.stop()
    speaker.close()
    print(f"finished: {finish}; wall {wall:.1f} s against plan {plan.total_seconds:.1f} s")
    print(f"output latency {out.lead * 1000:.0f} ms ahead (the loop acts that early)")
    ends = [r.t for r in reports if r.name == "hold_end" and r.phase == "start"]
    deadlines = [loop.t0 + d for d in view.holds]
    n = min(len(ends), len(deadlines))
    errors = np.array(ends[:n]) - np.array(deadlines[:n])
    summary("reported by the output path", errors)
    if tape is not None:
        heard(tape, np.array(deadlines[:n]), load_cues()["hold_end"].samples)
    return 0


def summary(what: str, errors: np.ndarray, *, series: bool = False) -> None:
    ms = errors * 1000
    if series:
        print("  each hold (ms): " + " ".join(f"{x:+.1f}" for x in ms))
    k = max(1, len(ms) // 10)
    drift = float(np.mean(ms[-k:]) - np.mean(ms[:k]))
    print(
        f"hold-end cue error, {what} ({len(ms)} holds): median {np.median(ms):.2f} ms, "
        f"p95 {np.percentile(np.abs(ms), 95):.2f} ms, max {np.max(np.abs(ms)):.2f} ms, "
        f"drift first->last tenth {drift:+.2f} ms"
    )


class Tape:
    """Records the null sink's monitor, noting the monotonic time of every chunk.

    The chunk times tie sample numbers to the monotonic clock (a straight-line
    fit over thousands of chunks), so where a cue is found in the recording
    says when it was played, whatever the sink's own clock does.
    """

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            ["parec", "-d", f"{SINK}.monitor", "--raw", "--format=s16le", f"--rate={RATE}",
             "--channels=1", "--latency-msec=10"],
            stdout=subprocess.PIPE,
        )  # fmt: skip
        self.chunks: list[bytes] = []
        self.times: list[tuple[float, int]] = []
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()
        time.sleep(0.5)

    def _read(self) -> None:
        assert self.proc.stdout is not None
        total = 0
        while data := os.read(self.proc.stdout.fileno(), 4096):
            self.chunks.append(data)
            total += len(data) // 2
            self.times.append((time.monotonic(), total))

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait()
        self._thread.join(timeout=5)

    def audio(self) -> np.ndarray:
        return np.frombuffer(b"".join(self.chunks), dtype="<i2").astype(np.float32) / 32768

    def clock(self) -> tuple[float, float]:
        """(samples per monotonic second, monotonic time of sample 0)."""
        t = np.array([x[0] for x in self.times])
        n = np.array([x[1] for x in self.times], dtype=np.float64)
        keep = t > t[0] + 2.0  # skip the start-up burst
        rate, offset = np.polyfit(t[keep], n[keep], 1)
        return float(rate), float(-offset / rate)


def heard(tape: Tape, deadlines: np.ndarray, cue: np.ndarray) -> None:
    """Find each hold-end cue in the recording near where its deadline puts it."""
    audio = tape.audio()
    rate, zero = tape.clock()
    print(
        f"null sink monitor: {rate:.2f} samples a monotonic second "
        f"({(rate / RATE - 1) * 1e6:+.0f} ppm)"
    )
    template = (cue - cue.mean()) / (np.linalg.norm(cue) + 1e-9)

    def best(around: int, span: int) -> int:
        lo = max(0, around - span)
        hi = min(len(audio) - len(template), around + span)
        if hi <= lo:
            return -1
        window = audio[lo : hi + len(template)]
        corr = np.correlate(window, template, mode="valid")
        energy = np.sqrt(np.convolve(window**2, np.ones(len(template)), mode="valid")) + 1e-9
        return lo + int(np.argmax(corr / energy))

    # anchor on the first cue, about where the clocks put it
    onsets = [best(round((d - zero) * rate), int(0.5 * RATE)) for d in deadlines]
    found = zero + np.array(onsets, dtype=np.float64) / rate  # monotonic time heard
    # the capture path adds a constant delay: measure against the first hold
    errors = (found - found[0]) - (deadlines - deadlines[0])
    summary("heard on the null sink, relative to the first hold", errors, series=True)
    if len(errors) >= 3:
        # a straight-line trend would be drift against the monotonic clock;
        # what is left is the jitter a listener could hear
        x = deadlines - deadlines[0]
        slope, intercept = np.polyfit(x, errors, 1)
        print(
            f"  trend against the monotonic clock: {slope * 1e6:+.1f} ppm "
            f"({slope * x[-1] * 1000:+.1f} ms over {x[-1] / 60:.1f} minutes)"
        )
        summary("heard, after removing that trend", errors - (slope * x + intercept))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=20.0)
    parser.add_argument("--tts", choices=("pyttsx3", "fake"), default="pyttsx3")
    parser.add_argument("--no-record", dest="record", action="store_false")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return run(args)
    with tempfile.TemporaryDirectory(prefix="facecoach-bench-") as base:
        env = start_pulse(Path(base))
        try:
            argv = [sys.executable, __file__, "--child", "--workdir", base,
                    "--minutes", str(args.minutes), "--tts", args.tts]  # fmt: skip
            if not args.record:
                argv.append("--no-record")
            return subprocess.run(argv, env=env).returncode
        finally:
            stop_pulse(env)


if __name__ == "__main__":
    raise SystemExit(main())
