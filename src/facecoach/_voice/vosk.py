"""Vosk adapter: a Kaldi recogniser restricted to the pack's phrases.

The grammar is the pack's command phrases, its decoy words that the model
knows, and ``[unk]`` when the model has it, so other speech has somewhere to
go. Vosk only logs a warning for grammar words a model lacks and then never
hears them, so ``VoskRecognizer`` checks every phrase against the model's
vocabulary first and refuses a pack it cannot hear, naming the phrase.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import numpy.typing as npt

from .langpack import LanguagePack
from .recognizer import RATE, Decision
from .segmenter import Segment, SegmentLimits
from .silero import command_segmenter

__all__ = [
    "VoskError",
    "VoskRecognizer",
    "VoskSettings",
    "load_model",
    "model_vocabulary",
]

Samples = npt.NDArray[np.int16]

_FST_MAGIC = 2125659606
_SYMBOLS_MAGIC = 2125658996


class VoskError(RuntimeError):
    """Vosk or its model cannot be used for this pack (the message says why)."""


@dataclass(frozen=True)
class VoskSettings:
    """Tuning of the Vosk recogniser."""

    min_confidence: float = 0.6
    """Least per-word confidence for every word of a command phrase."""
    limits: SegmentLimits = field(default_factory=SegmentLimits)
    """Plausible command lengths."""
    decoys: bool = True
    """Add the pack's decoy words (those the model knows) to the grammar."""
    window: float = 0.2
    """End-of-speech window of the shared segmenter (Vosk's own endpointing
    waits 0.5 to 1 s of silence; this answers sooner). 0.3 s answered 85 ms
    later with the same recall on the Korean benchmark."""
    segmenter: str = "energy"
    """Where speech starts and ends: "energy" (PocketSphinx's endpointer, with
    ``window``), "silero" (Silero VAD), or "auto" (Silero when installed).
    Energy stays the default: Silero answered sooner but heard fewer Korean
    commands (docs/decisions.md)."""


def _string(f: BinaryIO) -> str:
    (size,) = struct.unpack("<i", f.read(4))
    return f.read(size).decode("utf-8", "replace")


def _fst_output_symbols(path: Path) -> frozenset[str] | None:
    """Word symbols stored in an OpenFst file's header (Vosk's Gr.fst keeps them there)."""
    with path.open("rb") as f:
        (magic,) = struct.unpack("<i", f.read(4))
        if magic != _FST_MAGIC:
            return None
        _string(f)  # fst type
        _string(f)  # arc type
        _version, flags = struct.unpack("<ii", f.read(8))
        f.read(8 + 8 + 8 + 8)  # properties, start, states, arcs
        tables: list[frozenset[str]] = []
        for bit in (1, 2):  # input symbols, then output symbols
            if not flags & bit:
                continue
            (table_magic,) = struct.unpack("<i", f.read(4))
            if table_magic != _SYMBOLS_MAGIC:
                return None
            _string(f)  # table name
            _available, count = struct.unpack("<qq", f.read(16))
            words: list[str] = []
            for _ in range(count):
                words.append(_string(f))
                f.read(8)
            tables.append(frozenset(words))
        return tables[-1] if tables else None


def model_vocabulary(model_dir: Path) -> frozenset[str]:
    """Every word a Vosk model can output.

    Read from ``graph/words.txt`` (or ``words.txt``) when the model has one,
    else from the symbol table in the header of ``graph/Gr.fst`` (small
    lookahead models such as the Korean one keep it only there). Raises
    ``VoskError`` when neither is found.
    """
    for candidate in (model_dir / "graph" / "words.txt", model_dir / "words.txt"):
        if candidate.is_file():
            with candidate.open(encoding="utf-8", errors="replace") as f:
                return frozenset(line.split()[0] for line in f if line.strip())
    for name in ("Gr.fst", "HCLG.fst"):
        fst = model_dir / "graph" / name
        if fst.is_file():
            words = _fst_output_symbols(fst)
            if words:
                return words
    raise VoskError(
        f"{model_dir}: cannot find the model's word list (graph/words.txt or graph/Gr.fst); "
        "is this a Vosk model directory?"
    )


def load_model(model_dir: Path) -> Any:
    """Load a Vosk model (slow: about 1.5 s and hundreds of MB for a small one)."""
    try:
        import vosk
    except ImportError as exc:
        raise VoskError("Vosk is not installed: pip install vosk (or make setup)") from exc
    vosk.SetLogLevel(-1)
    try:
        return vosk.Model(str(model_dir))
    except Exception as exc:  # vosk raises a bare Exception on a bad model
        raise VoskError(f"{model_dir}: Vosk cannot load this model ({exc})") from exc


class VoskRecognizer:
    """Streaming command recogniser on a Vosk model with a phrase grammar."""

    def __init__(
        self,
        pack: LanguagePack,
        model_dir: Path,
        model: Any = None,
        settings: VoskSettings = VoskSettings(),
        vocabulary: frozenset[str] | None = None,
    ) -> None:
        """``model`` may be passed in to share one loaded model between recognisers."""
        words = vocabulary if vocabulary is not None else model_vocabulary(model_dir)
        for phrase in pack.all_phrases:
            missing = [w for w in phrase.split() if w not in words]
            if missing:
                raise VoskError(
                    f"{pack.source}: the Vosk model at {model_dir} cannot hear the phrase "
                    f"{phrase!r} (unknown word {missing[0]!r}); choose another phrase "
                    "or another model"
                )
        import vosk

        self._model = model if model is not None else load_model(model_dir)
        entries = list(pack.all_phrases)
        if settings.decoys:
            entries += [d for d in pack.decoys if all(w in words for w in d.split())]
        if "[unk]" in words:
            entries.append("[unk]")
        self._grammar = entries
        self._recognizer = vosk.KaldiRecognizer(
            self._model, RATE, json.dumps(entries, ensure_ascii=False)
        )
        self._recognizer.SetWords(True)
        self._pack = pack
        self._settings = settings
        self._segmenter = command_segmenter(
            settings.segmenter, settings.window, 0.9, settings.limits.max_seconds
        )
        self._fed = 0
        self.description = f"vosk (model {model_dir}, grammar from the {pack.code} pack)"

    @property
    def grammar(self) -> tuple[str, ...]:
        """The phrases the recogniser may output."""
        return tuple(self._grammar)

    def _decide(self, result_json: str, segment: Segment | None) -> list[Decision]:
        result = json.loads(result_json)
        words = result.get("result") or []
        text = str(result.get("text", "")).strip()
        emitted = self._fed / RATE
        if segment is not None:
            why = "too long" if segment.too_long else ""
            why = why or self._settings.limits.check(segment.start, segment.end, segment.audio)
            if why and (text or segment.too_long):
                return [Decision(None, text, segment.start, segment.end, emitted, 0.0, why)]
        if not words or not text:
            return []
        # Vosk is fed the whole stream, so its word times are stream times.
        start, end = float(words[0]["start"]), float(words[-1]["end"])
        confidence = min(float(w.get("conf", 0.0)) for w in words)
        command = self._pack.command_for(text)
        why = self._settings.limits.check(start, end)
        if command is None:
            why = "not a command"
        elif not why and confidence < self._settings.min_confidence:
            why = f"unsure ({confidence:.2f})"
        return [Decision(None if why else command, text, start, end, emitted, confidence, why)]

    def feed(self, samples: Samples) -> list[Decision]:
        """Feed a block of 16 kHz mono int16 audio; return decisions made.

        Vosk hears the whole stream (its feature normalisation needs the
        context); the shared segmenter says when speech has ended, and the
        utterance is finalised then rather than after Vosk's own, longer,
        wait for silence.
        """
        data = np.asarray(samples, dtype=np.int16)
        self._fed += data.size
        out: list[Decision] = []
        if self._recognizer.AcceptWaveform(data.tobytes()):
            out += self._decide(self._recognizer.Result(), None)
        for segment in self._segmenter.feed(data):
            out += self._decide(self._recognizer.FinalResult(), segment)
        return out

    def flush(self) -> list[Decision]:
        """End of input: decide on what is still open."""
        segments = self._segmenter.flush()
        return self._decide(self._recognizer.FinalResult(), segments[0] if segments else None)
