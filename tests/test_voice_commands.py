"""VoiceCommands and the scripted fake: timing, the speech gate, barge-in, threads."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from facecoach._core.commands import Command
from facecoach._core.ports import HeardCommand
from facecoach._voice.mic import AudioBlock, MemorySource
from facecoach._voice.recognizer import Decision, ScriptedListener, accepted
from facecoach._voice.segmenter import SegmentLimits
from facecoach._voice.source import VoiceCommands

RATE = 16_000


class FakeClock:
    """Simulated monotonic time."""

    def __init__(self, now: float = 100.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def tone(seconds: float) -> np.ndarray:
    return (np.ones(int(seconds * RATE)) * 1000).astype(np.int16)


def test_scripted_listener_emits_in_audio_time() -> None:
    fake = ScriptedListener(
        [(Command.NEXT, "next", 1.0, 1.4), (None, "hello there", 2.0, 2.6)], delay=0.2
    )
    assert fake.feed(tone(1.5)) == []
    got = fake.feed(tone(0.2))
    assert len(got) == 1
    assert got[0].command is Command.NEXT
    assert (got[0].start, got[0].end) == (1.0, 1.4)
    assert got[0].emitted == pytest.approx(1.6)
    rest = fake.flush()
    assert [d.command for d in rest] == [None]
    assert rest[0].reason == "not a command"
    assert accepted(got + rest) == got
    assert fake.blocks == [24000, 3200]


def test_decision_json_shape() -> None:
    d = Decision(Command.TOO_TIGHT, "too tight", 1.23456, 2.0, 2.31, 5.0)
    assert d.as_json() == {
        "command": "too tight",
        "text": "too tight",
        "start": 1.235,
        "end": 2.0,
        "emitted": 2.31,
    }


def test_segment_limits() -> None:
    limits = SegmentLimits(min_seconds=0.2, max_seconds=1.5)
    assert limits.check(1.0, 1.5) == ""
    assert limits.check(1.0, 1.1).startswith("too short")
    assert limits.check(1.0, 3.0).startswith("too long")


def test_voice_commands_map_audio_time_to_the_clock() -> None:
    clock = FakeClock(100.0)
    fake = ScriptedListener([(Command.PAUSE, "pause", 1.0, 1.5)], delay=0.2)
    source = MemorySource(tone(3.0), clock=clock, sleep=clock.sleep)
    heard: list[HeardCommand] = []
    VoiceCommands(source, fake, clock).run(heard.append)
    assert heard == [HeardCommand(Command.PAUSE, "pause", 101.7, "voice")]


def test_half_duplex_mutes_coach_speech_and_drops_overlapping_commands() -> None:
    clock = FakeClock(0.0)
    # The coach speaks from 1.0 to 2.0 s (the gate includes the guard).
    spans: list[tuple[float, float]] = []

    def gate(start: float, end: float) -> bool:
        spans.append((start, end))
        return start < 2.0 and end > 1.0

    fed: list[np.ndarray] = []

    class Recording(ScriptedListener):
        def feed(self, samples: np.ndarray) -> list[Decision]:
            fed.append(samples.copy())
            return super().feed(samples)

    fake = Recording(
        [(Command.NEXT, "next", 1.2, 1.6), (Command.STOP, "stop", 2.5, 2.9)], delay=0.2
    )
    source = MemorySource(tone(4.0), clock=clock, sleep=clock.sleep)
    seen: list[Decision] = []
    heard: list[HeardCommand] = []
    VoiceCommands(source, fake, clock, gate=gate, on_decision=seen.append).run(heard.append)
    assert [h.command for h in heard] == [Command.STOP]
    assert [d.reason for d in seen] == ["coach was speaking", ""]
    # Blocks inside the coach's speech reached the recogniser as silence.
    step = fed[0].size / 16_000
    silent = [i for i, block in enumerate(fed) if not block.any()]
    assert silent and all(i * step < 2.0 and (i + 1) * step > 1.0 for i in silent)
    assert len(silent) >= round(1.0 / step)
    assert fed[0].any()


def test_barge_in_ignores_the_gate() -> None:
    clock = FakeClock(0.0)
    fake = ScriptedListener([(Command.NEXT, "next", 1.2, 1.6)])
    source = MemorySource(tone(3.0), clock=clock, sleep=clock.sleep)
    voice = VoiceCommands(source, fake, clock, gate=lambda s, e: True, barge_in=True)
    voice.bind(lambda s, e: True)
    heard: list[HeardCommand] = []
    voice.run(heard.append)
    assert [h.command for h in heard] == [Command.NEXT]


def test_bind_sets_the_gate() -> None:
    clock = FakeClock(0.0)
    fake = ScriptedListener([(Command.NEXT, "next", 1.2, 1.6)])
    source = MemorySource(tone(3.0), clock=clock, sleep=clock.sleep)
    voice = VoiceCommands(source, fake, clock)
    assert voice.bind(lambda s, e: True) is voice
    heard: list[HeardCommand] = []
    voice.run(heard.append)
    assert heard == []


def test_blocks_with_capture_times_anchor_the_timeline() -> None:
    fake = ScriptedListener([(Command.BACK, "back", 0.1, 0.15)], delay=0.05)
    voice = VoiceCommands(MemorySource(tone(0)), fake, FakeClock(0.0))
    heard: list[HeardCommand] = []
    voice.process(AudioBlock(tone(0.1), captured=50.1), heard.append)
    voice.process(AudioBlock(tone(0.1), captured=50.2), heard.append)
    assert heard == [HeardCommand(Command.BACK, "back", 50.2, "voice")]


def test_start_and_stop_on_a_thread() -> None:
    fake = ScriptedListener([(Command.HELP, "help", 0.5, 0.8)])
    voice = VoiceCommands(MemorySource(tone(2.0)), fake, FakeClock())
    got = threading.Event()
    heard: list[HeardCommand] = []

    def emit(h: HeardCommand) -> None:
        heard.append(h)
        got.set()

    voice.start(emit)
    assert got.wait(5.0)
    voice.stop()
    voice.stop()
    assert [h.command for h in heard] == [Command.HELP]
    assert voice.error is None
    assert "scripted listener" in voice.description


def test_segmenter_finds_speech_and_flags_long_talk() -> None:
    from facecoach._voice.segmenter import Segmenter

    rng = np.random.default_rng(0)

    def burst(seconds: float) -> np.ndarray:
        # Voice-like: a 200 Hz buzz with harmonics, loud enough for the VAD.
        t = np.arange(int(seconds * RATE)) / RATE
        wave = sum(np.sin(2 * np.pi * 200 * k * t) / k for k in range(1, 8))
        return (wave * 6000).astype(np.int16)

    def quiet(seconds: float) -> np.ndarray:
        return rng.normal(0, 30, int(seconds * RATE)).astype(np.int16)

    audio = np.concatenate([quiet(1.0), burst(0.5), quiet(1.0), burst(3.0), quiet(1.0)])
    segmenter = Segmenter(window=0.2, max_seconds=1.8)
    segments = []
    for at in range(0, audio.size, 1600):
        segments += segmenter.feed(audio[at : at + 1600])
    segments += segmenter.flush()
    assert len(segments) == 2
    short, long = segments
    assert short.start == pytest.approx(1.0, abs=0.15)
    assert short.end == pytest.approx(1.5, abs=0.25)
    assert short.start < short.end <= short.emitted
    # A decision is made when the block that ended the speech is all in.
    assert short.emitted * RATE % 1600 == pytest.approx(0, abs=1e-6)
    assert not short.too_long and len(short.audio) > 0.4 * RATE * 2
    assert long.too_long
    # Past the longest command the audio is dropped, not kept.
    assert len(long.audio) < 2.2 * RATE * 2


def test_tone_share_tells_beeps_from_noise() -> None:
    from facecoach._voice.segmenter import tone_share

    t = np.arange(RATE) / RATE
    beep = (8000 * np.sin(2 * np.pi * 1046.5 * t)).astype(np.int16)
    hiss = np.random.default_rng(0).normal(0, 3000, RATE).astype(np.int16)
    assert tone_share(beep) > 0.95
    assert tone_share(hiss) < 0.3
    assert tone_share(np.zeros(100, dtype=np.int16)) == 0.0
    limits = SegmentLimits()
    assert limits.check(0.0, 1.0, beep.tobytes()).startswith("a tone, not a voice")
    assert limits.check(0.0, 1.0, hiss.tobytes()) == ""
