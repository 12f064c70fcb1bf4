"""Barge-in: hearing the person while the coach speaks.

``Duplex`` sits between the microphone and the recogniser. For each block it
takes what the coach played at the same moments (``CoachAudio``: a live
run's output path, or the PLAYED file of ``listen --file MIC --playback
PLAYED``, sample-aligned at 0), estimates how late the echo comes
(``DelayTracker``), removes the echo (``EchoCanceller``), and watches the
cleaned signal for the person's own speech: when they start talking over a
line, the line is lowered at once (``CoachAudio.duck``) so the end of their
words is heard without the coach on top.

Decisions made while a line was audible are judged by ``judge``: only the
safety commands ("too tight", "stop") are taken then; a "stop" whose words
are in the line being said is the coach's own. A missed "too tight" is the
worst error the product can make and a false one costs a shorter hold, so
"too tight" is never refused for being said over the coach
(docs/barge-in.md). Without an echo canceller, the microphone is muted while
the coach speaks, as in half-duplex, unless the measured echo is that of a
headset; then the safety commands are heard over it.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable
from typing import Protocol

import numpy as np
import numpy.typing as npt

from .._core.commands import Command
from .._core.ports import GUARD_SECONDS
from .echo import (
    DELAY_MARGIN_MS,
    FRAME,
    DelayTracker,
    EchoCanceller,
    EchoUnavailable,
    LinearCanceller,
    estimate_delay,
    make_canceller,
)
from .recognizer import RATE, Decision, Samples

__all__ = [
    "HEADSET_ECHO_DB",
    "SAFETY",
    "CoachAudio",
    "Duplex",
    "FilePlayback",
    "echo_return_db",
    "make_duplex",
    "measured_echo",
    "situation",
]

SAFETY = frozenset({Command.TOO_TIGHT, Command.STOP})
"""The commands heard while the coach speaks."""

HEADSET_ECHO_DB = -30.0
"""Echo this far or more below what is played: a headset (a closed one
measures -40 to -50 dB; a laptop's loudspeaker -20 to -5 dB)."""

LEARNING_FRAMES = 200
"""For its first 2 s of the coach's voice the canceller is still learning the
room, and the echo comes through nearly whole ("Starter" was heard as
"stop"); nothing is taken over the coach until then. A session's first
line is a greeting: no hold has begun."""

_AUDIBLE_DBFS = -50.0
"""The reference louder than this: the coach is audible."""


class CoachAudio(Protocol):
    """What the coach played, on the microphone's clock."""

    def played(self, start: float, count: int) -> Samples:
        """``count`` 16 kHz samples of what was heard from time ``start``."""
        ...

    def line(self, start: float, end: float, tail: float = 0.0) -> str | None:
        """The words of the line audible between ``start`` and ``end`` (or
        ``tail`` seconds after it ended): "" when unknown, None when silent."""
        ...

    def duck(self, on: bool) -> None:
        """Lower the line being said (the person talks over it), or restore it."""
        ...


def _level(samples: npt.NDArray[np.int16] | npt.NDArray[np.float64]) -> float:
    data = np.asarray(samples, dtype=np.float64)
    power = float(np.mean(data**2)) if data.size else 0.0
    return 10 * float(np.log10(max(power, 1e-3) / 32768**2))


class FilePlayback:
    """The PLAYED file of ``listen --file MIC --playback PLAYED``: sample 0 of
    both files is the same moment. The coach counts as audible where the
    file is louder than -50 dBFS (10 ms frames, bridging gaps under 0.3 s).
    A file cannot be lowered: ``ducks`` notes when a live run would have."""

    def __init__(self, samples: Samples) -> None:
        self.samples = np.asarray(samples, dtype=np.int16)
        frames = self.samples.size // FRAME
        power = (
            self.samples[: frames * FRAME].astype(np.float64).reshape(frames, FRAME) ** 2
        ).mean(axis=1)
        loud = 10 * np.log10(np.maximum(power, 1e-3) / 32768**2) > _AUDIBLE_DBFS
        self._spans: list[tuple[float, float]] = []
        start: int | None = None
        last = -1
        for i in np.flatnonzero(loud):
            if start is None:
                start = int(i)
            elif i - last > 30:  # 0.3 s of quiet between words is still the line
                self._spans.append((start * FRAME / RATE, (last + 1) * FRAME / RATE))
                start = int(i)
            last = int(i)
        if start is not None:
            self._spans.append((start * FRAME / RATE, (last + 1) * FRAME / RATE))
        self.ducks: list[tuple[float, bool]] = []
        self.now = 0.0

    @property
    def spans(self) -> list[tuple[float, float]]:
        """Where the coach is audible (seconds)."""
        return list(self._spans)

    def played(self, start: float, count: int) -> Samples:
        """The file's samples from ``start`` (silence outside it)."""
        out = np.zeros(count, dtype=np.int16)
        at = round(start * RATE)
        lo, hi = max(at, 0), min(at + count, self.samples.size)
        if hi > lo:
            out[lo - at : hi - at] = self.samples[lo:hi]
        return out

    def line(self, start: float, end: float, tail: float = 0.0) -> str | None:
        """ "" while the file is audible then, else None (a file has no words)."""
        for s, e in self._spans:
            if s <= end and e + tail >= start:
                return ""
        return None

    def duck(self, on: bool) -> None:
        """Note it (at the time of the last block cleaned)."""
        self.ducks.append((self.now, on))


def echo_return_db(played: Samples, heard: Samples) -> float | None:
    """How loud the coach came back into the microphone against what was
    played (dB), over the 10 ms frames where the coach was audible; None
    when it was never audible."""
    n = min(played.size, heard.size) // FRAME * FRAME
    if n == 0:
        return None
    far = np.asarray(played[:n], dtype=np.float64).reshape(-1, FRAME)
    near = np.asarray(heard[:n], dtype=np.float64).reshape(-1, FRAME)
    far_power = (far**2).mean(axis=1)
    audible = 10 * np.log10(np.maximum(far_power, 1e-3) / 32768**2) > _AUDIBLE_DBFS
    if not audible.any():
        return None
    ratio = float((near[audible] ** 2).mean()) / max(float(far_power[audible].mean()), 1e-3)
    return 10 * float(np.log10(max(ratio, 1e-12)))


def measured_echo(played: Samples, heard: Samples) -> float | None:
    """``echo_return_db`` of a recording that began at an unknown time around
    the playing (up to two seconds either side): lined up first. None when
    the coach's voice was not found in it, unless the microphone heard next
    to nothing (a headset's leak under the noise)."""
    lag, confidence = estimate_delay(played, heard, -2.0, 2.0)
    if confidence < 6.0:
        return echo_return_db(played, heard) if _level(heard) < -60.0 else None
    shift = round(lag * RATE)
    if shift >= 0:
        return echo_return_db(played, heard[shift:])
    return echo_return_db(played[-shift:], heard)


def situation(echo_db: float | None) -> str:
    """What the measured echo means for the person, in one sentence."""
    if echo_db is None:
        return "The coach's voice was not heard by the microphone, so no echo was measured."
    if echo_db <= HEADSET_ECHO_DB:
        return (
            f"Headset (the coach's voice reaches the microphone at {echo_db:.0f} dB): "
            "'too tight' and 'stop' are heard while the coach talks."
        )
    return (
        f"Loudspeaker (the coach's voice reaches the microphone at {echo_db:.0f} dB): "
        "facecoach removes its own voice to hear 'too tight' and 'stop' over it; "
        "a headset hears them more surely."
    )


class Duplex:
    """Cleans the microphone of the coach's echo and judges what is heard over it.

    ``canceller`` None: no echo cancellation (see the module's docstring).
    Attach the coach's audio with ``attach`` before the first block.
    """

    def __init__(
        self,
        canceller: EchoCanceller | None,
        *,
        guard: float = GUARD_SECONDS,
        vad: Callable[[npt.NDArray[np.float32]], float] | None = None,
    ) -> None:
        self.canceller = canceller
        self.coach: CoachAudio | None = None
        self.guard = guard
        self.tracker = DelayTracker()
        self._vad = vad
        self._vad_loaded = vad is not None
        self._pending = np.zeros(0, dtype=np.int16)
        self._speech_run = 0
        self._quiet_run = 0
        self._talking = False
        # per 10 ms frame with the coach audible: echo against played (dB);
        # the median, so the person's own words over the coach do not count
        self._echo: deque[float] = deque(maxlen=3000)
        self._heard_coach = 0  # 10 ms frames of the coach audible
        self.on_note: Callable[[str], None] | None = None
        """Told once, in words, which situation the measured echo shows."""
        self._noted = False

    @property
    def description(self) -> str:
        """How barge-in works here, for the start of a run."""
        if self.canceller is not None:
            return (
                f"listening while the coach speaks ('too tight' and 'stop'), its echo removed "
                f"by {self.canceller.description}"
            )
        return (
            "no echo canceller (pip install 'facecoach[barge-in]'): over loudspeakers the "
            "microphone is muted while the coach speaks; with a headset 'too tight' and "
            "'stop' are heard over it"
        )

    def attach(self, coach: CoachAudio) -> None:
        """Take the coach's audio (a live run's output path, or a PLAYED file)."""
        self.coach = coach

    @property
    def echo_db(self) -> float | None:
        """The echo measured so far against what was played (dB), or None."""
        if len(self._echo) < 100:  # a second of the coach audible
            return None
        return float(np.median(np.fromiter(self._echo, dtype=np.float64)))

    @property
    def headset(self) -> bool:
        """True once the measured echo is that of a headset."""
        echo = self.echo_db
        return echo is not None and echo <= HEADSET_ECHO_DB

    def clean(self, samples: Samples, begin: float) -> Samples:
        """The block captured from time ``begin``, cleaned of the coach's echo."""
        coach = self.coach
        if coach is None:
            return samples
        n = samples.size
        if isinstance(coach, FilePlayback):
            coach.now = begin
        far_now = coach.played(begin, n)
        audible = _level(far_now) > _AUDIBLE_DBFS
        self.tracker.add(far_now, samples, audible)
        if audible:  # counted while the person talks too: the canceller learns then
            self._heard_coach += n // FRAME
        if audible and not self._talking:
            self._measure(far_now, samples)
        if self.canceller is None:
            if self.headset or coach.line(begin, begin + n / RATE, self.guard) is None:
                return samples
            return np.zeros_like(samples)  # half-duplex: the echo would be taken for words
        delay = self.tracker.delay or 0.0
        far = coach.played(begin - delay + DELAY_MARGIN_MS / 1000, n)
        cleaned = samples.copy()
        for at in range(0, n - FRAME + 1, FRAME):
            cleaned[at : at + FRAME] = self.canceller.cancel(
                samples[at : at + FRAME], far[at : at + FRAME]
            )
        self._watch(cleaned, audible or self._talking)
        return cleaned

    def _measure(self, far: Samples, near: Samples) -> None:
        for at in range(0, min(far.size, near.size) - FRAME + 1, FRAME):
            played = _level(far[at : at + FRAME])
            if played > _AUDIBLE_DBFS:
                self._echo.append(_level(near[at : at + FRAME]) - played)
        if not self._noted and self.echo_db is not None and self.on_note is not None:
            self._noted = True
            self.on_note(situation(self.echo_db))

    def _watch(self, cleaned: Samples, audible: bool) -> None:
        """Lower the line when the person starts talking over it; restore it after."""
        if not self._vad_loaded:
            self._vad_loaded = True
            try:
                from .silero import SileroError, SileroVad

                self._vad = SileroVad()
            except (SileroError, ImportError):
                self._vad = None
        vad = self._vad
        if vad is None or self.coach is None:
            return
        data = np.concatenate([self._pending, cleaned])
        at = 0
        while data.size - at >= 512:
            prob = vad(data[at : at + 512].astype(np.float32) / 32768.0)
            at += 512
            self._speech_run = self._speech_run + 1 if prob >= 0.5 else 0
            self._quiet_run = self._quiet_run + 1 if prob < 0.3 else 0
            if not self._talking and audible and self._speech_run >= 2:
                self._talking = True
                self.coach.duck(True)
            elif self._talking and self._quiet_run >= 16:  # half a second of quiet
                self._talking = False
                self.coach.duck(False)
        self._pending = data[at:]

    def judge(self, decision: Decision, start: float, end: float) -> Decision:
        """``decision`` (its speech from ``start`` to ``end`` on the coach's
        clock), or a refusal when it was heard over the coach and may not be."""
        if decision.command is None or self.coach is None:
            return decision
        line = self.coach.line(start, end, self.guard)
        if line is None:
            return decision
        why = ""
        if decision.command not in SAFETY:
            why = "coach was speaking (only 'too tight' and 'stop' are heard then)"
        elif _says(line, decision.text):
            why = "the coach's own words"
        elif self.canceller is not None and self._heard_coach < LEARNING_FRAMES:
            why = "coach was speaking (the echo canceller is still learning the room)"
        if not why:
            return decision
        return Decision(
            None,
            decision.text,
            decision.start,
            decision.end,
            decision.emitted,
            decision.score,
            why,
        )


def _says(line: str, phrase: str) -> bool:
    """True when ``phrase`` is among the words of ``line``, its last word
    perhaps going on ("stop" in "Stopping here")."""
    words = re.findall(r"[\w']+", line.lower())
    wanted = re.findall(r"[\w']+", phrase.lower())
    if not wanted:
        return False
    n = len(wanted)
    return any(
        words[i : i + n - 1] == wanted[:-1] and words[i + n - 1].startswith(wanted[-1])
        for i in range(len(words) - n + 1)
    )


def make_duplex(on: bool, echo: str = "linear") -> Duplex | None:
    """The barge-in stage of a run (None when ``on`` is False) with the echo
    canceller ``echo``; WebRTC's when asked for but not installed is said in
    the description, and the linear one is used."""
    if not on:
        return None
    try:
        return Duplex(make_canceller(echo))
    except EchoUnavailable as exc:
        linear = LinearCanceller()
        linear.description += f" (WebRTC was asked for, but {exc})"
        return Duplex(linear)
