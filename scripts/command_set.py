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
command_texts.py. Used by scripts/bench_commands.py.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import voice_corpus as corpus
from command_fresh6 import fresh6_voices
from command_texts import SENTENCES, SENTENCES_KO, SHORT, SHORT_KO
from facecoach._voice import RATE, load_pack

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


@dataclass(frozen=True)
class Voice:
    """One way of saying things."""

    name: str
    say: Callable[[str], np.ndarray]
    noise_dbfs: float = -50.0
    reverb: float = 0.0
    """Seconds for a room's tail to decay by 60 dB (0: dry)."""
    gain_db: float = 0.0


def voices(split: str, lang: str = "en") -> list[Voice]:
    """The voices of a split (English tune: nine, held-out: four, fresh: nine,
    fresh2: nine, fresh3: eight, fresh4: eight, fresh5: eight; Korean: four and two)."""
    if lang == "ko":  # only espeak-ng speaks Korean here
        if split == "tune":
            return [
                Voice("espeak ko 160", lambda t: corpus.espeak_say(t, "ko", 160)),
                Voice("espeak ko 150 lo", lambda t: corpus.espeak_say(t, "ko", 150, 35)),
                Voice("espeak ko 170 hi", lambda t: corpus.espeak_say(t, "ko", 170, 65)),
                Voice("espeak ko 140 -45dB", lambda t: corpus.espeak_say(t, "ko", 140), -45.0),
            ]
        return [
            Voice("espeak ko 130", lambda t: corpus.espeak_say(t, "ko", 130)),
            Voice("espeak ko 190 -40dB", lambda t: corpus.espeak_say(t, "ko", 190, 60), -40.0),
        ]
    if split == "tune":
        return [
            Voice("piper", lambda t: corpus.piper_say(t)),
            Voice("espeak en-us 160", lambda t: corpus.espeak_say(t, "en-us", 160)),
            # More accents, pitches and noise floors to choose thresholds on;
            # none is a held-out voice.
            Voice("espeak rp 165", lambda t: corpus.espeak_say(t, "en-gb-x-rp", 165)),
            Voice("espeak scot 150", lambda t: corpus.espeak_say(t, "en-gb-scotland", 150, 40)),
            Voice(
                "espeak nyc 175 -44dB",
                lambda t: corpus.espeak_say(t, "en-us-nyc", 175, 35),
                -44.0,
            ),
            Voice("espeak 029 155", lambda t: corpus.espeak_say(t, "en-029", 155, 60)),
            Voice(
                "espeak us f 150 -45dB", lambda t: corpus.espeak_say(t, "en-us+f3", 150, 60), -45.0
            ),
            Voice("piper 0.95 -45dB", lambda t: corpus.piper_say(t, length_scale=0.95), -45.0),
            Voice("piper 1.1", lambda t: corpus.piper_say(t, length_scale=1.1)),
        ]
    if split == "fresh":  # written down before any of its results were seen
        return [
            Voice(
                "piper 0.9 n0.8 -42dB",
                lambda t: corpus.piper_say(t, length_scale=0.9, noise_scale=0.8, noise_w=0.9),
                -42.0,
            ),
            Voice(
                "piper 1.05 room 0.4", lambda t: corpus.piper_say(t, length_scale=1.05), reverb=0.4
            ),
            Voice(
                "piper 1.25 n0.5 -46dB",
                lambda t: corpus.piper_say(t, length_scale=1.25, noise_scale=0.5),
                -46.0,
            ),
            Voice(
                "piper 0.8 room 0.25 quiet",
                lambda t: corpus.piper_say(t, length_scale=0.8),
                -48.0,
                reverb=0.25,
                gain_db=-10.0,
            ),
            Voice("espeak gbclan 150", lambda t: corpus.espeak_say(t, "en-gb-x-gbclan", 150)),
            Voice(
                "espeak gbcwmd 165 -42dB",
                lambda t: corpus.espeak_say(t, "en-gb-x-gbcwmd", 165, 45),
                -42.0,
            ),
            Voice(
                "espeak us+m3 170 room 0.3",
                lambda t: corpus.espeak_say(t, "en-us+m3", 170, 45),
                reverb=0.3,
            ),
            Voice("espeak us+f2 145 hi", lambda t: corpus.espeak_say(t, "en-us+f2", 145, 70)),
            Voice(
                "espeak en+f4 135 quiet",
                lambda t: corpus.espeak_say(t, "en+f4", 135, 55),
                -47.0,
                gain_db=-8.0,
            ),
        ]
    if split == "fresh2":  # written down before any of its results were seen
        return [
            Voice(
                "piper 0.85 n0.9 -44dB",
                lambda t: corpus.piper_say(t, length_scale=0.85, noise_scale=0.9, noise_w=1.0),
                -44.0,
            ),
            Voice(
                "piper 1.15 room 0.5", lambda t: corpus.piper_say(t, length_scale=1.15), reverb=0.5
            ),
            Voice(
                "piper 1.0 n0.3 quiet",
                lambda t: corpus.piper_say(t, noise_scale=0.3, noise_w=0.5),
                -49.0,
                gain_db=-12.0,
            ),
            Voice("piper 1.3 -41dB", lambda t: corpus.piper_say(t, length_scale=1.3), -41.0),
            Voice(
                "espeak rp+m5 150 -43dB",
                lambda t: corpus.espeak_say(t, "en-gb-x-rp+m5", 150, 45),
                -43.0,
            ),
            Voice(
                "espeak scot+f1 160 room 0.35",
                lambda t: corpus.espeak_say(t, "en-gb-scotland+f1", 160, 60),
                reverb=0.35,
            ),
            Voice(
                "espeak en-gb+m2 140 quiet",
                lambda t: corpus.espeak_say(t, "en-gb+m2", 140, 40),
                -48.0,
                gain_db=-9.0,
            ),
            Voice(
                "espeak gbclan+f5 170 lo",
                lambda t: corpus.espeak_say(t, "en-gb-x-gbclan+f5", 170, 30),
            ),
            Voice(
                "espeak us+m1 185 -43dB",
                lambda t: corpus.espeak_say(t, "en-us+m1", 185, 55),
                -43.0,
            ),
        ]
    if split == "fresh3":  # written down before any of its results were seen
        return [
            Voice(
                "piper 0.75 n0.7 -40dB",
                lambda t: corpus.piper_say(t, length_scale=0.75, noise_scale=0.7, noise_w=0.7),
                -40.0,
            ),
            Voice(
                "piper 1.4 room 0.6", lambda t: corpus.piper_say(t, length_scale=1.4), reverb=0.6
            ),
            Voice(
                "piper 0.95 n0.4 room 0.2 -45dB",
                lambda t: corpus.piper_say(t, length_scale=0.95, noise_scale=0.4, noise_w=0.6),
                -45.0,
                reverb=0.2,
            ),
            Voice(
                "piper 1.1 n1.0 quiet",
                lambda t: corpus.piper_say(t, length_scale=1.1, noise_scale=1.0, noise_w=1.1),
                -47.0,
                gain_db=-11.0,
            ),
            Voice(
                "espeak nyc+m4 155 -46dB",
                lambda t: corpus.espeak_say(t, "en-us-nyc+m4", 155, 50),
                -46.0,
            ),
            Voice(
                "espeak 029+m6 140 room 0.45",
                lambda t: corpus.espeak_say(t, "en-029+m6", 140, 40),
                reverb=0.45,
            ),
            Voice("espeak rp+m7 180 hi", lambda t: corpus.espeak_say(t, "en-gb-x-rp+m7", 180, 75)),
            Voice(
                "espeak gbcwmd+Annie 150 quiet",
                lambda t: corpus.espeak_say(t, "en-gb-x-gbcwmd+Annie", 150, 55),
                -48.0,
                gain_db=-7.0,
            ),
        ]
    if split == "fresh4":  # written down before any of its results were seen
        return [
            Voice(
                "piper 0.8 n0.6 -42dB",
                lambda t: corpus.piper_say(t, length_scale=0.8, noise_scale=0.6, noise_w=0.5),
                -42.0,
            ),
            Voice(
                "piper 1.2 n0.9 room 0.35",
                lambda t: corpus.piper_say(t, length_scale=1.2, noise_scale=0.9, noise_w=0.9),
                reverb=0.35,
            ),
            Voice(
                "piper 1.0 n0.5 quiet -44dB",
                lambda t: corpus.piper_say(t, noise_scale=0.5, noise_w=0.4),
                -44.0,
                gain_db=-9.0,
            ),
            Voice(
                "piper 1.35 n0.8 room 0.25",
                lambda t: corpus.piper_say(t, length_scale=1.35, noise_scale=0.8, noise_w=1.2),
                -46.0,
                reverb=0.25,
            ),
            Voice(
                "espeak us+m8 160 -44dB",
                lambda t: corpus.espeak_say(t, "en-us+m8", 160, 45),
                -44.0,
            ),
            Voice(
                "espeak scot+m6 145 room 0.3",
                lambda t: corpus.espeak_say(t, "en-gb-scotland+m6", 145, 50),
                reverb=0.3,
            ),
            Voice(
                "espeak gbclan+f3 170 quiet",
                lambda t: corpus.espeak_say(t, "en-gb-x-gbclan+f3", 170, 65),
                -47.0,
                gain_db=-8.0,
            ),
            Voice(
                "espeak 029+f2 150 lo",
                lambda t: corpus.espeak_say(t, "en-029+f2", 150, 30),
                -45.0,
            ),
        ]
    if split == "fresh6":  # written down before any of its results were seen
        return fresh6_voices(Voice)
    if split == "fresh5":  # written down before any of its results were seen
        return [
            Voice(
                "piper 0.9 n0.75 -43dB",
                lambda t: corpus.piper_say(t, length_scale=0.9, noise_scale=0.75, noise_w=0.8),
                -43.0,
            ),
            Voice(
                "piper 1.25 n0.6 room 0.45",
                lambda t: corpus.piper_say(t, length_scale=1.25, noise_scale=0.6, noise_w=1.0),
                reverb=0.45,
            ),
            Voice(
                "piper 1.05 n0.9 quiet -46dB",
                lambda t: corpus.piper_say(t, length_scale=1.05, noise_scale=0.9, noise_w=0.6),
                -46.0,
                gain_db=-10.0,
            ),
            Voice(
                "piper 0.7 n0.5",
                lambda t: corpus.piper_say(t, length_scale=0.7, noise_scale=0.5, noise_w=0.5),
            ),
            Voice(
                "espeak rp+f3 155 -45dB",
                lambda t: corpus.espeak_say(t, "en-gb-x-rp+f3", 155, 60),
                -45.0,
            ),
            Voice(
                "espeak us+m5 175 room 0.35",
                lambda t: corpus.espeak_say(t, "en-us+m5", 175, 40),
                reverb=0.35,
            ),
            Voice(
                "espeak gbcwmd+m1 140 quiet",
                lambda t: corpus.espeak_say(t, "en-gb-x-gbcwmd+m1", 140, 50),
                -46.0,
                gain_db=-9.0,
            ),
            Voice(
                "espeak nyc+f5 165 hi",
                lambda t: corpus.espeak_say(t, "en-us-nyc+f5", 165, 70),
                -44.0,
            ),
        ]
    return [
        Voice("piper fast", lambda t: corpus.piper_say(t, length_scale=0.85)),
        Voice("piper slow -40dB", lambda t: corpus.piper_say(t, length_scale=1.2), -40.0),
        Voice("espeak en-gb 140", lambda t: corpus.espeak_say(t, "en-gb", 140)),
        Voice("espeak en-us 190 hi", lambda t: corpus.espeak_say(t, "en-us", 190, 70), -40.0),
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
    from facecoach._core import builtin_library, compile_plan
    from facecoach._live import spoken_lines

    library = builtin_library()
    plan = compile_plan(library.routines["starter"], library)
    lines = spoken_lines(plan)
    clips = [("coach", t, corpus.espeak_say(t, "en-us", 175)) for t in lines]
    return corpus.layout(clips, np.random.default_rng(seed), gap=(0.4, 1.0))


def cue_track(seed: int) -> np.ndarray:
    """Every cue of the live loop, five times over, with the noise floor."""
    from facecoach._sound import cue_path
    from facecoach._voice import read_wav

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
