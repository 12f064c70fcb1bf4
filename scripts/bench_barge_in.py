"""Barge-in: safety commands said while the coach talks, per room and loudspeaker level.

For each condition of tests/barge_tracks.py (a headset; loudspeakers in
rooms of several sizes and levels) two made recordings: the coach's lines
with the person saying "too tight", "too much" and "stop" over them (the
tune voices of the command benchmark, and real people's "stop" from
shared/voice-real), and the coach's lines alone. Reported per condition:
commands heard during the coach's speech (recall), commands heard in the
coach's own echo (false accepts a minute of coach speech), and how long
after the end of the words a "too tight" was acted on (p95).

Two ways of hearing each pair:
- file: ``facecoach listen --file MIC --playback PLAYED --json`` (what the
  checks run; a file cannot be lowered, so the person's words stay under the
  coach's echo to their end);
- live: the same voice path in this process, over a simulated room that
  answers the ducking: when the person is heard starting to talk, the line
  is lowered (after 40 ms of output latency) and its echo with it, and the
  words of each line are known, as in a live run.

    python scripts/bench_barge_in.py [--lines 60] [--real 8] [--mode both] [--no-aec]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # the speech maker

import barge_tracks as bt
import voice_corpus as corpus
from command_set import voices
from facecoach._core.commands import Command
from facecoach._paths import places
from facecoach._sound.mixer import DUCK_DB
from facecoach._voice.duplex import Duplex
from facecoach._voice.echo import EchoUnavailable, make_canceller
from facecoach._voice.mic import AudioBlock
from facecoach._voice.recognizer import RATE, Decision
from facecoach._voice.source import VoiceCommands, make_recognizer

SAFETY_PHRASES = (("too tight", "too tight"), ("too tight", "too much"), ("stop", "stop"))
ECHO = "linear"
"""The echo canceller measured (``--echo``)."""
LATENCY = 0.04
"""Seconds from a duck to the lowered sound leaving the speaker."""


class SimulatedRoom:
    """``CoachAudio`` over a made track whose echo follows the ducking."""

    def __init__(self, track: bt.BargeTrack, ir: np.ndarray) -> None:
        self.track = track
        self.ir = ir
        self.out = track.played.astype(np.float64)
        self.mic = track.mic.astype(np.float64)
        self.now = 0.0
        self._ducked_at: int | None = None
        self._spans = [(int(s * RATE), int(e * RATE)) for s, e in track.coach]
        self.gain = 10 ** (DUCK_DB / 20)

    def played(self, start: float, count: int) -> np.ndarray:
        self.now = start
        at = round(start * RATE)
        out = np.zeros(count)
        lo, hi = max(at, 0), min(at + count, self.out.size)
        if hi > lo:
            out[lo - at : hi - at] = self.out[lo:hi]
        return np.asarray(np.clip(np.round(out), -32768, 32767), dtype=np.int16)

    def line(self, start: float, end: float, tail: float = 0.0) -> str | None:
        for i, (s, e) in enumerate(self.track.coach):
            if s <= end and e + tail >= start:
                return self.track.texts[i] if i < len(self.track.texts) else ""
        return None

    def _line_end(self, at: int) -> int:
        for s, e in self._spans:
            if s <= at < e:
                return e
        return at

    def _scale(self, first: int, factor: float) -> None:
        """Multiply the rest of the line from ``first`` by ``factor``, echo included."""
        last = self._line_end(first)
        if last <= first:
            return
        part = self.out[first:last].copy()
        self.out[first:last] *= factor
        from scipy.signal import fftconvolve

        change = fftconvolve(part * (factor - 1.0), self.ir)
        end = min(first + change.size, self.mic.size)
        self.mic[first:end] += change[: end - first]

    def duck(self, on: bool) -> None:
        at = round((self.now + 0.02 + LATENCY) * RATE)
        if on and self._ducked_at is None:
            self._ducked_at = at
            self._scale(at, self.gain)
        elif not on and self._ducked_at is not None:
            self._ducked_at = None
            self._scale(at, 1.0 / self.gain)

    def blocks(self) -> Iterator[AudioBlock]:
        for at in range(0, self.mic.size, 320):
            chunk = self.mic[at : at + 320]
            yield AudioBlock(np.asarray(np.clip(np.round(chunk), -32768, 32767), dtype=np.int16))


def hear_live(track: bt.BargeTrack, ir: np.ndarray, aec: bool) -> list[dict[str, object]]:
    room = SimulatedRoom(track, ir)
    recognizer = make_recognizer("en", places(None))
    canceller = make_canceller(ECHO) if aec else None
    duplex = Duplex(canceller)
    duplex.attach(room)
    found: list[dict[str, object]] = []
    fed: list[VoiceCommands] = []

    class Source:
        description = "simulated room"

        def blocks(self) -> Iterator[AudioBlock]:
            return room.blocks()

        def close(self) -> None:
            pass

    def note(decision: Decision) -> None:
        if decision.command is not None:
            found.append(decision.as_json())

    voice = VoiceCommands(
        Source(), recognizer, lambda: fed[0].heard_seconds, on_decision=note, duplex=duplex
    )
    fed.append(voice)
    voice.run(lambda heard: None)
    return found


def hear_file(track: bt.BargeTrack, folder: Path) -> list[dict[str, object]]:
    mic, played = folder / "mic.wav", folder / "played.wav"
    corpus.save_wav(mic, track.mic)
    corpus.save_wav(played, track.played)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "facecoach",
            "listen",
            "--json",
            "--file",
            str(mic),
            "--playback",
            str(played),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


def commands(real: int, seed: int) -> list[tuple[str, str, np.ndarray]]:
    said = [(label, text, v.say(text)) for v in voices("tune") for label, text in SAFETY_PHRASES]
    return said + bt.real_stops(real, seed)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=60, help="coach lines in an echo-only track")
    parser.add_argument("--real", type=int, default=8, help="real 'stop' takes per condition")
    parser.add_argument("--mode", choices=("file", "live", "both"), default="both")
    parser.add_argument("--no-aec", action="store_true", help="also without the echo canceller")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--echo", choices=("linear", "webrtc"), default="linear")
    parser.add_argument(
        "--conditions", default="0,1,2,3", help="which of barge_tracks.CONDITIONS (indexes)"
    )
    args = parser.parse_args()
    global ECHO
    ECHO = args.echo
    try:
        make_canceller(ECHO)
    except EchoUnavailable as exc:
        print(f"no echo canceller: {exc}")
        return 2
    lines = bt.coach_lines()
    coach = [corpus.piper_say(t, noise_scale=0.0, noise_w=0.0) for t in lines]
    said = commands(args.real, args.seed)
    long_lines = [c for c in coach if c.size > 1.4 * RATE]
    modes = ["file", "live"] if args.mode == "both" else [args.mode]
    # without the canceller only in-process: the command line always uses it when installed
    setups = [(m, True) for m in modes] + ([("live", False)] if args.no_aec else [])
    print(
        f"{len(said)} safety commands a condition; coach: Piper joe; echo: {ECHO}; "
        f"{time.strftime('%F')}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for index in (int(i) for i in args.conditions.split(",")):
            condition = bt.CONDITIONS[index]
            rng = np.random.default_rng(args.seed)
            need = len(said)
            over = [long_lines[i % len(long_lines)] for i in range(need)]
            talk = bt.build_track(over, said, condition, rng)
            echo_only = bt.build_track(coach[: args.lines], [], condition, rng, lines[: args.lines])
            for mode, aec in setups:
                began = time.perf_counter()
                if mode == "file":
                    found = hear_file(talk, Path(tmp))
                    echo_found = hear_file(echo_only, Path(tmp))
                else:
                    found = hear_live(talk, talk.echo_ir, aec)
                    echo_found = hear_live(echo_only, echo_only.echo_ir, aec)
                hits, false_talk, notes = bt.score_track(talk, found)
                _, false_echo, _ = bt.score_track(echo_only, echo_found)
                late = [
                    float(f["emitted"]) - p.end  # type: ignore[arg-type]
                    for f in found
                    for p in talk.said
                    if f["command"] == Command.TOO_TIGHT.value
                    and p.label == f["command"]
                    and p.start - 0.3 <= float(f["end"]) <= p.end + 1.5  # type: ignore[arg-type]
                ]
                tight = [p for p in talk.said if p.label == "too tight"]
                tight_hit = len(tight) - sum(1 for n in notes if "missed too tight" in n)
                per_min = false_echo / max(echo_only.coach_minutes, 1e-9)
                p95 = float(np.percentile(late, 95)) if late else float("nan")
                print(
                    f"{condition.name:28} {mode:4} {'aec' if aec else 'no aec':6} "
                    f"heard {hits}/{len(talk.said)} ({100 * hits / len(talk.said):.0f} %; "
                    f"too tight {tight_hit}/{len(tight)}), "
                    f"false {false_echo} in {echo_only.coach_minutes:.1f} min of echo "
                    f"({per_min:.2f}/min; +{false_talk} on the command track), "
                    f"too tight acted on p95 {p95:.2f} s after the words "
                    f"[{time.perf_counter() - began:.0f} s]",
                    flush=True,
                )
                missed = [n for n in notes if n.startswith("missed")]
                if missed:
                    print("    " + "; ".join(missed[:12]), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
