"""The "fresh6" split of the command benchmark: voices, rooms and chatter.

Written on 2026-11-30 in the seventh round, after that round's changes
(Korean on Whisper base, the strict "wait", what the coach teaches) and
before any result of this split was seen: the held-out figure of the
seventh round. Its short chatter is half what people say to themselves
during exercise and half ordinary phrases that begin with, or sound like, a
command, less contrived than fresh5's ("nexts", "two tights").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import voice_corpus as corpus

__all__ = ["SENTENCES_FRESH6", "SHORT_FRESH6", "fresh6_voices"]

V = TypeVar("V")


def fresh6_voices(voice: Callable[..., V]) -> list[V]:
    """The split's voices, made with command_set's ``Voice``."""
    return [
        voice(
            "piper 0.95 n0.55 -44dB",
            lambda t: corpus.piper_say(t, length_scale=0.95, noise_scale=0.55, noise_w=0.7),
            -44.0,
        ),
        voice(
            "piper 1.15 n0.85 room 0.3",
            lambda t: corpus.piper_say(t, length_scale=1.15, noise_scale=0.85, noise_w=0.9),
            reverb=0.3,
        ),
        voice(
            "piper 0.8 n0.7 quiet -45dB",
            lambda t: corpus.piper_say(t, length_scale=0.8, noise_scale=0.7, noise_w=1.1),
            -45.0,
            gain_db=-8.0,
        ),
        voice(
            "piper 1.3 n0.4",
            lambda t: corpus.piper_say(t, length_scale=1.3, noise_scale=0.4, noise_w=0.6),
        ),
        voice(
            "espeak rp+m2 150 -45dB",
            lambda t: corpus.espeak_say(t, "en-gb-x-rp+m2", 150, 45),
            -45.0,
        ),
        voice(
            "espeak us+f4 165 room 0.4",
            lambda t: corpus.espeak_say(t, "en-us+f4", 165, 65),
            reverb=0.4,
        ),
        voice(
            "espeak scot+f3 145 quiet",
            lambda t: corpus.espeak_say(t, "en-gb-scotland+f3", 145, 55),
            -47.0,
            gain_db=-9.0,
        ),
        voice(
            "espeak 029+m3 170 lo",
            lambda t: corpus.espeak_say(t, "en-029+m3", 170, 35),
            -44.0,
        ),
    ]


SENTENCES_FRESH6 = (
    "the bus was late again so I walked the last stretch",
    "we stopped for lunch at a little place by the river",
    "my grandson wants to come and stay next month",
    "I have to remember to ring the surgery back tomorrow",
    "the garden centre had a sale on roses last weekend",
    "she paused at the door and then went back for her umbrella",
    "the film was so long that we watched the rest the next day",
    "can you help me carry these boxes up to the loft",
    "the radio said it might snow on the hills tonight",
    "I keep meaning to sort out the cupboard under the stairs",
    "the new neighbours seem very pleasant so far",
    "he continued the story where he had left off",
)

SHORT_FRESH6 = (
    # What people say to themselves during exercise.
    "that feels odd",
    "ouch",
    "hmm okay",
    "is that right",
    "a bit stiff",
    "getting there",
    "oh my cheek",
    "slowly does it",
    "where was I",
    "that's tricky",
    "one more time then",
    "deep breath",
    "it pulls a bit",
    "not bad",
    "my eye's watering",
    # Ordinary phrases that begin with, or sound like, a command.
    "stopping soon",
    "waiting for it",
    "help yourself",
    "next week maybe",
    "back in a bit",
    "pause for breath",
    "repeating myself",
    "continuing on",
    "go on then",
    "finished already",
    "too tired today",
    "say again what",
    "rewind that",
    "previously",
    "what can I eat",
)
