"""A neural speech segmenter: Silero VAD run with onnxruntime, for every engine.

The model is the ONNX file that faster-whisper ships in its package assets
(``faster_whisper/assets/silero_vad_v6.onnx``). It judges 512-sample frames
(32 ms) and sees the last 64 samples of the frame before; its LSTM state is
carried from frame to frame, so a stream fed block by block gives the same
probabilities as a whole file.

``SileroSegmenter`` has the shape of ``Segmenter``: feed 16 kHz int16 blocks,
get ``Segment``s back. Speech starts at a low probability (at 0.5 soft first
consonants start late), goes on while it stays above an end threshold (or,
for a faint word, near its own peak), and ends after 0.2 s below it; with
two frame offsets a second model judges the stream half a frame later, so
a word is not lost to where the frames fall. Each segment keeps 0.4 s of
audio from before its start, never reaching back into the previous segment,
and 0.1 s after its end, which helps the recogniser hear where the phrase
stops. ``events`` also offers a
segment early, after 96 ms of silence, so that deciding overlaps the rest of
the wait: the decision is ready when the end is confirmed.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from .recognizer import RATE, Samples
from .segmenter import Segment, Segmenter

__all__ = [
    "SileroError",
    "SileroSegmenter",
    "SileroVad",
    "VadSettings",
    "command_segmenter",
    "have_silero",
    "silero_model_path",
]

FRAME = 512
"""Samples the model judges at once (32 ms at 16 kHz)."""
CONTEXT = 64
"""Samples of the previous frame the model sees before each frame."""


class SileroError(RuntimeError):
    """The VAD model or onnxruntime is missing; the message says what to install."""


def silero_model_path() -> Path | None:
    """The Silero VAD model inside the installed faster-whisper package, if any."""
    spec = importlib.util.find_spec("faster_whisper")
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        candidate = Path(location) / "assets" / "silero_vad_v6.onnx"
        if candidate.is_file():
            return candidate
    return None


def have_silero() -> bool:
    """True when onnxruntime and the Silero model file are installed."""
    return importlib.util.find_spec("onnxruntime") is not None and silero_model_path() is not None


class SileroVad:
    """Speech probability of successive 512-sample frames of one stream."""

    def __init__(self, path: Path | None = None) -> None:
        found = path or silero_model_path()
        if found is None:
            raise SileroError(
                "the Silero VAD model comes with faster-whisper: pip install 'facecoach[whisper]'"
            )
        try:
            import onnxruntime  # type: ignore[import-untyped,unused-ignore]
        except ImportError as exc:
            raise SileroError(
                "the Silero VAD needs onnxruntime: pip install 'facecoach[whisper]'"
            ) from exc
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.log_severity_level = 4
        self._session: Any = onnxruntime.InferenceSession(
            str(found), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self.reset()

    def reset(self) -> None:
        """Start a new stream: no memory of earlier audio."""
        self._h = np.zeros((1, 1, 128), dtype=np.float32)
        self._c = np.zeros((1, 1, 128), dtype=np.float32)
        self._context = np.zeros(CONTEXT, dtype=np.float32)

    def __call__(self, frame: npt.NDArray[np.float32]) -> float:
        """Probability (0..1) that this frame of 512 float samples (-1..1) is speech."""
        window = np.concatenate([self._context, frame])[np.newaxis, :]
        prob, self._h, self._c = self._session.run(
            None, {"input": window, "h": self._h, "c": self._c}
        )
        self._context = np.array(frame[-CONTEXT:], dtype=np.float32)
        return float(np.asarray(prob).reshape(-1)[0])


@dataclass(frozen=True)
class VadSettings:
    """When speech starts and ends. These defaults serve PocketSphinx and Vosk;
    the Whisper engine sets its own (``WhisperSettings.vad``)."""

    start_threshold: float = 0.3
    """A frame this likely to be speech starts a segment."""
    end_threshold: float = 0.35
    """Frames less likely than this count as silence..."""
    end_share: float = 1.0
    """... or less likely than this share of the segment's most likely frame,
    whichever is lower: a faint word (Silero peaking at 0.2) goes on while it
    stays near its own peak, and clear speech still ends as soon as it falls
    under ``end_threshold``."""
    end_silence: float = 0.2
    """Seconds of silence that end a segment."""
    preroll: float = 0.4
    """Seconds kept from before the start (never from the previous segment)."""
    tail: float = 0.1
    """Seconds kept after the end of speech."""
    offsets: int = 1
    """How many models judge the stream, each on frames shifted by a share of
    a frame (1 or 2): the probability swings with where the 32 ms frames fall,
    so a second model half a frame later catches speech the first misses."""
    early_silence: float = 0.095
    """Seconds of silence after which ``events`` offers the segment early, so a
    recogniser can decide while the rest of ``end_silence`` is checked (about
    0.1 s of it). Sooner, the early segment would hold too little of the
    ``tail`` to be heard as well (docs/decisions.md)."""
    max_seconds: float = 2.0
    """Longer speech is not a command: it is cut and marked ``too_long``."""


class SileroSegmenter:
    """Cuts a 16 kHz int16 stream into speech segments with Silero VAD."""

    def __init__(
        self, settings: VadSettings | None = None, vads: Sequence[SileroVad] | None = None
    ) -> None:
        """``vads``: one model per frame offset (None: load them)."""
        self.settings = settings or VadSettings()
        s = self.settings
        if s.offsets not in (1, 2):
            raise ValueError(f"offsets: 1 or 2, not {s.offsets}")
        self._vads = list(vads) if vads is not None else [SileroVad() for _ in range(s.offsets)]
        if len(self._vads) != s.offsets:
            raise ValueError(
                f"{s.offsets} frame offsets need as many models, not {len(self._vads)}"
            )
        for model in self._vads:
            model.reset()
        self._hop = FRAME // s.offsets
        self._keep = int((s.preroll + s.max_seconds + s.tail + 0.5) * RATE)
        self._history = np.zeros(0, dtype=np.int16)
        self._history_start = 0
        self._window = np.zeros(0, dtype=np.int16)
        """Audio from ``FRAME`` samples before the next frame's end onward."""
        self._judged = 0
        """The end of the last frame judged (samples)."""
        self._received = 0
        self._floor = 0
        self._in_speech = False
        self._start = 0
        self._last_speech = 0
        self._peak = 0.0
        self._offered = False

    @property
    def in_speech(self) -> bool:
        """True while a segment is open."""
        return self._in_speech

    def _close(self) -> Segment:
        segment = self._segment()
        self._floor = self._last_speech
        self._in_speech = False
        self._offered = False
        return segment

    def _segment(self) -> Segment:
        s = self.settings
        first = max(self._start - int(s.preroll * RATE), self._floor, self._history_start)
        last = min(self._last_speech + int(s.tail * RATE), self._judged)
        audio = self._history[first - self._history_start : last - self._history_start]
        return Segment(
            audio.tobytes(),
            self._start / RATE,
            self._last_speech / RATE,
            # Nothing can act on it before the block that showed it is in.
            self._received / RATE,
            self._last_speech - self._start > s.max_seconds * RATE,
        )

    def _judge(self, frame: Samples, end: int) -> tuple[str, Segment] | None:
        """Judge the frame of ``FRAME`` samples that ends at sample ``end``."""
        s = self.settings
        # Frames ending on a multiple of FRAME go to the first model, those
        # half a frame later to the second: each model sees a gapless stream.
        model = self._vads[(end // self._hop) % len(self._vads)]
        prob = model(frame.astype(np.float32) / 32768.0)
        self._judged = end
        if not self._in_speech:
            if prob >= s.start_threshold:
                self._in_speech = True
                self._start = end - FRAME
                self._last_speech = end
                self._peak = prob
            return None
        self._peak = max(self._peak, prob)
        if prob >= min(s.end_threshold, s.end_share * self._peak):
            self._last_speech = end
            self._offered = False
            return None
        silence = end - self._last_speech
        if silence >= s.end_silence * RATE:
            return "end", self._close()
        if silence >= s.early_silence * RATE and not self._offered:
            self._offered = True
            return "early", self._segment()
        return None

    def events(self, samples: Samples) -> list[tuple[str, Segment]]:
        """Like ``feed``, with ("early", segment) when a segment may be ending
        (``early_silence``) before its ("end", segment). An early segment with
        the same ``end`` as the final one has the same audio, but for less of
        the ``tail`` when ``early_silence`` is shorter than it."""
        block = np.asarray(samples, dtype=np.int16).reshape(-1)
        self._received += block.size
        self._history = np.concatenate([self._history, block])
        if self._history.size > self._keep:
            cut = self._history.size - self._keep
            self._history = self._history[cut:]
            self._history_start += cut
        data = np.concatenate([self._window, block])
        origin = self._received - data.size  # the sample ``data`` begins at
        out: list[tuple[str, Segment]] = []
        end = max(self._judged + self._hop, FRAME)
        while end <= self._received:
            event = self._judge(data[end - FRAME - origin : end - origin], end)
            end += self._hop
            if event is not None:
                out.append(event)
        self._window = data[max(0, end - FRAME - origin) :].copy()
        return out

    def feed(self, samples: Samples) -> list[Segment]:
        """Take a block of 16 kHz mono int16 audio; return the segments it ended."""
        return [segment for kind, segment in self.events(samples) if kind == "end"]

    def flush(self) -> list[Segment]:
        """End of input: close a segment still open."""
        if not self._in_speech:
            return []
        return [self._close()]


def command_segmenter(
    kind: str, window: float, ratio: float, max_seconds: float
) -> Segmenter | SileroSegmenter:
    """The segmenter for PocketSphinx and Vosk: Silero VAD ("silero", or "auto"
    when it is installed), else PocketSphinx's energy endpointer ("energy")."""
    if kind == "silero" or (kind == "auto" and have_silero()):
        return SileroSegmenter(VadSettings(max_seconds=max_seconds))
    return Segmenter(window, ratio, max_seconds)
