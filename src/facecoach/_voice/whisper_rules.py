"""The accept rule of the Whisper engine: when a scored phrase is taken as said.

``PhraseScorer`` (whisper_scoring.py) scores the command phrases and some
non-command words against a segment; ``accept`` compares the best command
phrase with the free transcript, a floor, the best non-command word, the
chance that the utterance ends after it, and the words that begin like it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

__all__ = ["STRICT_NONE_GAP", "AcceptRule", "Scored", "Verdict", "accept", "near_word"]

STRICT_NONE_GAP = 0.0
"""How far a ``strict`` phrase may trail the best non-command word: not at
all. (-1.0, the usual gap, still let 4 of 36 weak-lipped "repeat"s through
as "wait", 0.6-0.7 behind "right" or "three"; 0.0 lost no "wait" on ten
cached runs of the seen splits.)"""

NEAR_FROM = 3
"""Letters a word of the free transcript must share with the start of the
phrase's word to count as a near word (``AcceptRule.near_gap``)."""


@dataclass(frozen=True)
class Scored:
    """One phrase (or non-command word) scored against a segment."""

    text: str
    command: str
    """The command's name, or "" for a non-command word."""
    score: float
    """``tokens + end`` in nats (0 is certain)."""
    tokens: float
    end: float
    """Log-probability that the utterance ends right after the phrase."""
    longer: float = -math.inf
    """How much likelier (log ratio) a longer word that begins with the
    phrase's last word is than that word itself, in any casing, where the
    last word is read: "stopping" or "previously" for "stop" or "previous"."""
    piece: float = -math.inf
    """How much likelier (log ratio) the word is to go on right after the
    phrase ("stop" + "ping", "Res" + "ume" + "d") than the utterance is to end."""


@dataclass(frozen=True)
class AcceptRule:
    """When the best command phrase is taken as said (all in nats)."""

    margin: float = 6.0
    """It may score at most this much below the free transcript (5.5 until the
    fourth round: 6.0 heard one more command of the fresh split, no more chatter)."""
    floor: float = -6.5
    """It must score above this."""
    none_gap: float = -1.0
    """It must beat the best non-command word by this (negative: may trail it).
    Some commands have a looser one (``whisper._default_rules``); for all of
    them, -1.5 let "how are you" through as help and "finished" as finish."""
    end_floor: float = -2.5
    """The utterance must be this likely to end right after the phrase: "back
    soon" is not "back" (every command of the tune split scored -1.6 or more)."""
    longer_gap: float = -1.0
    """A longer word that begins with the phrase's last word, in any casing,
    may be at most this much likelier than that word ("helpful", "continues";
    only for words of ``LONGER_FROM`` letters or more). 0.0 in the fifth
    round, when only the lower-case word was compared."""
    near_gap: float = 1.5
    """The free transcript may be at most this much likelier than the phrase
    when it has a near word where the phrase has its last word ("Continuing",
    "Rewound", "Preview"; ``near_word``). Sixth round, seen splits: 11 of 46
    false accepts gone on fresh3 and fresh4 and no command lost on any of the
    five; 0.0 to 1.0 lost 1-3 commands."""
    piece_gap: float = -1.0
    """The word may be at most this much likelier to go on right after the
    phrase than the utterance is to end ("Next" + "us", "Back" + "ache").
    Sixth round, with ``longer_gap`` -1.0 (seen splits, cached scores): 12 of
    58 false accepts gone (fresh2 17 to 13, fresh3 31 to 23), one command
    lost (espeak-ng's "resume" going on by -0.7); -1.5 and -0.5 no better."""

    strict: tuple[str, ...] = ()
    """Phrases that must beat the best non-command word by ``STRICT_NONE_GAP``
    even where ``none_gap`` lets the command trail it (``none_gap_for``)."""

    def none_gap_for(self, phrase: str) -> float:
        """``none_gap``, or ``STRICT_NONE_GAP`` where that is stricter and
        ``phrase`` is one of the ``strict`` ones."""
        if phrase in self.strict:
            return max(self.none_gap, STRICT_NONE_GAP)
        return self.none_gap

    def without_word_checks(self) -> AcceptRule:
        """This rule with the longer-word, piece and near-word checks off: for
        the safety word, whose miss costs most, and for languages whose
        words are not built with English suffixes."""
        return replace(self, longer_gap=math.inf, piece_gap=math.inf, near_gap=math.inf)


@dataclass(frozen=True)
class Verdict:
    """What the scorer made of one segment."""

    command: str | None
    text: str
    free_text: str
    free_score: float
    reason: str
    """Why it was rejected ("" when accepted)."""
    best: Scored | None = None
    best_none: Scored | None = None
    scored: tuple[Scored, ...] = field(default=())


def _words_of(text: str) -> list[str]:
    return re.sub(r"[^a-z' ]+", " ", text.lower()).split()


def near_word(free_text: str, phrase: str) -> str:
    """The word the free transcript has where ``phrase`` has its last word,
    when it is another word that begins like it ("continuing", "rewound" for
    "continue", "rewind"), else ""."""
    heard, said = _words_of(free_text), phrase.split()
    last = len(said) - 1
    if len(heard) <= last or heard[:last] != said[:last] or heard[last] == said[last]:
        return ""
    word, own = heard[last], said[last]
    shared = next(
        (n for n, (a, b) in enumerate(zip(word, own, strict=False)) if a != b),
        min(len(word), len(own)),
    )
    return word if shared >= NEAR_FROM else ""


def accept(
    free_text: str,
    free_score: float,
    scored: Sequence[Scored],
    rules: Mapping[str, AcceptRule],
    default: AcceptRule,
) -> Verdict:
    """Apply the accept rule of the best-scoring command phrase."""
    commands = [s for s in scored if s.command]
    nones = [s for s in scored if not s.command]
    best = max(commands, key=lambda s: s.score, default=None)
    best_none = max(nones, key=lambda s: s.score, default=None)
    if best is None:
        return Verdict(None, "", free_text, free_score, "no phrase scored", None, best_none)
    rule = rules.get(best.command, default)
    reason = ""
    if best.score < rule.floor:
        reason = f"unsure ({best.score:.1f} below {rule.floor:.1f})"
    elif best.score < free_score - rule.margin:
        reason = f"heard {free_text!r} ({best.score - free_score:.1f})"
    elif best_none is not None and best.score < best_none.score + rule.none_gap_for(best.text):
        reason = f"more like {best_none.text!r}"
    elif best.end < rule.end_floor:
        reason = f"goes on after {best.text!r} ({best.end:.1f})"
    elif best.longer > rule.longer_gap:
        reason = f"a longer word than {best.text!r} ({best.longer:.1f})"
    elif best.piece > rule.piece_gap:
        reason = f"a word that goes on after {best.text!r} ({best.piece:.1f})"
    elif (near := near_word(free_text, best.text)) and free_score - best.score > rule.near_gap:
        reason = f"heard {near!r}, not {best.text!r} ({best.score - free_score:.1f})"
    command = None if reason else best.command
    return Verdict(
        command, best.text, free_text, free_score, reason, best, best_none, tuple(scored)
    )
