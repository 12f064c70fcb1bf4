"""Benchmark of spoken commands: recall, false accepts, latency, speed, memory.

Builds labelled recordings from synthesised speech (tests/voice_corpus.py):
every phrase of the pack in several voices, speeds and noise levels, placed
between distractor speech (whole sentences and short everyday phrases), and
the coach's own lines. Runs ``facecoach listen --file X --json`` on each
recording in a child process (so its CPU time and peak memory are measured
alone) and prints:

- recall per command and overall,
- false accepts per minute of distractor speech (sentences, short phrases),
- false accepts on the coach's own lines in half-duplex (speech gate on) and,
  for information, with barge-in (gate off),
- latency: ``emitted`` minus the true end of the phrase, p50 / p95,
- real-time factor (child CPU seconds / audio seconds) and peak RSS.

Splits: one file each in tests/data/splits/, with the date it was written
and its status: "tune" (settings are chosen on it), "seen" (never chosen on,
but looked at while tuning) or "held out" (run for a report only). Report
each split under its status.
Judge on held-out, over several runs: Piper's voice varies from one run to
the next, and so do the noise and the order.

    .venv/bin/python scripts/bench_commands.py [--split SPLIT]
        [--lang en] [--runs N] [--seed S]
"""

from __future__ import annotations

import argparse
import atexit
import functools
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # the speech maker

import command_set as labelled
import voice_corpus as corpus
from facecoach._core.ports import HeardCommand
from facecoach._voice.mic import AudioBlock, MemorySource
from facecoach._voice.recognizer import RATE
from facecoach._voice.source import VoiceCommands, make_recognizer

# A child that runs one facecoach command (`listen` here; `run` in
# bench_live_voice.py) and then reports its own peak RSS from
# /proc (VmHWM): getrusage would count the parent's memory copied at fork.
FACECOACH_WITH_PEAK = """
import sys
from facecoach._cli.main import main
status = main(sys.argv[1:])
peak = [l for l in open('/proc/self/status') if l.startswith('VmHWM:')]
print('PEAK_KB', peak[0].split()[1] if peak else 0, file=sys.stderr)
sys.exit(status)
"""

PEAKS_KB: list[int] = []


def listen(path: Path, engine: str, lang: str) -> tuple[list[dict[str, object]], float]:
    """Run ``facecoach listen --json`` on ``path``; (objects, child CPU seconds)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    home = str(_places().data)
    argv = ["--data-dir", home, "listen", "--file", str(path), "--json", "--engine", engine]
    argv += ["--lang", lang]
    out = subprocess.run(
        [sys.executable, "-c", FACECOACH_WITH_PEAK, *argv],
        capture_output=True,
        text=True,
        check=True,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    PEAKS_KB.extend(
        int(line.split()[1]) for line in out.stderr.splitlines() if line.startswith("PEAK_KB")
    )
    return [json.loads(line) for line in out.stdout.splitlines() if line.strip()], cpu


def half_duplex_on_coach(
    track: corpus.Track, lang: str, guard: float, engine: str = "auto"
) -> tuple[int, int]:
    """False accepts on the coach's lines with the speech gate, and without it."""
    spans = [(p.start, p.end + guard) for p in track.placed]

    def gate(start: float, end: float) -> bool:
        return any(start < e and end > s for s, e in spans)

    counts = []
    for gated in (True, False):
        recognizer = make_recognizer(lang, _places(), engine)  # type: ignore[arg-type]
        heard: list[HeardCommand] = []
        voice = VoiceCommands(
            MemorySource(np.zeros(0, dtype=np.int16)),
            recognizer,
            lambda: 0.0,
            gate=gate if gated else None,
        )
        samples = track.samples
        for at in range(0, samples.size, 1600):
            block = samples[at : at + 1600]
            voice.process(AudioBlock(block, captured=(at + block.size) / RATE), heard.append)
        voice.finish(heard.append)
        counts.append(len(heard))
    return counts[0], counts[1]


@functools.cache
def _places():  # type: ignore[no-untyped-def]
    """One empty home for the whole benchmark (a model that comes in parts is
    joined into it once), removed at exit."""
    from facecoach._paths import places

    home = tempfile.mkdtemp(prefix="bench-home-")
    atexit.register(shutil.rmtree, home, ignore_errors=True)
    return places(home)


@dataclass
class Tally:
    """One split's results, added up over its runs."""

    hits: int = 0
    said: int = 0
    false_sentence: int = 0
    false_short: int = 0
    wrong: int = 0
    minutes_sentence: float = 0.0
    minutes_short: float = 0.0
    audio: float = 0.0
    cpu: float = 0.0
    latencies: list[float] = field(default_factory=list)
    falses: list[str] = field(default_factory=list)
    per_command: dict[str, list[int]] = field(default_factory=dict)
    """command -> [heard, said]"""
    per_engine: dict[str, list[int]] = field(default_factory=dict)
    """speech engine of the voice (piper, espeak) -> [heard, said]"""
    per_phrase: dict[str, list[int]] = field(default_factory=dict)
    """phrase -> [heard, said]"""


def run_split(split: str, args: argparse.Namespace, seed: int, tally: Tally, workdir: Path) -> None:
    """Build one run of ``split``, hear it with ``facecoach listen``, add it to ``tally``."""
    t0 = time.monotonic()
    tracks = labelled.build(split, args.lang, seed)
    built = time.monotonic() - t0
    print(f"\n== split {split}, seed {seed}: {len(tracks)} voices, built in {built:.0f} s")
    for name, track in tracks:
        path = workdir / f"{split}-{seed}-{name.replace(' ', '_')}.wav"
        corpus.save_wav(path, track.samples)
        found, used = listen(path, args.engine, args.lang)
        tally.audio += track.seconds
        tally.cpu += used
        result = labelled.score(track, found)
        said = result["said"]
        engine = tally.per_engine.setdefault(name.split()[0], [0, 0])
        for placed in said:  # type: ignore[attr-defined]
            heard = int(placed.text + "|" + placed.label in result["hit"])  # type: ignore[operator]
            counts = tally.per_command.setdefault(placed.label, [0, 0])
            counts[0] += heard
            counts[1] += 1
            phrase = tally.per_phrase.setdefault(placed.text, [0, 0])
            phrase[0] += heard
            phrase[1] += 1
            engine[0] += heard
            engine[1] += 1
        tally.hits += result["hits"]  # type: ignore[operator]
        tally.said += len(said)  # type: ignore[arg-type]
        tally.false_sentence += result["false_sentence"]  # type: ignore[operator]
        tally.false_short += result["false_short"]  # type: ignore[operator]
        tally.wrong += result["wrong_command"]  # type: ignore[operator]
        tally.latencies += result["latencies"]  # type: ignore[arg-type]
        tally.falses += result["details"]  # type: ignore[arg-type]
        tally.minutes_sentence += labelled.distractor_minutes(track, short=False)
        tally.minutes_short += labelled.distractor_minutes(track, short=True)
        print(
            f"  {name:<22} recall {result['hits']:>2}/{len(said)}"  # type: ignore[arg-type]
            f"  false: sentences {result['false_sentence']}, short {result['false_short']},"
            f" wrong command {result['wrong_command']}"
        )


def report(split: str, runs: int, tally: Tally) -> None:
    """Print what ``tally`` adds up to."""
    about = labelled.load_split(split)
    print(f"\n== {split} ({about.status}, written {about.written}): {runs} run(s)")
    print("  recall per command:")
    for command, (hit, said) in tally.per_command.items():
        print(f"    {command:<10} {hit:>3}/{said:<3} {100 * hit / max(1, said):5.1f} %")
    print(
        "  recall per phrase: "
        + ", ".join(f"{p} {h}/{n}" for p, (h, n) in sorted(tally.per_phrase.items()))
    )
    engines = ", ".join(
        f"{name} {100 * hit / max(1, said):.1f} %" for name, (hit, said) in tally.per_engine.items()
    )
    recall = 100 * tally.hits / max(1, tally.said)
    print(f"  recall overall: {tally.hits}/{tally.said} = {recall:.1f} % (goal >= 98 %); {engines}")
    minutes = tally.minutes_sentence + tally.minutes_short
    false_all = tally.false_sentence + tally.false_short
    print(
        f"  false accepts: {false_all} in {minutes:.2f} min of distractor speech = "
        f"{false_all / max(minutes, 1e-9):.2f}/min (goal <= 0.5); sentences "
        f"{tally.false_sentence} in {tally.minutes_sentence:.2f} min, short phrases "
        f"{tally.false_short} in {tally.minutes_short:.2f} min; wrong command for a command "
        f"{tally.wrong}"
    )
    if tally.falses:
        print(f"  false accepts (command <- what was said): {'; '.join(tally.falses)}")
    if tally.latencies:
        ordered = sorted(tally.latencies)
        p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
        print(
            "  latency (emitted - end of phrase): "
            f"p50 {1000 * statistics.median(ordered):.0f} ms, "
            f"p95 {1000 * p95:.0f} ms (goal p95 <= 350 ms; includes the time spent deciding)"
        )
    print(
        f"  real-time factor: {tally.cpu / tally.audio:.3f} (child CPU {tally.cpu:.1f} s / audio "
        f"{tally.audio:.0f} s; includes start-up and model load; goal <= 0.1)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--split",
        choices=(*labelled.split_names(), "both", "all"),
        default="both",
        help="a split of tests/data/splits; both: tune and held-out; all: those and fresh",
    )
    parser.add_argument("--lang", default="en")
    parser.add_argument(
        "--engine", default="auto", choices=("auto", "whisper", "vosk", "pocketsphinx")
    )
    parser.add_argument("--seed", type=int, default=11, help="seed of the first run")
    parser.add_argument(
        "--runs", type=int, default=1, help="runs per split, seeds SEED, SEED+1, ... (default 1)"
    )
    parser.add_argument("--guard", type=float, default=0.3)
    args = parser.parse_args()
    splits = {"both": ("tune", "held-out"), "all": ("tune", "held-out", "fresh")}.get(
        args.split, (args.split,)
    )
    try:  # a split without this language's part stops here, before any work
        for split in splits:
            labelled.load_split(split).part(args.lang)
    except labelled.SplitError as error:
        print(f"bench_commands: {error}", file=sys.stderr)
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="bench-commands-"))
    for split in splits:
        tally = Tally()
        for run in range(args.runs):
            run_split(split, args, args.seed + run, tally, workdir)
        report(split, args.runs, tally)
    peak = max(PEAKS_KB, default=0) / 1024
    print(f"\npeak RSS of `facecoach listen`: {peak:.0f} MB (goal <= 500 MB)")
    cues = labelled.cue_track(args.seed)
    make_recognizer(args.lang, _places(), args.engine)  # type: ignore[arg-type]
    began = time.perf_counter()
    recognizer = make_recognizer(args.lang, _places(), args.engine)  # type: ignore[arg-type]
    print(
        f"engine: {recognizer.description}; loaded warm in "
        f"{time.perf_counter() - began:.2f} s (goal < 1 s)"
    )
    decisions = []
    for at in range(0, cues.size, 1600):
        decisions += recognizer.feed(cues[at : at + 1600])
    decisions += recognizer.flush()
    cue_false = sum(1 for d in decisions if d.command is not None)
    print(f"cues (every cue 5 times, {cues.size / RATE:.0f} s): false accepts {cue_false} (goal 0)")
    if args.lang == "en":
        coach = labelled.coach_track(args.seed)
        gated, open_mic = half_duplex_on_coach(coach, args.lang, args.guard, args.engine)
        print(
            f"coach's own lines ({len(coach.placed)} lines, {coach.seconds / 60:.1f} min): "
            f"false accepts half-duplex {gated} (goal 0); with barge-in {open_mic}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
