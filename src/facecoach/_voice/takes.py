"""Hearing enrolment takes: the Whisper engine's verdicts on a source, one take at a time.

Shared by ``facecoach enroll`` (a terminal, keys) and the web app's "Your
voice" page (hands-free), so both hear a take the same way.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Protocol

from .mic import AudioBlock, AudioSource
from .recognizer import Samples
from .whisper_rules import Verdict

__all__ = ["TakeRecognizer", "first_verdict", "until", "verdicts"]


class TakeRecognizer(Protocol):
    """What hearing takes needs of a recogniser: the Whisper engine, or a fake."""

    on_verdict: Callable[[Verdict], None] | None
    """Called with every verdict, in order, while takes are heard."""
    model_name: str
    """The model the takes' scores come from (kept with the enrolment)."""

    def feed(self, samples: Samples) -> object:
        """Hear a block of 16 kHz mono int16 audio."""
        ...

    def flush(self) -> object:
        """End of input: decide on any speech still open."""
        ...


def verdicts(recognizer: TakeRecognizer, source: AudioSource) -> Iterator[Verdict]:
    """Every verdict on the source's speech, in order."""
    found: list[Verdict] = []
    recognizer.on_verdict = found.append
    try:
        for block in source.blocks():
            recognizer.feed(block.samples)
            yield from found
            found.clear()
        recognizer.flush()
        yield from found
    finally:
        recognizer.on_verdict = None


def first_verdict(
    recognizer: TakeRecognizer,
    source: AudioSource,
    seconds: float,
    clock: Callable[[], float] = time.monotonic,
) -> Verdict | None:
    """The verdict on the first speech heard within ``seconds`` (None: nothing
    was heard); closes the source."""
    deadline = clock() + seconds
    try:
        for verdict in verdicts(recognizer, until(source, deadline, clock)):
            return verdict
    finally:
        source.close()
        recognizer.flush()  # nothing of this take runs into the next
    return None


def until(
    source: AudioSource, deadline: float, clock: Callable[[], float] = time.monotonic
) -> AudioSource:
    """The source's blocks until ``clock()`` reaches ``deadline``."""
    return _Until(source, deadline, clock)


class _Until:
    def __init__(self, source: AudioSource, deadline: float, clock: Callable[[], float]) -> None:
        self._source, self._deadline, self._clock = source, deadline, clock
        self.description = source.description

    def blocks(self) -> Iterator[AudioBlock]:
        for block in self._source.blocks():
            yield block
            if self._clock() >= self._deadline:
                return

    def close(self) -> None:
        self._source.close()
