"""The voices of the command benchmark's splits (scripts/command_set.py).

Each split's synthesised voices: Piper's joe voice at several speeds and
noise settings, espeak-ng's English and Korean variants, with noise floors,
rooms (reverb) and quiet speakers. Split out of command_set.py, which
builds and scores the recordings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

import voice_corpus as corpus
from command_fresh6 import fresh6_voices

__all__ = ["Voice", "voices"]


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
