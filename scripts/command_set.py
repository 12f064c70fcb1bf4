"""The labelled recordings of the voice-command benchmark, and how they are scored.

Every phrase of a language pack, said by several synthesised voices at
several speeds and noise floors, placed between distractor speech (whole
sentences and short everyday phrases); the coach's own lines; every cue.
Four splits: "tune" (the voices and chatter the defaults were chosen on),
"held-out" (others, for reporting; its results have been looked at while
tuning, so it is reported as "seen"), "fresh" (voices, speeds, noise floors,
rooms and chatter written down on 2026-11-30 before any of its results were
seen; run once for the third round's report, looked at in the fourth, so now
"seen" too) and "fresh2" (written down on 2026-11-30 at the start of the
fourth round, before any of its results were seen: the held-out figure of
that round; seen since), "fresh3" (written down on 2026-11-30 at the start
of the fifth round, before any of its results were seen: new voices and
chatter with words that begin with a command phrase; seen since) and "fresh4"
(written down on 2026-11-30 at the start of the sixth round, before any of
its results were seen; seen since) and "fresh5" (written down on 2026-11-30
in the sixth round, after fresh4's one run, before any change it led to;
seen since) and "fresh6" (command_fresh6.py: written down on 2026-11-30 in
the seventh round, after its changes, before any of its results were seen).
The words said between commands are in
command_texts.py, the voices in command_voices.py. Used by
scripts/bench_commands.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import voice_corpus as corpus
from command_texts import SENTENCES, SENTENCES_KO, SHORT, SHORT_KO
from command_voices import Voice, voices
from facecoach._voice.langpack import load_pack
from facecoach._voice.recognizer import RATE

__all__ = [
    "SENTENCES",
    "SHORT",
    "Voice",
    "build",
    "coach_track",
    "cue_track",
    "distractor_minutes",
    "score",
    "voices",
]


def build(split: str, lang: str, seed: int) -> list[tuple[str, corpus.Track]]:
    """One track per voice: every phrase, with distractors between them."""
    pack = load_pack(lang)
    rng = np.random.default_rng(seed)
    tracks = []
    sentences = (SENTENCES_KO if lang == "ko" else SENTENCES)[split]
    short = (SHORT_KO if lang == "ko" else SHORT)[split]
    for voice in voices(split, lang):
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
