"""What an exported session adds for a listener: a safety opening, tags and chapters.

A recording cannot hear "too tight", so it opens by saying how to use it
safely. The file is tagged with a title and an artist, and, where the format
has a place for them, one chapter per exercise: Vorbis comments
(``CHAPTER001=00:01:02.500``, ``CHAPTER001NAME=...``) in FLAC and Ogg, ID3v2
``CHAP`` frames with a table of contents (``CTOC``) in MP3 and WAV. Tags are
written with mutagen; without it the audio is the same and untagged.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .._core.plan import Plan, StepKind

__all__ = [
    "ARTIST",
    "SAFETY_OPENING",
    "Chapter",
    "Tags",
    "can_tag",
    "tag_file",
    "with_safety_opening",
]

ARTIST = "facecoach"

SAFETY_OPENING = (
    "This recording cannot hear you. If anything feels tight or sore, pause the player "
    "and let your face rest. Press lightly and never harder, and stop each stretch at a "
    "gentle pull."
)
"""Said first in every exported session (the live coach answers "too tight" instead)."""


@dataclass(frozen=True)
class Chapter:
    """Where one part of the recording starts, and its name."""

    start: float
    """Seconds from the start of the file."""
    name: str


@dataclass(frozen=True)
class Tags:
    """What a file is tagged with."""

    title: str
    artist: str = ARTIST
    album: str = ""
    comment: str = ""
    chapters: tuple[Chapter, ...] = ()
    seconds: float = 0.0
    """Length of the file (the last chapter ends there)."""


def with_safety_opening(plan: Plan) -> Plan:
    """``plan`` with the safety words said before its opening line."""
    steps = list(plan.steps)
    for i, step in enumerate(steps):
        if step.kind is StepKind.SAY and step.frame == "opening":
            steps[i] = replace(step, text=f"{SAFETY_OPENING} {step.text}")
            return Plan(plan.routine, plan.name, tuple(steps))
    if not steps:
        return plan
    first = steps[0]
    opening = replace(
        first,
        kind=StepKind.SAY,
        seconds=0.0,
        text=SAFETY_OPENING,
        written_seconds=None,
        is_setup=False,
        between=False,
        frame="opening",
        halfway=False,
    )
    # with_speech_seconds times the new line and every offset after it
    return Plan(plan.routine, plan.name, (opening, *steps))


def _mutagen(name: str) -> Any:
    """A mutagen format module (its file classes carry no type hints)."""
    return importlib.import_module(f"mutagen.{name}")


def can_tag() -> bool:
    """Whether tags can be written here (mutagen is installed)."""
    try:
        import mutagen  # noqa: F401
    except ImportError:
        return False
    return True


def _clock(seconds: float) -> str:
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


def tag_file(path: Path, tags: Tags) -> bool:
    """Write ``tags`` into the audio file at ``path``; False when they could not be.

    The format is taken from the extension (.flac, .ogg, .mp3, .wav). Without
    mutagen, or when it cannot read the file, the audio is left as it is: a
    recording without chapters still plays.
    """
    if not can_tag():
        return False
    from mutagen import MutagenError

    suffix = path.suffix.lower()
    try:
        if suffix in (".flac", ".ogg"):
            _vorbis(path, suffix, tags)
        elif suffix in (".mp3", ".wav"):
            _id3(path, suffix, tags)
        else:
            return False
    except MutagenError:
        return False
    return True


def _vorbis(path: Path, suffix: str, tags: Tags) -> None:
    if suffix == ".flac":
        audio = _mutagen("flac").FLAC(path)
    else:
        audio = _mutagen("oggvorbis").OggVorbis(path)
    audio["title"] = tags.title
    audio["artist"] = tags.artist
    if tags.album:
        audio["album"] = tags.album
    if tags.comment:
        audio["comment"] = tags.comment
    for n, chapter in enumerate(tags.chapters, start=1):
        audio[f"CHAPTER{n:03d}"] = _clock(chapter.start)
        audio[f"CHAPTER{n:03d}NAME"] = chapter.name
    audio.save()


def _id3(path: Path, suffix: str, tags: Tags) -> None:
    frames = _mutagen("id3")
    CHAP, COMM, CTOC, TALB, TIT2, TPE1 = (
        frames.CHAP,
        frames.COMM,
        frames.CTOC,
        frames.TALB,
        frames.TIT2,
        frames.TPE1,
    )
    audio = _mutagen("mp3").MP3(path) if suffix == ".mp3" else _mutagen("wave").WAVE(path)
    if audio.tags is None:
        audio.add_tags()
    id3 = audio.tags
    id3.add(TIT2(encoding=3, text=[tags.title]))
    id3.add(TPE1(encoding=3, text=[tags.artist]))
    if tags.album:
        id3.add(TALB(encoding=3, text=[tags.album]))
    if tags.comment:
        id3.add(COMM(encoding=3, lang="eng", desc="", text=[tags.comment]))
    ids = [f"chp{n}" for n in range(1, len(tags.chapters) + 1)]
    ends = [c.start for c in tags.chapters[1:]] + [tags.seconds] if tags.chapters else []
    for element, chapter, end in zip(ids, tags.chapters, ends, strict=True):
        id3.add(
            CHAP(
                element_id=element,
                start_time=round(chapter.start * 1000),
                end_time=round(max(end, chapter.start) * 1000),
                sub_frames=[TIT2(encoding=3, text=[chapter.name])],
            )
        )
    if ids:
        id3.add(
            CTOC(
                element_id="toc",
                flags=frames.CTOCFlags.TOP_LEVEL | frames.CTOCFlags.ORDERED,
                child_element_ids=ids,
                sub_frames=[TIT2(encoding=3, text=["Exercises"])],
            )
        )
    audio.save()


def chapters_of(starts: Sequence[tuple[float, str]], opening: str) -> tuple[Chapter, ...]:
    """Chapters from (start, name) pairs in order, with ``opening`` at 0 when the
    first one starts later."""
    chapters = [Chapter(max(0.0, t), name) for t, name in starts]
    if not chapters or chapters[0].start > 0:
        chapters.insert(0, Chapter(0.0, opening))
    return tuple(chapters)
