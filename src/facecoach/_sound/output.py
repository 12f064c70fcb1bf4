"""The one output path: every sound the coach makes leaves through here.

``AudioOut`` is the small interface the live loop uses. ``SounddeviceOut``
plays through a sounddevice output stream; ``MemoryAudioOut`` (the fake, also
used for text mode) and ``WavFileOut`` (for ``export``), in ``_memory_out``,
play on a scheduler instead of a sound card. All of them mix through ``Mixer`` and report the
exact time each sound starts and ends, which the microphone gate relies on.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

from .mixer import DEFAULT_IDLE_SECONDS, Mixer, PlayReport, SoundKind
from .samples import SAMPLE_RATE, Sound

__all__ = [
    "SAMPLE_RATE",
    "AudioOut",
    "OutputUnavailable",
    "PlayReport",
    "Reporter",
    "Sound",
    "SounddeviceOut",
    "SpeechTimeline",
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

    @property
    def busy(self) -> bool:
        """True while anything plays or waits to play."""

    def poll(self) -> str | None:
        """A message if the device has gone away since the last poll, else None."""

    def close(self) -> None:
        """Stop and release the device. Safe to call twice."""


class SpeechTimeline:
    """When the coach's speech was audible, from the output path's reports.

    ``gate`` is the ``SpeechGate`` voice input uses: audio heard while the
    coach spoke, or within ``guard`` seconds after, is to be ignored. Cues
    never count.
    """

    def __init__(self, guard: float = 0.3, *, keep_seconds: float = 120.0) -> None:
        self.guard = guard
        self.keep_seconds = keep_seconds
        self._spans: list[list[Any]] = []  # [start, end or None, tag]
        self._lock = threading.Lock()

    def note(self, report: PlayReport) -> None:
        """Take a report from the output path."""
        if report.kind != "speech":
            return
        with self._lock:
            if report.phase == "start":
                self._spans.append([report.t, None, report.tag])
                horizon = report.t - self.keep_seconds
                self._spans = [s for s in self._spans if s[1] is None or s[1] > horizon]
                return
            for span in reversed(self._spans):
                if span[2] == report.tag and span[1] is None:
                    span[1] = report.t
                    return

    def gate(self, start: float, end: float) -> bool:
        """True if audio between ``start`` and ``end`` overlaps the coach's speech."""
        with self._lock:
            return any(
                s <= end and (e is None or e + self.guard >= start) for s, e, _ in self._spans
            )

    def spans(self) -> list[tuple[float, float | None]]:
        """The speech spans seen so far (start, end or None while speaking)."""
        with self._lock:
            return [(s, e) for s, e, _ in self._spans]


class SounddeviceOut:
    """A sounddevice output stream fed by the mixer from its callback."""

    def __init__(
        self,
        device: int | None = None,
        *,
        name: str = "default output",
        primer_seconds: float = 0.3,
        idle_seconds: float = DEFAULT_IDLE_SECONDS,
        volume: float = 1.0,
        blocksize: int = 512,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.device = device
        self.name = name
        self.blocksize = blocksize
        self._clock = clock
        self._primer = primer_seconds
        self._idle = idle_seconds
        self._volume = volume
        self.mixer = Mixer(SAMPLE_RATE, primer_seconds=primer_seconds, volume=volume)
        self.rate = SAMPLE_RATE
        self._stream: Any = None
        self._report: Reporter | None = None
        self._latency = 0.05
        self._last_callback: float | None = None
        self._frame_time: float | None = None  # when the next frame will be heard
        self._callbacks: list[float] = []  # callback times until the stream is warm
        self._warm = threading.Event()
        self._closing = False
        self._lost = False

    @property
    def lead(self) -> float:
        """The stream's latency plus one block and a margin; plus the primer when silent.

        After a silence the primer has to play before the sound, so sounds
        are wanted that much earlier to start on time.
        """
        base = self._latency + self.blocksize / self.rate + 0.005
        return base if self.mixer.busy else base + self.mixer.primer_frames / self.rate

    @property
    def busy(self) -> bool:
        """True while anything plays or waits to play."""
        return self.mixer.busy

    def open(self, report: Reporter) -> None:
        """Open and start the stream; ``OutputUnavailable`` if it cannot be."""
        try:
            import sounddevice as sd
        except OSError as error:  # PortAudio library missing
            raise OutputUnavailable(f"no sound output: {error}") from None
        self._report = report
        last: Exception | None = None
        for rate in self._rates(sd):
            try:
                stream = sd.OutputStream(
                    device=self.device,
                    samplerate=rate,
                    channels=1,
                    dtype="float32",
                    blocksize=self.blocksize,
                    latency="low",
                    callback=self._callback,
                    finished_callback=self._finished,
                )
            except (sd.PortAudioError, ValueError) as error:
                last = error
                continue
            self.rate = rate
            self.mixer = Mixer(
                rate, primer_seconds=self._primer, idle_seconds=self._idle, volume=self._volume
            )
            self._latency = float(stream.latency)
            self._stream = stream
            self._callbacks.clear()
            self._warm.clear()
            stream.start()
            # Some paths (ALSA into PulseAudio) take a buffer or two, then stall
            # for over a second before they really play: start the session's
            # clock only once frames flow at their own pace.
            self._warm.wait(timeout=3.0)
            return
        raise OutputUnavailable(f"cannot open output device {self.name}: {last}")

    def _rates(self, sd: Any) -> list[int]:
        try:
            default = int(sd.query_devices(self.device, "output")["default_samplerate"])
        except (sd.PortAudioError, ValueError, KeyError, TypeError):
            default = 48000
        return list(dict.fromkeys([SAMPLE_RATE, default, 48000, 44100]))

    def play(
        self,
        sound: Sound,
        kind: SoundKind,
        *,
        tag: int = 0,
        name: str = "",
        at: float | None = None,
    ) -> None:
        """Queue a sound for the stream (see ``AudioOut.play``)."""
        self.mixer.play(sound.at_rate(self.rate).samples, kind, tag=tag, name=name, at=at)

    def stop_speech(self) -> None:
        """Cut off speech from the next block on."""
        self.mixer.stop_speech()

    def poll(self) -> str | None:
        """The device name if the stream died or its callbacks stopped coming."""
        if self._stream is None or self._closing:
            return None
        stalled = self._last_callback is not None and self._clock() - self._last_callback > 1.0
        if self._lost or stalled or not self._stream.active:
            self._lost = False
            self.close()
            return self.name
        return None

    def close(self) -> None:
        """Stop and close the stream. Safe to call twice."""
        stream, self._stream = self._stream, None
        if stream is None:
            return
        self._closing = True
        try:
            stream.abort()
            stream.close()
        except Exception:  # a vanished device may fail to close; it is gone either way
            pass
        finally:
            self._closing = False

    # ------------------------------------------------------------ audio thread

    def _callback(self, outdata: Any, frames: int, time_info: Any, status: Any) -> None:
        now = self._clock()
        self._last_callback = now
        if not self._warm.is_set():
            self._callbacks.append(now)
            times = self._callbacks
            if len(times) >= 5 and times[-1] - times[0] >= 0.15:
                recent = [b - a for a, b in zip(times[-5:-1], times[-4:], strict=True)]
                if max(recent) < 0.1:
                    self._warm.set()
        dac, current = time_info.outputBufferDacTime, time_info.currentTime
        # PortAudio's stream clock is not ours: only the difference is used
        ahead = dac - current if dac > 0 and current > 0 else self._latency
        if 0 <= ahead < 2.0:
            self._latency = ahead
        # The device takes frames at a steady rate, so frame times follow from
        # the frame count; callbacks arrive with jitter, which only nudges the
        # estimate slowly (clock drift) or resets it (a start, an underrun).
        measured = now + self._latency
        if self._frame_time is None or abs(measured - self._frame_time) > 0.04:
            self._frame_time = measured
        else:
            self._frame_time += 0.02 * (measured - self._frame_time)
        block, reports = self.mixer.fill(frames, self._frame_time)
        self._frame_time += frames / self.rate
        outdata[:, 0] = block
        report = self._report
        if report is not None:
            for r in reports:
                report(r)

    def _finished(self) -> None:
        if not self._closing:
            self._lost = True
