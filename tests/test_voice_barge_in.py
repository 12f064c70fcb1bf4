"""Barge-in: echo cancellation against the played signal, and what is heard over the coach."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from facecoach._core.commands import Command
from facecoach._core.ports import HeardCommand
from facecoach._sound.mixer import DUCK_DB, Mixer, PlayReport
from facecoach._sound.played import CoachOnAir, PlayedSignal
from facecoach._sound.timeline import SpeechTimeline
from facecoach._voice.duplex import (
    HEADSET_ECHO_DB,
    Duplex,
    FilePlayback,
    echo_return_db,
    measured_echo,
    situation,
)
from facecoach._voice.echo import (
    FRAME,
    DelayTracker,
    LinearCanceller,
    SubtractingCanceller,
    WebrtcCanceller,
    estimate_delay,
    have_webrtc,
)
from facecoach._voice.mic import MemorySource
from facecoach._voice.recognizer import RATE, Decision, ScriptedListener
from facecoach._voice.source import VoiceCommands
from voice_support import needs_espeak, needs_model

needs_webrtc = pytest.mark.skipif(not have_webrtc(), reason="the barge-in extra is not installed")


def voiced(seconds: float, seed: int, level: float = 6000.0) -> np.ndarray:
    """Speech-like noise: bursts of filtered noise with gaps, int16."""
    rng = np.random.default_rng(seed)
    n = int(seconds * RATE)
    data = np.convolve(rng.normal(0.0, 1.0, n), np.hanning(9), mode="same")
    envelope = (np.sin(np.arange(n) / RATE * 2 * np.pi * 3.0) > -0.3).astype(float)
    data *= envelope * level / max(float(np.std(data)), 1e-9)
    return np.asarray(np.clip(data, -32768, 32767), dtype=np.int16)


def delayed(signal: np.ndarray, lag: int, gain: float) -> np.ndarray:
    out = np.zeros(signal.size)
    out[lag:] = signal[: signal.size - lag] * gain
    return out


# ------------------------------------------------------------ delay and cancelling


@pytest.mark.parametrize("lag_ms", [0, 35, 120, 300])
def test_the_delay_is_found_not_assumed(lag_ms: int) -> None:
    played = voiced(3.0, seed=lag_ms)
    lag = lag_ms * RATE // 1000
    heard = delayed(played, lag, 0.3) + np.random.default_rng(1).normal(0, 30, played.size)
    found, confidence = estimate_delay(played, heard, -0.2, 0.5)
    assert abs(found - lag_ms / 1000) <= 0.001 and confidence > 6


def test_an_echo_heard_before_its_reference_is_found_too() -> None:
    # A live run's microphone and output clocks differ by the devices' buffers.
    played = voiced(3.0, seed=5)
    heard = np.concatenate([played[800:], np.zeros(800)]).astype(float) * 0.5
    found, _ = estimate_delay(played, heard, -0.2, 0.5)
    assert abs(found + 0.05) <= 0.001


def test_the_tracker_keeps_only_clear_estimates() -> None:
    tracker = DelayTracker(window=1.0)
    rng = np.random.default_rng(2)
    noise = rng.normal(0, 500, 2 * RATE)
    assert not tracker.add(noise, rng.normal(0, 500, 2 * RATE), audible=True)
    assert tracker.delay is None
    played = voiced(2.0, seed=3)
    assert tracker.add(played, delayed(played, 480, 0.4), audible=True)
    assert tracker.delay == pytest.approx(0.03, abs=0.001)


def test_the_fake_canceller_removes_a_known_echo() -> None:
    played = voiced(1.0, seed=4)
    person = voiced(1.0, seed=9, level=2000.0)
    heard = np.asarray(delayed(played, 40, 0.5) + person, dtype=np.int16)
    canceller = SubtractingCanceller(0.5, lag=40)
    out = np.concatenate(
        [
            canceller.cancel(heard[i : i + FRAME], played[i : i + FRAME])
            for i in range(0, heard.size, FRAME)
        ]
    )
    assert np.max(np.abs(out.astype(int) - person.astype(int))) <= 1


def cancelled(canceller: Any, heard: np.ndarray, played: np.ndarray) -> np.ndarray:
    return np.concatenate(
        [
            canceller.cancel(heard[i : i + FRAME], played[i : i + FRAME])
            for i in range(0, heard.size - FRAME + 1, FRAME)
        ]
    )


def power_db(samples: np.ndarray) -> float:
    return 10 * float(np.log10(max(float(np.mean(samples.astype(float) ** 2)), 1e-9)))


def test_the_linear_canceller_learns_a_room_and_leaves_the_person_whole() -> None:
    rng = np.random.default_rng(4)
    played = voiced(8.0, seed=7)
    room = np.zeros(1600)
    room[80] = 0.5
    room[81:] = rng.normal(0, 0.02, 1519) * np.exp(-np.arange(1519) / 300)
    echo = np.convolve(played.astype(float), room)[: played.size]
    person = np.zeros(played.size)
    person[6 * RATE : 7 * RATE] = voiced(1.0, seed=8, level=3000.0)
    heard = np.asarray(echo + person, dtype=np.int16)
    out = cancelled(LinearCanceller(), heard, played)
    settled = slice(4 * RATE, 6 * RATE)  # converged, the coach alone
    assert power_db(heard[settled]) - power_db(out[settled]) > 10
    words = slice(6 * RATE, 7 * RATE)  # the person over the coach: their words stay
    left = out[words].astype(float) - person[words]
    assert power_db(left) < power_db(person[words]) - 10


@needs_webrtc
def test_webrtc_removes_most_of_the_echo_of_a_voice() -> None:
    played = voiced(6.0, seed=6)
    heard = np.asarray(delayed(played, 160, 0.4), dtype=np.int16)
    canceller = WebrtcCanceller()
    out = np.concatenate(
        [
            canceller.cancel(heard[i : i + FRAME], played[i : i + FRAME])
            for i in range(0, heard.size, FRAME)
        ]
    )
    later = slice(3 * RATE, None)  # once it has converged
    before = float(np.mean(heard[later].astype(float) ** 2))
    after = float(np.mean(out[later].astype(float) ** 2))
    assert 10 * np.log10(before / max(after, 1e-9)) > 15


# ------------------------------------------------------------ the played signal


def test_the_played_signal_is_read_back_by_time_at_16k() -> None:
    played = PlayedSignal()
    tone = np.sin(np.arange(48_000) / 48_000 * 2 * np.pi * 440).astype(np.float32) * 0.5
    for i in range(0, tone.size, 960):
        played.add(tone[i : i + 960], 100.0 + i / 48_000, 48_000)
    back = played.window(100.25, 1600).astype(float) / 32767
    assert np.max(np.abs(back)) == pytest.approx(0.5, abs=0.05)
    assert not played.window(99.0, 320).any()  # before anything was played: silence


def test_the_mixer_taps_every_block_and_ducks_speech_only() -> None:
    mixer = Mixer(16_000, primer_seconds=0.0)
    seen: list[tuple[int, float]] = []
    mixer.tap = lambda block, t0, rate: seen.append((block.size, t0))
    mixer.play(np.full(16_000, 0.5, dtype=np.float32), "speech")
    mixer.play(np.full(16_000, 0.1, dtype=np.float32), "cue")
    full, _ = mixer.fill(320, 0.0)
    mixer.duck(True)
    low, _ = mixer.fill(320, 0.02)
    assert seen == [(320, 0.0), (320, 0.02)]
    assert full[0] == pytest.approx(0.6)
    assert low[0] == pytest.approx(0.5 * 10 ** (DUCK_DB / 20) + 0.1, abs=1e-4)
    mixer.play(np.full(1600, 0.5, dtype=np.float32), "speech")  # a new line: said in full
    again, _ = mixer.fill(320, 0.04)
    assert again[0] == pytest.approx(0.6)


def test_the_timeline_names_the_line_audible_then() -> None:
    timeline = SpeechTimeline(guard=0.3)
    timeline.name(4, "Press lightly with two fingers.")
    timeline.note(PlayReport("start", "speech", 4, "step", 10.0))
    timeline.note(PlayReport("end", "speech", 4, "step", 12.0))
    coach = CoachOnAir(PlayedSignal(), timeline, lambda on: None)
    assert coach.line(11.0, 11.5) == "Press lightly with two fingers."
    assert coach.line(12.1, 12.4, tail=0.3) is not None
    assert coach.line(13.0, 13.5) is None


# ------------------------------------------------------------ what is heard over the coach


def over_coach(
    script: list[tuple[Command | None, str, float, float]],
    duplex: Duplex,
    coach: FilePlayback,
    mic: np.ndarray,
) -> tuple[list[HeardCommand], list[Decision]]:
    duplex.attach(coach)
    seen: list[Decision] = []
    heard: list[HeardCommand] = []
    fed: list[VoiceCommands] = []
    voice = VoiceCommands(
        MemorySource(mic),
        ScriptedListener(script, delay=0.2),
        lambda: fed[0].heard_seconds,
        on_decision=seen.append,
        duplex=duplex,
    )
    fed.append(voice)
    voice.run(heard.append)
    return heard, seen


def test_only_the_safety_commands_are_taken_over_the_coach_once_it_has_learnt() -> None:
    played = np.concatenate([np.zeros(RATE), voiced(5.0, seed=1), np.zeros(2 * RATE)])
    mic = np.asarray(delayed(played, 0, 0.5), dtype=np.int16)
    script: list[tuple[Command | None, str, float, float]] = [
        (Command.TOO_TIGHT, "too tight", 1.5, 1.9),  # the canceller's first 2 s: refused
        (Command.NEXT, "next", 3.5, 3.8),
        (Command.TOO_TIGHT, "too tight", 4.2, 4.7),
        (Command.STOP, "stop", 5.0, 5.3),
        (Command.NEXT, "next", 7.0, 7.3),  # after the line: heard as ever
    ]
    heard, seen = over_coach(script, Duplex(SubtractingCanceller(0.5)), FilePlayback(played), mic)
    assert [h.command for h in heard] == [Command.TOO_TIGHT, Command.STOP, Command.NEXT]
    assert "still learning the room" in seen[0].reason
    assert "only 'too tight' and 'stop'" in seen[1].reason


@pytest.mark.parametrize(
    ("line", "refused"),
    [
        ("You can say: next, repeat, too tight, wait, continue, back, stop, or help.", 2),
        ("Stopping here. I could not save this session.", 1),
        ("Press lightly with two fingers, and hold.", 0),
    ],
)
def test_a_command_in_the_words_of_the_line_is_the_coachs_own(line: str, refused: int) -> None:
    duplex = Duplex(None)
    timeline = SpeechTimeline()
    timeline.name(1, line)
    timeline.note(PlayReport("start", "speech", 1, "step", 0.0))
    duplex.attach(CoachOnAir(PlayedSignal(), timeline, lambda on: None))
    stop = Decision(Command.STOP, "stop", 0.5, 0.8, 1.0)
    tight = Decision(Command.TOO_TIGHT, "too tight", 1.0, 1.4, 1.6)
    judged = [duplex.judge(stop, 0.5, 0.8), duplex.judge(tight, 1.0, 1.4)]
    assert sum(d.reason == "the coach's own words" for d in judged) == refused
    assert sum(d.command is not None for d in judged) == 2 - refused


def test_without_a_canceller_a_loudspeaker_mutes_the_mic_while_the_coach_talks() -> None:
    played = np.concatenate([np.zeros(RATE), voiced(3.0, seed=2), np.zeros(RATE)])
    mic = np.asarray(delayed(played, 0, 0.5), dtype=np.int16)  # -6 dB: a loudspeaker
    duplex = Duplex(None)
    duplex.attach(FilePlayback(played))
    out = np.concatenate(
        [duplex.clean(mic[i : i + 320], i / RATE) for i in range(0, mic.size, 320)]
    )
    assert not out[int(2.5 * RATE) : int(3.5 * RATE)].any()
    assert not duplex.headset and duplex.echo_db == pytest.approx(-6.0, abs=0.5)


def test_without_a_canceller_a_headset_passes_the_mic_through() -> None:
    played = np.concatenate([np.zeros(RATE), voiced(3.0, seed=3), np.zeros(RATE)])
    mic = np.asarray(delayed(played, 0, 0.005), dtype=np.int16)  # -46 dB: a closed headset
    duplex = Duplex(None)
    duplex.attach(FilePlayback(played))
    out = np.concatenate(
        [duplex.clean(mic[i : i + 320], i / RATE) for i in range(0, mic.size, 320)]
    )
    assert duplex.headset
    assert np.array_equal(out[int(3 * RATE) :], mic[int(3 * RATE) :])


def test_the_echo_says_which_situation_the_person_is_in() -> None:
    played = voiced(2.0, seed=8)
    assert echo_return_db(played, np.asarray(played * 0.01, dtype=np.int16)) == pytest.approx(
        -40, abs=0.5
    )
    assert situation(-42.0).startswith("Headset")
    assert situation(-12.0).startswith("Loudspeaker")
    assert HEADSET_ECHO_DB > -42.0


def test_the_check_lines_up_its_recording_before_measuring_the_echo() -> None:
    played = voiced(2.0, seed=12)
    # the microphone started 0.7 s before the line: the echo comes 0.7 s in
    heard = np.concatenate([np.zeros(int(0.7 * RATE)), played * 0.1])
    heard = heard + np.random.default_rng(3).normal(0, 20, heard.size)
    assert measured_echo(played, np.asarray(heard, dtype=np.int16)) == pytest.approx(-20, abs=1)


def test_a_file_playback_is_audible_where_it_is_loud() -> None:
    played = np.concatenate([np.zeros(RATE), voiced(1.0, seed=1), np.zeros(RATE)])
    playback = FilePlayback(played)
    assert playback.line(1.2, 1.4) == ""
    assert playback.line(2.5, 2.7) is None
    assert np.array_equal(playback.played(1.0, 160), played[RATE : RATE + 160])


def test_a_duplex_without_the_coachs_audio_keeps_the_gate() -> None:
    # Until the output path is attached, the old gate keeps the coach's echo out.
    script: list[tuple[Command | None, str, float, float]] = [(Command.NEXT, "next", 1.2, 1.6)]
    voice = VoiceCommands(
        MemorySource(np.zeros(3 * RATE, dtype=np.int16)),
        ScriptedListener(script),
        lambda: 0.0,
        gate=lambda s, e: True,
        duplex=Duplex(SubtractingCanceller(1.0)),
    )
    heard: list[HeardCommand] = []
    voice.run(heard.append)
    assert heard == []


# ------------------------------------------------------------ the command line


def test_playback_needs_a_file(tmp_path: Path) -> None:
    played = tmp_path / "played.wav"
    played.write_bytes(b"")
    done = subprocess.run(
        [sys.executable, "-m", "facecoach", "listen", "--playback", str(played)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2 and "--playback goes with --file" in done.stderr


def _json_lines(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


# ------------------------------------------------------------ made tracks, heard by Whisper


def _made_pair(condition_index: int, with_commands: bool, folder: Path) -> tuple[Any, Path, Path]:
    import barge_tracks as bt
    import voice_corpus as corpus

    lines = bt.coach_lines()[2:14]
    coach = [corpus.espeak_say(t, "en-us", 175) for t in lines]
    said = []
    if with_commands:
        said = [
            ("too tight", "too tight", corpus.espeak_say("too tight", "en-us", 150)),
            ("too tight", "too much", corpus.espeak_say("too much", "en-gb-x-rp", 160)),
            ("too tight", "too tight", corpus.espeak_say("too tight", "en-us+f3", 150, 60)),
            ("stop", "stop", corpus.espeak_say("stop", "en-us", 160)),
            ("too tight", "too tight", corpus.espeak_say("too tight", "en-gb-scotland", 150)),
            ("stop", "stop", corpus.espeak_say("stop", "en-gb-x-rp", 150)),
        ]
    track = bt.build_track(coach, said, bt.CONDITIONS[condition_index], np.random.default_rng(5))
    mic, played = folder / "mic.wav", folder / "played.wav"
    corpus.save_wav(mic, track.mic)
    corpus.save_wav(played, track.played)
    return track, mic, played


LISTEN = (sys.executable, "-m", "facecoach", "listen", "--json")


def _listen(mic: Path, played: Path) -> list[dict[str, object]]:
    done = subprocess.run(
        [*LISTEN, "--file", str(mic), "--playback", str(played)],
        capture_output=True,
        text=True,
        check=True,
    )
    return _json_lines(done.stdout)


@needs_model
@needs_espeak
@needs_webrtc
@pytest.mark.parametrize(("condition", "least"), [(0, 5), (1, 3)])
def test_safety_commands_said_over_the_coach_are_heard(
    tmp_path: Path, condition: int, least: int
) -> None:
    """Six safety commands over a headset's leak (at least 5 heard) and a small
    room's loudspeaker echo (at least 3, from a file, which cannot be lowered);
    each item carries start, end and emitted."""
    import barge_tracks as bt

    track, mic, played = _made_pair(condition, True, tmp_path)
    found = _listen(mic, played)
    assert all({"start", "end", "emitted"} <= set(item) for item in found)
    hits, false, notes = bt.score_track(track, found)
    assert hits >= least, notes
    assert false <= 1, notes


@needs_model
@needs_espeak
@needs_webrtc
def test_the_coachs_own_echo_is_not_taken_for_commands(tmp_path: Path) -> None:
    """Twelve coach lines through a living room's loud speaker: at most one command."""
    _track, mic, played = _made_pair(2, False, tmp_path)
    assert len(_listen(mic, played)) <= 1
