"""A whole session as an audio file (or one file per exercise), to play anywhere.

The session runs through the same live loop and mixer as a live run, on a
simulated clock: speech, cues, and holds and rests as timed silence. Spoken
lines are rendered first and the plan is re-timed with their real lengths,
so the file is as long as the plan says. It runs twice: the first pass
measures the loudness (ITU-R BS.1770) and the peak, the second writes the
file with the gain that brings it to about -16 LUFS without clipping. Each
pass hands the mixed audio on a second at a time, so memory stays the same
however long the routine is. The format comes from the file's extension.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import math
import os
import tempfile
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from .._core.clock import SimClock, SimInbox
from .._core.events import Effect, Finish
from .._core.plan import Plan, StepKind
from .._core.ports import HeardCommand
from .._core.session import TICK_SECONDS
from .._core.state import SessionLines
from .._paths import PRIVATE_DIR, PendingFile
from .._sound.cues import load_cues
from .._sound.loudness import TARGET_LUFS, LoudnessMeter, normalising_gain, soft_limit
from .._sound.memory import MemoryAudioOut
from .._sound.samples import SAMPLE_RATE, Samples, Sound, frames_for
from .._sound.speech import Speaker, VoiceInfo
from .export_tags import SAFETY_OPENING, Tags, chapters_of, tag_file, with_safety_opening
from .loop import LiveLoop, LiveOptions

__all__ = [
    "FORMATS",
    "ExportProblem",
    "ExportProgress",
    "ExportResult",
    "ExportStage",
    "check_target",
    "export_session",
    "prerender",
    "spoken_lines",
]

FORMATS: Mapping[str, tuple[str, str]] = {
    ".wav": ("WAV", "PCM_16"),
    ".flac": ("FLAC", "PCM_16"),
    ".ogg": ("OGG", "VORBIS"),
    ".mp3": ("MP3", "MPEG_LAYER_III"),
}
"""File extension -> (libsndfile format, subtype)."""

ExportStage = Literal["lines", "measure", "write"]
"""What an export is doing: rendering the lines, measuring the loudness, writing the file."""

ExportProgress = Callable[[ExportStage, float, float], None]
"""``progress(stage, done, total)``: lines rendered of all ("lines"), or seconds of
the session's audio mixed of its length ("measure", "write")."""

_KEEP_RENDERED = 16  # lines kept in memory between the two passes' uses


class ExportProblem(Exception):
    """The export cannot be written there (the message says why); nothing was done."""


@dataclass(frozen=True)
class ExportResult:
    """What was written."""

    path: Path
    """The file, or the folder of chapters."""
    seconds: float
    """Length of the audio."""
    plan: Plan
    """The plan re-timed with the rendered lines."""
    finish: Finish | None
    loudness: float = -math.inf
    """Integrated loudness of what was written, in LUFS (before any lossy coding)."""
    peak_db: float = -math.inf
    """Highest sample of what was written, in dBFS."""
    files: tuple[Path, ...] = ()
    """Every file written (one, or one per exercise)."""

    @property
    def plan_seconds(self) -> float:
        """What the re-timed plan says the session takes."""
        return self.plan.total_seconds


def spoken_lines(plan: Plan, lines: SessionLines | None = None) -> list[str]:
    """Every line a run of ``plan`` may say, in the order they first come."""
    texts = [
        s.text
        for s in plan.steps
        if s.kind is StepKind.SAY or (s.kind is StepKind.REST and s.between)
    ]
    texts += (lines or SessionLines()).all_lines()
    return list(dict.fromkeys(texts))


def prerender(
    speaker: Speaker,
    texts: Iterable[str],
    *,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, float]:
    """Render (or fetch from the cache) every line; returns each line's seconds.

    ``progress(done, total)`` is called after each line.
    """
    todo = list(dict.fromkeys(texts))
    out: dict[str, float] = {}
    for done, text in enumerate(todo, start=1):
        out[text] = speaker.render(text).seconds
        if progress is not None:
            progress(done, len(todo))
    return out


def check_target(path: str | os.PathLike[str], *, chapters: bool = False) -> tuple[str, str]:
    """The (format, subtype) for ``path``; ``ExportProblem`` if it cannot be written.

    Checked before any work: the extension must name a known format and the
    folder it goes in must exist and take new files. With ``chapters`` the
    files go in a folder named like ``path`` without its extension.
    """
    target = Path(path)
    kind = FORMATS.get(target.suffix.lower())
    if kind is None:
        known = ", ".join(FORMATS)
        given = f"'{target.suffix}'" if target.suffix else "no extension"
        raise ExportProblem(f"{target}: {given} is not a format facecoach writes; use {known}")
    if chapters:
        folder = target.with_suffix("")
        if folder.exists() and not folder.is_dir():
            raise ExportProblem(f"{folder}: exists and is not a folder (chapters go in a folder)")
        parent = folder if folder.is_dir() else folder.parent
    else:
        if target.is_dir():
            raise ExportProblem(f"{target}: is a folder; give a file name")
        if os.path.lexists(target) and not (target.is_symlink() or target.is_file()):
            raise ExportProblem(f"{target}: is not a regular file (a pipe or a device)")
        parent = target.parent
    if not parent.is_dir():
        raise ExportProblem(f"{target}: the folder {parent} does not exist")
    try:
        with tempfile.TemporaryFile(dir=parent):
            pass
    except OSError as error:
        raise ExportProblem(f"{target}: cannot write in {parent} ({error.strerror})") from None
    return kind


class _Recent:
    """A speaker that keeps only the last few rendered lines in memory."""

    def __init__(self, speaker: Speaker, keep: int = _KEEP_RENDERED) -> None:
        self.speaker = speaker
        self.engine, self.voice, self.rate = speaker.engine, speaker.voice, speaker.rate
        self.keep = keep
        self._sounds: OrderedDict[str, Sound] = OrderedDict()

    def render(self, text: str) -> Sound:
        sound = self._sounds.get(text)
        if sound is None:
            sound = self.speaker.render(text)
            self._sounds[text] = sound
            if len(self._sounds) > self.keep:
                self._sounds.popitem(last=False)
        else:
            self._sounds.move_to_end(text)
        return sound

    def voices(self) -> list[VoiceInfo]:
        return self.speaker.voices()

    def close(self) -> None:
        self._sounds.clear()


@dataclass
class _Chapters:
    """A view that notes the session time each exercise begins at."""

    loop: LiveLoop | None = None
    starts: dict[int, float] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)

    def effect(self, t: float, effect: Effect) -> None:
        step = self.loop.session.current if self.loop is not None else None
        # the opening line is not the first exercise's: it gets a chapter of its own
        fresh = step is not None and not step.between and not step.frame
        if fresh and step is not None and step.exercise_index not in self.starts:
            self.starts[step.exercise_index] = t

    def heard(self, t: float, heard: HeardCommand) -> None:
        """Nothing is heard in an export."""

    def message(self, text: str) -> None:
        self.messages.append(text)

    def refresh(self, t: float) -> None:
        """Nothing to draw."""

    def close(self) -> None:
        """Nothing to close."""


def _play(
    plan: Plan,
    speaker: Speaker,
    cues: Mapping[str, Sound],
    tick_seconds: int,
    sink: Callable[[Samples], None],
) -> tuple[Finish | None, dict[int, float]]:
    clock = SimClock()
    out = MemoryAudioOut(clock, keep=False, primer_seconds=0.0, name="export", sink=sink)
    chapters = _Chapters()
    loop = LiveLoop(
        plan,
        speaker=speaker,
        out=out,
        cues=cues,
        clock=clock,
        inbox=SimInbox(clock),
        view=chapters,
        # Ctrl-C cancels an export: it is no session to keep as stopped
        options=LiveOptions(tick_seconds=tick_seconds, refresh=None, keep_interrupted=False),
    )
    chapters.loop = loop
    return loop.run(), chapters.starts


class _Writer:
    """Writes blocks, with a gain, into one file or one file per chapter."""

    def __init__(
        self,
        targets: list[tuple[int, Path]],
        kind: tuple[str, str],
        gain: float,
        rate: int,
    ) -> None:
        import soundfile

        self._soundfile: Any = soundfile
        self.targets = targets  # (first frame, final path), in order
        self.kind = kind
        self.gain = gain
        self.rate = rate
        self.frame = 0
        self.meter = LoudnessMeter(rate)
        self._index = -1
        self._file: Any = None
        self._parts: list[PendingFile] = []
        self._failed = False

    def _open_next(self) -> None:
        if self._file is not None:
            self._closed(self._file)
        self._index += 1
        pending = PendingFile(self.targets[self._index][1])
        self._parts.append(pending)
        fmt, subtype = self.kind
        self._file = self._written(
            pending,
            lambda: self._soundfile.SoundFile(
                str(pending.temporary),
                "w",
                samplerate=self.rate,
                channels=1,
                format=fmt,
                subtype=subtype,
            ),
        )

    def _written(self, pending: PendingFile, act: Callable[[], Any]) -> Any:
        """``act()``, with libsndfile's failures (a full disk) said as ``ExportProblem``."""
        try:
            return act()
        except (RuntimeError, OSError) as error:  # soundfile's LibsndfileError is a RuntimeError
            self._failed = True
            text = str(getattr(error, "error_string", None) or error).rstrip(".")
            full = getattr(error, "errno", None) == errno.ENOSPC or _disk_full(pending.path)
            why = "the disk is full" if full else text
            raise ExportProblem(f"cannot write {pending.path}: {why}") from None

    def _closed(self, file: Any) -> None:
        self._written(self._parts[-1], file.close)

    def __call__(self, block: Samples) -> None:
        if self._failed:  # the loop still drains its output while the failure unwinds
            return
        out = soft_limit(block * self.gain)
        self.meter.add(out)
        pos = 0
        while pos < len(out):
            if self._file is None:
                self._open_next()
            following = self._index + 1
            stop = len(out)
            if following < len(self.targets):
                stop = min(stop, pos + max(0, self.targets[following][0] - self.frame))
            if stop == pos:
                self._open_next()
                continue
            chunk = out[pos:stop]
            self._written(self._parts[-1], functools.partial(self._file.write, chunk))
            self.frame += stop - pos
            pos = stop

    def finish(self, tag: Callable[[Path, int], object] | None = None) -> list[Path]:
        """Close the files, ``tag(file, index)`` each, and move them into place."""
        if self._file is None:
            self._open_next()
        self._closed(self._file)
        self._file = None
        for index, pending in enumerate(self._parts):
            if tag is not None:
                tag(pending.temporary, index)  # before the move: a file in place is whole
            pending.commit()  # private: a session about the person is theirs alone
        return [pending.path for pending in self._parts]

    def abandon(self) -> None:
        """Remove what was written so far."""
        if self._file is not None:
            with contextlib.suppress(Exception):
                self._file.close()
        for pending in self._parts:
            pending.abandon()


def _disk_full(path: Path) -> bool:
    """libsndfile says only "System error" when a write runs out of room."""
    try:
        room = os.statvfs(path.parent)
    except OSError:
        return False
    return room.f_bavail * room.f_frsize < _ROOM_NEEDED


_ROOM_NEEDED = 1 << 16
"""Less free space than this where a write failed: the disk is full."""


def _counted(
    sink: Callable[[Samples], None],
    stage: ExportStage,
    plan: Plan,
    progress: ExportProgress | None,
) -> Callable[[Samples], None]:
    """``sink``, telling ``progress`` how many seconds of the plan have gone through."""
    if progress is None:
        return sink
    frames = 0
    total = plan.total_seconds

    def take(block: Samples) -> None:
        nonlocal frames
        sink(block)
        frames += len(block)
        progress(stage, min(frames / SAMPLE_RATE, total), total)

    return take


def export_session(
    plan: Plan,
    speaker: Speaker,
    path: str | os.PathLike[str],
    *,
    cues: Mapping[str, Sound] | None = None,
    tick_seconds: int = TICK_SECONDS,
    chapters: bool = False,
    target_lufs: float = TARGET_LUFS,
    progress: ExportProgress | None = None,
    names: Mapping[str, str] | None = None,
) -> ExportResult:
    """Render ``plan`` start to end into ``path`` (format from its extension).

    The recording opens with ``SAFETY_OPENING`` and is tagged (title, artist,
    one chapter per exercise named from ``names``, exercise id -> name). With
    ``chapters``, one numbered file per exercise goes into a folder named like
    ``path`` without its extension. Raises ``ExportProblem`` before any work
    when the file cannot be written there. ``progress`` hears how far each
    stage has come (see ``ExportProgress``).
    """
    kind = check_target(path, chapters=chapters)
    target = Path(path)
    plan = with_safety_opening(plan)
    lengths = prerender(
        speaker,
        spoken_lines(plan),
        progress=None if progress is None else lambda done, total: progress("lines", done, total),
    )
    recent = _Recent(speaker)
    timed = plan.with_speech_seconds(
        lambda text: lengths[text] if text in lengths else recent.render(text).seconds
    )
    sounds = cues if cues is not None else load_cues()
    meter = LoudnessMeter(SAMPLE_RATE)
    _, starts = _play(
        timed, recent, sounds, tick_seconds, _counted(meter.add, "measure", timed, progress)
    )
    gain = normalising_gain(meter.integrated, meter.peak, target=target_lufs)
    made: Path | None = None
    if chapters:
        folder = target.with_suffix("")
        if not folder.is_dir():
            folder.mkdir(mode=PRIVATE_DIR)
            made = folder
        ids = {s.exercise_index: s.exercise for s in timed.steps}
        targets = [
            (frames_for(t, SAMPLE_RATE), folder / f"{n:02d}-{ids[index]}{target.suffix.lower()}")
            for n, (index, t) in enumerate(sorted(starts.items()), start=1)
        ]
        targets[0] = (0, targets[0][1])
    else:
        targets = [(0, target)]
    writer = _Writer(targets, kind, gain, SAMPLE_RATE)
    ids = {s.exercise_index: s.exercise for s in timed.steps}
    parts = [(t, (names or {}).get(ids[i], ids[i])) for i, t in sorted(starts.items())]
    try:
        finish, _ = _play(
            timed, recent, sounds, tick_seconds, _counted(writer, "write", timed, progress)
        )
        files = writer.finish(_tagger(timed, parts, chapters, writer.frame / SAMPLE_RATE))
    except BaseException:
        writer.abandon()
        if made is not None:  # a folder this export made and left empty
            with contextlib.suppress(OSError):
                made.rmdir()
        raise
    peak = writer.meter.peak
    return ExportResult(
        path=target.with_suffix("") if chapters else target,
        seconds=writer.frame / SAMPLE_RATE,
        plan=timed,
        finish=finish,
        loudness=writer.meter.integrated,
        peak_db=20 * math.log10(peak) if peak > 0 else -math.inf,
        files=tuple(files),
    )


def _tagger(
    plan: Plan, parts: list[tuple[float, str]], chapters: bool, seconds: float
) -> Callable[[Path, int], object]:
    """Tags for the one file (a chapter per exercise) or for each chapter's file."""
    if chapters:  # file n holds exercise n (the first also the opening)

        def each(path: Path, index: int) -> object:
            name = parts[index][1] if index < len(parts) else plan.name
            tags = Tags(f"{index + 1:02d} {name}", album=f"facecoach: {plan.name}")
            return tag_file(path, replace(tags, comment=SAFETY_OPENING))

        return each
    whole = Tags(
        f"facecoach: {plan.name}",
        album="facecoach",
        comment=SAFETY_OPENING,
        chapters=chapters_of(parts, "Before you start"),
        seconds=seconds,
    )
    return lambda path, _: tag_file(path, whole)
