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

__all__ = [
    "RULE_FIELDS",
    "STRICT_NONE_GAP",
    "AcceptRule",
    "Scored",
    "Verdict",
    "WhisperTuning",
    "accept",
    "near_word",
]

STRICT_NONE_GAP = 0.0
"""How far a ``strict`` phrase may trail the best non-command word: not at
all. A "repeat" said with lips that do not close scores as "wait" only a
little behind an ordinary word, and must not become a pause."""

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
    """When the best command phrase is taken as said (all in nats). The
    figures each language uses are in its pack (``lang/*.yaml``, ``whisper:``);
    these defaults are the English pack's general rule."""

    margin: float = 6.0
    """It may score at most this much below the free transcript."""
    floor: float = -6.5
    """It must score above this."""
    none_gap: float = -1.0
    """It must beat the best non-command word by this (negative: may trail it)."""
    end_floor: float = -2.5
    """The utterance must be this likely to end right after the phrase: "back
    soon" is not "back"."""
    longer_gap: float = -1.0
    """A longer word that begins with the phrase's last word, in any casing,
    may be at most this much likelier than that word ("helpful", "continues";
    only for words of ``LONGER_FROM`` letters or more)."""
    near_gap: float = 1.5
    """The free transcript may be at most this much likelier than the phrase
    when it has a near word where the phrase has its last word ("Continuing",
    "Rewound", "Preview"; ``near_word``)."""
    piece_gap: float = -1.0
    """The word may be at most this much likelier to go on right after the
    phrase than the utterance is to end ("Next" + "us", "Back" + "ache")."""

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


RULE_FIELDS = ("margin", "floor", "none_gap", "end_floor", "longer_gap", "near_gap", "piece_gap")
"""The figures of an ``AcceptRule`` a language pack may set (in nats)."""


@dataclass(frozen=True)
class WhisperTuning:
    """What a language pack sets for the Whisper engine (its ``whisper:`` part)."""

    rule: AcceptRule = field(default_factory=AcceptRule)
    """The accept rule of every command without one of its own (``accept:``)."""
    rules: tuple[tuple[str, AcceptRule], ...] = ()
    """(command name, its own rule): ``commands:``, each starting from ``rule``."""
    candidates: int = 2
    """Command phrases scored per segment, besides the safety word's."""
    none_candidates: int = 5
    """Non-command words scored per segment."""
    gate: tuple[float, float] | None = None
    """First-token log-probabilities below which no phrase is scored (see
    ``PhraseScorer``); None scores every segment."""


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
