"""A whole session as one WAV file, to play anywhere (a phone, a speaker).

The session runs through the same live loop and mixer as a live run, on a
simulated clock and into a file: speech, cues, and holds and rests as timed
silence. Spoken lines are rendered first and the plan is re-timed with their
real lengths, so the file is as long as the plan says.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from .._core.clock import SimClock, SimInbox
from .._core.events import Finish
from .._core.plan import Plan, StepKind
from .._core.session import TICK_SECONDS
from .._core.state import SessionLines
from .._sound.cues import load_cues
from .._sound.memory import WavFileOut
from .._sound.samples import Sound
from .._sound.speech import Speaker
from .loop import LiveLoop, LiveOptions

__all__ = ["ExportResult", "export_session", "prerender", "spoken_lines"]


@dataclass(frozen=True)
class ExportResult:
    """What was written."""

    path: Path
    seconds: float
    """Length of the file."""
    plan: Plan
    """The plan re-timed with the rendered lines."""
    finish: Finish | None

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
) -> dict[str, Sound]:
    """Render (or fetch from the cache) every line; ``progress(done, total)`` after each."""
    todo = list(dict.fromkeys(texts))
    out: dict[str, Sound] = {}
    for done, text in enumerate(todo, start=1):
        out[text] = speaker.render(text)
        if progress is not None:
            progress(done, len(todo))
    return out


def export_session(
    plan: Plan,
    speaker: Speaker,
    path: str | os.PathLike[str],
    *,
    cues: Mapping[str, Sound] | None = None,
    tick_seconds: int = TICK_SECONDS,
    volume: float = 1.0,
    progress: Callable[[int, int], None] | None = None,
) -> ExportResult:
    """Render ``plan`` start to end into the WAV file ``path``."""
    rendered = prerender(speaker, spoken_lines(plan), progress=progress)
    timed = plan.with_speech_seconds(
        lambda text: rendered[text].seconds if text in rendered else speaker.render(text).seconds
    )
    clock = SimClock()
    out = WavFileOut(
        path, clock, primer_seconds=0.0, volume=volume
    )  # a file never sleeps: no primer
    loop = LiveLoop(
        timed,
        speaker=speaker,
        out=out,
        cues=cues if cues is not None else load_cues(),
        clock=clock,
        inbox=SimInbox(clock),
        options=LiveOptions(tick_seconds=tick_seconds, refresh=None),
    )
    finish = loop.run()
    return ExportResult(Path(path), out.audio().seconds, timed, finish)
