"""Integrated loudness (ITU-R BS.1770-4) measured block by block, in constant memory.

pyloudnorm measures a whole signal held in memory; an export of a long
routine is measured while it renders instead. The K-weighting filters are
pyloudnorm's own (applied with their state carried from block to block), and
the gating is the standard's: 400 ms windows every 100 ms, an absolute gate
at -70 LUFS and a relative one 10 LU below the mean of what passed it. The
result agrees with ``pyloudnorm.Meter.integrated_loudness`` on the same audio.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .samples import Samples

__all__ = [
    "CEILING_DB",
    "KNEE_DB",
    "TARGET_LUFS",
    "LoudnessMeter",
    "normalising_gain",
    "soft_limit",
]

TARGET_LUFS = -16.0
"""Exports aim here: the usual level for speech on phones and podcasts."""

_ABSOLUTE_GATE = -70.0
_RELATIVE_GATE = -10.0


class LoudnessMeter:
    """Feed mono blocks with ``add``; read ``integrated`` and ``peak`` at the end."""

    def __init__(self, rate: int) -> None:
        import pyloudnorm  # scipy comes with it: loaded only when something is measured
        from scipy.signal import lfilter

        self.rate = rate
        self._lfilter = lfilter
        self._filters: list[tuple[Any, Any, Any]] = []
        for stage in pyloudnorm.Meter(rate)._filters.values():  # K-weighting, two stages
            b, a = np.asarray(stage.b, float), np.asarray(stage.a, float)
            self._filters.append((b * stage.passband_gain, a, np.zeros(max(len(a), len(b)) - 1)))
        self._hop = round(rate * 0.1)
        self._partial = 0.0  # sum of squares of the hop being filled
        self._partial_n = 0
        self._hops: list[float] = []  # sum of squares of each whole 100 ms hop
        self.peak = 0.0
        """The largest absolute sample seen."""
        self.frames = 0

    def add(self, block: Samples) -> None:
        """Measure the next block of samples."""
        if len(block) == 0:
            return
        self.frames += len(block)
        self.peak = max(self.peak, float(np.max(np.abs(block))))
        x = np.asarray(block, dtype=np.float64)
        for i, (b, a, zi) in enumerate(self._filters):
            x, state = self._lfilter(b, a, x, zi=zi)
            self._filters[i] = (b, a, state)
        squares = x * x
        pos = 0
        while pos < len(squares):
            take = min(self._hop - self._partial_n, len(squares) - pos)
            self._partial += float(np.sum(squares[pos : pos + take]))
            self._partial_n += take
            pos += take
            if self._partial_n == self._hop:
                self._hops.append(self._partial)
                self._partial, self._partial_n = 0.0, 0

    @property
    def integrated(self) -> float:
        """Integrated loudness in LUFS (``-inf`` for silence or under 0.4 s)."""
        hops = np.asarray(self._hops, dtype=np.float64)
        if len(hops) < 4:
            return -math.inf
        window = np.convolve(hops, np.ones(4), mode="valid") / (4 * self._hop)
        with np.errstate(divide="ignore"):
            block_lufs = -0.691 + 10.0 * np.log10(window)
        kept = window[block_lufs >= _ABSOLUTE_GATE]
        if len(kept) == 0:
            return -math.inf
        relative = -0.691 + 10.0 * math.log10(float(np.mean(kept))) + _RELATIVE_GATE
        kept = window[(block_lufs > relative) & (block_lufs > _ABSOLUTE_GATE)]
        if len(kept) == 0:
            return -math.inf
        return -0.691 + 10.0 * math.log10(float(np.mean(kept)))


CEILING_DB = -1.0
"""No sample of an export goes above this (dBFS)."""

KNEE_DB = -6.0
"""Peaks above this level are rounded off smoothly towards the ceiling."""


def normalising_gain(
    loudness: float, peak: float, *, target: float = TARGET_LUFS, max_drive_db: float = 6.0
) -> float:
    """The linear gain that brings ``loudness`` to ``target``.

    Speech has sharp peaks well above its loudness; ``soft_limit`` eases them
    down after the gain, so the gain may drive the highest peak up to
    ``max_drive_db`` dBFS before the limiter (never more, so that only brief
    peaks are ever touched). Then the file is a little quieter than the target.
    """
    if not math.isfinite(loudness) or peak <= 0:
        return 1.0
    gain = 10 ** ((target - loudness) / 20)
    return min(gain, 10 ** (max_drive_db / 20) / peak)


def soft_limit(
    block: Samples, *, knee_db: float = KNEE_DB, ceiling_db: float = CEILING_DB
) -> Samples:
    """``block`` with every sample above the knee bent smoothly under the ceiling.

    Below the knee nothing changes; above it the level follows a tanh curve
    that never reaches the ceiling, so nothing clips (sample by sample, so a
    stream can be limited a block at a time).
    """
    knee, ceiling = 10 ** (knee_db / 20), 10 ** (ceiling_db / 20)
    x = np.asarray(block, dtype=np.float32)
    level = np.abs(x)
    over = level > knee
    if not np.any(over):
        return x
    out = x.copy()
    room = ceiling - knee
    bent = knee + room * np.tanh((level[over] - knee) / room)
    out[over] = np.sign(x[over]) * bent
    return out
