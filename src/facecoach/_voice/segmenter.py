"""Cutting a 16 kHz stream into speech segments, and telling speech from tones.

The signal processing the engines share: ``Segmenter`` finds where speech
starts and ends with PocketSphinx's voice-activity endpointer, so a command
ends at the same moment whichever engine decodes it; ``SegmentLimits`` rejects
segments too short, too long or too tonal to be a command.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .recognizer import RATE, Samples

__all__ = ["Segment", "SegmentLimits", "Segmenter", "tone_share"]


@dataclass(frozen=True)
class SegmentLimits:
    """How long a command can plausibly be: longer or shorter speech is rejected."""

    min_seconds: float = 0.15
    """Shorter bursts are clicks, coughs and breaths."""
    max_seconds: float = 1.8
    """The longest phrase ("what can I say") said slowly fits well inside this."""

    max_tone_share: float = 0.9
    """Sound with more of its energy in a few pure tones than this is a cue or
    a beep, not a voice (our cues measure 0.94 and more; synthesised speech at
    most 0.84)."""

    def check(self, start: float, end: float, audio: bytes = b"") -> str:
        """The empty string when the segment could be a command, else why not."""
        length = end - start
        if length < self.min_seconds:
            return f"too short ({length:.2f} s)"
        if length > self.max_seconds:
            return f"too long for a command ({length:.2f} s)"
        if audio:
            share = tone_share(np.frombuffer(audio, dtype=np.int16))
            if share > self.max_tone_share:
                return f"a tone, not a voice ({share:.2f})"
        return ""


def tone_share(samples: Samples) -> float:
    """Share of the energy in the six strongest spectral peaks (0..1).

    Pure tones (cues, beeps, ticks) put nearly all their energy there; a
    voice spreads it over many harmonics and noise.
    """
    size, hop = 512, 256
    data = np.asarray(samples, dtype=np.float64)
    if data.size < size:
        return 0.0
    frames = np.lib.stride_tricks.sliding_window_view(data, size)[::hop] * np.hanning(size)
    power = (np.abs(np.fft.rfft(frames, axis=1)) ** 2).mean(axis=0)
    total = float(power.sum())
    if total <= 0.0:
        return 0.0
    near = np.zeros(power.size, dtype=bool)
    for peak in np.argsort(power)[::-1][:6]:
        near[max(0, peak - 2) : peak + 3] = True
    return float(power[near].sum()) / total


@dataclass(frozen=True)
class Segment:
    """One stretch of speech found by the ``Segmenter``."""

    audio: bytes
    """The speech (with a little lead-in), s16le; cut short past the longest command."""
    start: float
    end: float
    emitted: float
    """Audio seconds taken in when the end of speech was detected: the end of the
    block that ended it, since nothing can act on it sooner."""
    too_long: bool
    """The speech went on past ``max_seconds`` (``audio`` holds only its start)."""


class Segmenter:
    """Cuts a stream into speech segments with PocketSphinx's voice-activity endpointer.

    Shared by both engines, so a command ends at the same moment whichever
    decodes it. ``window`` seconds, ``ratio`` of which must be silence, end a
    segment: shorter answers sooner but may split a phrase at a pause.
    """

    def __init__(self, window: float = 0.2, ratio: float = 0.9, max_seconds: float = 1.8) -> None:
        import pocketsphinx

        self._endpointer = pocketsphinx.Endpointer(window=window, ratio=ratio)
        self._frame = int(self._endpointer.frame_bytes) // 2
        self._keep = int(max_seconds * RATE)
        self._pending = np.zeros(0, dtype=np.int16)
        self._parts: list[bytes] = []
        self._samples = 0
        self._received = 0

    def _add(self, speech: bytes) -> None:
        # Past the longest command the audio is not kept: the segment will be
        # rejected on length anyway, and long chatter costs nothing to decode.
        if self._samples <= self._keep:
            self._parts.append(bytes(speech))
        self._samples += len(speech) // 2

    def _close(self) -> Segment:
        segment = Segment(
            b"".join(self._parts),
            float(self._endpointer.speech_start),
            float(self._endpointer.speech_end),
            # The decision can be acted on only once the whole block that
            # ended the speech has been taken in, so that is when it is made.
            self._received / RATE,
            self._samples > self._keep,
        )
        self._parts = []
        self._samples = 0
        return segment

    def feed(self, samples: Samples) -> list[Segment]:
        """Take a block of 16 kHz mono int16 audio; return the segments it ended."""
        block = np.asarray(samples, dtype=np.int16)
        self._received += block.size
        data = np.concatenate([self._pending, block])
        whole = data.size - data.size % self._frame
        out: list[Segment] = []
        for at in range(0, whole, self._frame):
            was_in_speech = self._endpointer.in_speech
            speech = self._endpointer.process(data[at : at + self._frame].tobytes())
            if speech is None:
                continue
            if not was_in_speech:
                self._parts = []
                self._samples = 0
            self._add(speech)
            if not self._endpointer.in_speech:
                out.append(self._close())
        self._pending = data[whole:].copy()
        return out

    def flush(self) -> list[Segment]:
        """End of input: close a segment still open."""
        if not self._endpointer.in_speech:
            return []
        speech = self._endpointer.end_stream(np.zeros(self._frame, dtype=np.int16).tobytes())
        if speech is not None:
            self._add(speech)
        return [self._close()]
