"""Voice enrolment: how the Whisper engine hears this person's commands.

The person says a few phrases of each command a few times (``facecoach
enroll``). Each take is kept as the scores the engine gave it (``Take``).
From them each command gets its own accept rule: loosened just enough for
the takes that were heard as the right phrase but refused by the general
rule, and never looser than a safe limit (``SAFE_RULE``, ``SAFE_SAFETY_RULE``).
Rules are only ever loosened from the general ones, never tightened: a
person's voice varies from day to day, and a tighter rule would cost the
misses that matter most.

The enrolment also says which phrases it hears reliably and, where a phrase
with p, b or m does poorly (weak lip closure), offers the command's phrases
without them. Everything here is pure except ``load_enrolment``,
``save_enrolment`` and ``forget_enrolment``.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from .._core.commands import Command
from .._core.state import TAUGHT
from .._paths import Places, read_regular, write_text_atomic
from .langpack import LanguagePack
from .whisper_scoring import AcceptRule, Verdict

__all__ = [
    "ENROLMENT_FILE",
    "SAFE_RULE",
    "SAFE_SAFETY_RULE",
    "Enrolment",
    "EnrolmentError",
    "Take",
    "enrolment_path",
    "enrolment_prompts",
    "enrolment_report",
    "forget_enrolment",
    "is_lip_free",
    "load_enrolment",
    "personal_rules",
    "save_enrolment",
    "take_from",
]

ENROLMENT_FILE = "voice-enrolment.json"
"""Kept next to the profile (``profile.json``), 0600."""
VERSION = 1

SAFE_RULE = AcceptRule(margin=7.0, floor=-7.0, none_gap=-1.5, end_floor=-3.5)
"""No command's personal rule is looser than this, so that a person's
enrolment cannot make chatter into commands (docs/decisions.md)."""
SAFE_SAFETY_RULE = AcceptRule(
    margin=8.0, floor=-9.0, none_gap=-3.5, end_floor=-4.0
).without_word_checks()
"""The limit for "too tight", whose miss costs most: about one nat past its
general rule. A general rule looser than these limits is kept as it is. The
longer-word checks (``longer_gap``, ``piece_gap``) are never loosened:
``SAFE_RULE`` has the general rule's, this one none, as the general "too
tight" rule."""
SLACK = 0.5
"""Nats left between a take's score and the rule it needed."""
RELIABLE_SHARE = 2 / 3
"""A phrase is heard reliably when at least this share of its takes is accepted."""


NOT_SCORED = -99.0
"""Stands for a score that was not made (no phrase; no longer word): the
file holds finite numbers only."""


class EnrolmentError(ValueError):
    """The enrolment file cannot be read or is not this engine's or language's."""


@dataclass(frozen=True)
class Take:
    """One take of a prompted phrase, as the engine scored it (nats)."""

    phrase: str
    command: str
    """The command the phrase belongs to."""
    heard: str
    """The command of the best-scoring phrase ("" when none was scored)."""
    text: str
    """The best-scoring command phrase."""
    score: float
    free_score: float
    none_score: float | None
    """The best non-command word's score (None when none was scored)."""
    end: float
    """Log-probability that the utterance ends after the best phrase."""
    longer: float = NOT_SCORED
    """``Scored.longer`` of the best phrase (a longer word likelier)."""
    piece: float = NOT_SCORED
    """``Scored.piece`` of the best phrase (the word going on after it)."""

    @property
    def right_phrase(self) -> bool:
        """The best-scoring phrase was of the prompted command."""
        return self.heard == self.command


_LIP_SOUNDS = frozenset("pbm") | frozenset(
    # Hangul's lip consonants as conjoining jamo (a syllable's NFD form):
    # initial ㅁ ㅂ ㅃ ㅍ, final ㅁ ㅂ ㅍ.
    "\u1106\u1107\u1108\u1111\u11b7\u11b8\u11c1"
)


def is_lip_free(phrase: str) -> bool:
    """No p, b or m (in Korean ㅁ, ㅂ, ㅃ, ㅍ): sayable with weak lip closure."""
    return not set(unicodedata.normalize("NFD", phrase.lower())) & _LIP_SOUNDS


def take_from(verdict: Verdict | None, phrase: str, command: str) -> Take:
    """The take that ``verdict`` (None: nothing scored) makes of a prompted phrase."""
    if verdict is None or verdict.best is None:
        free = verdict.free_score if verdict is not None else 0.0
        return Take(phrase, command, "", "", NOT_SCORED, free, None, NOT_SCORED)
    best, none = verdict.best, verdict.best_none
    return Take(
        phrase,
        command,
        best.command,
        best.text,
        best.score,
        verdict.free_score,
        None if none is None else none.score,
        best.end,
        max(best.longer, NOT_SCORED),
        max(best.piece, NOT_SCORED),
    )


def passes(take: Take, rule: AcceptRule) -> bool:
    """The take is accepted as its prompted command under ``rule``."""
    if not take.right_phrase:
        return False
    none_ok = take.none_score is None or (
        take.score >= take.none_score + rule.none_gap_for(take.text)
    )
    return (
        take.score >= rule.floor
        and take.score >= take.free_score - rule.margin
        and none_ok
        and take.end >= rule.end_floor
        and take.longer <= rule.longer_gap
        and take.piece <= rule.piece_gap
    )


def _loosened(takes: Sequence[Take], base: AcceptRule, safe: AcceptRule) -> AcceptRule:
    """``base``, loosened as far as the right-phrase takes need, never past ``safe``."""
    right = [t for t in takes if t.right_phrase]
    if not right:
        return base
    margin = max(t.free_score - t.score for t in right) + SLACK
    floor = min(t.score for t in right) - SLACK
    gaps = [t.score - t.none_score for t in right if t.none_score is not None]
    end = min(t.end for t in right) - SLACK
    return replace(
        base,
        margin=min(max(base.margin, margin), max(base.margin, safe.margin)),
        floor=max(min(base.floor, floor), min(base.floor, safe.floor)),
        none_gap=max(
            min([base.none_gap, *(g - SLACK for g in gaps)]), min(base.none_gap, safe.none_gap)
        ),
        end_floor=max(min(base.end_floor, end), min(base.end_floor, safe.end_floor)),
    )


def personal_rules(
    takes: Iterable[Take],
    general: Mapping[str, AcceptRule],
    default: AcceptRule,
) -> dict[str, AcceptRule]:
    """Each enrolled command's rule: its general one (``general`` or ``default``),
    loosened for this person's takes within ``SAFE_RULE`` (``SAFE_SAFETY_RULE``
    for "too tight")."""
    by_command: dict[str, list[Take]] = {}
    for take in takes:
        by_command.setdefault(take.command, []).append(take)
    rules = dict(general)
    for command, its in by_command.items():
        safe = SAFE_SAFETY_RULE if command == Command.TOO_TIGHT.value else SAFE_RULE
        rules[command] = _loosened(its, general.get(command, default), safe)
    return rules


def enrolment_prompts(pack: LanguagePack) -> list[tuple[str, str]]:
    """(phrase, command) to enrol: each command's first phrase and its first lip-free one."""
    out: list[tuple[str, str]] = []
    for command in Command:
        phrases = pack.phrases_of(command)
        if not phrases:
            continue
        chosen = [phrases[0]]
        free = [p for p in phrases if is_lip_free(p)]
        if free and free[0] not in chosen:
            chosen.append(free[0])
        out += [(p, command.value) for p in chosen]
    return out


@dataclass(frozen=True)
class Enrolment:
    """What one enrolment kept: the language, the model and every take."""

    lang: str
    model: str
    takes: tuple[Take, ...]

    def to_json(self) -> str:
        """The file's text."""
        body = {
            "version": VERSION,
            "engine": "whisper",
            "lang": self.lang,
            "model": self.model,
            "takes": [asdict(t) for t in self.takes],
        }
        return json.dumps(body, indent=1) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Enrolment:
        """Parse the file's text; raise ``EnrolmentError``."""
        try:
            body = json.loads(text)
            if not isinstance(body, dict) or body.get("version") != VERSION:
                raise ValueError("not a version 1 enrolment")
            takes = []
            for item in body["takes"]:
                none = item["none_score"]
                takes.append(
                    Take(
                        str(item["phrase"]),
                        str(item["command"]),
                        str(item["heard"]),
                        str(item["text"]),
                        _number(item["score"]),
                        _number(item["free_score"]),
                        None if none is None else _number(none),
                        _number(item["end"]),
                        # Files written before these were kept have neither.
                        _number(item.get("longer", NOT_SCORED)),
                        _number(item.get("piece", NOT_SCORED)),
                    )
                )
            return cls(str(body["lang"]), str(body["model"]), tuple(takes))
        except (ValueError, KeyError, TypeError) as exc:
            raise EnrolmentError(f"unreadable voice enrolment: {exc}") from exc


def _number(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"not a number: {value!r}")
    number = float(value)
    if number != number or abs(number) > 1e6:
        raise ValueError(f"out of range: {value!r}")
    return number


def phrase_tally(
    takes: Iterable[Take], rules: Mapping[str, AcceptRule], default: AcceptRule
) -> dict[str, tuple[int, int]]:
    """(takes heard as their command, takes) of each prompted phrase, in order."""
    tally: dict[str, tuple[int, int]] = {}
    for take in takes:
        hit, total = tally.get(take.phrase, (0, 0))
        tally[take.phrase] = (hit + passes(take, rules.get(take.command, default)), total + 1)
    return tally


def taught_phrases(
    takes: Iterable[Take],
    pack: LanguagePack,
    rules: Mapping[str, AcceptRule],
    default: AcceptRule,
) -> dict[Command, str]:
    """The phrase to teach this person instead of the usual one (``TAUGHT``,
    where it is a phrase of ``pack``), for each command whose usual phrase
    their takes show unreliable while another phrase of the command was heard
    reliably (the best share; lip-free first on a tie). Commands with nothing
    better are left out."""
    usual = {c: p for c, p in TAUGHT.items() if pack.command_for(p) is c}
    takes = list(takes)
    tally = phrase_tally(takes, rules, default)
    share = {p: hit / total for p, (hit, total) in tally.items()}
    phrase_of = {t.phrase: t.command for t in takes}
    better: dict[Command, str] = {}
    for command, phrase in usual.items():
        if phrase not in share or share[phrase] >= RELIABLE_SHARE:
            continue
        others = [
            p
            for p, c in phrase_of.items()
            if c == command.value and p != phrase and share[p] >= RELIABLE_SHARE
        ]
        if others:
            better[command] = max(others, key=lambda p: (share[p], is_lip_free(p)))
    return better


def enrolment_report(
    takes: Sequence[Take],
    pack: LanguagePack,
    rules: Mapping[str, AcceptRule],
    default: AcceptRule,
) -> list[str]:
    """What to tell the person: phrases heard reliably, poorly, and lip-free offers."""
    tally = phrase_tally(takes, rules, default)
    reliable = [p for p, (h, n) in tally.items() if h >= RELIABLE_SHARE * n]
    poor = [p for p in tally if p not in reliable]
    lines = []
    if reliable:
        heard = ", ".join(f"'{p}' ({tally[p][0]}/{tally[p][1]})" for p in reliable)
        lines.append(f"Heard reliably: {heard}.")
    for phrase in poor:
        hit, total = tally[phrase]
        line = f"Not reliable: '{phrase}' ({hit}/{total})."
        command = pack.command_for(phrase)
        if command is not None and not is_lip_free(phrase):
            better = [p for p in reliable if pack.command_for(p) is command and is_lip_free(p)]
            others = [p for p in pack.phrases_of(command) if is_lip_free(p)]
            if better:
                line += f" Say '{better[0]}' instead: it needs no lip closure and was heard well."
            elif others:
                line += f" Try a phrase without lip closure: {', '.join(repr(p) for p in others)}."
        lines.append(line)
    return lines


def enrolment_path(where: Places) -> Path:
    """The enrolment file, next to the profile."""
    return where.config / ENROLMENT_FILE


_MAX_ENROLMENT_BYTES = 10_000_000
"""Far beyond the scores of every take an enrolment keeps."""


def load_enrolment(where: Places, lang: str) -> Enrolment | None:
    """This person's enrolment for ``lang`` (None when there is none or it is
    for another language); raise ``EnrolmentError`` when the file is unreadable."""
    path = enrolment_path(where)
    try:
        text = read_regular(path, limit=_MAX_ENROLMENT_BYTES, what="voice enrolment").decode()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        why = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise EnrolmentError(f"cannot read {path}: {why}") from exc
    enrolment = Enrolment.from_json(text)
    return enrolment if enrolment.lang == lang else None


def save_enrolment(where: Places, enrolment: Enrolment) -> Path:
    """Write the enrolment atomically (0600); return its path."""
    path = enrolment_path(where)
    write_text_atomic(path, enrolment.to_json())
    return path


def forget_enrolment(where: Places) -> bool:
    """Remove the enrolment; True when there was one."""
    path = enrolment_path(where)
    existed = path.exists()
    path.unlink(missing_ok=True)
    return existed
