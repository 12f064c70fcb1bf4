"""The labelled recordings of the voice-command benchmark, and how they are scored.

Every phrase of a language pack, said by several synthesised voices at
several speeds and noise floors, placed between distractor speech (whole
sentences and short everyday phrases); the coach's own lines; every cue.
The splits (their voices and chatter, when each was written and whether it
is tuned on, seen or held out) are data: tests/data/splits/*.yaml, read by
tests/bench_splits.py. The speech comes from tests/voice_corpus.py.
Used by scripts/bench_commands.py and scripts/bench_korean_whisper.py.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# The split files and the speech maker are shared with the tests.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import voice_corpus as corpus
from bench_splits import SplitError, VoiceSpec, load_split, split_names
from facecoach._voice.langpack import load_pack
from facecoach._voice.recognizer import RATE

__all__ = [
    "SplitError",
    "Voice",
    "build",
    "coach_track",
    "cue_track",
    "distractor_minutes",
    "load_split",
    "score",
    "split_names",
    "voices",
]


@dataclass(frozen=True)
class Voice:
    """One way of saying things."""

    name: str
    say: Callable[[str], np.ndarray]
    noise_dbfs: float = -50.0
    reverb: float = 0.0
    """Seconds for a room's tail to decay by 60 dB (0: dry)."""
    gain_db: float = 0.0


def _voice(spec: VoiceSpec) -> Voice:
    options = dict(spec.options)
    maker = corpus.piper_say if spec.engine == "piper" else corpus.espeak_say

    def say(text: str) -> np.ndarray:
        return maker(text, **options)  # type: ignore[arg-type]

    return Voice(spec.name, say, spec.noise_dbfs, spec.reverb, spec.gain_db)


def voices(split: str, lang: str = "en") -> list[Voice]:
    """The voices of a split, ready to speak."""
    return [_voice(spec) for spec in load_split(split).part(lang).voices]


def build(split: str, lang: str, seed: int) -> list[tuple[str, corpus.Track]]:
    """One track per voice: every phrase, with distractors between them."""
    part = load_split(split).part(lang)
    pack = load_pack(lang)
    rng = np.random.default_rng(seed)
    tracks = []
    sentences, short = part.sentences, part.short
    for voice in map(_voice, part.voices):
        items = [(c.value, p, voice.say(p)) for p, c in pack.phrases]
        items += [("", s, voice.say(s)) for s in sentences]
        items += [("", s, voice.say(s)) for s in short]
        order = rng.permutation(len(items))
        track = corpus.layout(
            [items[i] for i in order],
            rng,
            noise_dbfs=voice.noise_dbfs,
            gain_db=voice.gain_db,
            reverb=voice.reverb,
        )
        tracks.append((voice.name, track))
    return tracks


def coach_track(seed: int) -> corpus.Track:
    """The coach's own lines (the starter routine's), in the coach's espeak voice."""
    from facecoach._core.loader import builtin_library
    from facecoach._core.plan import compile_plan
    from facecoach._live.export import spoken_lines

    library = builtin_library()
    plan = compile_plan(library.routines["starter"], library)
    lines = spoken_lines(plan)
    clips = [("coach", t, corpus.espeak_say(t, "en-us", 175)) for t in lines]
    return corpus.layout(clips, np.random.default_rng(seed), gap=(0.4, 1.0))


def cue_track(seed: int) -> np.ndarray:
    """Every cue of the live loop, five times over, with the noise floor."""
    from facecoach._sound.cues import cue_path
    from facecoach._voice.mic import read_wav

    rng = np.random.default_rng(seed)
    names = ("hold_start", "hold_end", "tick", "rest", "exercise_done", "session_done")
    parts = [np.zeros(RATE // 2)]
    for _ in range(5):
        for name in names:
            parts += [read_wav(cue_path(name)).astype(np.float64), np.zeros(int(0.6 * RATE))]
    audio = np.concatenate(parts)
    audio += corpus.noise(audio.size, -50.0, rng)
    return np.asarray(np.clip(audio, -32768, 32767), dtype=np.int16)


def score(track: corpus.Track, found: list[dict[str, object]]) -> dict[str, object]:
    """Match JSON decisions to the truth."""
    said = [p for p in track.placed if p.label and p.label != "coach"]
    hits: dict[int, dict[str, object]] = {}
    false_sentence = false_short = false_coach = 0
    wrong_command = 0
    details: list[str] = []
    for obj in found:
        start, end = float(obj["start"]), float(obj["end"])  # type: ignore[arg-type]
        overlap = [p for p in track.placed if p.start - 0.3 < end and start < p.end + 0.3]
        if not overlap:
            false_short += 1
            continue
        p = overlap[0]
        if p.label != obj["command"]:
            details.append(f"{obj['command']} <- {p.text!r}")
        if p.label == "coach":
            false_coach += 1
        elif p.label == "":
            if len(p.text.split()) > 3:
                false_sentence += 1
            else:
                false_short += 1
        elif p.label == obj["command"]:
            hits[track.placed.index(p)] = obj
        else:
            wrong_command += 1
    latencies = [
        float(obj["emitted"]) - track.placed[i].end  # type: ignore[arg-type]
        for i, obj in hits.items()
    ]
    return {
        "said": said,
        "hit": {track.placed[i].text + "|" + track.placed[i].label for i in hits},
        "hits": len(hits),
        "false_sentence": false_sentence,
        "false_short": false_short,
        "false_coach": false_coach,
        "wrong_command": wrong_command,
        "latencies": latencies,
        "details": details,
    }


def distractor_minutes(track: corpus.Track, short: bool) -> float:
    spans = [p for p in track.placed if p.label == "" and (len(p.text.split()) <= 3) == short]
    return sum(p.end - p.start for p in spans) / 60
