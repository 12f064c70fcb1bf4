#!/usr/bin/env python3
"""Real voices for tuning: "stop" recall and false accepts on real isolated words.

Runs the Whisper engine, as ``facecoach listen --file`` does (20 ms blocks),
over the two tracks of ``../shared/voice-real/`` (or ``--real DIR``): 214 real
"stop" takes and 385 real words that are not commands, from Speech Commands
v0.02 (CC BY 4.0; the folder's README says how they were laid out). A "stop"
counts as heard when a stop decision ends or is emitted between 0.3 s before
the take's speech and 1.5 s after it; every command heard on the words track
is a false accept. These are TUNE figures ("tune (real)"): the segmenter and
the accept rules were chosen on them, so report them apart from the
synthetic benchmark and from held-out speakers.

Scores are cached per segment (the same audio scores the same) and the
segmenter's probabilities per track and frame offset (a model's stream does
not depend on the thresholds), so a grid of segmenter settings costs one
Whisper pass per distinct segment and one Silero pass per offset.

    .venv/bin/python scripts/bench_real_tune.py [--real DIR]
        [--trial START,END,MIN,OFFSETS ...] [--verbose]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import soundfile as sf

import facecoach._voice.silero as silero
from facecoach._core.commands import Command
from facecoach._paths import places
from facecoach._voice.langpack import load_pack
from facecoach._voice.recognizer import Decision
from facecoach._voice.whisper import WhisperRecognizer, WhisperSettings
from facecoach._voice.whisper_models import find_whisper_model
from facecoach._voice.whisper_scoring import PhraseScorer

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "voice-real"
"""Where the tracks are beside a checkout at /work/main (``--real`` elsewhere)."""
REAL_VAD = silero.SileroVad
ENGLISH = load_pack("en")
BLOCK = 320
"""Samples per block fed, as the microphone gives them (20 ms)."""


class CachedScorer:
    """A ``PhraseScorer`` that remembers its answer for audio it has scored."""

    def __init__(self, scorer: PhraseScorer) -> None:
        self._scorer = scorer
        self.seen: dict[tuple[bytes, bool], Any] = {}
        self.multilingual = scorer.multilingual

    def score(self, audio: Any, gated: bool = True) -> Any:
        key = (hashlib.sha1(np.asarray(audio).tobytes()).digest(), gated)
        if key not in self.seen:
            self.seen[key] = self._scorer.score(audio, gated)
        return self.seen[key]


class CachedVad:
    """Stands in for ``SileroVad``: the probabilities of one model's stream on
    one track, worked out once (``TRACK`` names the track being run)."""

    TRACK: ClassVar[str] = ""
    probabilities: ClassVar[dict[tuple[str, int], list[float]]] = {}
    made: ClassVar[dict[str, int]] = {}

    def __init__(self) -> None:
        index = CachedVad.made.get(CachedVad.TRACK, 0)
        CachedVad.made[CachedVad.TRACK] = index + 1
        self._key = (CachedVad.TRACK, index % 2)
        self._model: silero.SileroVad | None = None
        self._calls = 0

    def reset(self) -> None:
        self._calls = 0
        if self._model is not None:
            self._model.reset()

    def __call__(self, frame: Any) -> float:
        known = CachedVad.probabilities.setdefault(self._key, [])
        if self._calls == len(known):
            if self._model is None:
                if self._calls:  # a model cannot take up a stream part way
                    raise RuntimeError(f"the cached stream {self._key} stops part way")
                self._model = REAL_VAD()
            known.append(self._model(frame))
        self._calls += 1
        return known[self._calls - 1]


@dataclass(frozen=True)
class Track:
    name: str
    samples: Any
    items: list[dict[str, Any]]
    seconds: float


def load_track(folder: Path, name: str) -> Track:
    meta = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
    audio, rate = sf.read(str(folder / meta["file"]), dtype="int16")
    if rate != 16_000:
        raise SystemExit(f"{folder / meta['file']}: expected 16 kHz, found {rate}")
    return Track(name, np.asarray(audio), meta["items"], len(audio) / rate)


def decide(track: Track, settings: WhisperSettings, scorer: CachedScorer) -> list[Decision]:
    CachedVad.TRACK = track.name
    CachedVad.made[track.name] = 0
    model = find_whisper_model(places(), None, {}, Path("/nonexistent")).path
    # Deciding is left out of ``emitted`` (it would count only the cache's
    # look-ups): latency here is what the segmenter adds.
    engine = WhisperRecognizer(ENGLISH, model, settings, lambda: 0.0, scorer)  # type: ignore[arg-type]
    out: list[Decision] = []
    for at in range(0, track.samples.size, BLOCK):
        out += engine.feed(track.samples[at : at + BLOCK])
    return out + engine.flush()


def _near(decision: Decision, item: dict[str, Any]) -> bool:
    low, high = item["start"] - 0.3, item["end"] + 1.5
    return bool(low <= decision.end <= high or low <= decision.emitted <= high)


@dataclass
class Result:
    heard: int = 0
    takes: int = 0
    wrong_on_stop: int = 0
    false_accepts: int = 0
    words_minutes: float = 0.0
    waits: tuple[float, ...] = ()
    """Seconds from the end of each heard "stop" to its decision (deciding left out)."""
    missed: tuple[str, ...] = ()
    accepted: tuple[str, ...] = ()

    def line(self, label: str) -> str:
        rate = self.false_accepts / self.words_minutes if self.words_minutes else 0.0
        return (
            f"{label:<44} stop {self.heard}/{self.takes} ({100 * self.heard / self.takes:.1f} %)"
            f"  other commands there {self.wrong_on_stop}"
            f"  false accepts on words {self.false_accepts} ({rate:.2f}/min)"
            f"  latency p50/p95 {_ms(self.waits, 50)}/{_ms(self.waits, 95)} ms"
        )


def _ms(values: tuple[float, ...], percent: int) -> str:
    return f"{1000 * float(np.percentile(values, percent)):.0f}" if values else "-"


def measure(stop: Track, words: Track, settings: WhisperSettings, scorer: CachedScorer) -> Result:
    result = Result(takes=len(stop.items), words_minutes=words.seconds / 60)
    decided = decide(stop, settings, scorer)
    heard = [d for d in decided if d.command is not None]
    missed = []
    waits = []
    for item in stop.items:
        found = [d for d in heard if d.command is Command.STOP and _near(d, item)]
        if found:
            result.heard += 1
            waits.append(found[0].emitted - item["end"])
            continue
        near = [d for d in decided if _near(d, item)]
        why = "; ".join(f"{d.end - d.start:.2f} s {d.text!r}: {d.reason}" for d in near)
        name = item["path"].split("/")[-1]
        missed.append(f"{name} at {item['start']:.2f}: {why or 'no segment'}")
    result.wrong_on_stop = sum(d.command is not Command.STOP for d in heard)
    accepted = [d for d in decide(words, settings, scorer) if d.command is not None]
    result.false_accepts = len(accepted)
    result.missed = tuple(missed)
    result.waits = tuple(waits)
    result.accepted = tuple(
        f"{d.command.value} at {d.end:.2f} ({d.text!r})" for d in accepted if d.command
    )
    return result


def with_rules(settings: WhisperSettings, changes: list[str]) -> WhisperSettings:
    """``settings`` with each "command:field=value" applied to that command's rule."""
    rules = dict(settings.rules)
    for change in changes:
        name, _, figure = change.partition(":")
        field, _, value = figure.partition("=")
        command = Command.parse(name)
        rules[command] = replace(rules.get(command, settings.rule), **{field: float(value)})  # type: ignore[arg-type]
    return replace(settings, rules=tuple(rules.items()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real", type=Path, default=REAL, help="the voice-real folder")
    parser.add_argument(
        "--trial",
        action="append",
        default=[],
        metavar="START,END,MIN,OFFSETS[,SHARE]",
        help="also try these segmenter settings (thresholds, shortest segment, 1 or 2 offsets)",
    )
    parser.add_argument(
        "--rule",
        action="append",
        default=[],
        metavar="COMMAND:FIELD=VALUE",
        help="change one figure of a command's accept rule (pause:floor=-7.1), for every trial",
    )
    parser.add_argument("--verbose", action="store_true", help="name every miss and false accept")
    parser.add_argument("--cache", type=Path, help="keep the scores in this file between runs")
    args = parser.parse_args()
    silero.SileroVad = CachedVad  # type: ignore[misc,assignment]
    if args.cache is not None and args.cache.is_file():
        with args.cache.open("rb") as kept:
            seen, CachedVad.probabilities = pickle.load(kept)
    stop, words = load_track(args.real, "stop"), load_track(args.real, "words")
    base = with_rules(WhisperSettings(), args.rule)
    model = find_whisper_model(places(), None, {}, Path("/nonexistent")).path
    pack = ENGLISH
    scorer = CachedScorer(
        PhraseScorer(
            model,
            [(p, c.value) for p, c in pack.phrases],
            always=(Command.TOO_TIGHT.value,),
            candidates=base.candidates,
            none_candidates=base.none_candidates,
            threads=base.threads,
            gate=base.gate,
        )
    )
    if args.cache is not None and args.cache.is_file():
        scorer.seen = seen
    trials: list[tuple[str, WhisperSettings]] = [("defaults", base)]
    for text in args.trial:
        start, end, least, offsets, share = (float(x) for x in f"{text},1.0".split(",")[:5])
        vad = replace(
            base.vad,
            start_threshold=start,
            end_threshold=end,
            offsets=int(offsets),
            end_share=share,
        )
        limits = replace(base.limits, min_seconds=least)
        label = f"start {start} end {end} (x{share}) min {least} offsets {int(offsets)}"
        trials.append((label, replace(base, vad=vad, limits=limits)))
    for label, settings in trials:
        result = measure(stop, words, settings, scorer)
        print(result.line(label), flush=True)
        if args.cache is not None:
            with args.cache.open("wb") as kept:
                pickle.dump((scorer.seen, CachedVad.probabilities), kept)
        if args.verbose:
            for what in result.missed:
                print("   missed", what)
            for what in result.accepted:
                print("   false accept", what)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
