"""Export time, peak memory and loudness per format, for `starter` and `daily`.

Each export runs in a fresh process (so peak memory is its own), with the
speech cache warmed first so the figures are for mixing, measuring and
encoding rather than for rendering speech. Loudness is measured on the file
read back (pyloudnorm, ITU-R BS.1770).

    python scripts/bench_export.py [--tts pyttsx3|piper] [--routines starter daily]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

CHILD = textwrap.dedent(
    """
    import json, sys, time
    from facecoach._core.loader import builtin_library
    from facecoach._core.plan import Personal, compile_plan
    from facecoach._live.export import export_session
    from facecoach._live.wiring import speaker_for
    from facecoach._paths import places
    from facecoach._sound.settings import SoundOptions
    routine, out, tts, data = sys.argv[1:5]
    library = builtin_library()
    plan = compile_plan(library.routines[routine], library, personal=Personal("left"))
    speaker = speaker_for(SoundOptions(tts=tts, data_dir=data), places(data))
    start = time.perf_counter()
    result = export_session(plan, speaker, out)
    seconds = time.perf_counter() - start
    speaker.close()
    # this process's own high-water mark (ru_maxrss may carry the parent's over exec)
    peak = int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0]) / 1024
    print(json.dumps({"time": seconds, "peak_mb": peak, "audio": result.seconds,
                      "plan": result.plan_seconds, "peak_db": result.peak_db}))
    """
)


def _loudness(path: Path) -> tuple[float, float]:
    import numpy as np
    import pyloudnorm
    import soundfile

    samples, rate = soundfile.read(str(path), dtype="float64")
    peak = float(np.max(np.abs(samples)))
    return pyloudnorm.Meter(rate).integrated_loudness(samples), 20 * np.log10(peak)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tts", default="pyttsx3", choices=("pyttsx3", "piper"))
    parser.add_argument("--routines", nargs="+", default=["starter", "daily"])
    parser.add_argument("--formats", nargs="+", default=[".wav", ".flac", ".ogg", ".mp3"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="facecoach-bench-export-") as tmp:
        folder = Path(tmp)
        data = str(folder / "data")
        print(f"speech: {args.tts}; each export in its own process, speech cache warm")
        print(
            f"{'routine':<8} {'format':<6} {'audio':>7} {'time s':>7} {'x real':>7} "
            f"{'peak MB':>8} {'MB file':>8} {'LUFS':>6} {'peak dBFS':>9}"
        )
        for routine in args.routines:
            warm = folder / f"warm-{routine}.wav"  # renders every line into the cache
            run = [sys.executable, "-c", CHILD, routine, str(warm), args.tts, data]
            subprocess.run(run, check=True, capture_output=True, text=True)
            for suffix in args.formats:
                out = folder / f"{routine}{suffix}"
                run = [sys.executable, "-c", CHILD, routine, str(out), args.tts, data]
                done = subprocess.run(run, check=True, capture_output=True, text=True)
                figures = json.loads(done.stdout.strip().splitlines()[-1])
                lufs, peak_db = _loudness(out)
                size = out.stat().st_size / 1e6
                print(
                    f"{routine:<8} {suffix:<6} {figures['audio'] / 60:>6.1f}m "
                    f"{figures['time']:>7.1f} {figures['audio'] / figures['time']:>7.0f} "
                    f"{figures['peak_mb']:>8.0f} {size:>8.1f} {lufs:>6.1f} {peak_db:>9.1f}"
                )


if __name__ == "__main__":
    main()
