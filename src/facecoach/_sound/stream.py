"""The real output path: a sounddevice output stream fed by the mixer."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from .mixer import DEFAULT_IDLE_SECONDS, BlockTap, Mixer, SoundKind
from .output import OutputUnavailable, Reporter
from .samples import SAMPLE_RATE, Sound
from .settings import DEFAULT_PRIMER_SECONDS

__all__ = ["STALL_SECONDS", "SounddeviceOut"]


STALL_SECONDS = 5.0
"""Callbacks silent this long, on a stream that still says it is active, mean a lost device."""


class SounddeviceOut:
    """A sounddevice output stream fed by the mixer from its callback."""

    def __init__(
        self,
        device: int | None = None,
        *,
        name: str = "default output",
        primer_seconds: float = DEFAULT_PRIMER_SECONDS,
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

    def duck(self, on: bool) -> None:
        """Lower the speech now playing, or restore it (from the next block on)."""
        self.mixer.duck(on)

    def tap(self, sink: BlockTap | None) -> None:
        """Hand every block played to ``sink``, or stop."""
        self.mixer.tap = sink

    def poll(self) -> str | None:
        """The device name if the stream died or its callbacks stopped coming."""
        if self._stream is None or self._closing:
            return None
        # After an underrun ALSA may go quiet for a second or so while the device
        # is still there; only a long silence of the callbacks means it is gone.
        silent = self._clock() - self._last_callback if self._last_callback is not None else 0.0
        if self._lost or silent > STALL_SECONDS or not self._stream.active:
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
