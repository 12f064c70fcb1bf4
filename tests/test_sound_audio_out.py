"""The output path: sounds and WAV files, the speech timeline (the mic gate),
the memory fake, the WAV file sink, and real sounddevice streams on the ALSA
file device."""

from __future__ import annotations

import json
import textwrap
import wave
from pathlib import Path

import numpy as np
import pytest

from facecoach._core.clock import SimClock
from facecoach._sound.memory import MemoryAudioOut, WavFileOut
from facecoach._sound.mixer import PlayReport
from facecoach._sound.samples import Sound, normalise, read_wav, write_wav
from facecoach._sound.timeline import SpeechTimeline
from sound_fixtures import alsa_file_home, peak, run_python


def tone(seconds: float, rate: int = 22050, level: float = 0.3) -> Sound:
    t = np.arange(round(seconds * rate)) / rate
    return Sound((level * np.sin(2 * np.pi * 440 * t)).astype(np.float32), rate)


def test_wav_round_trip_and_resampling(tmp_path: Path) -> None:
    sound = tone(0.5)
    write_wav(tmp_path / "a.wav", sound)
    back = read_wav(tmp_path / "a.wav")
    assert back.rate == 22050 and len(back.samples) == len(sound.samples)
    np.testing.assert_allclose(back.samples, sound.samples, atol=1 / 16000)
    assert sound.at_rate(48000).seconds == pytest.approx(0.5, abs=1e-4)
    assert not list(tmp_path.glob(".part-*"))  # written atomically: no leftovers


def test_stereo_wav_is_mixed_down(tmp_path: Path) -> None:
    path = tmp_path / "s.wav"
    with wave.open(str(path), "wb") as f:
        f.setnchannels(2)
        f.setsampwidth(2)
        f.setframerate(16000)
        f.writeframes(np.array([1000, 3000] * 10, dtype="<i2").tobytes())
    sound = read_wav(path)
    assert sound.rate == 16000 and len(sound.samples) == 10
    assert sound.samples[0] == pytest.approx(2000 / 32768)


def test_normalise_puts_loud_parts_at_the_target_and_limits_peaks() -> None:
    quiet = np.concatenate([tone(0.5, level=0.01).samples, np.zeros(11025, np.float32)])
    out = normalise(quiet, 22050, rms_db=-20)
    active = out[:11025]
    assert 20 * np.log10(np.sqrt(np.mean(active**2))) == pytest.approx(-20, abs=0.3)
    spiky = np.zeros(22050, np.float32)
    spiky[100] = 0.001
    spiky[200:300] = 0.0005
    assert np.abs(normalise(spiky, 22050)).max() <= 10 ** (-1 / 20) + 1e-6
    assert not np.any(normalise(np.zeros(10, np.float32), 22050))


def test_timeline_gates_speech_and_its_guard_but_never_cues() -> None:
    timeline = SpeechTimeline(guard=0.3)
    timeline.note(PlayReport("start", "speech", 1, "step", 10.0))
    assert timeline.gate(10.5, 10.8)  # while it is still being said
    assert not timeline.gate(9.0, 9.9)
    timeline.note(PlayReport("end", "speech", 1, "step", 12.0))
    assert timeline.gate(11.9, 12.1)
    assert timeline.gate(12.25, 12.5)  # inside the guard
    assert not timeline.gate(12.31, 12.6)
    timeline.note(PlayReport("start", "cue", 0, "tick", 20.0))
    assert not timeline.gate(20.0, 20.5)
    assert timeline.spans() == [(10.0, 12.0)]


def test_memory_out_plays_on_simulated_time_and_reports_exact_times() -> None:
    clock = SimClock(start=100.0)
    out = MemoryAudioOut(clock)
    seen: list[PlayReport] = []
    out.open(seen.append)
    out.play(tone(1.0), "speech", tag=7, name="step", at=100.5)
    out.play(tone(0.08), "cue", name="tick", at=101.0)
    clock.advance_to(103.0)
    assert [(r.phase, r.tag, r.name, round(r.t, 4)) for r in seen] == [
        ("start", 7, "step", 100.5),
        ("start", 0, "tick", 101.0),
        ("end", 0, "tick", 101.08),
        ("end", 7, "step", 101.5),
    ]
    audio = out.audio()
    assert audio.seconds == pytest.approx(3.0)
    first = np.flatnonzero(np.abs(audio.samples) > 1e-3)[0]
    assert first == pytest.approx(0.5 * 22050, abs=2)
    assert not out.busy


def test_memory_out_stop_speech_and_device_loss() -> None:
    clock = SimClock()
    out = MemoryAudioOut(clock)
    seen: list[PlayReport] = []
    out.open(seen.append)
    out.play(tone(2.0), "speech", tag=1)
    clock.advance_to(clock.now + 0.75)
    out.stop_speech()
    assert seen[-1] == PlayReport("end", "speech", 1, "", pytest.approx(clock.now), cut=True)
    assert out.poll() is None
    out.lose()
    assert out.poll() == "memory"
    assert out.poll() is None


def test_wav_file_out_writes_what_was_played(tmp_path: Path) -> None:
    clock = SimClock()
    out = WavFileOut(tmp_path / "s.wav", clock)
    out.open(lambda r: None)
    out.play(tone(0.25), "cue", at=clock.now + 0.5)
    clock.advance_to(clock.now + 1.0)
    out.close()
    out.close()
    written = read_wav(tmp_path / "s.wav")
    assert written.seconds == pytest.approx(1.0)
    assert np.abs(written.samples[: 11025 - 5]).max() == 0


PLAY_ON_DEVICE = textwrap.dedent(
    """
    import json, time
    import numpy as np
    from facecoach._sound.stream import SounddeviceOut
    from facecoach._sound.samples import Sound
    reports = []
    out = SounddeviceOut(None, name="test device", primer_seconds=0)
    out.open(reports.append)
    t = np.arange(11025) / 22050
    out.play(Sound((0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)), "speech", tag=3)
    out.play(Sound(np.full(1000, 0.25, np.float32)), "cue", name="tick")
    deadline = time.monotonic() + 10
    while len(reports) < 4 and time.monotonic() < deadline:
        time.sleep(0.01)
    healthy = out.poll()
    out._stream.abort()  # behind its back, as a vanished device would
    time.sleep(0.1)
    lost = out.poll()
    out.close(); out.close()
    print(json.dumps({"reports": [[r.phase, r.kind, r.tag] for r in reports],
                      "rate": out.rate, "healthy": healthy, "lost": lost}))
    """
)


def test_sounddevice_out_plays_through_a_real_stream(tmp_path: Path) -> None:
    home, played = alsa_file_home(tmp_path)
    result = run_python(PLAY_ON_DEVICE, home)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout.strip().splitlines()[-1])
    assert sorted(map(tuple, data["reports"])) == sorted(
        [("start", "speech", 3), ("end", "speech", 3), ("start", "cue", 0), ("end", "cue", 0)]
    )
    assert data["healthy"] is None and data["lost"] == "test device"
    loudest = peak(played)
    played.unlink()  # the file device runs faster than real time: the file is large
    assert loudest > 8000  # the tone reached the device


def test_sounddevice_out_without_any_device_says_so(tmp_path: Path) -> None:
    home = tmp_path / "empty-home"
    (home).mkdir()
    (home / ".asoundrc").write_text("pcm.!default { type hw card 9 }\n")
    code = textwrap.dedent(
        """
        from facecoach._sound.stream import SounddeviceOut
        from facecoach._sound.output import OutputUnavailable
        try:
            SounddeviceOut(None, name="headset").open(lambda r: None)
        except OutputUnavailable as e:
            print("unavailable:", e)
        """
    )
    result = run_python(code, home)
    assert result.returncode == 0, result.stderr
    assert "unavailable: cannot open output device headset" in result.stdout


@pytest.fixture(scope="module")
def pulse(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A private PulseAudio daemon with a null sink, for real-time playback."""
    from sound_fixtures import start_pulse, stop_pulse

    env = start_pulse(tmp_path_factory.mktemp("pulse"))
    if env is None:
        pytest.skip("PulseAudio is not installed (scripts/install_system.sh installs it)")
    yield env
    stop_pulse(env)


PLAY_ON_PULSE = textwrap.dedent(
    """
    import json, os, subprocess, threading, time
    import numpy as np
    from facecoach._sound.stream import SounddeviceOut
    from facecoach._sound.cues import load_cues
    rec = subprocess.Popen(["parec", "-d", "facecoach_test.monitor", "--raw",
                            "--format=s16le", "--rate=22050", "--channels=1"],
                           stdout=subprocess.PIPE)
    chunks = []
    def read():
        while data := os.read(rec.stdout.fileno(), 4096):
            chunks.append(data)
    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    while sum(map(len, chunks)) < 22050 and rec.poll() is None:  # the recording runs
        time.sleep(0.01)
    reports = []
    out = SounddeviceOut(None, name="null sink", primer_seconds=0.3)
    out.open(reports.append)
    now = time.monotonic()
    cue = load_cues()["hold_end"]
    out.play(cue, "cue", name="hold_end", at=now + 1.0)
    while len(reports) < 2 and time.monotonic() < now + 10:
        time.sleep(0.01)
    time.sleep(0.5)
    out.close()
    rec.terminate()
    reader.join(timeout=5)
    pcm = np.frombuffer(b"".join(chunks), dtype="<i2").astype(np.float32) / 32768
    template = cue.samples / np.linalg.norm(cue.samples)
    best = max(np.correlate(pcm[i:i + 22050], template, mode="valid").max()
               for i in range(0, max(1, len(pcm) - 22050), 11025))
    start, end = reports[0], reports[1]
    print(json.dumps({"late": start.t - (now + 1.0), "length": end.t - start.t,
                      "match": float(best / np.linalg.norm(cue.samples))}))
    """
)


def test_a_cue_scheduled_on_a_pulseaudio_null_sink_is_played_whole(pulse, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = run_python(PLAY_ON_PULSE, tmp_path, env=pulse)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout.strip().splitlines()[-1])
    # Where the cue lands is estimated from the stream's callbacks, which a busy
    # machine delays by seconds; how late it may be is scripts/bench_timing.py's
    # figure (the tests assert no time). Here: never early, not cut short, and
    # really played.
    assert data["late"] > -0.06
    assert data["length"] > 0.4 - 0.06
    assert data["match"] > 0.5  # the cue itself is in what the sink played


class _ActiveStream:
    """Stands in for a PortAudio stream that says it is still running."""

    active = True

    def abort(self) -> None:
        self.active = False

    def close(self) -> None:
        pass


def test_a_short_silence_of_the_callbacks_is_not_a_lost_device() -> None:
    """After an underrun ALSA can pause callbacks for about a second; the device is still there."""
    from facecoach._sound.stream import STALL_SECONDS, SounddeviceOut

    now = [100.0]
    out = SounddeviceOut(None, name="headset", clock=lambda: now[0])
    out._stream = _ActiveStream()
    out._last_callback = now[0]
    now[0] += 1.5  # an underrun's gap
    assert out.poll() is None
    now[0] += STALL_SECONDS  # no callback for longer than any underrun: gone
    assert out.poll() == "headset"
