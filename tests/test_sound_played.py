"""What the coach played is kept for barge-in, and only for a few seconds, whether
or not anyone reads it (an export, or a run without voice, never does)."""

from __future__ import annotations

import numpy as np

from facecoach._sound.played import REFERENCE_RATE, PlayedSignal


def test_an_unread_played_signal_keeps_only_its_last_seconds() -> None:
    played = PlayedSignal(keep=2.0)
    block = np.full(4_800, 0.25, dtype=np.float32)  # 0.1 s at 48 kHz
    for n in range(600):  # a minute played, nobody reading
        played.add(block, n * 0.1, 48_000)
    assert played.waiting <= 2.0 + 0.1
    # what is kept is the end, still readable by time
    heard = played.window(59.0, REFERENCE_RATE // 2)
    assert np.abs(heard[100:-100]).min() > 0.2 * 32767


def test_the_played_signal_reads_back_what_was_played_at_its_time() -> None:
    played = PlayedSignal(keep=5.0)
    tone = np.zeros(16_000, dtype=np.float32)
    tone[8_000:] = 0.5
    played.add(tone, 10.0, REFERENCE_RATE)
    quiet = played.window(10.0, 4_000)
    loud = played.window(10.6, 4_000)
    assert np.abs(quiet).max() == 0
    assert np.abs(loud).min() > 0.4 * 32767
