"""Shared set-up for the web app's tests: a test routine, settings, a served app, and
fakes for a voice enrolment's recogniser and microphone."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np

from facecoach._paths import places
from facecoach._sound.settings import SoundOptions
from facecoach._voice.mic import AudioBlock, MemorySource
from facecoach._voice.whisper_rules import Verdict
from facecoach._web.serve import HEAD_SECONDS, Server, start_in_thread
from facecoach._web.settings import ServeSettings

TOKEN = "test-token-0123456789"

ROUTINE = """\
exercises:
  - id: test-cheek-lift
    name: Test cheek lift
    area: cheeks
    kind: resistance
    reps: 2
    points: [cheekbone]
    setup: Rest two fingertips on your {side} cheekbone.
    steps:
      - say: Lift your cheek into your fingers, lightly. Hold.
        hold: 40
      - say: Let go, and breathe.
        rest: 3
routines:
  - id: test-short
    name: Short test routine
    exercises:
      - test-cheek-lift
"""


def settings_for(tmp_path: Path, port: int = 8123) -> ServeSettings:
    """Text-mode sound, data under ``tmp_path``, the test routine offered beside the built-ins."""
    routine = tmp_path / "short.yaml"
    routine.write_text(ROUTINE, encoding="utf-8")
    return ServeSettings(
        where=places(tmp_path / "data"),
        sound=SoundOptions(text_only=True, keyboard=False, data_dir=str(tmp_path / "data")),
        token=TOKEN,
        port=port,
        files=(str(routine),),
        today=lambda: date(2026, 11, 30),
        quiet=True,
    )


@contextmanager
def served(
    settings: ServeSettings, head_seconds: float = HEAD_SECONDS
) -> Iterator[tuple[Server, str]]:
    """The app on a free port in a thread; yields the server and the link with the token."""
    server, thread, link = start_in_thread(replace(settings, port=0), head_seconds)
    deadline = time.monotonic() + 20
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "the web app did not start"
    try:
        yield server, link
    finally:
        server.should_exit = True
        thread.join(timeout=20)


class ScriptedTakes:
    """A recogniser that gives one scripted verdict per take (None: nothing heard),
    through the Whisper engine's ``on_verdict`` hook."""

    model_name = "tiny.en"

    def __init__(self, script: Sequence[Verdict | None]) -> None:
        self.script = list(script)
        self.on_verdict: Callable[[Verdict], None] | None = None
        self._new_take = True

    def feed(self, samples: object) -> list[object]:
        if self._new_take:
            self._new_take = False
            outcome = self.script.pop(0) if self.script else None
            if outcome is not None and self.on_verdict is not None:
                self.on_verdict(outcome)
        return []

    def flush(self) -> list[object]:
        self._new_take = True  # first_verdict flushes at the end of every take
        return []


def quiet_mic() -> MemorySource:
    """A tenth of a second of silence: the fake recogniser decides what it held."""
    return MemorySource(np.zeros(1600, dtype=np.int16))


class OpenMic:
    """A microphone that gives silence until it is closed (a take that waits)."""

    def __init__(self) -> None:
        self.description = "microphone: test"
        self.opened = threading.Event()
        self._closed = threading.Event()

    def blocks(self) -> Iterator[AudioBlock]:
        self.opened.set()
        while not self._closed.wait(0.01):
            yield AudioBlock(np.zeros(320, dtype=np.int16))

    def close(self) -> None:
        self._closed.set()
