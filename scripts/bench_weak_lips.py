#!/usr/bin/env python3
"""Commands said with lips that do not close: what the Whisper engine still hears.

Weak lip closure is common in facial palsy: p, b and m blur. This says every
phrase of the English pack with Piper's voice twice over, as written and
with every p, b and m made without closing the lips (``WEAK_LIPS`` in
tests/voice_corpus.py: bilabial fricatives for p and b, a labiodental
nasal for m), in several renditions (Piper draws random noise while it
speaks, at three speeds). Each set goes through the real engine (Silero VAD
and Whisper tiny.en, `make_recognizer`) between pauses with a noise floor,
and the heard commands are matched to what was said.

Prints, per phrase, how many renditions were heard as written and with weak
lips, and any taken for another command; then, per command, whether its
lip-free phrases hold. Synthetic speech only: a simulation of one feature
of palsy, not a person. Asserts nothing.

    .venv/bin/python scripts/bench_weak_lips.py [--renditions N] [--seed S]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # the speech maker

import voice_corpus as corpus
from facecoach._core.commands import Command
from facecoach._paths import places
from facecoach._voice.enroll import is_lip_free
from facecoach._voice.langpack import load_pack
from facecoach._voice.source import make_recognizer

SPEEDS = (0.85, 1.0, 1.2)


def heard_on(
    say: Callable[[str, float], np.ndarray],
    phrases: list[tuple[str, Command]],
    renditions: int,
    rng: np.random.Generator,
) -> dict[str, tuple[int, int, list[str]]]:
    """{phrase: (heard right, said, other commands it was taken for)}."""
    clips = []
    for n in range(renditions):
        speed = SPEEDS[n % len(SPEEDS)]
        clips += [(command.value, phrase, say(phrase, speed)) for phrase, command in phrases]
    track = corpus.layout(clips, rng)
    with tempfile.TemporaryDirectory() as home:
        recognizer = make_recognizer("en", places(home), "whisper", environ={})
        decisions = []
        for at in range(0, track.samples.size, 320):
            decisions += recognizer.feed(track.samples[at : at + 320])
        decisions += recognizer.flush()
    out: dict[str, tuple[int, int, list[str]]] = {p: (0, 0, []) for p, _ in phrases}
    for placed in track.placed:
        near = [
            d
            for d in decisions
            if d.command is not None and placed.start - 0.3 < d.end and d.start < placed.end + 0.3
        ]
        right, said, wrong = out[placed.text]
        hit = any(d.command.value == placed.label for d in near if d.command is not None)
        others = [d.command.value for d in near if d.command and d.command.value != placed.label]
        out[placed.text] = (right + int(hit), said + 1, wrong + others)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renditions", type=int, default=12, help="of each phrase (default 12)")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    if not corpus.have_piper():
        print("needs the piper extra (Piper and the joe voice)")
        return 2
    pack = load_pack("en")
    phrases = list(pack.phrases)
    print(f"load average {os.getloadavg()[0]:.1f}; {args.renditions} renditions of each phrase")
    began = time.perf_counter()
    clear = heard_on(
        lambda text, speed: corpus.piper_say(text, length_scale=speed),
        phrases,
        args.renditions,
        np.random.default_rng(args.seed),
    )
    weak = heard_on(
        lambda text, speed: corpus.piper_say_weak_lips(text, length_scale=speed),
        phrases,
        args.renditions,
        np.random.default_rng(args.seed + 1),
    )
    print(f"\n{'phrase':<16} {'lips':<9} {'as written':>10} {'weak lips':>10}  taken for")
    for phrase, _ in phrases:
        free = "none" if is_lip_free(phrase) else "p/b/m"
        right, said, wrong = clear[phrase]
        weak_right, weak_said, weak_wrong = weak[phrase]
        taken = ", ".join(sorted(set(wrong + weak_wrong))) or "-"
        print(
            f"{phrase:<16} {free:<9} {right:>4}/{said:<5} {weak_right:>4}/{weak_said:<5}  {taken}"
        )
    print("\nper command, weak lips: every phrase / lip-free phrases only")
    total = [0, 0, 0, 0]
    for command in Command:
        own = [p for p, c in phrases if c is command]
        lip_free = [p for p in own if is_lip_free(p)]
        every = sum(weak[p][0] for p in own), sum(weak[p][1] for p in own)
        safe = sum(weak[p][0] for p in lip_free), sum(weak[p][1] for p in lip_free)
        total = [total[0] + every[0], total[1] + every[1], total[2] + safe[0], total[3] + safe[1]]
        print(
            f"  {command.value:<10} {every[0]:>3}/{every[1]:<4} {safe[0]:>3}/{safe[1]:<4} "
            f"({', '.join(lip_free)})"
        )
    lips = [p for p, _ in phrases if not is_lip_free(p)]
    print(
        f"\nphrases with p, b or m, weak lips: {sum(weak[p][0] for p in lips)}/"
        f"{sum(weak[p][1] for p in lips)}, as written: {sum(clear[p][0] for p in lips)}/"
        f"{sum(clear[p][1] for p in lips)}; lip-free phrases, weak lips: {total[2]}/{total[3]}"
    )
    print(f"({time.perf_counter() - began:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
