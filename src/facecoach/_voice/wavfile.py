"""Audio files in: one reader (libsndfile through soundfile), streamed, resampled by soxr.

Any WAV that libsndfile reads (8/16/24/32-bit PCM, 32/64-bit float,
WAVE_FORMAT_EXTENSIBLE, and other formats it knows, such as FLAC) comes
out as 16 kHz mono int16 in fixed-size blocks. The file is read a block at
a time, so memory does not grow with its length. Only regular files are
read: a FIFO or a device could block for ever. Every problem is a
``MicError`` whose message names the file.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import numpy as np
import numpy.typing as npt
import soundfile as sf
import soxr

__all__ = [
    "CHECKED_SECONDS",
    "READ_FRAMES",
    "MicError",
    "WavStream",
    "check_audio_file",
    "resample",
    "to_mono",
]

RATE = 16_000
"""The rate recognisers are fed (the same as ``recognizer.RATE``)."""

READ_FRAMES = 16_384
"""Frames read from the file at a time (about 0.3 s at 48 kHz)."""

MIN_RATE = 4_000
"""Slower than any recording of speech: a header saying so is damaged (1 Hz
would make the resampler write 16,000 samples for each one read)."""
MAX_RATE = 768_000
"""Faster than any sound card records."""
CHECKED_SECONDS = 10
"""How much of a file ``check_audio_file`` reads before a session starts."""
MAX_CHANNELS = 64
"""More channels than any microphone array: each block would be huge."""

Samples = npt.NDArray[np.int16]


class MicError(RuntimeError):
    """The input device or file cannot be used (message says which and why)."""


_FAILURES = (sf.SoundFileError, RuntimeError, ValueError, TypeError, OverflowError, OSError)


def to_mono(frames: npt.NDArray[Any]) -> npt.NDArray[np.float64]:
    """Average the channels of a (frames, channels) array into one."""
    if frames.ndim == 1:
        return frames.astype(np.float64)
    return np.asarray(frames.astype(np.float64).mean(axis=1), dtype=np.float64)


def resample(signal: npt.NDArray[Any], rate: int, target: int = RATE) -> Samples:
    """Resample mono ``signal`` (int16 scale) from ``rate`` to ``target`` Hz, as int16 (soxr)."""
    if rate <= 0:
        raise ValueError(f"sample rate must be positive, got {rate}")
    data = np.asarray(signal, dtype=np.float64)
    if rate != target and data.size:
        data = np.asarray(soxr.resample(data, rate, target), dtype=np.float64)
    return _int16(data)


def _int16(data: npt.NDArray[Any]) -> Samples:
    return np.asarray(np.clip(np.round(data), -32768, 32767), dtype=np.int16)


def _reason(exc: BaseException) -> str:
    """libsndfile's own words without soundfile's "Error opening <object>:" prefix."""
    text = getattr(exc, "error_string", None) or str(exc) or type(exc).__name__
    return str(text).strip().rstrip(".")


def _open_regular(path: Path) -> IO[bytes]:
    """Open ``path`` for reading, refusing anything but a regular, non-empty file."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError as exc:
        raise MicError(f"{path}: no such file") from exc
    except IsADirectoryError as exc:
        raise MicError(f"{path}: is a folder, not a WAV file") from exc
    except OSError as exc:
        raise MicError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise MicError(f"{path}: is a folder, not a WAV file")
        if not stat.S_ISREG(info.st_mode):
            raise MicError(
                f"{path}: not a regular file (a pipe or a device); only WAV files are read"
            )
        if info.st_size == 0:
            raise MicError(f"{path}: the file is empty (0 bytes), not a WAV file")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _header_problem(rate: int, channels: int) -> str | None:
    if not MIN_RATE <= rate <= MAX_RATE:
        return (
            f"the header gives a sample rate of {rate} Hz (facecoach reads "
            f"{MIN_RATE:,} to {MAX_RATE:,} Hz)"
        )
    if not 1 <= channels <= MAX_CHANNELS:
        return f"the header gives {channels} channels (facecoach reads 1 to {MAX_CHANNELS})"
    return None


def check_audio_file(path: str | os.PathLike[str]) -> None:
    """Raise ``MicError`` naming ``path`` unless it is an audio file facecoach can read
    (a regular file whose header is sane, its first seconds numbers), before anything
    waits on it. A fault later in the file is still said when it is reached."""
    stream = WavStream(path, RATE, READ_FRAMES)
    try:
        read = 0
        for piece in stream._pieces():
            read += piece.size
            if read >= CHECKED_SECONDS * stream.rate:
                break
    finally:
        stream.close()


class WavStream:
    """An audio file opened for reading as 16 kHz mono int16 blocks of ``block`` samples.

    The header is checked on construction (``MicError`` naming the file);
    ``blocks()`` then reads, mixes down and resamples one piece at a time.
    """

    def __init__(self, path: str | os.PathLike[str], target: int, block: int) -> None:
        self.path = Path(path)
        self.target = target
        self.block = block
        handle = _open_regular(self.path)
        try:
            sound = sf.SoundFile(handle)
        except _FAILURES as exc:
            handle.close()
            raise MicError(f"{self.path}: not a WAV file we can read: {_reason(exc)}") from exc
        problem = _header_problem(int(sound.samplerate), int(sound.channels))
        if problem is not None:
            sound.close()
            handle.close()
            raise MicError(f"{self.path}: {problem}; the file is damaged")
        self._handle = handle
        self._sound = sound
        self._closed = False
        self.rate = int(sound.samplerate)
        self.channels = int(sound.channels)

    def close(self) -> None:
        """Release the file. Safe to call twice; call it from the thread that reads."""
        self._closed = True
        self._sound.close()
        self._handle.close()

    def _pieces(self) -> Iterator[npt.NDArray[np.float64]]:
        """Mono float pieces at the file's rate, int16 scale."""
        try:
            for frames in self._sound.blocks(READ_FRAMES, dtype="float32", always_2d=True):
                if not np.isfinite(frames).all():
                    raise MicError(
                        f"{self.path}: holds samples that are not numbers (NaN or infinity); "
                        "the file is damaged"
                    )
                yield to_mono(frames) * 32768.0
        except MicError:
            raise
        except _FAILURES as exc:
            raise MicError(f"{self.path}: reading failed part way: {_reason(exc)}") from exc

    def _resampled(self) -> Iterator[npt.NDArray[np.float64]]:
        if self.rate == self.target:
            yield from self._pieces()
            return
        stream = soxr.ResampleStream(self.rate, self.target, 1, dtype="float64")
        for piece in self._pieces():
            yield np.asarray(stream.resample_chunk(piece), dtype=np.float64)
        yield np.asarray(stream.resample_chunk(np.zeros(0), last=True), dtype=np.float64)

    def blocks(self) -> Iterator[Samples]:
        """Blocks of exactly ``block`` samples (the last may be shorter), then the file closes."""
        if self._closed:
            return
        pending = np.zeros(0, dtype=np.int16)
        try:
            for piece in self._resampled():
                pending = np.concatenate([pending, _int16(piece)])
                whole = pending.size - pending.size % self.block
                for at in range(0, whole, self.block):
                    yield pending[at : at + self.block]
                pending = pending[whole:]
            if pending.size:
                yield pending
        finally:
            self.close()

    def read_all(self) -> Samples:
        """The whole file at once (short files: tests, scripts)."""
        parts = list(self.blocks())
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int16)
