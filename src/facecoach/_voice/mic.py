"""Audio in: the microphone (sounddevice) and WAV files, as 16 kHz mono int16 blocks.

Both sources have the same small shape (``AudioSource``): an iterator of
``AudioBlock`` and ``close()``. A block carries the monotonic time at which
its last sample was captured, so the voice layer can line audio up with the
times the output path reports for the coach's own speech. A file source has
no real capture time and gives ``None``.
"""

from __future__ import annotations

import queue
import threading
import wave
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from .._sound.devices import DeviceInfo, list_devices

__all__ = [
    "RATE",
    "AudioBlock",
    "AudioSource",
    "MemorySource",
    "MicError",
    "MicSource",
    "WavSource",
    "open_problem",
    "read_wav",
    "resample",
    "to_mono",
]

RATE = 16_000
"""The one sample rate every recogniser is fed."""

BLOCK = 320
"""Samples per block (20 ms). A command can be acted on only once the block
that ends it is in, so the block adds up to its length to the latency: 100 ms
blocks put the benchmark's p95 at about 465 ms, 20 ms blocks at about 395 ms,
for the same CPU."""

Samples = npt.NDArray[np.int16]


class MicError(RuntimeError):
    """The input device or file cannot be used (message says which and why)."""


@dataclass(frozen=True)
class AudioBlock:
    """A stretch of 16 kHz mono int16 audio."""

    samples: Samples
    captured: float | None = None
    """Monotonic time of the block's last sample, when it came from a device."""


class AudioSource(Protocol):
    """Something that yields audio blocks until closed or exhausted."""

    description: str
    """What it is, for the screen ("microphone: default", "file: x.wav")."""

    def blocks(self) -> Iterator[AudioBlock]:
        """Yield blocks in order; ends when the source is exhausted or closed."""
        ...

    def close(self) -> None:
        """Stop yielding and release the device. Safe to call twice."""


def to_mono(frames: npt.NDArray[Any]) -> npt.NDArray[np.float64]:
    """Average the channels of a (frames, channels) array into one."""
    if frames.ndim == 1:
        return frames.astype(np.float64)
    return np.asarray(frames.astype(np.float64).mean(axis=1), dtype=np.float64)


def _lowpass(signal: npt.NDArray[np.float64], cutoff: float) -> npt.NDArray[np.float64]:
    """Windowed-sinc low-pass; ``cutoff`` is a fraction of the sample rate."""
    taps = 63
    n = np.arange(taps) - (taps - 1) / 2
    kernel = 2 * cutoff * np.sinc(2 * cutoff * n) * np.hamming(taps)
    kernel /= kernel.sum()
    return np.asarray(np.convolve(signal, kernel, mode="same"), dtype=np.float64)


def resample(signal: npt.NDArray[np.float64], rate: int, target: int = RATE) -> Samples:
    """Resample mono ``signal`` (int16 scale) from ``rate`` to ``target`` Hz, as int16.

    Linear interpolation after a low-pass below the new Nyquist frequency:
    plenty for speech recognition, which uses nothing above 8 kHz, and it
    keeps numpy the only dependency.
    """
    if rate <= 0:
        raise ValueError(f"sample rate must be positive, got {rate}")
    data = np.asarray(signal, dtype=np.float64)
    if rate != target and data.size:
        if target < rate:
            data = _lowpass(data, 0.45 * target / rate)
        count = round(data.size * target / rate)
        positions = np.arange(count) * (rate / target)
        data = np.interp(positions, np.arange(data.size), data)
    return np.asarray(np.clip(np.round(data), -32768, 32767), dtype=np.int16)


def read_wav(path: str | Path) -> Samples:
    """Read a PCM WAV file (any rate, any channels, 8/16/24/32-bit) as 16 kHz mono int16."""
    try:
        with wave.open(str(path), "rb") as wav:
            width = wav.getsampwidth()
            channels = wav.getnchannels()
            rate = wav.getframerate()
            raw = wav.readframes(wav.getnframes())
    except FileNotFoundError as exc:
        raise MicError(f"{path}: no such file") from exc
    except (wave.Error, EOFError, OSError) as exc:
        raise MicError(f"{path}: not a PCM WAV file we can read ({exc})") from exc
    if width == 1:
        data = (np.frombuffer(raw, dtype=np.uint8).astype(np.float64) - 128) * 256
    elif width == 2:
        data = np.frombuffer(raw, dtype="<i2").astype(np.float64)
    elif width == 3:
        b = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 3).astype(np.int32)
        value = b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)
        value = np.where(value >= 1 << 23, value - (1 << 24), value)
        data = value.astype(np.float64) / 256
    elif width == 4:
        data = np.frombuffer(raw, dtype="<i4").astype(np.float64) / 65536
    else:
        raise MicError(f"{path}: {8 * width}-bit samples are not supported")
    frames = data.reshape(-1, channels) if channels > 1 else data
    return resample(to_mono(frames), rate)


class MemorySource:
    """Blocks from samples already in memory (a decoded WAV file, or a test)."""

    def __init__(
        self,
        samples: Samples,
        description: str = "memory",
        block: int = BLOCK,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        """With ``clock`` and ``sleep``, blocks come in real time, as from a microphone."""
        self.description = description
        self._samples = np.asarray(samples, dtype=np.int16)
        self._block = block
        self._clock = clock
        self._sleep = sleep
        self._closed = False

    def blocks(self) -> Iterator[AudioBlock]:
        """Yield the samples in blocks: as fast as taken, or paced in real time."""
        paced = self._clock is not None and self._sleep is not None
        began = self._clock() if self._clock is not None else 0.0
        for at in range(0, self._samples.size, self._block):
            if self._closed:
                return
            chunk = self._samples[at : at + self._block]
            if paced and self._clock is not None and self._sleep is not None:
                due = began + (at + chunk.size) / RATE
                wait = due - self._clock()
                if wait > 0:
                    self._sleep(wait)
                yield AudioBlock(chunk, captured=self._clock())
            else:
                yield AudioBlock(chunk)

    def close(self) -> None:
        """Stop early."""
        self._closed = True


class WavSource(MemorySource):
    """A WAV file, resampled to 16 kHz mono (``--mic-file``, ``listen --file``)."""

    def __init__(
        self,
        path: str | Path,
        block: int = BLOCK,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        super().__init__(
            read_wav(path), description=f"file: {path}", block=block, clock=clock, sleep=sleep
        )


def open_problem(description: str, error: Exception, devices: Sequence[DeviceInfo]) -> str:
    """What to tell the person when the microphone will not open.

    With no input device at all, PortAudio's own words ("Error querying
    device -1") say nothing useful, so the message says what is missing.
    """
    advice = "or use --mic-file WAV / the keyboard"
    if not any(device.has("input") for device in devices):
        return (
            f"cannot open the microphone ({description}): no microphone found, the sound "
            f"system lists no input device; plug in the headset, {advice}"
        )
    return (
        f"cannot open the microphone ({description}): {error}; "
        f"check the headset is plugged in, {advice}"
    )


class MicSource:
    """The microphone, through a sounddevice input stream at 16 kHz mono int16.

    The stream's callback copies each block into a queue and returns at once;
    ``blocks()`` drains the queue on the caller's thread.
    """

    def __init__(
        self,
        clock: Callable[[], float],
        device: int | str | None = None,
        block: int = BLOCK,
    ) -> None:
        self._clock = clock
        self._device = device
        self._block = block
        self._queue: queue.Queue[AudioBlock | None] = queue.Queue()
        self._stream: Any = None
        self._lost = False
        self._lock = threading.Lock()
        self.description = f"microphone: {device if device is not None else 'default'}"

    def _callback(self, indata: Any, frames: int, time_info: Any, status: Any) -> None:
        samples = np.frombuffer(bytes(indata), dtype=np.int16).copy()
        self._queue.put(AudioBlock(samples, captured=self._clock()))

    def _finished(self) -> None:
        """The stream ended; unless we closed it, the device went away."""
        with self._lock:
            ours = self._stream is None
            self._lost = not ours
        self._queue.put(None)

    def open(self) -> None:
        """Open the input stream; raises ``MicError`` naming the device on failure."""
        try:
            import sounddevice as sd
        except OSError as exc:  # PortAudio library missing
            raise MicError(f"cannot use the microphone: {exc}") from exc
        with self._lock:
            if self._stream is not None:
                return
            try:
                stream = sd.RawInputStream(
                    samplerate=RATE,
                    channels=1,
                    dtype="int16",
                    blocksize=self._block,
                    device=self._device,
                    callback=self._callback,
                    finished_callback=self._finished,
                )
                stream.start()
            except (sd.PortAudioError, ValueError) as exc:
                raise MicError(open_problem(self.description, exc, list_devices(sd))) from exc
            self._stream = stream

    def blocks(self) -> Iterator[AudioBlock]:
        """Yield captured blocks until ``close()``; opens the stream if needed.

        Raises ``MicError`` when the device goes away mid-stream.
        """
        self.open()
        while True:
            block = self._queue.get()
            if block is None:
                if self._lost:
                    raise MicError(
                        f"the microphone stopped ({self.description}): was the headset "
                        "unplugged? Voice commands are off; the keyboard still works"
                    )
                return
            yield block

    def close(self) -> None:
        """Stop the stream and end ``blocks()``."""
        with self._lock:
            stream, self._stream = self._stream, None
        if stream is not None:
            stream.stop()
            stream.close()
        self._queue.put(None)
