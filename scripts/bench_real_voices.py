#!/usr/bin/env python3
"""Voice commands said by real people: recall per command, false accepts per minute.

Uses every recording in tests/data/real (sources and licences in
tests/data/README.md): Speech Commands clips ("stop" by ten people and 174
other everyday words), one person's "back" and four other words, 11 s of JFK,
26 LibriSpeech readers (16 from train-clean-100, 10 from the harder
test-other) and two VCTK speakers. Every clip goes through the real
recogniser on its own, with a second of quiet room noise before it and two
after it, so one clip never affects another. False accepts are counted per
minute of real speech that is not a command (each clip's speech, not the
quiet around it), in all and per source, and each one is named: the clip,
what was said (the word, or where in a read passage), what was heard.
Asserts nothing.

These recordings were listened to while the tests were written and no
setting was tuned on them: they are "seen", not held out. Report them apart
from the synthetic figures.

    .venv/bin/python scripts/bench_real_voices.py [--engine whisper] [--source NAME] [--verbose]
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import soundfile as sf
import soxr

from facecoach._paths import places
from facecoach._voice.recognizer import RATE
from facecoach._voice.source import make_recognizer

REAL = Path(__file__).resolve().parent.parent / "tests" / "data" / "real"
COMMANDS = {"stop": "stop", "back": "back"}
"""Clip word -> the command it is; every other clip is not a command."""

EARLIER = ("speech_commands", "felix", "jfk")
"""The sources of the first real-voice round (39 s of non-command speech), kept
as a line of their own so the figure can be compared with earlier reports."""

JFK_SAID = "And so, my fellow Americans: ask not what your country can do for you ..."


@dataclass(frozen=True)
class Clip:
    """One real recording and what is known of it."""

    source: str
    word: str
    """The word said (isolated-word clips), or "passage" for read or given speech."""
    speaker: str
    path: Path

    @property
    def command(self) -> str | None:
        return COMMANDS.get(self.word)


def _clips() -> Iterator[Clip]:
    """Every real recording, source by source."""
    for source in ("speech_commands", "speech_commands_more"):
        for path in sorted((REAL / source).glob("*/*.flac")):
            yield Clip(source, path.parent.name, path.stem.split("_")[0], path)
    for path in sorted((REAL / "felix").glob("*.wav")):
        yield Clip("felix", path.stem, "felix", path)
    yield Clip("jfk", "passage", "jfk", REAL / "jfk" / "jfk.flac")
    # LibriSpeech names are <reader>-<chapter>-<utterance>.
    for part in ("train-clean-100", "test-other"):
        for path in sorted((REAL / "librispeech" / part).glob("*.flac")):
            yield Clip(f"librispeech/{part}", "passage", path.stem.split("-")[0], path)
    for path in sorted((REAL / "vctk").glob("*.flac")):
        yield Clip("vctk", "passage", path.stem.split("_")[0], path)


def _audio(path: Path) -> npt.NDArray[np.int16]:
    data, rate = sf.read(path, dtype="float32", always_2d=True)
    mono = data.mean(axis=1)
    if rate != RATE:
        mono = soxr.resample(mono, rate, RATE)
    return np.asarray(np.clip(mono * 32768, -32768, 32767), dtype=np.int16)


def _speech_seconds(samples: npt.NDArray[np.int16]) -> float:
    """Seconds from the first to the last sample above 5 % of the loudest."""
    level = np.abs(samples.astype(np.int32))
    loud = np.flatnonzero(level > 0.05 * level.max()) if level.size else level
    return float(loud[-1] - loud[0]) / RATE if loud.size else 0.0


def _said(clip: Clip, start: float, end: float) -> str:
    """What was said where a command was heard, as far as we know it."""
    if clip.word == "passage":
        # No transcripts are stored for LibriSpeech or VCTK: give the place to listen to.
        text = JFK_SAID if clip.source == "jfk" else "read speech"
        return f"{text} at {start:.1f}-{end:.1f} s"
    return f'"{clip.word}"'


@dataclass
class Tally:
    """False accepts and speech time of one source's non-command clips."""

    clips: int = 0
    speech: float = 0.0
    accepts: int = 0
    segments: int = 0
    """Stretches of speech the recogniser decided on."""
    long: int = 0
    """Of those, the ones refused for length alone: the scorer never saw them."""

    def add(self, other: Tally) -> None:
        self.clips += other.clips
        self.speech += other.speech
        self.accepts += other.accepts
        self.segments += other.segments
        self.long += other.long

    def line(self, name: str, speakers: int | str) -> str:
        minutes = self.speech / 60
        rate = self.accepts / minutes if minutes else 0.0
        return (
            f"  {name:<28} {self.clips:>4} {speakers:>5} {self.speech:>7.0f} "
            f"{self.speech / 60:>6.1f} {self.segments:>5} {self.long:>5} "
            f"{self.accepts:>4} {rate:>8.2f}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", default="whisper")
    parser.add_argument(
        "--source", action="append", help="only this source (repeatable), e.g. vctk"
    )
    parser.add_argument("--verbose", action="store_true", help="every clip's decisions")
    args = parser.parse_args()
    rng = np.random.default_rng(3)
    recognizer = make_recognizer("en", places(Path("/nonexistent-facecoach")), args.engine)
    print(f"{recognizer.description}; load average {os.getloadavg()[0]:.1f} (2 cores)")
    heard_as: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    tallies: dict[str, Tally] = collections.defaultdict(Tally)
    speakers: dict[str, set[str]] = collections.defaultdict(set)
    false_accepts: list[str] = []
    fed = 0  # samples given to the recogniser so far: its times count from the first
    began = time.process_time()
    for clip in _clips():
        if args.source and clip.source not in args.source:
            continue
        samples = _audio(clip.path)
        quiet = rng.normal(0, 10, RATE).astype(np.int16)  # about -70 dBFS of room
        track = np.concatenate([quiet, samples, quiet, quiet])
        decisions = []
        for at in range(0, track.size, 320):
            decisions += recognizer.feed(track[at : at + 320])
        decisions += recognizer.flush()
        offset = (fed + quiet.size) / RATE  # recogniser time of the clip's first sample
        fed += track.size
        commands = [d for d in decisions if d.command is not None]
        if clip.command is not None:
            first = commands[0].command.value if commands and commands[0].command else "nothing"
            heard_as[clip.command][first] += 1
        else:
            speakers[clip.source].add(clip.speaker)
            # Read speech comes in long segments, refused before scoring: count them, so
            # that minutes of it are not mistaken for minutes of short, scored speech.
            long = sum(1 for d in decisions if d.reason.startswith("too long"))
            seconds = _speech_seconds(samples)
            tallies[clip.source].add(Tally(1, seconds, len(commands), len(decisions), long))
            for d in commands:
                assert d.command is not None
                said = _said(clip, d.start - offset, d.end - offset)
                false_accepts.append(
                    f"{clip.source}: {clip.path.name} ({clip.speaker}) said {said} "
                    f'-> {d.command.value} ("{d.text}")'
                )
        if args.verbose:
            said_ = [(d.command.value if d.command else None, d.text, d.reason) for d in decisions]
            print(f"  {clip.source:<26} {clip.path.stem:<22} {said_}")
    cpu = time.process_time() - began

    if heard_as:
        print("\nreal voices, per command (heard as):")
        for command, counts in sorted(heard_as.items()):
            right = counts[command]
            total = sum(counts.values())
            others = ", ".join(f"{k} {v}" for k, v in counts.items() if k != command) or "-"
            print(f"  {command:<6} {right}/{total}   misses: {others}")

    print("\nfalse accepts on real non-command speech (goal <= 0.5 a minute):")
    print(f"  {'source':<28} clips spkrs speech_s    min  segs  long   FA    FA/min")
    everything, earlier = Tally(), Tally()
    for source, tally in tallies.items():
        print(tally.line(source, len(speakers[source])))
        everything.add(tally)
        if source in EARLIER:
            earlier.add(tally)
    # A speaker id is unique within its corpus (two Speech Commands folders share ids).
    people = {
        (source.split("/")[0].removesuffix("_more"), s)
        for source in speakers
        for s in speakers[source]
    }
    if earlier.clips and earlier.clips != everything.clips:
        print(earlier.line("(first round's sources)", "-"))
    print(everything.line("all real speech", len(people)))
    n = len(false_accepts)
    print(f"\n{n} false accept{'s' if n != 1 else ''}:" if n else "\nno false accept")
    for line in false_accepts:
        print(f"  {line}")
    audio = fed / RATE
    print(f"\ncompute: {cpu:.1f} CPU s for {audio:.0f} s of audio (RTF {cpu / audio:.3f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
