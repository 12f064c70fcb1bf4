"""Real human recordings through the real input path, decoded by Whisper.

The recordings are in ``tests/data/real`` (sources and licences in
``tests/data/README.md``): ten speakers saying "stop" and 49 other isolated
words (Speech Commands), one speaker saying "back" and four other words, and
11 s of John F. Kennedy's inaugural address; and read passages by 26
LibriSpeech readers and two VCTK speakers. The short clips are laid end to
end in one WAV file, in an order shuffled once with a fixed seed, with a second
of quiet room noise between them; that file goes through ``facecoach listen
--file X --json --engine whisper`` in this process: ``WavSource`` -> Silero
segmenter -> Whisper scorer, one model load.
The JFK file is given to ``listen`` as it is stored (16 kHz FLAC). The read
passages are laid end to end in a second track the same way (in name order).
More isolated words (``speech_commands_more``) are only for
``scripts/bench_real_voices.py``: decoding them here would double the time.

The figures asserted leave a margin under what was measured (see each
constant): these tests hold the promise, ``scripts/bench_commands.py`` measures.
"""

from __future__ import annotations

import collections
import contextlib
import functools
import io
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
import soundfile as sf

from facecoach._cli.main import main
from facecoach._voice.recognizer import RATE
from facecoach._voice.wavfile import WavStream
from voice_support import needs_model

pytestmark = needs_model

REAL = Path(__file__).parent / "data" / "real"
WORDS = REAL / "speech_commands"
FELIX = REAL / "felix"
JFK = REAL / "jfk" / "jfk.flac"
MORE_WORDS = REAL / "speech_commands_more"
PASSAGES = sorted((REAL / "librispeech").glob("*/*.flac")) + sorted((REAL / "vctk").glob("*.flac"))

GAP = 1.0
"""Seconds of quiet between clips: far more than the 0.2 s that ends a segment."""

COMMANDS = {"stop": "stop", "back": "back"}
"""Clip word -> the command it must be heard as; every other word is not a command."""

STOP_FLOOR = 8
"""Real speakers heard as "stop", of 10 (measured: 10)."""

WORD_FALSE_ACCEPTS = 4
"""Commands heard in the 53 isolated non-command words (measured: 2, "eight" ->
pause as "wait", "six" -> next)."""

JFK_FALSE_ACCEPTS = 1
"""Commands heard in 11 s of JFK (measured: none as stored; with 0.5 s or 1 s of
quiet put before it, "ask not" was heard as "stop" once)."""

PASSAGE_FALSE_ACCEPTS = 2
"""Commands heard in the 26 LibriSpeech and 2 VCTK passages, 4.7 minutes of read
speech (measured: none; most of it comes in segments too long for a command)."""

NEVER_INVENTED = {"too tight"}
"""Commands no real non-command speech may ever be taken for."""


@dataclass(frozen=True)
class Clip:
    """One recording on the track, and where it lies, in seconds."""

    word: str
    """What is said: the Speech Commands folder, the felix file name, or "jfk"."""
    speaker: str
    start: float
    end: float

    @property
    def command(self) -> str | None:
        """The command the clip says, or None for ordinary speech."""
        return COMMANDS.get(self.word)


@dataclass(frozen=True)
class Heard:
    """What ``listen --json`` printed for one track, beside what was on it."""

    clips: tuple[Clip, ...]
    objects: tuple[dict[str, object], ...]

    def on(self, clip: Clip) -> list[dict[str, object]]:
        """The commands whose speech overlaps ``clip``."""
        return [
            o for o in self.objects if _at(o, "start") < clip.end and clip.start < _at(o, "end")
        ]

    def breakdown(self) -> dict[str, collections.Counter[str | None]]:
        """Word -> how often each command was heard on its clips (None: no command)."""
        table: dict[str, collections.Counter[str | None]] = {}
        for clip in self.clips:
            heard: list[str | None] = [str(o["command"]) for o in self.on(clip)]
            table.setdefault(clip.word, collections.Counter()).update(heard or [None])
        return table


def _at(obj: dict[str, object], key: str) -> float:
    value = obj[key]
    assert isinstance(value, int | float)
    return float(value)


def _read(path: Path) -> npt.NDArray[np.int16]:
    """A recording as 16 kHz mono int16, through the same reader ``listen --file`` uses."""
    return WavStream(path, RATE, 4096).read_all()


def _recordings() -> list[tuple[str, str, Path]]:
    """(word, speaker, file) for every short clip in the test data."""
    found = [(p.parent.name, p.name.split("_")[0], p) for p in sorted(WORDS.glob("*/*.flac"))]
    found += [(p.stem, "felix", p) for p in sorted(FELIX.glob("*.wav"))]
    return found


def _listen(path: Path, data_dir: Path) -> tuple[dict[str, object], ...]:
    """Run ``facecoach listen --file path --json --engine whisper`` in this process."""
    out = io.StringIO()
    argv = ["--data-dir", str(data_dir), "listen", "--file", str(path), "--json"]
    with contextlib.redirect_stdout(out):
        assert main([*argv, "--engine", "whisper"]) == 0
    return tuple(json.loads(line) for line in out.getvalue().splitlines())


def _track(found: list[tuple[str, str, Path]], order: list[int], rng: np.random.Generator) -> Heard:
    """``found`` in ``order``, a second of quiet around each, through ``listen``."""

    def quiet(seconds: float) -> npt.NDArray[np.float64]:
        # A quiet room (about -60 dBFS), not digital silence.
        return rng.normal(0.0, 30.0, int(seconds * RATE))

    pieces = [quiet(GAP)]
    clips: list[Clip] = []
    at = pieces[0].size
    for i in order:
        word, speaker, path = found[i]
        samples = _read(path)
        clips.append(Clip(word, speaker, at / RATE, (at + samples.size) / RATE))
        pieces += [samples.astype(np.float64), quiet(GAP)]
        at += samples.size + pieces[-1].size
    track = np.clip(np.round(np.concatenate(pieces)), -32768, 32767).astype(np.int16)
    with tempfile.TemporaryDirectory(prefix="facecoach-real-") as folder:
        path = Path(folder) / "track.wav"
        sf.write(path, track, RATE, subtype="PCM_16")
        objects = _listen(path, Path(folder) / "data")
    return Heard(tuple(clips), objects)


@functools.cache
def short_clips() -> Heard:
    """Every short clip in one shuffled track, decoded once (made on first use)."""
    found = _recordings()
    # One generator for the order and the noise: the track the figures were measured on.
    rng = np.random.default_rng(3)
    order = [int(i) for i in rng.permutation(len(found))]
    return _track(found, order, rng)


@functools.cache
def passages() -> Heard:
    """The LibriSpeech and VCTK passages in one track, decoded once."""
    found = [("passage", p.stem.replace("_", "-").split("-")[0], p) for p in PASSAGES]
    return _track(found, list(range(len(found))), np.random.default_rng(5))


@functools.cache
def jfk() -> Heard:
    """The JFK recording given to ``listen`` as it is stored."""
    with tempfile.TemporaryDirectory(prefix="facecoach-real-") as folder:
        objects = _listen(JFK, Path(folder) / "data")
    seconds = _read(JFK).size / RATE
    return Heard((Clip("jfk", "jfk", 0.0, seconds),), objects)


def _clips(word: str) -> list[Clip]:
    return [c for c in short_clips().clips if c.word == word]


# -- the test data -------------------------------------------------------------


def test_the_real_recordings_are_all_there() -> None:
    found = _recordings()
    words = collections.Counter(word for word, _, _ in found)
    assert words["stop"] == 10 and words["back"] == 1
    assert len({speaker for word, speaker, _ in found if word == "stop"}) == 10
    assert sum(n for word, n in words.items() if word not in COMMANDS) == 53
    assert _read(JFK).size / RATE == pytest.approx(11.0, abs=0.05)


def test_the_benchmark_only_recordings_are_all_there() -> None:
    more = [p.parent.name for p in MORE_WORDS.glob("*/*.flac")]
    assert len(more) == 125 and not set(more) & set(COMMANDS)
    # 26 LibriSpeech readers and 2 VCTK speakers, stored as 16 kHz mono.
    assert len({p.stem.replace("_", "-").split("-")[0] for p in PASSAGES}) == 28
    infos = [sf.info(p) for p in PASSAGES]
    assert {(i.samplerate, i.channels) for i in infos} == {(RATE, 1)}
    assert sum(i.duration for i in infos) == pytest.approx(295.0, abs=2.0)


# -- commands --------------------------------------------------------------------


def test_most_real_speakers_saying_stop_are_heard_as_stop() -> None:
    heard = short_clips()
    stops = _clips("stop")
    said = [[o["command"] for o in heard.on(clip)] for clip in stops]
    assert sum(1 for commands in said if commands == ["stop"]) >= STOP_FLOOR, said
    # A miss may go unheard; it is never taken for another command.
    assert all(set(commands) <= {"stop"} for commands in said), said


def test_a_real_back_is_heard_as_back() -> None:
    (clip,) = _clips("back")
    assert [o["command"] for o in short_clips().on(clip)] == ["back"]


# -- ordinary speech ---------------------------------------------------------------


def test_real_isolated_words_are_rarely_taken_for_commands() -> None:
    heard = short_clips()
    ordinary = [c for c in heard.clips if c.command is None]
    wrong = [(c.word, c.speaker, o["command"]) for c in ordinary for o in heard.on(c)]
    assert len(wrong) <= WORD_FALSE_ACCEPTS, wrong
    # Neither the safety word nor "stop" (which ends the session once said
    # again) is ever made out of an isolated word.
    assert not {command for _, _, command in wrong} & (NEVER_INVENTED | {"stop"}), wrong


def test_real_continuous_speech_is_rarely_taken_for_a_command() -> None:
    heard = jfk()
    commands = [str(o["command"]) for o in heard.objects]
    assert len(commands) <= JFK_FALSE_ACCEPTS, heard.objects
    assert not set(commands) & NEVER_INVENTED, heard.objects


def test_real_read_passages_are_rarely_taken_for_commands() -> None:
    heard = passages()
    wrong = [(c.speaker, o["command"], o["start"]) for c in heard.clips for o in heard.on(c)]
    assert len(heard.objects) == len(wrong), heard.objects  # none between passages
    assert len(wrong) <= PASSAGE_FALSE_ACCEPTS, wrong
    assert not {command for _, command, _ in wrong} & NEVER_INVENTED, wrong


# -- all of it in one place --------------------------------------------------------


def test_the_breakdown_by_word_over_the_real_recordings() -> None:
    table = short_clips().breakdown() | jfk().breakdown()
    assert set(table) == {word for word, _, _ in _recordings()} | {"jfk"}
    # Each command's clips are heard as that command or as nothing.
    for word, command in COMMANDS.items():
        assert set(table[word]) <= {command, None}, (word, table[word])
    assert table["stop"]["stop"] >= STOP_FLOOR and table["back"]["back"] == 1, table
    # Everything else: few commands in all, never the safety word.
    invented = collections.Counter[str]()
    for word, row in table.items():
        if word not in COMMANDS:
            invented.update({str(c): n for c, n in row.items() if c is not None})
    assert invented.total() <= WORD_FALSE_ACCEPTS + JFK_FALSE_ACCEPTS, table
    assert not set(invented) & NEVER_INVENTED, table


# -- timing ------------------------------------------------------------------------


def test_a_command_is_emitted_after_the_end_of_its_speech() -> None:
    heard = short_clips()
    objects = heard.objects + jfk().objects
    assert objects
    for obj in objects:
        assert set(obj) == {"command", "text", "start", "end", "emitted"}
        start, end, emitted = _at(obj, "start"), _at(obj, "end"), _at(obj, "emitted")
        assert start < end
        # The end is confirmed by 0.2 s of silence before anything is acted on
        # (1 ms for the rounding of the JSON figures); how long deciding took
        # is added on top, so no upper limit is asserted (a loaded machine).
        assert end + 0.2 - 0.001 <= emitted, obj
    # Every command heard is about one clip, and its speech ends on that clip
    # or just after it: where a clip is cut into the quiet room, Silero's memory
    # can hold a frame or three above the end threshold (0.1 s at most here).
    for obj in heard.objects:
        (clip,) = [c for c in heard.clips if obj in heard.on(c)]
        assert clip.start <= _at(obj, "end") <= clip.end + 0.15, (obj, clip)
