"""Shared set-up for the web app's tests: a test routine, settings, a served app."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path

from facecoach._live import SoundOptions
from facecoach._paths import places
from facecoach._web.app import ServeSettings
from facecoach._web.serve import Server, start_in_thread

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
def served(settings: ServeSettings) -> Iterator[tuple[Server, str]]:
    """The app on a free port in a thread; yields the server and the link with the token."""
    server, thread, link = start_in_thread(replace(settings, port=0))
    deadline = time.monotonic() + 20
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "the web app did not start"
    try:
        yield server, link
    finally:
        server.should_exit = True
        thread.join(timeout=20)
