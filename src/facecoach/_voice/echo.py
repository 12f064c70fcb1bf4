"""Acoustic echo cancellation: the microphone cleaned of what the coach played.

facecoach knows every sample it plays (one output stream, the mixer's
timeline), so the played signal is the canceller's reference. ``EchoCanceller``
is the small interface: 10 ms frames of 16 kHz int16, the microphone (near)
and the reference already lined up with it (far), cleaned near out.

- ``LinearCanceller``: an adaptive filter of the room's response (numpy);
  the default, as it leaves the person's words whole while they talk over
  the coach.
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
    "ECHO_KINDS",
    "FRAME",
    "DelayTracker",
    "EchoCanceller",
    "EchoUnavailable",
    "LinearCanceller",
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


class LinearCanceller:
    """A linear echo canceller: an adaptive filter of the room's response, in numpy.

    Partitioned-block frequency-domain NLMS (overlap-save, 10 ms blocks,
    ``seconds`` of response): the echo is predicted from the reference and
    subtracted, and nothing else is done to the microphone. WebRTC's AEC3
    also suppresses what its linear stage leaves, and while the person talks
    over the coach that suppression takes their words with it: on the made
    barge-in tracks this canceller removed less echo (12-18 dB against 29)
    but let Whisper hear far more of the commands (docs/barge-in.md). The
    filter learns only while the error is not much louder than the echo it
    predicts (the person is not talking), and slowly while it is; in its
    first 3 s of the coach, until it removes 6 dB, it learns at full speed.
    """

    def __init__(self, seconds: float = 0.6, step: float = 0.25) -> None:
        self.description = "a linear adaptive filter (frequency-domain NLMS)"
        self._parts = int(np.ceil(seconds * RATE / FRAME))
        self._weights = np.zeros((self._parts, FRAME + 1), dtype=np.complex128)
        self._spectra = np.zeros((self._parts, FRAME + 1), dtype=np.complex128)
        self._previous = np.zeros(FRAME)
        self._step = step
        self._removed = 1.0  # microphone power over error power, smoothed
        self._heard = 0  # frames with the coach audible

    def cancel(self, near: Samples, far: Samples) -> Samples:
        """``near`` less the predicted echo of ``far`` (one 10 ms frame)."""
        x = np.asarray(far, dtype=np.float64)
        d = np.asarray(near, dtype=np.float64)
        spectrum = np.fft.rfft(np.concatenate([self._previous, x]))
        self._previous = x
        self._spectra = np.roll(self._spectra, 1, axis=0)
        self._spectra[0] = spectrum
        echo = np.fft.irfft((self._weights * self._spectra).sum(axis=0))[FRAME:]
        error = d - echo
        far_power = float(np.mean(x**2))
        if far_power > 1.0:
            echo_power, error_power = float(np.mean(echo**2)), float(np.mean(error**2))
            ratio = float(np.mean(d**2)) / (error_power + 1.0)
            self._removed += 0.02 * (ratio - self._removed)
            self._heard += 1
            # For its first 3 s of the coach, until it removes 6 dB, it learns
            # whatever it hears; after, only while the error is not much louder
            # than the echo it predicts (a headset's faint echo never reaches
            # 6 dB over the noise, and learning from the person's words adds noise).
            warming = self._removed < 4.0 and self._heard < 300
            learning = warming or error_power < 4 * echo_power
            step = self._step if learning else self._step * 0.05
            grad_in = np.fft.rfft(np.concatenate([np.zeros(FRAME), error]))
            norm = np.sum(np.abs(self._spectra) ** 2, axis=0) + 2 * FRAME * 1e4
            gradient = np.fft.irfft(step * np.conj(self._spectra) * grad_in / norm, axis=1)
            gradient[:, FRAME:] = 0.0  # keep each partition a causal 10 ms piece
            self._weights += np.fft.rfft(gradient, axis=1)
        return np.asarray(np.clip(np.round(error), -32768, 32767), dtype=np.int16)


ECHO_KINDS = ("linear", "webrtc")
"""The echo cancellers ``make_canceller`` can make."""


def make_canceller(kind: str = "linear") -> EchoCanceller:
    """The echo canceller ``kind``: "linear" (always there), "webrtc" (the
    ``barge-in`` extra; ``EchoUnavailable`` saying what to install when it is
    missing)."""
    if kind == "webrtc":
        return WebrtcCanceller(delay_ms=DELAY_MARGIN_MS)
    return LinearCanceller()


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
