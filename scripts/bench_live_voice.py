#!/usr/bin/env python3
"""Memory of a live run with voice, and how long the recogniser takes to load.

A real `facecoach run` in a child process: the real speech engine speaking
through a real output stream (an ALSA `file` device writing to /dev/null, as
in the tests: there is no sound card here), Silero VAD and the recogniser
hearing a `--mic-file` paced in real time. The file says "stop" ("그만" with
`--lang ko`, in espeak-ng's Korean voice) twice about forty seconds in, so
the run ends on its own. Prints the child's peak memory
(VmHWM) and wall time, then the recogniser's cold and warm load times in
this process. Asserts nothing.

    .venv/bin/python scripts/bench_live_voice.py [--engine whisper] [--tts piper]
        [--lang en] [--stop-at SECONDS]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # the speech maker

import voice_corpus as corpus
from bench_commands import FACECOACH_WITH_PEAK
from facecoach._voice.recognizer import RATE

_ASOUNDRC = """\
pcm.!default { type plug slave { pcm "nullfile" format S16_LE rate 22050 channels 1 } }
pcm.nullfile { type file slave.pcm "null" file "/dev/null"
  infile { @func getenv vars [ MIC_FILE ] default "/dev/zero" } format "raw" }
"""


def _mic_file(path: Path, stop_at: float, lang: str) -> None:
    """Silence with a noise floor, then "stop", "stop" (the second confirms it)."""
    rng = np.random.default_rng(5)
    if lang == "ko":
        clip = corpus.espeak_say("그만", voice="ko")
    elif corpus.have_piper():
        clip = corpus.piper_say("stop")
    else:
        clip = corpus.espeak_say("stop")
    first, last = corpus.speech_bounds(clip)
    word = clip[first:last].astype(np.float64)
    audio = np.zeros(int((stop_at + 20.0) * RATE))
    # The second "stop" comes well after the first: with the speech cache
    # cold, "Say stop again..." is rendered only then, and a "stop" said
    # while the coach speaks is not heard (half-duplex), as in a real room.
    for at in (stop_at, stop_at + 6.0):
        start = int(at * RATE)
        audio[start : start + word.size] = word
    audio += corpus.noise(audio.size, -50.0, rng)
    corpus.save_wav(path, np.clip(audio, -32768, 32767).astype(np.int16))


def _live_run(args: argparse.Namespace, work: Path) -> None:
    home = work / "home"
    home.mkdir()
    (home / ".asoundrc").write_text(_ASOUNDRC)
    mic = work / "mic.wav"
    _mic_file(mic, args.stop_at, args.lang)
    env = {**os.environ, "HOME": str(home), "FACECOACH_HOME": str(work / "fc")}
    base = [sys.executable, "-c", FACECOACH_WITH_PEAK]
    setup = ["profile", "--side", "left", "--stage", "long-standing"]
    subprocess.run([*base, *setup], env=env, capture_output=True, check=True)
    argv = ["run", "starter", "--engine", args.engine, "--tts", args.tts, "--mic-file", str(mic)]
    argv += ["--lang", args.lang]
    # the first run renders every line (cold speech cache); the next reuses them, as later days do
    for cache in ("cold", "warm"):
        began = time.monotonic()
        done = subprocess.run([*base, *argv], env=env, capture_output=True, text=True, check=False)
        wall = time.monotonic() - began
        peak = next(
            (int(x.split()[1]) for x in done.stderr.splitlines() if x.startswith("PEAK_KB")), 0
        )
        heard = [line.strip() for line in done.stdout.splitlines() if "heard:" in line]
        print(
            f"live run, speech cache {cache}: status {done.returncode}, {wall:.1f} s, "
            f"peak memory {peak / 1024:.0f} MB"
        )
        print(f"  engine {args.engine}, voice {args.tts}; heard: {heard or 'nothing'}")
        if done.returncode != 0 or args.verbose:
            print(done.stdout[-3000:], done.stderr[-1500:])


def _load_times(engine: str, lang: str, work: Path) -> None:
    from facecoach._paths import places
    from facecoach._voice.source import make_recognizer

    where = places(work / "fc-load")
    times = []
    for _ in range(3):
        began = time.monotonic()
        recognizer = make_recognizer(lang, where, engine, None, remember=False)
        times.append(time.monotonic() - began)
        del recognizer
    first, *warm = times
    again = " / ".join(f"{t:.2f}" for t in warm)
    print(f"recogniser load ({engine}): first {first:.2f} s, warm {again} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", default="whisper")
    parser.add_argument("--tts", default="piper")
    parser.add_argument("--lang", default="en", help="language of the commands (en or ko)")
    parser.add_argument("--stop-at", type=float, default=40.0)
    parser.add_argument("--verbose", action="store_true", help="print what each run printed")
    args = parser.parse_args()
    print(f"load average: {os.getloadavg()[0]:.1f} (2 cores)")
    with tempfile.TemporaryDirectory() as tmp:
        _live_run(args, Path(tmp))
        _load_times(args.engine, args.lang, Path(tmp))
    return 0


if __name__ == "__main__":
    sys.exit(main())
