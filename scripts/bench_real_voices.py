#!/usr/bin/env python3
"""Voice commands said by real people: recall per command, false accepts per minute.

Uses the recordings in tests/data/real (sources and licences in
tests/data/README.md): Speech Commands clips ("stop" by ten people and 49
other words), one person's "back" and four other words, and 11 s of JFK.
Every clip goes through the real recogniser on its own, with a second of
quiet room noise before and after it, so one clip never affects another.
False accepts are counted per minute of real speech that is not a command
(the clips' speech, not the quiet around it). Asserts nothing.

These recordings were listened to while the tests were written and no
setting was tuned on them: they are "seen", not held out, and few. Report
them apart from the synthetic figures.

    .venv/bin/python scripts/bench_real_voices.py [--engine whisper] [--verbose]
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import time
from pathlib import Path

import numpy as np
import soundfile as sf
import soxr

from facecoach._paths import places
from facecoach._voice import RATE, make_recognizer

REAL = Path(__file__).resolve().parent.parent / "tests" / "data" / "real"
COMMANDS = {"stop": "stop", "back": "back"}
"""Clip word -> the command it is; every other clip is not a command."""


def _clips() -> list[tuple[str, str, Path]]:
    """(word, speaker, path) of every real recording."""
    found = []
    for path in sorted((REAL / "speech_commands").glob("*/*.flac")):
        found.append((path.parent.name, path.stem.split("_")[0], path))
    for path in sorted((REAL / "felix").glob("*.wav")):
        found.append((path.stem, "felix", path))
    found.append(("jfk", "jfk", REAL / "jfk" / "jfk.flac"))
    return found


def _audio(path: Path) -> np.ndarray:
    data, rate = sf.read(path, dtype="float32", always_2d=True)
    mono = data.mean(axis=1)
    if rate != RATE:
        mono = soxr.resample(mono, rate, RATE)
    return np.clip(mono * 32768, -32768, 32767).astype(np.int16)


def _speech_seconds(samples: np.ndarray) -> float:
    """Seconds from the first to the last sample above 5 % of the loudest."""
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > 0.05 * np.abs(samples).max())
    return float(loud[-1] - loud[0]) / RATE if loud.size else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", default="whisper")
    parser.add_argument("--verbose", action="store_true", help="every clip's decisions")
    args = parser.parse_args()
    rng = np.random.default_rng(3)
    recognizer = make_recognizer("en", places(Path("/nonexistent-facecoach")), args.engine)
    print(f"{recognizer.description}; load average {os.getloadavg()[0]:.1f} (2 cores)")
    heard_as: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    false_accepts: list[str] = []
    other_speech = 0.0
    began = time.process_time()
    audio_seconds = 0.0
    for word, speaker, path in _clips():
        clip = _audio(path)
        quiet = rng.normal(0, 10, RATE).astype(np.int16)  # about -70 dBFS of room
        track = np.concatenate([quiet, clip, quiet, quiet])
        audio_seconds += track.size / RATE
        decisions = []
        for at in range(0, track.size, 320):
            decisions += recognizer.feed(track[at : at + 320])
        decisions += recognizer.flush()
        commands = [d.command.value for d in decisions if d.command is not None]
        wanted = COMMANDS.get(word)
        if wanted is not None:
            heard_as[wanted][commands[0] if commands else "nothing"] += 1
        else:
            other_speech += _speech_seconds(clip)
            false_accepts += [f"{word} ({speaker}) -> {c}" for c in commands]
        if args.verbose:
            said = [(d.command.value if d.command else None, d.text, d.reason) for d in decisions]
            print(f"  {word:<8} {speaker:<9} {said}")
    cpu = time.process_time() - began
    print("\nreal voices, per command (heard as):")
    for command, counts in sorted(heard_as.items()):
        right = counts[command]
        total = sum(counts.values())
        others = ", ".join(f"{k} {v}" for k, v in counts.items() if k != command) or "-"
        print(f"  {command:<6} {right}/{total}   misses: {others}")
    minutes = other_speech / 60
    rate = len(false_accepts) / minutes if minutes else 0.0
    print(
        f"\nfalse accepts on real non-command speech: {len(false_accepts)} in "
        f"{other_speech:.0f} s of speech = {rate:.1f} a minute (goal <= 0.5)"
    )
    for line in false_accepts:
        print(f"  {line}")
    print(f"\ncompute: {cpu:.1f} CPU s for {audio_seconds:.0f} s of audio")
    return 0


if __name__ == "__main__":
    sys.exit(main())
