#!/usr/bin/env python3
"""Speech benchmark: render time per line, cold and warm, and time to first word.

For each engine (pyttsx3, and Piper when installed) with a fresh cache:
- cold: each line of the routine rendered by the engine (the first line also
  pays for starting the engine: worker process or model load, shown apart);
- warm: the same lines again, from the disk cache, by a new speaker object;
- first word: a new process runs a live session with the warm cache (text
  mode, since the output device does not matter here) and reports when its
  first line starts to sound, counted from just before the process was
  started. Goal: <= 1.0 s warm.

    .venv/bin/python scripts/bench_tts.py [--routine starter] [--lines 12]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from facecoach._export import spoken_lines
from facecoach._loader import builtin_library
from facecoach._plan import compile_plan
from facecoach._tts import make_speaker

FIRST_WORD = textwrap.dedent(
    """
    import io, sys, time, threading
    from rich.console import Console
    from facecoach._app import SoundOptions, run_live
    from facecoach._loader import builtin_library
    from facecoach._plan import compile_plan
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
             text_only=True, primer=0.0), console=Console(file=io.StringIO()), on_loop=watch)
    """
)


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
        firsts: list[float] = []
        for _ in range(3):
            began = time.monotonic()
            result = subprocess.run(
                [sys.executable, "-c", FIRST_WORD, routine, engine, home],
                capture_output=True,
                text=True,
                timeout=120,
            )
            line = [x for x in result.stdout.splitlines() if x.startswith("FIRST ")]
            if not line:
                print(f"  first word: failed: {result.stderr.strip()[-300:]}")
                break
            firsts.append(float(line[0].split()[1]) - began)
    print(f"{engine}: {len(lines)} lines")
    print(f"  engine start + first line (cold): {1000 * cold[0]:7.1f} ms")
    print(f"  cold render, other lines: {ms(cold[1:])} (engine asked again: {retries})")
    print(f"  warm (disk cache):        {ms(warm)}")
    if firsts:
        print(f"  first spoken word, warm, from process start: {ms(firsts)} (goal <= 1000 ms)")


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
