"""Sound out: the output interface and its memory fakes, the device stream, the
mixer, cues, device listing and the speech engines.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_names

if TYPE_CHECKING:
    from .cues import (
        CUE_DIR,
        cue_path,
        load_cues,
        make_cue,
        write_cues,
    )
    from .devices import (
        DeviceInfo,
        DeviceProblem,
        choose_device,
        forget_config,
        list_devices,
        load_config,
        quiet_alsa_messages,
        save_config,
    )
    from .loudness import (
        CEILING_DB,
        KNEE_DB,
        TARGET_LUFS,
        LoudnessMeter,
        normalising_gain,
        soft_limit,
    )
    from .memory import (
        MemoryAudioOut,
        WavFileOut,
    )
    from .mixer import (
        DEFAULT_IDLE_SECONDS,
        Mixer,
        PlayReport,
        SoundKind,
    )
    from .output import (
        AudioOut,
        OutputUnavailable,
        Reporter,
    )
    from .samples import (
        SAMPLE_RATE,
        Samples,
        Sound,
        normalise,
        read_wav,
        write_wav,
    )
    from .settings import (
        DEFAULT_PRIMER_SECONDS,
        SoundOptions,
        natural_rate,
        preferred_engine,
    )
    from .speech import (
        CachedSpeaker,
        FakeSpeaker,
        Speaker,
        SpeechCache,
        TtsUnavailable,
        VoiceInfo,
    )
    from .speech_files import (
        cached_seconds,
        line_seconds,
        speech_file,
    )
    from .stream import (
        STALL_SECONDS,
        SounddeviceOut,
    )
    from .timeline import (
        SpeechTimeline,
    )
    from .tts import (
        make_speaker,
    )
    from .tts_piper import (
        PiperSpeaker,
    )
    from .tts_pyttsx3 import (
        Pyttsx3Speaker,
        render_with_engine,
        wait_for_wav,
    )

# Loaded on first use: importing one module of this package must not pull in
# numpy, audio libraries or engines for all the others.
_HOME = {
    "AudioOut": "output",
    "CEILING_DB": "loudness",
    "CUE_DIR": "cues",
    "CachedSpeaker": "speech",
    "DEFAULT_IDLE_SECONDS": "mixer",
    "DEFAULT_PRIMER_SECONDS": "settings",
    "DeviceInfo": "devices",
    "DeviceProblem": "devices",
    "FakeSpeaker": "speech",
    "KNEE_DB": "loudness",
    "LoudnessMeter": "loudness",
    "MemoryAudioOut": "memory",
    "Mixer": "mixer",
    "OutputUnavailable": "output",
    "PiperSpeaker": "tts_piper",
    "PlayReport": "mixer",
    "Pyttsx3Speaker": "tts_pyttsx3",
    "Reporter": "output",
    "SAMPLE_RATE": "samples",
    "STALL_SECONDS": "stream",
    "Samples": "samples",
    "Sound": "samples",
    "SoundKind": "mixer",
    "SoundOptions": "settings",
    "SounddeviceOut": "stream",
    "Speaker": "speech",
    "SpeechCache": "speech",
    "SpeechTimeline": "timeline",
    "TARGET_LUFS": "loudness",
    "TtsUnavailable": "speech",
    "VoiceInfo": "speech",
    "WavFileOut": "memory",
    "cached_seconds": "speech_files",
    "choose_device": "devices",
    "cue_path": "cues",
    "forget_config": "devices",
    "line_seconds": "speech_files",
    "list_devices": "devices",
    "load_config": "devices",
    "load_cues": "cues",
    "make_cue": "cues",
    "make_speaker": "tts",
    "natural_rate": "settings",
    "normalise": "samples",
    "normalising_gain": "loudness",
    "preferred_engine": "settings",
    "quiet_alsa_messages": "devices",
    "read_wav": "samples",
    "render_with_engine": "tts_pyttsx3",
    "save_config": "devices",
    "soft_limit": "loudness",
    "speech_file": "speech_files",
    "wait_for_wav": "tts_pyttsx3",
    "write_cues": "cues",
    "write_wav": "samples",
}

__getattr__ = lazy_names(__name__, _HOME)

__all__ = [
    "CEILING_DB",
    "CUE_DIR",
    "DEFAULT_IDLE_SECONDS",
    "DEFAULT_PRIMER_SECONDS",
    "KNEE_DB",
    "SAMPLE_RATE",
    "STALL_SECONDS",
    "TARGET_LUFS",
    "AudioOut",
    "CachedSpeaker",
    "DeviceInfo",
    "DeviceProblem",
    "FakeSpeaker",
    "LoudnessMeter",
    "MemoryAudioOut",
    "Mixer",
    "OutputUnavailable",
    "PiperSpeaker",
    "PlayReport",
    "Pyttsx3Speaker",
    "Reporter",
    "Samples",
    "Sound",
    "SoundKind",
    "SoundOptions",
    "SounddeviceOut",
    "Speaker",
    "SpeechCache",
    "SpeechTimeline",
    "TtsUnavailable",
    "VoiceInfo",
    "WavFileOut",
    "cached_seconds",
    "choose_device",
    "cue_path",
    "forget_config",
    "line_seconds",
    "list_devices",
    "load_config",
    "load_cues",
    "make_cue",
    "make_speaker",
    "natural_rate",
    "normalise",
    "normalising_gain",
    "preferred_engine",
    "quiet_alsa_messages",
    "read_wav",
    "render_with_engine",
    "save_config",
    "soft_limit",
    "speech_file",
    "wait_for_wav",
    "write_cues",
    "write_wav",
]
