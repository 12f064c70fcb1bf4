"""The recogniser interface: 16 kHz mono int16 audio in, command decisions out.

Engines (PocketSphinx, Vosk) sit behind ``Recognizer``; the voice layer and
``facecoach listen`` only ever call ``feed`` and ``flush``. Times in a
``Decision`` are seconds of audio since the first sample fed, so a file and a
microphone give the same figures; ``emitted`` is how much audio had been fed
when the decision was made (the latency the person feels, minus processing).

``ScriptedListener`` is the fake of the same shape: it "hears" a script of
commands at given audio times, for tests of everything above the engine.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from .._core.commands import Command

__all__ = [
    "RATE",
    "Decision",
    "Recognizer",
    "ScriptedListener",
    "Segment",
    "SegmentLimits",
    "Segmenter",
    "accepted",
    "tone_share",
]

RATE = 16_000
"""Samples per second every recogniser is fed."""

Samples = npt.NDArray[np.int16]


@dataclass(frozen=True)
class Decision:
    """What a recogniser made of one stretch of speech.

    ``command`` is None when the speech was heard but rejected (not a command,
    too long, too unsure); ``reason`` then says why, for ``listen --verbose``
    and the benchmark.
    """

    command: Command | None
    text: str
    """The words decoded (the phrase for a command)."""
    start: float
    """Audio seconds where the speech began."""
    end: float
    """Audio seconds where the speech ended."""
    emitted: float
    """Audio seconds fed when the decision was made."""
    score: float = 0.0
    """Engine-specific confidence (higher is surer)."""
    reason: str = ""
    """Why it was rejected ("" when accepted)."""

    def as_json(self) -> dict[str, object]:
        """The ``listen --json`` object: command, text, start, end, emitted."""
        return {
            "command": self.command.value if self.command is not None else None,
            "text": self.text,
            "start": round(self.start, 3),
            "end": round(self.end, 3),
            "emitted": round(self.emitted, 3),
        }


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


class Recognizer(Protocol):
    """A streaming command recogniser."""

    description: str
    """Engine and model, shown at start ("pocketsphinx (built-in en-us model)")."""

    def feed(self, samples: Samples) -> list[Decision]:
        """Take the next block of 16 kHz mono int16 audio; return decisions made."""
        ...

    def flush(self) -> list[Decision]:
        """End of input: decide on any speech still open."""
        ...


def accepted(decisions: Iterable[Decision]) -> list[Decision]:
    """Only the decisions that are commands."""
    return [d for d in decisions if d.command is not None]


class ScriptedListener:
    """A fake recogniser that hears a fixed script, by audio time.

    Each entry ``(command, text, start, end)`` is emitted as soon as audio up
    to ``end + delay`` has been fed. Entries whose command is None are emitted
    as rejections, like a real engine hearing chatter.
    """

    def __init__(
        self,
        script: Sequence[tuple[Command | None, str, float, float]],
        delay: float = 0.2,
        description: str = "scripted listener",
    ) -> None:
        self.description = description
        self._script = sorted(script, key=lambda e: e[3])
        self._delay = delay
        self._fed = 0
        self._next = 0
        self.blocks: list[int] = []
        """Sizes of the blocks fed, for tests of the callers."""

    def _due(self, now: float, final: bool) -> list[Decision]:
        out: list[Decision] = []
        while self._next < len(self._script):
            command, text, start, end = self._script[self._next]
            emitted = end + self._delay
            if emitted > now and not final:
                break
            reason = "" if command is not None else "not a command"
            out.append(Decision(command, text, start, end, min(emitted, now), 1.0, reason))
            self._next += 1
        return out

    def feed(self, samples: Samples) -> list[Decision]:
        """Advance the audio clock by the block; return entries now due."""
        self.blocks.append(int(np.asarray(samples).size))
        self._fed += int(np.asarray(samples).size)
        return self._due(self._fed / RATE, final=False)

    def flush(self) -> list[Decision]:
        """Return every entry not yet emitted."""
        return self._due(self._fed / RATE, final=True)
