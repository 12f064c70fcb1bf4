"""Made recordings for barge-in: the coach's lines through a room, commands said over them.

A track is a pair: PLAYED, what facecoach played (the coach's lines one after
another), and MIC, what a microphone in the room heard: the played lines as
echo (through a simulated room: a direct path after a delay, then a tail
decaying by 60 dB in the room's reverberation time, at the loudspeaker's
level), a person saying commands while the coach talks, and a noise floor.
``facecoach listen --file MIC --playback PLAYED`` is then scored on it.

Conditions: a closed headset (little leak), and loudspeakers in rooms of
several sizes at several levels. Used by the barge-in tests and
scripts/bench_barge_in.py (which puts tests/ on its import path).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

import voice_corpus as corpus
from facecoach._voice.recognizer import RATE

__all__ = [
    "CONDITIONS",
    "BargeTrack",
    "Condition",
    "build_track",
    "coach_lines",
    "real_stops",
    "room_ir",
    "score_track",
]

Samples = npt.NDArray[np.int16]
Floats = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Condition:
    """Where the person sits: how the coach's voice comes back into the microphone."""

    name: str
    echo_db: float
    """Level of the echo's direct path against what was played (dB)."""
    rt60: float
    """Seconds for the room's tail to fall by 60 dB."""
    delay: float
    """Seconds from the sample played to its direct path at the microphone
    (sound card buffers plus the way through the air)."""
    voice_dbfs: float = -28.0
    """RMS level of the person's speech at the microphone."""
    headset: bool = False


CONDITIONS = (
    Condition("headset", echo_db=-45.0, rt60=0.05, delay=0.012, voice_dbfs=-24.0, headset=True),
    Condition("small room, quiet speaker", echo_db=-18.0, rt60=0.25, delay=0.035),
    Condition("living room, loud speaker", echo_db=-10.0, rt60=0.5, delay=0.06),
    Condition("large room, loud speaker", echo_db=-8.0, rt60=0.9, delay=0.11),
)


@dataclass(frozen=True)
class BargeTrack:
    """One recording pair and what the person said on it."""

    played: Samples
    mic: Samples
    said: tuple[corpus.Placed, ...]
    """The person's commands (label: the command, times of the dry speech)."""
    coach: tuple[tuple[float, float], ...]
    """Where the coach's lines are (seconds)."""
    echo_ir: Floats
    """The room's response from what is played to the microphone."""
    texts: tuple[str, ...] = ()
    """The words of each line, when given (a live run knows them)."""

    @property
    def coach_minutes(self) -> float:
        """Minutes of the coach's speech on the track."""
        return sum(e - s for s, e in self.coach) / 60


def coach_lines(routine: str = "starter") -> list[str]:
    """The lines a routine's session says, in order."""
    from facecoach._core.loader import builtin_library
    from facecoach._core.plan import compile_plan
    from facecoach._live.export import spoken_lines

    library = builtin_library()
    return spoken_lines(compile_plan(library.routines[routine], library))


def room_ir(condition: Condition, rng: np.random.Generator) -> Floats:
    """The room's impulse response: direct path, then a decaying noise tail."""
    length = int((condition.delay + max(condition.rt60, 0.05)) * RATE)
    ir = np.zeros(length)
    at = int(condition.delay * RATE)
    ir[at] = 1.0
    t = np.arange(length - at - 1) / RATE
    tail = rng.normal(0.0, 1.0, t.size) * 10 ** (-3 * t / max(condition.rt60, 0.01))
    tail[: int(0.003 * RATE)] = 0.0
    # the tail holds about as much energy as the direct path (a room, not a studio)
    tail *= np.sqrt(0.8 / max(float(np.sum(tail**2)), 1e-12))
    ir[at + 1 :] = tail
    return ir * 10 ** (condition.echo_db / 20)


def _at_level(clip: Samples, dbfs: float) -> Floats:
    data = clip.astype(np.float64)
    first, last = corpus.speech_bounds(clip)
    speech = data[first:last]
    rms = float(np.sqrt(np.mean(speech**2))) if speech.size else 1.0
    return np.asarray(speech * (32767 * 10 ** (dbfs / 20)) / max(rms, 1.0), dtype=np.float64)


def build_track(
    lines: Sequence[Samples],
    commands: Sequence[tuple[str, str, Samples]],
    condition: Condition,
    rng: np.random.Generator,
    texts: Sequence[str] = (),
) -> BargeTrack:
    """Lines one after another; each command said inside a line long enough for it.

    ``commands`` are (command, text, clip); with none, the track is the
    coach's own echo alone (for false accepts). The coach's lines are played
    at -16 dBFS RMS.
    """
    from scipy.signal import fftconvolve

    gap = lambda: int(rng.uniform(0.5, 1.1) * RATE)  # noqa: E731
    played_parts: list[Floats] = [np.zeros(int(0.8 * RATE))]
    coach: list[tuple[float, float]] = []
    at = played_parts[0].size
    for line in lines:
        speech = _at_level(line, -16.0)
        coach.append((at / RATE, (at + speech.size) / RATE))
        played_parts.append(speech)
        at += speech.size
        pause = gap()
        played_parts.append(np.zeros(pause))
        at += pause
    played_parts.append(np.zeros(2 * RATE))
    played = np.concatenate(played_parts)
    ir = room_ir(condition, rng)
    echo = fftconvolve(played, ir)[: played.size]
    voice = np.zeros(played.size)
    said: list[corpus.Placed] = []
    # commands go into lines long enough to hold them, in order, each in its own line
    free = [i for i, (s, e) in enumerate(coach) if e - s > 1.2]
    rng.shuffle(free)
    for (label, text, clip), index in zip(commands, free, strict=False):
        start, end = coach[index]
        speech = _at_level(clip, condition.voice_dbfs)
        length = speech.size / RATE
        latest = max(start + 0.2, end - length * 0.5)
        begin = int(rng.uniform(start + 0.2, latest) * RATE)
        stop = min(begin + speech.size, voice.size)
        voice[begin:stop] += speech[: stop - begin]
        said.append(corpus.Placed(label, text, begin / RATE, stop / RATE))
    if not condition.headset:
        # the person's own voice reaches a laptop's microphone through the room too
        near = condition.rt60 * 0.6
        voice = fftconvolve(voice, room_ir(Condition("", 0.0, near, 0.0), rng) / 1.0)[: voice.size]
    mic = echo + voice + corpus.noise(played.size, -55.0, rng)
    played_noise = corpus.noise(played.size, -80.0, rng)
    return BargeTrack(
        _int16(played + played_noise),
        _int16(mic),
        tuple(sorted(said, key=lambda p: p.start)),
        tuple(coach),
        ir,
        tuple(texts),
    )


def _int16(data: Floats) -> Samples:
    return np.asarray(np.clip(np.round(data), -32768, 32767), dtype=np.int16)


def real_stops(limit: int, seed: int) -> list[tuple[str, str, Samples]]:
    """Real people saying "stop" (shared/voice-real, Speech Commands, CC BY 4.0):
    ``limit`` clips, one a speaker first, chosen by ``seed``."""
    import soundfile

    folder = Path(__file__).resolve().parents[2] / "shared" / "voice-real"
    if not (folder / "stop.json").is_file():
        folder = Path("/work/shared/voice-real")
    items = json.loads((folder / "stop.json").read_text())["items"]
    audio, rate = soundfile.read(folder / "stop.flac", dtype="int16")
    assert rate == RATE
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(items))
    seen: set[str] = set()
    chosen = []
    for i in order:
        item = items[int(i)]
        if item["speaker"] in seen:
            continue
        seen.add(item["speaker"])
        first = max(0, int((item["start"] - 0.05) * RATE))
        last = int((item["end"] + 0.05) * RATE)
        chosen.append(("stop", "stop", np.asarray(audio[first:last], dtype=np.int16)))
        if len(chosen) >= limit:
            break
    return chosen


def score_track(
    track: BargeTrack, found: Sequence[dict[str, object]]
) -> tuple[int, int, list[str]]:
    """(commands heard, commands heard that nobody said, what went wrong).

    A command counts as heard when a decision of that command ends (or is
    emitted) between 0.3 s before its start and 1.5 s after its end.
    """
    hit: set[int] = set()
    false = 0
    notes: list[str] = []
    for obj in found:
        end = float(obj["end"])  # type: ignore[arg-type]
        emitted = float(obj["emitted"])  # type: ignore[arg-type]
        match = [
            i
            for i, p in enumerate(track.said)
            if p.label == obj["command"]
            and (p.start - 0.3 <= end <= p.end + 1.5 or p.start - 0.3 <= emitted <= p.end + 1.5)
        ]
        if match:
            hit.add(match[0])
        else:
            false += 1
            notes.append(f"false {obj['command']} at {end:.2f} s")
    for i, p in enumerate(track.said):
        if i not in hit:
            notes.append(f"missed {p.label} ({p.text!r}) at {p.start:.2f} s")
    return len(hit), false, notes


def say_all(texts: Sequence[str], say: Callable[[str], Samples]) -> list[Samples]:
    """Each text said by ``say``."""
    return [say(t) for t in texts]
