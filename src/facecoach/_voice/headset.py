"""The microphone half of a headset check: hear one command, and how loud the input was.

Shared by ``facecoach check`` and the web app's headset check, so both judge a
microphone the same way and say the same thing about it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from .._core.ports import Clock, HeardCommand, Hearing
from .._paths import Places
from .mic import AudioBlock, AudioSource, MicError, MicSource
from .recognizer import Decision, Recognizer, Samples
from .settings import VoiceSettings
from .source import VoiceCommands, VoiceError, make_recognizer

__all__ = [
    "QUIET_DBFS",
    "HearingCheck",
    "MeteredSource",
    "check_microphone",
    "hear_one",
    "level_dbfs",
]

QUIET_DBFS = -50.0
"""Loudest input below this while someone speaks: the microphone is muted or far away."""


def level_dbfs(samples: Samples) -> float:
    """RMS level of 16-bit samples in dBFS; -90 stands for silence."""
    data = np.asarray(samples, dtype=np.float64)
    rms = float(np.sqrt(np.mean(data**2))) if data.size else 0.0
    return max(-90.0, 20 * float(np.log10(max(rms, 1e-9) / 32768)))


class MeteredSource:
    """An ``AudioSource`` that notes its loudest tenth of a second as it passes blocks on.

    ``on_level`` (if given) hears each tenth's level, for a moving bar.
    """

    def __init__(
        self, source: AudioSource, on_level: Callable[[float], None] | None = None
    ) -> None:
        self._source = source
        self._on_level = on_level
        self.description = source.description
        self.loudest = -90.0

    def blocks(self) -> Iterator[AudioBlock]:
        window: list[Samples] = []
        size = 0
        for block in self._source.blocks():
            window.append(block.samples)
            size += block.samples.size
            if size >= 1600:  # a tenth of a second at 16 kHz
                level = level_dbfs(np.concatenate(window))
                self.loudest = max(self.loudest, level)
                if self._on_level is not None:
                    self._on_level(level)
                window, size = [], 0
            yield block

    def close(self) -> None:
        self._source.close()


@dataclass(frozen=True)
class HearingCheck:
    """What the microphone gave while the person was asked to say a command."""

    heard: HeardCommand | None
    loudest_dbfs: float
    rejected: str | None = None
    """Why the last speech was not taken as a command, when some was heard."""
    error: str | None = None
    """The microphone could not be used, or went away."""

    def words(self, wanted: str = "next") -> str:
        """The outcome for a person, in one or two plain sentences."""
        if self.error is not None:
            return f"The microphone could not be used: {self.error}."
        if self.heard is not None:
            return f"Heard '{self.heard.command.value}': voice commands work with this headset."
        if self.rejected is not None:
            return (
                f"The microphone heard speech, but not '{wanted}' ({self.rejected}). "
                "Try again a little louder, or closer to the microphone."
            )
        if self.loudest_dbfs < QUIET_DBFS:
            return (
                f"The microphone heard nothing (loudest {self.loudest_dbfs:.0f} dBFS): check "
                "it is plugged in and not muted. The buttons and keys always work."
            )
        return f"No '{wanted}' was heard. Try again, or use the buttons and keys during sessions."


def hear_one(
    recognizer: Recognizer,
    source: AudioSource,
    seconds: float,
    clock: Clock = time.monotonic,
    on_level: Callable[[float], None] | None = None,
) -> HearingCheck:
    """Listen to ``source`` until a command is heard or ``seconds`` pass; closes it."""
    metered = MeteredSource(source, on_level)
    heard: list[HeardCommand] = []
    rejected: list[Decision] = []
    done = threading.Event()

    def take(hearing: Hearing) -> None:
        if isinstance(hearing, HeardCommand):  # a lost microphone shows as voice.error
            heard.append(hearing)
        done.set()

    def note(decision: Decision) -> None:
        if decision.command is None and decision.text:
            rejected.append(decision)

    voice = VoiceCommands(metered, recognizer, clock, on_decision=note)
    voice.start(take)
    try:
        done.wait(seconds)
    finally:
        voice.stop()
    error = str(voice.error) if voice.error is not None else None
    return HearingCheck(
        heard[0] if heard else None,
        metered.loudest,
        rejected[-1].reason if rejected else None,
        error,
    )


def check_microphone(settings: VoiceSettings, where: Places, seconds: float = 8.0) -> HearingCheck:
    """Open the run's recogniser and microphone, and listen for one command.

    A recogniser or microphone that cannot be used comes back as ``error``, in words.
    """
    try:
        recognizer = make_recognizer(
            settings.lang, where, settings.engine, settings.model, remember=True
        )
    except VoiceError as exc:
        return HearingCheck(None, -90.0, error=str(exc))
    mic = MicSource(time.monotonic, device=settings.device)
    try:
        mic.open()
    except MicError as exc:
        return HearingCheck(None, -90.0, error=str(exc))
    return hear_one(recognizer, mic, seconds)
