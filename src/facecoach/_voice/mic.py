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
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from .._sound.devices import DeviceInfo, list_devices
from .wavfile import MicError, WavStream, resample, to_mono

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


def read_wav(path: str | Path) -> Samples:
    """Read a whole audio file (any WAV: PCM, float, extensible) as 16 kHz mono int16.

    For short files; ``WavSource`` streams long ones.
    """
    return WavStream(path, RATE, BLOCK).read_all()


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


class WavSource:
    """An audio file, streamed as 16 kHz mono blocks (``--mic-file``, ``listen --file``).

    The file is checked when this is made (``MicError`` naming it) and read a
    block at a time, so a long file takes no more memory than a short one.
    With ``clock`` and ``sleep``, blocks come in real time, as from a
    microphone. A file that turns out damaged part way raises ``MicError``
    from ``blocks()``.
    """

    def __init__(
        self,
        path: str | Path,
        block: int = BLOCK,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self.description = f"file: {path}"
        self._stream = WavStream(path, RATE, block)
        self._clock = clock
        self._sleep = sleep
        self._closed = False
        self._started = False
        self._lock = threading.Lock()

    def blocks(self) -> Iterator[AudioBlock]:
        """Yield the file's blocks: as fast as taken, or paced in real time."""
        with self._lock:
            if self._closed:
                return
            self._started = True
        began = self._clock() if self._clock is not None else 0.0
        done = 0
        try:
            for chunk in self._stream.blocks():
                if self._closed:
                    return
                done += chunk.size
                if self._clock is not None and self._sleep is not None:
                    wait = began + done / RATE - self._clock()
                    if wait > 0:
                        self._sleep(wait)
                    yield AudioBlock(chunk, captured=self._clock())
                else:
                    yield AudioBlock(chunk)
        finally:
            self._stream.close()

    def close(self) -> None:
        """Stop early and release the file (the reading thread releases it if reading)."""
        with self._lock:
            self._closed = True
            if self._started:
                return
        self._stream.close()


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
