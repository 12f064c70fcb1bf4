"""The mixer: sample-exact starts, speech replacing speech, cues over speech, the primer."""

from __future__ import annotations

import numpy as np
import pytest

from facecoach._sound.mixer import Mixer, PlayReport

RATE = 1000  # one frame a millisecond keeps the arithmetic readable


def ones(n: int, value: float = 0.5) -> np.ndarray:
    return np.full(n, value, dtype=np.float32)


def run(mixer: Mixer, blocks: int, size: int = 100, t0: float = 0.0):
    out, reports = [], []
    for k in range(blocks):
        block, rep = mixer.fill(size, t0 + k * size / RATE)
        out.append(block)
        reports += rep
    return np.concatenate(out), reports


def test_a_sound_starts_on_the_exact_frame_of_its_time() -> None:
    mixer = Mixer(RATE, primer_seconds=0)
    mixer.play(ones(50), "cue", name="tick", at=0.237)
    out, reports = run(mixer, 5)
    assert np.flatnonzero(out)[0] == 237
    assert np.flatnonzero(out)[-1] == 286
    assert reports == [
        PlayReport("start", "cue", 0, "tick", pytest.approx(0.237)),
        PlayReport("end", "cue", 0, "tick", pytest.approx(0.287)),
    ]


def test_a_late_sound_starts_at_once_and_reports_when_it_really_started() -> None:
    mixer = Mixer(RATE, primer_seconds=0)
    mixer.fill(100, 0.0)
    mixer.play(ones(10), "cue", at=0.05)  # already past when the next block is made
    _, reports = mixer.fill(100, 0.1)
    assert reports[0].t == pytest.approx(0.1)


def test_a_sound_spanning_blocks_comes_out_whole() -> None:
    mixer = Mixer(RATE, primer_seconds=0)
    samples = np.linspace(-0.5, 0.5, 333, dtype=np.float32)
    mixer.play(samples, "speech", tag=1, at=0.05)
    out, reports = run(mixer, 7, size=64)
    np.testing.assert_allclose(out[50:383], samples)
    assert not np.any(out[383:])
    assert [r.phase for r in reports] == ["start", "end"]
    assert reports[1].t == pytest.approx(0.383)


def test_new_speech_replaces_speech_and_the_old_line_reports_cut() -> None:
    mixer = Mixer(RATE, primer_seconds=0)
    mixer.play(ones(300, 0.2), "speech", tag=1, at=0.0)
    first, reports = mixer.fill(100, 0.0)
    mixer.play(ones(100, 0.4), "speech", tag=2, at=0.12)
    rest, more = run(mixer, 3, t0=0.1)
    out, reports = np.concatenate([first, rest]), reports + more
    assert out[119] == pytest.approx(0.2) and out[120] == pytest.approx(0.4)
    ends = {r.tag: r for r in reports if r.phase == "end"}
    assert ends[1].cut and ends[1].t == pytest.approx(0.12)
    assert not ends[2].cut and ends[2].t == pytest.approx(0.22)


def test_cues_mix_over_speech_without_cutting_it() -> None:
    mixer = Mixer(RATE, primer_seconds=0)
    mixer.play(ones(200, 0.2), "speech", tag=1, at=0.0)
    mixer.play(ones(20, 0.3), "cue", name="tick", at=0.05)
    out, reports = run(mixer, 3)
    assert out[60] == pytest.approx(0.5)
    assert out[80] == pytest.approx(0.2)
    assert not any(r.cut for r in reports)


def test_a_new_line_replaces_a_line_that_has_not_begun() -> None:
    mixer = Mixer(RATE, primer_seconds=0)
    mixer.play(ones(100, 0.2), "speech", tag=1, at=0.5)
    mixer.play(ones(100, 0.4), "speech", tag=2, at=0.1)
    _, reports = run(mixer, 8)
    assert {r.tag for r in reports} == {2}


def test_stop_speech_cuts_speech_and_drops_waiting_lines_but_not_cues() -> None:
    mixer = Mixer(RATE, primer_seconds=0)
    mixer.play(ones(500, 0.2), "speech", tag=1, at=0.0)
    mixer.play(ones(300, 0.3), "cue", name="rest", at=0.0)
    mixer.fill(100, 0.0)
    mixer.play(ones(100), "speech", tag=2, at=0.4)
    mixer.stop_speech()
    out, reports = run(mixer, 4, t0=0.1)
    assert reports[0] == PlayReport("end", "speech", 1, "", pytest.approx(0.1), cut=True)
    assert out[:200] == pytest.approx(0.3)  # only the cue goes on
    assert not any(r.tag == 2 for r in reports)
    assert not mixer.busy


def test_volume_scales_and_output_never_clips_past_full_scale() -> None:
    mixer = Mixer(RATE, primer_seconds=0, volume=0.5)
    mixer.play(ones(10, 0.8), "speech", tag=1)
    mixer.play(ones(10, 0.8), "cue")
    block, _ = mixer.fill(10, 0.0)
    assert block == pytest.approx(0.8)
    loud = Mixer(RATE, primer_seconds=0)
    loud.play(ones(10, 0.8), "speech", tag=1)
    loud.play(ones(10, 0.8), "cue")
    assert loud.fill(10, 0.0)[0].max() == pytest.approx(1.0)


def test_primer_precedes_the_first_sound_after_silence_without_moving_it() -> None:
    mixer = Mixer(RATE, primer_seconds=0.3, idle_seconds=2.0)
    mixer.play(ones(50), "cue", name="hold_start", at=0.5)
    out, reports = run(mixer, 8)
    primer = out[200:500]
    assert np.count_nonzero(primer) > 250  # something is playing to wake the headset
    assert np.abs(primer).max() < 0.01  # but nothing anyone would hear
    assert not np.any(out[:200])
    assert reports[0].t == pytest.approx(0.5)  # the cue itself is on time
    assert out[500] == pytest.approx(0.5)


def test_primer_delays_a_sound_that_is_due_now() -> None:
    mixer = Mixer(RATE, primer_seconds=0.3)
    mixer.play(ones(50), "speech", tag=1)
    out, reports = run(mixer, 5)
    assert reports[0].t == pytest.approx(0.3)
    assert out[300] == pytest.approx(0.5)


def test_no_primer_while_sound_was_recent_and_none_when_turned_off() -> None:
    mixer = Mixer(RATE, primer_seconds=0.3, idle_seconds=2.0)
    mixer.play(ones(50), "cue", at=0.0)
    mixer.play(ones(50), "cue", at=1.5)  # 1.2 s of silence: not long enough to sleep
    _, reports = run(mixer, 30)
    starts = [r.t for r in reports if r.phase == "start"]
    assert starts == [pytest.approx(0.3), pytest.approx(1.5)]
    off = Mixer(RATE, primer_seconds=0)
    off.play(ones(5), "cue")
    assert off.fill(10, 0.0)[1][0].t == 0.0


def test_next_change_says_when_something_starts_or_ends() -> None:
    mixer = Mixer(RATE, primer_seconds=0)
    assert mixer.next_change(0.0) is None
    mixer.play(ones(100), "cue", at=0.25)
    assert mixer.next_change(0.0) == pytest.approx(0.25)
    mixer.fill(260, 0.0)
    assert mixer.next_change(0.26) == pytest.approx(0.35)
