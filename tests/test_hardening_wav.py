"""Hardening: any WAV file in, through one reader, streamed; every fault a message naming it.

Classes: formats libsndfile reads (float, 24/32-bit, WAVE_FORMAT_EXTENSIBLE)
are read, not refused; damaged headers and cut files are ``MicError`` (or
read as far as they go); non-regular files are refused without blocking;
memory does not grow with a file's length; and no bytes at all make the
reader raise anything but ``MicError``.
"""

from __future__ import annotations

import os
import struct
import threading
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facecoach._cli.main import main
from facecoach._voice.mic import MicError, WavSource, read_wav

RATE = 16_000


def tone(rate: int, channels: int, seconds: float = 1.0) -> np.ndarray:
    t = np.arange(round(rate * seconds)) / rate
    mono = 0.5 * np.sin(2 * np.pi * 440 * t)
    return np.stack([mono] * channels, axis=1) if channels > 1 else mono


def peak_hz(samples: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(samples.astype(np.float64)))
    return float(np.argmax(spectrum) * RATE / samples.size)


@pytest.mark.parametrize(
    ("container", "subtype", "rate", "channels"),
    [
        ("WAV", "PCM_U8", 8_000, 1),
        ("WAV", "PCM_16", 44_100, 2),
        ("WAV", "PCM_24", 48_000, 1),
        ("WAV", "PCM_32", 22_050, 2),
        ("WAV", "FLOAT", 48_000, 2),  # Audacity's default export
        ("WAV", "DOUBLE", 16_000, 1),
        ("WAVEX", "PCM_16", 16_000, 1),  # WAVE_FORMAT_EXTENSIBLE, as sox writes
        ("WAVEX", "PCM_24", 96_000, 2),
        ("WAVEX", "FLOAT", 44_100, 6),
    ],
)
def test_every_kind_of_wav_is_read_as_16k_mono(
    tmp_path: Path, container: str, subtype: str, rate: int, channels: int
) -> None:
    path = tmp_path / "in.wav"
    sf.write(path, tone(rate, channels), rate, subtype=subtype, format=container)
    samples = read_wav(path)
    assert samples.dtype == np.int16
    assert abs(samples.size - RATE) <= 2
    assert peak_hz(samples) == pytest.approx(440, abs=3)
    assert 14_000 < np.abs(samples).max() < 18_000


def pcm16(tmp_path: Path, seconds: float = 0.5) -> bytes:
    path = tmp_path / "good.wav"
    sf.write(path, tone(48_000, 2, seconds), 48_000, subtype="PCM_16")
    return path.read_bytes()


@pytest.mark.parametrize("cut", [45, 46, 47, 1001, 1002, 1003, -1, -3])
def test_a_file_cut_mid_sample_or_mid_frame_reads_what_is_there(tmp_path: Path, cut: int) -> None:
    data = pcm16(tmp_path)
    path = tmp_path / "cut.wav"
    path.write_bytes(data[:cut])
    frames_left = max(0, (len(data[:cut]) - 44) // 4)
    samples = read_wav(path)
    assert abs(samples.size - frames_left / 3) <= 2


@pytest.mark.parametrize("cut", [0, 4, 12, 20, 30, 40])
def test_a_file_cut_inside_its_header_is_a_message_naming_it(tmp_path: Path, cut: int) -> None:
    path = tmp_path / "header.wav"
    path.write_bytes(pcm16(tmp_path)[:cut])
    with pytest.raises(MicError) as caught:
        read_wav(path)
    message = str(caught.value)
    assert str(path) in message
    assert "()" not in message


def test_a_header_with_rate_zero_is_refused(tmp_path: Path) -> None:
    data = bytearray(pcm16(tmp_path))
    data[24:28] = struct.pack("<I", 0)
    path = tmp_path / "rate0.wav"
    path.write_bytes(bytes(data))
    with pytest.raises(MicError, match=r"rate0\.wav"):
        read_wav(path)


def test_an_empty_file_says_it_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "empty.wav"
    path.write_bytes(b"")
    with pytest.raises(MicError) as caught:
        read_wav(path)
    assert str(caught.value) == f"{path}: the file is empty (0 bytes), not a WAV file"


def test_a_folder_and_a_missing_file_are_named(tmp_path: Path) -> None:
    with pytest.raises(MicError, match="is a folder"):
        read_wav(tmp_path)
    with pytest.raises(MicError, match="no such file"):
        read_wav(tmp_path / "missing.wav")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_with_no_writer_is_refused_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.wav"
    os.mkfifo(fifo)
    outcome: list[BaseException] = []

    def attempt() -> None:
        try:
            WavSource(fifo)
        except BaseException as exc:
            outcome.append(exc)

    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(timeout=60)  # a guard against hanging the suite, not a timing goal
    assert not worker.is_alive(), "opening a FIFO blocked"
    assert len(outcome) == 1 and isinstance(outcome[0], MicError)
    assert "not a regular file" in str(outcome[0]) and str(fifo) in str(outcome[0])


def test_dev_null_is_refused(tmp_path: Path) -> None:
    with pytest.raises(MicError, match="not a regular file"):
        WavSource("/dev/null")


def sparse_wav(path: Path, seconds: int, rate: int = 48_000, channels: int = 2) -> None:
    """A valid 16-bit WAV of silence that takes no disk (its data is a hole)."""
    size = seconds * rate * channels * 2
    header = b"RIFF" + struct.pack("<I", 36 + size) + b"WAVEfmt "
    header += struct.pack("<IHHIIHH", 16, 1, channels, rate, rate * channels * 2, channels * 2, 16)
    header += b"data" + struct.pack("<I", size)
    with path.open("wb") as f:
        f.write(header)
        f.truncate(len(header) + size)


def test_memory_does_not_grow_with_the_length_of_the_file(tmp_path: Path) -> None:
    path = tmp_path / "long.wav"
    sparse_wav(path, seconds=600)  # 10 min of 48 kHz stereo: 110 MB of samples
    source = WavSource(path)
    tracemalloc.start()
    try:
        count = 0
        for block in source.blocks():
            count += block.samples.size
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert abs(count - 600 * RATE) <= 2
    # Read whole, the file alone is 110 MB (460 MB as float64); streamed, a few blocks.
    assert peak < 16 * 2**20


def test_blocks_are_the_microphone_size_and_close_releases_the_file(tmp_path: Path) -> None:
    path = tmp_path / "a.wav"
    sf.write(path, tone(44_100, 1, 0.3), 44_100, subtype="PCM_16")
    source = WavSource(path, block=320)
    sizes = [b.samples.size for b in source.blocks()]
    assert all(size == 320 for size in sizes[:-1]) and 0 < sizes[-1] <= 320
    again = WavSource(path)
    again.close()
    again.close()
    assert list(again.blocks()) == []


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.binary(max_size=400),
    keep_header=st.booleans(),
    flip=st.lists(st.tuples(st.integers(0, 43), st.integers(0, 255)), max_size=6),
)
def test_no_bytes_make_the_reader_raise_anything_but_its_own_error(
    tmp_path: Path, body: bytes, keep_header: bool, flip: list[tuple[int, int]]
) -> None:
    data = bytearray(pcm16(tmp_path, 0.01)[:44] if keep_header else b"") + body
    for at, value in flip:
        if at < len(data):
            data[at] = value
    path = tmp_path / "fuzz.wav"
    path.write_bytes(bytes(data))
    try:
        samples = read_wav(path)
    except MicError as exc:
        assert str(path) in str(exc)
    else:
        assert samples.dtype == np.int16


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "the file is empty (0 bytes)"),
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", "not a WAV file we can read"),
        (b"not audio at all, just words", "not a WAV file we can read"),
    ],
)
def test_listen_file_says_what_is_wrong_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, expected: str
) -> None:
    path = tmp_path / "bad.wav"
    path.write_bytes(content)
    assert main(["listen", "--file", str(path)]) == 2
    err = capsys.readouterr().err
    assert expected in err and str(path) in err
    assert "Traceback" not in err and "()" not in err


def test_run_mic_file_with_a_bad_file_goes_on_with_the_keyboard(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from facecoach._paths import places
    from facecoach._voice.source import VoiceError, VoiceSettings, build_voice_source

    path = tmp_path / "rate0.wav"
    data = bytearray(pcm16(tmp_path))
    data[24:28] = struct.pack("<I", 0)
    path.write_bytes(bytes(data))
    settings_ = VoiceSettings(mic_file=str(path))
    with pytest.raises(VoiceError, match=r"rate0\.wav"):
        build_voice_source(settings_, places(), clock=lambda: 0.0)
