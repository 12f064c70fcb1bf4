"""Acoustic echo cancellation: the microphone cleaned of what the coach played.

facecoach knows every sample it plays (one output stream, the mixer's
timeline), so the played signal is the canceller's reference. ``EchoCanceller``
is the small interface: 10 ms frames of 16 kHz int16, the microphone (near)
and the reference already lined up with it (far), cleaned near out.

- ``WebrtcCanceller``: WebRTC's audio processing (AEC3), as built into the
  ``livekit`` wheel (``rtc.AudioProcessingModule``; the ``barge-in`` extra).
- ``SubtractingCanceller``: the fake, for tests: removes a known linear echo.

How far the echo lags the reference is estimated, never assumed
(``estimate_delay``: the phase transform of the cross-spectrum, whose peak is
the lag; ``DelayTracker`` keeps the estimate while the coach talks).
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from .recognizer import RATE, Samples

__all__ = [
    "DELAY_MARGIN_MS",
    "FRAME",
    "DelayTracker",
    "EchoCanceller",
    "EchoUnavailable",
    "SubtractingCanceller",
    "WebrtcCanceller",
    "estimate_delay",
    "have_webrtc",
    "make_canceller",
]

FRAME = RATE // 100
"""Samples in the 10 ms frames WebRTC's audio processing works on."""


class EchoUnavailable(RuntimeError):
    """No echo canceller can be used; the message says what to install."""


class EchoCanceller(Protocol):
    """Removes the reference's echo from the microphone, 10 ms at a time."""

    description: str
    """What cancels ("WebRTC AEC3 (livekit 1.2.1)")."""

    def cancel(self, near: Samples, far: Samples) -> Samples:
        """``near`` (microphone) less the echo of ``far`` (played, lined up with
        it); both ``FRAME`` samples of 16 kHz int16."""
        ...


class SubtractingCanceller:
    """The fake: the echo is ``gain`` times the reference, ``lag`` samples late.

    A test that builds its echo that way gets it removed exactly, so what is
    above the canceller can be tested without WebRTC.
    """

    def __init__(self, gain: float, lag: int = 0) -> None:
        self.description = f"subtracting {gain:g} x reference"
        self.gain = gain
        self.lag = lag
        self._past = np.zeros(lag, dtype=np.float64)

    def cancel(self, near: Samples, far: Samples) -> Samples:
        """Subtract the scaled reference (``lag`` samples late) from ``near``."""
        history = np.concatenate([self._past, np.asarray(far, dtype=np.float64)])
        echo = history[: near.size]
        self._past = history[near.size :]
        cleaned = np.asarray(near, dtype=np.float64) - self.gain * echo
        return np.asarray(np.clip(np.round(cleaned), -32768, 32767), dtype=np.int16)


def have_webrtc() -> bool:
    """True when the ``livekit`` wheel (WebRTC's audio processing) is installed."""
    return importlib.util.find_spec("livekit") is not None


class WebrtcCanceller:
    """WebRTC's echo canceller (AEC3) with a high-pass filter, from ``livekit``.

    Noise suppression and gain control stay off: they change the speech the
    recogniser was tuned on. ``delay_ms`` tells AEC3 how late the echo comes
    after the reference it is given (the caller lines the reference up, so a
    small margin); AEC3 refines it itself.
    """

    def __init__(self, delay_ms: int = 0) -> None:
        try:
            from livekit import rtc
        except ImportError as exc:
            raise EchoUnavailable(
                "echo cancellation needs WebRTC's audio processing: "
                "pip install 'facecoach[barge-in]'"
            ) from exc
        from importlib.metadata import version

        self._rtc: Any = rtc
        self._apm: Any = rtc.AudioProcessingModule(echo_cancellation=True, high_pass_filter=True)
        self._delay_ms = delay_ms
        self.description = f"WebRTC AEC3 (livekit {version('livekit')})"

    def _frame(self, samples: Samples) -> Any:
        data = np.ascontiguousarray(samples, dtype=np.int16).tobytes()
        return self._rtc.AudioFrame(data, RATE, 1, FRAME)

    def cancel(self, near: Samples, far: Samples) -> Samples:
        """One 10 ms frame through AEC3: the reference first, then the microphone."""
        self._apm.process_reverse_stream(self._frame(far))
        frame = self._frame(near)
        self._apm.set_stream_delay_ms(self._delay_ms)
        self._apm.process_stream(frame)
        return np.frombuffer(bytes(frame.data), dtype=np.int16).copy()


def make_canceller() -> EchoCanceller:
    """The best echo canceller installed; ``EchoUnavailable`` (saying what to
    install) when there is none."""
    return WebrtcCanceller(delay_ms=DELAY_MARGIN_MS)


DELAY_MARGIN_MS = 10
"""The reference is given this much ahead of where its echo was found, so a
small error in the estimate never puts the echo before its reference."""


def estimate_delay(
    far: npt.NDArray[Any], near: npt.NDArray[Any], low: float, high: float
) -> tuple[float, float]:
    """(seconds the echo of ``far`` lags in ``near``, confidence), searching
    lags from ``low`` to ``high`` seconds (``low`` may be negative).

    Generalised cross-correlation with the phase transform: the spectrum's
    magnitude is divided out, so a voice's strong low harmonics do not blur
    the peak. The confidence is the peak over the spread of the rest (above
    about 6 the lag is clear).
    """
    a = np.asarray(far, dtype=np.float64)
    b = np.asarray(near, dtype=np.float64)
    n = min(a.size, b.size)
    if n < FRAME * 10:
        return 0.0, 0.0
    a, b = a[:n], b[:n]
    size = 1 << int(np.ceil(np.log2(2 * n)))
    cross = np.fft.rfft(b, size) * np.conj(np.fft.rfft(a, size))
    cross /= np.maximum(np.abs(cross), 1e-12)
    corr = np.fft.irfft(cross, size)
    lo, hi = round(low * RATE), round(high * RATE)
    lags = np.arange(lo, hi + 1)
    values = corr[lags % size]
    best = int(np.argmax(values))
    rest = np.delete(values, slice(max(0, best - 8), best + 9))
    spread = float(np.std(rest)) if rest.size else 0.0
    confidence = float(values[best]) / spread if spread > 0 else 0.0
    return float(lags[best]) / RATE, confidence


@dataclass
class DelayTracker:
    """Where the echo lies behind the reference, re-estimated as the coach talks.

    ``add`` takes the reference and the raw microphone over the same stretch
    (the reference taken ``low`` seconds early, ``high - low`` seconds long).
    Once ``window`` seconds with the coach audible have gathered, the lag is
    estimated; an estimate is taken only when clear (``min_confidence``).
    """

    low: float = -0.2
    high: float = 0.5
    window: float = 2.0
    min_confidence: float = 6.0
    delay: float | None = None
    """The latest clear estimate (None until there is one)."""
    confidence: float = 0.0

    def __post_init__(self) -> None:
        self._far: list[npt.NDArray[np.float64]] = []
        self._near: list[npt.NDArray[np.float64]] = []
        self._active = 0

    def add(self, far: npt.NDArray[Any], near: npt.NDArray[Any], audible: bool) -> bool:
        """Take a stretch; True when the estimate changed."""
        self._far.append(np.asarray(far, dtype=np.float64))
        self._near.append(np.asarray(near, dtype=np.float64))
        if audible:
            self._active += int(np.asarray(near).size)
        total = sum(x.size for x in self._near)
        if self._active < self.window * RATE:
            if total > 4 * self.window * RATE:  # mostly silence: start again
                self._far, self._near, self._active = [], [], 0
            return False
        far_all, near_all = np.concatenate(self._far), np.concatenate(self._near)
        self._far, self._near, self._active = [], [], 0
        lag, confidence = estimate_delay(far_all, near_all, self.low, self.high)
        if confidence < self.min_confidence:
            return False
        changed = self.delay is None or abs(lag - self.delay) > 0.002
        self.delay, self.confidence = lag, confidence
        return changed
