"""Voice in: the recogniser interface and its fakes, the segmenter, one module
per engine, language packs, models and their download, the microphone and
the command source that joins them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_names

if TYPE_CHECKING:
    from .download import (
        PINNED,
        DownloadError,
        ModelArchive,
        download_model,
    )
    from .langpack import (
        LanguagePack,
        LanguagePackError,
        builtin_languages,
        load_pack,
        normalise,
        parse_pack,
    )
    from .mic import (
        AudioBlock,
        AudioSource,
        MemorySource,
        MicSource,
        WavSource,
        open_problem,
        read_wav,
    )
    from .models import (
        MODEL_PACKAGES,
        ModelChoice,
        ModelNotFound,
        find_model,
        how_to_get,
        is_model_dir,
    )
    from .recognizer import (
        RATE,
        Decision,
        Recognizer,
        ScriptedListener,
        accepted,
    )
    from .segmenter import (
        Segment,
        Segmenter,
        SegmentLimits,
        tone_share,
    )
    from .settings import (
        Engine,
        VoiceSettings,
    )
    from .source import (
        MEAN_FILE,
        VoiceCommands,
        VoiceError,
        build_voice_source,
        make_recognizer,
    )
    from .sphinx import (
        CEPSTRAL_MEAN,
        SphinxError,
        SphinxRecognizer,
        SphinxSettings,
        grammar,
        read_mean,
        save_mean,
    )
    from .vosk import (
        VoskError,
        VoskRecognizer,
        VoskSettings,
        load_model,
        model_vocabulary,
    )
    from .wavfile import (
        READ_FRAMES,
        MicError,
        WavStream,
        resample,
        to_mono,
    )

# Loaded on first use: importing one module of this package must not pull in
# numpy, audio libraries or engines for all the others.
_HOME = {
    "AudioBlock": "mic",
    "AudioSource": "mic",
    "CEPSTRAL_MEAN": "sphinx",
    "Decision": "recognizer",
    "DownloadError": "download",
    "Engine": "settings",
    "LanguagePack": "langpack",
    "LanguagePackError": "langpack",
    "MEAN_FILE": "source",
    "MODEL_PACKAGES": "models",
    "MemorySource": "mic",
    "MicError": "wavfile",
    "MicSource": "mic",
    "ModelArchive": "download",
    "ModelChoice": "models",
    "ModelNotFound": "models",
    "PINNED": "download",
    "RATE": "recognizer",
    "READ_FRAMES": "wavfile",
    "Recognizer": "recognizer",
    "ScriptedListener": "recognizer",
    "Segment": "segmenter",
    "SegmentLimits": "segmenter",
    "Segmenter": "segmenter",
    "SphinxError": "sphinx",
    "SphinxRecognizer": "sphinx",
    "SphinxSettings": "sphinx",
    "VoiceCommands": "source",
    "VoiceError": "source",
    "VoiceSettings": "settings",
    "VoskError": "vosk",
    "VoskRecognizer": "vosk",
    "VoskSettings": "vosk",
    "WavSource": "mic",
    "WavStream": "wavfile",
    "accepted": "recognizer",
    "build_voice_source": "source",
    "builtin_languages": "langpack",
    "download_model": "download",
    "find_model": "models",
    "grammar": "sphinx",
    "how_to_get": "models",
    "is_model_dir": "models",
    "load_model": "vosk",
    "load_pack": "langpack",
    "make_recognizer": "source",
    "model_vocabulary": "vosk",
    "normalise": "langpack",
    "open_problem": "mic",
    "parse_pack": "langpack",
    "read_mean": "sphinx",
    "read_wav": "mic",
    "resample": "wavfile",
    "save_mean": "sphinx",
    "to_mono": "wavfile",
    "tone_share": "segmenter",
}


__getattr__ = lazy_names(__name__, _HOME)


__all__ = [
    "CEPSTRAL_MEAN",
    "MEAN_FILE",
    "MODEL_PACKAGES",
    "PINNED",
    "RATE",
    "READ_FRAMES",
    "AudioBlock",
    "AudioSource",
    "Decision",
    "DownloadError",
    "Engine",
    "LanguagePack",
    "LanguagePackError",
    "MemorySource",
    "MicError",
    "MicSource",
    "ModelArchive",
    "ModelChoice",
    "ModelNotFound",
    "Recognizer",
    "ScriptedListener",
    "Segment",
    "SegmentLimits",
    "Segmenter",
    "SphinxError",
    "SphinxRecognizer",
    "SphinxSettings",
    "VoiceCommands",
    "VoiceError",
    "VoiceSettings",
    "VoskError",
    "VoskRecognizer",
    "VoskSettings",
    "WavSource",
    "WavStream",
    "accepted",
    "build_voice_source",
    "builtin_languages",
    "download_model",
    "find_model",
    "grammar",
    "how_to_get",
    "is_model_dir",
    "load_model",
    "load_pack",
    "make_recognizer",
    "model_vocabulary",
    "normalise",
    "open_problem",
    "parse_pack",
    "read_mean",
    "read_wav",
    "resample",
    "save_mean",
    "to_mono",
    "tone_share",
]
