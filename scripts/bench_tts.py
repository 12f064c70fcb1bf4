#!/usr/bin/env python3
"""Speech benchmark: render time per line, cold and warm, and time to first word.

For each engine (pyttsx3, and Piper when installed) with a fresh cache:
- cold: each line of the routine rendered by the engine (the first line also
  pays for starting the engine: worker process or model load, shown apart);
- warm: the same lines again, from the disk cache, by a new speaker object;
- first word: a new process runs a live session with the warm cache and
  reports when its first line starts to sound (the output path's time of its
  first sample), counted from just before the process was started: with no
  output device (text mode), and through a private PulseAudio null sink,
  idle and already playing. An idle null sink takes about 1.7 s to accept a
  new low-latency stream (it finishes its long idle period first), which a
  sink that is already playing does not. Goal: <= 1.0 s warm.

    .venv/bin/python scripts/bench_tts.py [--routine starter] [--lines 12]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from bench_timing import start_pulse, stop_pulse
from facecoach._core.loader import builtin_library
from facecoach._core.plan import compile_plan
from facecoach._live.export import spoken_lines
from facecoach._sound.tts import make_speaker

FIRST_WORD = textwrap.dedent(
    """
    import io, sys, time, threading
    from rich.console import Console
    from facecoach._live.wiring import SoundOptions, run_live
    from facecoach._core.loader import builtin_library
    from facecoach._core.plan import compile_plan
    library = builtin_library()
    plan = compile_plan(library.routines[sys.argv[1]], library)

    def watch(loop):
        def poll():
            while not loop.timeline.spans():
                time.sleep(0.001)
            print(f"FIRST {loop.timeline.spans()[0][0]:.6f}", flush=True)
            loop.interrupt("benchmark done")
        threading.Thread(target=poll, daemon=True).start()

    run_live(plan, SoundOptions(tts=sys.argv[2], data_dir=sys.argv[3], keyboard=False,
             text_only=sys.argv[4] == "text", primer=0.0), console=Console(file=io.StringIO()),
             on_loop=watch)
    """
)


MODES = {
    "text": "no output device (text mode)",
    "idle-sink": "PulseAudio null sink, idle",
    "busy-sink": "PulseAudio null sink, already playing",
}


def first_word(routine: str, engine: str, home: str, mode: str) -> list[float]:
    """Seconds from starting a process to its first spoken word, three times."""
    env = dict(os.environ)
    keep_alive = None
    with tempfile.TemporaryDirectory() as pulse_dir:
        if mode != "text":
            env = start_pulse(Path(pulse_dir))
            if mode == "busy-sink":  # something else already plays: the sink is awake
                keep_alive = subprocess.Popen(
                    ["pacat", "--latency-msec=20", "--raw", "/dev/zero"], env=env
                )
                time.sleep(2.0)
        times: list[float] = []
        try:
            for _ in range(3):
                began = time.monotonic()
                result = subprocess.run(
                    [sys.executable, "-c", FIRST_WORD, routine, engine, home, mode],
                    capture_output=True,
                    text=True,
                    timeout=120,
                    env=env,
                )
                line = [x for x in result.stdout.splitlines() if x.startswith("FIRST ")]
                if not line:
                    print(f"  first word ({mode}) failed: {result.stderr.strip()[-300:]}")
                    break
                times.append(float(line[0].split()[1]) - began)
        finally:
            if keep_alive is not None:
                keep_alive.terminate()
                keep_alive.wait()
            if mode != "text":
                stop_pulse(env)
    return times


def ms(values: list[float]) -> str:
    """median / max in milliseconds."""
    return f"median {1000 * statistics.median(values):7.1f} ms, max {1000 * max(values):7.1f} ms"


def bench(engine: str, lines: list[str], routine: str) -> None:
    """Print the figures for one engine."""
    with tempfile.TemporaryDirectory() as home:
        cache = Path(home) / "cache" / "speech"
        speaker = make_speaker(engine, cache_dir=cache)
        cold: list[float] = []
        for text in lines:
            start = time.perf_counter()
            speaker.render(text)
            cold.append(time.perf_counter() - start)
        retries = getattr(speaker, "retries", 0)
        speaker.close()
        fresh = make_speaker(engine, cache_dir=cache)
        warm = []
        for text in lines:
            start = time.perf_counter()
            fresh.render(text)
            warm.append(time.perf_counter() - start)
        fresh.close()
        firsts = {mode: first_word(routine, engine, home, mode) for mode in MODES}
    print(f"{engine}: {len(lines)} lines")
    print(f"  engine start + first line (cold): {1000 * cold[0]:7.1f} ms")
    print(f"  cold render, other lines: {ms(cold[1:])} (engine asked again: {retries})")
    print(f"  warm (disk cache):        {ms(warm)}")
    for mode, times in firsts.items():
        if times:
            print(f"  first word, warm, from process start, {MODES[mode]}: {ms(times)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--routine", default="starter")
    parser.add_argument("--lines", type=int, default=12, help="how many lines to render")
    parser.add_argument("--engine", action="append", choices=("pyttsx3", "piper"))
    args = parser.parse_args()
    library = builtin_library()
    plan = compile_plan(library.routines[args.routine], library)
    lines = spoken_lines(plan)[: args.lines]
    engines = args.engine or ["pyttsx3", "piper"]
    for engine in engines:
        if engine == "piper" and importlib.util.find_spec("piper") is None:
            print("piper: skipped (not installed: pip install 'facecoach[piper]')")
            continue
        bench(engine, lines, args.routine)
    print(json.dumps({"routine": args.routine, "lines": len(lines)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
