"""Audio in: WAV reading and resampling; the microphone path on an ALSA file device."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import wave
from pathlib import Path

import numpy as np
import pytest

from facecoach._voice.mic import MemorySource, MicSource, read_wav
from facecoach._voice.wavfile import MicError, resample

RATE = 16_000


def write_wav(path: Path, frames: np.ndarray, rate: int, width: int = 2) -> None:
    """``frames`` as float in [-1, 1], shape (n,) or (n, channels)."""
    channels = 1 if frames.ndim == 1 else frames.shape[1]
    if width == 1:
        data = np.round(frames * 127 + 128).astype(np.uint8).tobytes()
    elif width == 2:
        data = np.round(frames * 32767).astype("<i2").tobytes()
    else:  # 24-bit
        ints = np.round(frames * (2**23 - 1)).astype("<i4").reshape(-1)
        data = b"".join(int(v).to_bytes(3, "little", signed=True) for v in ints)
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(channels)
        wav.setsampwidth(width)
        wav.setframerate(rate)
        wav.writeframes(data)


def peak_hz(samples: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(samples.astype(np.float64)))
    return float(np.argmax(spectrum) * RATE / samples.size)


@pytest.mark.parametrize(
    ("rate", "channels", "width"),
    [
        (44_100, 2, 2),
        (22_050, 1, 2),
        (48_000, 1, 3),
        (8_000, 1, 1),
        (16_000, 2, 2),
    ],
)
def test_any_wav_becomes_16k_mono(tmp_path: Path, rate: int, channels: int, width: int) -> None:
    t = np.arange(rate) / rate  # one second
    mono = 0.5 * np.sin(2 * np.pi * 440 * t)
    frames = np.stack([mono] * channels, axis=1) if channels > 1 else mono
    path = tmp_path / "in.wav"
    write_wav(path, frames, rate, width)
    samples = read_wav(path)
    assert samples.dtype == np.int16
    assert abs(samples.size - RATE) <= 1
    assert peak_hz(samples) == pytest.approx(440, abs=3)
    assert 14_000 < np.abs(samples).max() < 18_000


def test_downsampling_removes_what_16k_cannot_hold() -> None:
    rate = 48_000
    t = np.arange(rate) / rate
    high = 10_000 * np.sin(2 * np.pi * 11_000 * t)  # above the new Nyquist: would alias
    out = resample(high, rate)
    assert np.abs(out[50:-50]).max() < 500  # 10,000 in: at least 26 dB down


def test_bad_wav_files_say_what_is_wrong(tmp_path: Path) -> None:
    with pytest.raises(MicError, match="no such file"):
        read_wav(tmp_path / "missing.wav")
    junk = tmp_path / "junk.wav"
    junk.write_bytes(b"not a wav at all")
    with pytest.raises(MicError, match="not a WAV file we can read"):
        read_wav(junk)


def test_memory_source_paces_in_real_time_with_an_injected_clock() -> None:
    now = [10.0]
    source = MemorySource(
        np.zeros(4_000, dtype=np.int16),
        block=1_600,
        clock=lambda: now[0],
        sleep=lambda s: now.__setitem__(0, now[0] + s),
    )
    blocks = list(source.blocks())
    assert [b.samples.size for b in blocks] == [1_600, 1_600, 800]
    assert [b.captured for b in blocks] == pytest.approx([10.1, 10.2, 10.25])


def test_memory_source_close_stops_early() -> None:
    source = MemorySource(np.zeros(16_000, dtype=np.int16))
    it = source.blocks()
    next(it)
    source.close()
    assert list(it) == []


ASOUNDRC = """\
pcm.!default { type plug slave { pcm "nullfile" format S16_LE rate 16000 channels 1 } }
pcm.nullfile { type file slave.pcm "null" file "/dev/null"
  infile { @func getenv vars [ MIC_FILE ] default "/dev/zero" } format "raw" }
"""

# Runs in a child process: PortAudio reads the ALSA configuration once, when
# it initialises, so HOME must point at the test .asoundrc before that.
CHILD = """
import json, sys, time
from facecoach._voice.langpack import load_pack
from facecoach._voice.mic import MicSource
from facecoach._voice.sphinx import SphinxRecognizer
from facecoach._voice.source import VoiceCommands
mic = MicSource(time.monotonic)
mic.open()
heard = []
voice = VoiceCommands(mic, SphinxRecognizer(load_pack("en")), time.monotonic)
voice.start(heard.append)
deadline = time.monotonic() + 60
# The device reads the file faster than real time; stop once it is all in.
while time.monotonic() < deadline and voice.heard_seconds < float(sys.argv[1]):
    time.sleep(0.05)
voice.stop()
print(json.dumps([[h.command.value, h.text, h.source] for h in heard]))
"""


@pytest.mark.slow
def test_real_input_stream_on_the_alsa_file_device(tmp_path: Path) -> None:
    from voice_support import corpus, en_track, needs_piper  # noqa: F401

    if not corpus.have_piper():
        pytest.skip("the piper extra is not installed")
    track = en_track("piper")
    raw = tmp_path / "mic.raw"
    # Silence at the end: the device reads the file faster than real time.
    padded = np.concatenate([track.samples, np.zeros(RATE * 3, dtype=np.int16)])
    raw.write_bytes(padded.astype("<i2").tobytes())
    (tmp_path / ".asoundrc").write_text(ASOUNDRC, encoding="utf-8")
    env = dict(os.environ, HOME=str(tmp_path), MIC_FILE=str(raw))
    said = [p.label for p in track.placed if p.label]
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(padded.size / RATE)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    heard = json.loads(out.stdout.strip().splitlines()[-1])
    commands = [c for c, _, _ in heard]
    assert all(source == "voice" for _, _, source in heard)
    # The real decoder through the real input path hears (nearly) every command
    # in order, and nothing from the sentences between them.
    assert len(commands) >= len(said) - 1
    assert all(c in said for c in commands)


def _said_next_on_the_alsa_device(tmp_path: Path, seed: int, pad_seconds: int) -> dict[str, str]:
    """The environment of a child whose microphone (the ALSA file device) says "next".

    Every stream opens the file from its start, so each step that listens hears
    the whole recording; the padding keeps the faster-than-real-time reader busy.
    """
    from voice_support import corpus

    rng = np.random.default_rng(seed)
    clip = corpus.piper_say("next", noise_scale=0.0, noise_w=0.0)
    track = corpus.layout([("next", "next", clip)], rng, tail=0.5)
    raw = tmp_path / "mic.raw"
    padded = np.concatenate([track.samples, np.zeros(RATE * pad_seconds, dtype=np.int16)])
    raw.write_bytes(padded.astype("<i2").tobytes())
    (tmp_path / ".asoundrc").write_text(ASOUNDRC, encoding="utf-8")
    return dict(os.environ, HOME=str(tmp_path), MIC_FILE=str(raw))


@pytest.mark.slow
def test_headset_check_on_the_alsa_file_device(tmp_path: Path) -> None:
    from voice_support import corpus

    if not corpus.have_piper():
        pytest.skip("the piper extra is not installed")
    env = _said_next_on_the_alsa_device(tmp_path, seed=4, pad_seconds=120)
    out = subprocess.run(
        [sys.executable, "-m", "facecoach", "check", "--seconds", "20", "--engine", "pocketsphinx"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.returncode == 0, out.stdout + out.stderr[-2000:]
    assert "Recogniser: pocketsphinx" in out.stdout
    assert "level" in out.stdout
    assert "Say 'next' now" in out.stdout  # the pack's phrase (in Korean, 다음)
    assert "Heard 'next': voice commands work with this headset." in out.stdout
    assert "could not play it" not in out.stdout  # the line went out through the output path


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["pocketsphinx", "whisper"])
def test_listen_json_from_the_microphone(tmp_path: Path, engine: str) -> None:
    from facecoach._voice.whisper import have_whisper
    from voice_support import corpus

    if not corpus.have_piper():
        pytest.skip("the piper extra is not installed")
    if engine == "whisper" and not have_whisper():
        pytest.skip("the whisper extra is not installed")
    rng = np.random.default_rng(6)
    clips = [(c, c, corpus.piper_say(c, noise_scale=0.0, noise_w=0.0)) for c in ("pause", "resume")]
    track = corpus.layout(clips, rng)
    raw = tmp_path / "mic.raw"
    padded = np.concatenate([track.samples, np.zeros(RATE * 200, dtype=np.int16)])
    raw.write_bytes(padded.astype("<i2").tobytes())
    (tmp_path / ".asoundrc").write_text(ASOUNDRC, encoding="utf-8")
    env = dict(os.environ, HOME=str(tmp_path), MIC_FILE=str(raw))
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "facecoach",
            "listen",
            "--json",
            "--seconds",
            "3",
            "--engine",
            engine,
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    assert [obj["command"] for obj in lines] == ["pause", "resume"]
    # The person's microphone: what PocketSphinx learnt of their voice is kept.
    from facecoach._paths import places
    from facecoach._voice.source import MEAN_FILE

    assert (places().cache / MEAN_FILE).is_file() == (engine == "pocketsphinx")


class FakeStream:
    """Stands in for an open sounddevice stream: stopping it ends it, like PortAudio."""

    def __init__(self, mic: MicSource) -> None:
        self.mic = mic

    def stop(self) -> None:
        self.mic._finished()

    def close(self) -> None:
        pass


def test_a_lost_microphone_is_an_error_not_a_hang() -> None:
    from facecoach._core.commands import Command
    from facecoach._voice.recognizer import ScriptedListener
    from facecoach._voice.source import VoiceCommands

    mic = MicSource(lambda: 5.0)
    mic._stream = FakeStream(mic)  # as if open() had succeeded
    mic._callback(np.zeros(1600, dtype=np.int16).tobytes(), 1600, None, None)
    mic._finished()  # the device went away by itself
    voice = VoiceCommands(mic, ScriptedListener([(Command.NEXT, "next", 5, 6)]), lambda: 5.0)
    emitted: list[object] = []
    voice.start(emitted.append)
    for _ in range(500):  # the worker ends by itself; wait for it (at most 5 s)
        if emitted:
            break
        threading.Event().wait(0.01)
    voice.stop()
    assert isinstance(voice.error, MicError)
    # the live loop is told, so the pause is said: "too tight" can no longer be heard
    assert [type(e).__name__ for e in emitted] == ["SourceLost"]
    assert "was the headset unplugged?" in str(voice.error)


def test_closing_the_microphone_ends_quietly() -> None:
    mic = MicSource(lambda: 1.0)
    mic._stream = FakeStream(mic)
    mic._callback(np.zeros(1600, dtype=np.int16).tobytes(), 1600, None, None)
    blocks = mic.blocks()
    assert next(blocks).captured == 1.0
    mic.close()
    assert list(blocks) == []


def test_with_no_input_device_the_message_says_so_not_portaudio() -> None:
    from facecoach._sound.devices import DeviceInfo
    from facecoach._voice.mic import open_problem

    speakers_only = [DeviceInfo(0, "HDMI 0", "ALSA", 0, 8, 48000, default_output=True)]
    error = RuntimeError("Error querying device -1")
    for devices in ([], speakers_only):
        message = open_problem("microphone: default", error, devices)
        assert message.startswith("cannot open the microphone (microphone: default): no microphone")
        assert "-1" not in message and "--mic-file" in message
    headset = [DeviceInfo(1, "Jabra Evolve2 65 Headset", "ALSA", 1, 2, 16000, True, True)]
    message = open_problem("microphone: Jabra", RuntimeError("Device unavailable"), headset)
    assert message.startswith("cannot open the microphone (microphone: Jabra): Device unavailable")


@pytest.mark.slow
def test_enrolment_through_the_real_microphone_stream(tmp_path: Path) -> None:
    """``facecoach enroll`` with no file: PortAudio's input stream, keys from stdin."""
    from facecoach._voice.whisper import have_whisper
    from voice_support import corpus

    if not corpus.have_piper() or not have_whisper():
        pytest.skip("needs the piper and whisper extras")
    env = _said_next_on_the_alsa_device(tmp_path, seed=8, pad_seconds=60)  # a stream per take
    home = tmp_path / "fc"
    argv = ["--data-dir", str(home), "enroll", "--takes", "1", "--quiet", "--seconds", "5"]
    out = subprocess.run(
        [sys.executable, "-m", "facecoach", *argv],
        env=env,
        input="\nq\n",  # keep the take of "next", then quit at "repeat"
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.returncode == 0, out.stdout + out.stderr[-2000:]
    assert "take 1 of 1: say 'next' now" in out.stdout
    assert "heard 'next'" in out.stdout
    assert "Kept in" in out.stdout
    from facecoach._paths import places
    from facecoach._voice.enroll import load_enrolment

    kept = load_enrolment(places(home), "en")
    assert kept is not None and [t.phrase for t in kept.takes] == ["next"]
    assert kept.takes[0].right_phrase
