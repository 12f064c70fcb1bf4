"""The one output path: every sound the coach makes leaves through here.

``AudioOut`` is the small interface the live loop uses. ``SounddeviceOut`` (in
``stream``) plays through a sounddevice output stream; ``MemoryAudioOut`` (the
fake, also used for text mode) and ``WavFileOut`` (for ``export``), in
``memory``, play on a scheduler instead of a sound card. All of them mix
through ``Mixer`` and report the exact time each sound starts and ends, which
the microphone gate (``SpeechTimeline``, in ``timeline``) relies on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from .mixer import BlockTap, PlayReport, SoundKind
from .samples import Sound

__all__ = [
    "AudioOut",
    "OutputUnavailable",
    "PlayReport",
    "Reporter",
    "Sound",
]

Reporter = Callable[[PlayReport], None]
"""Receives each start and end report of the output path."""


class OutputUnavailable(Exception):
    """No output device can be opened; the message says which and why."""


class AudioOut(Protocol):
    """One output path: speech replaces speech, cues mix over everything."""

    name: str
    """What the person sees at start ("USB headset (device 3)", "text mode")."""

    @property
    def lead(self) -> float:
        """How far ahead of its start time a sound must be given to start on time."""

    def open(self, report: Reporter) -> None:
        """Start the path; ``report`` is called (from any thread) as sounds start and end."""

    def play(
        self,
        sound: Sound,
        kind: SoundKind,
        *,
        tag: int = 0,
        name: str = "",
        at: float | None = None,
    ) -> None:
        """Play ``sound`` from monotonic time ``at`` (None: now)."""

    def stop_speech(self) -> None:
        """Cut off the speech now playing."""

    def duck(self, on: bool) -> None:
        """Lower the speech now playing (the person talks over it), or restore it."""

    def tap(self, sink: BlockTap | None) -> None:
        """Hand every block played to ``sink`` (on the audio thread), or stop."""

    @property
    def busy(self) -> bool:
        """True while anything plays or waits to play."""

    def poll(self) -> str | None:
        """A message if the device has gone away since the last poll, else None."""

    def close(self) -> None:
        """Stop and release the device. Safe to call twice."""
