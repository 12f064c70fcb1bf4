"""Wiring for a live session: options, devices, speaker, view and the loop.

``run_live`` is what ``facecoach run`` calls for a real session; its options
come from ``add_sound_arguments`` and ``sound_options`` (or all at once from
``run_live_from_args``).
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.console import Console

from .._core.clock import QueueInbox, RealScheduler
from .._core.events import RecordEntry
from .._core.plan import DEFAULT_SPEECH_RATE, Plan, estimate_speech_seconds
from .._core.ports import CommandSource, SpeechGate
from .._core.session import Session
from .._paths import Places, places
from .._sound.cues import load_cues
from .._sound.devices import DeviceProblem, choose_device, list_devices, load_config, save_config
from .._sound.memory import MemoryAudioOut
from .._sound.mixer import DEFAULT_PRIMER_SECONDS
from .._sound.output import AudioOut, OutputUnavailable
from .._sound.stream import SounddeviceOut
from .._sound.tts import FakeSpeaker, Speaker, SpeechCache, TtsUnavailable, make_speaker
from .keys import KeyboardSource, key_help
from .loop import LiveLoop, LiveOptions
from .view import make_view

__all__ = [
    "TEXT_MODE",
    "SoundOptions",
    "add_sound_arguments",
    "cached_speech_seconds",
    "make_output",
    "run_live",
    "run_live_from_args",
    "sound_options",
    "speaker_for",
]

TEXT_MODE = "text mode (no sound)"


@dataclass(frozen=True)
class SoundOptions:
    """Everything about sound for one run, from the command line and the config file."""

    tts: str = "pyttsx3"
    """Speech engine: pyttsx3 or piper."""
    voice: str | None = None
    """Engine voice id or part of its name (None: the engine's default)."""
    rate: int = DEFAULT_SPEECH_RATE
    """Speaking rate in words a minute."""
    volume: float = 1.0
    """Output gain, 0 to 1."""
    output: str | None = None
    """Output device: index or part of a name (None: the system default)."""
    input: str | None = None
    """Input device, for voice commands (chosen the same way)."""
    primer: float = DEFAULT_PRIMER_SECONDS
    """Seconds of near-silence before the first sound after a silence (0: off)."""
    tick_seconds: int = 3
    """The last this many seconds of a hold tick."""
    barge_in: bool = False
    """Listen while the coach speaks (headsets)."""
    guard: float = 0.3
    """Seconds after speech before the microphone counts again."""
    keyboard: bool = True
    """Take key commands from the terminal."""
    text_only: bool = False
    """No sound at all: lines printed, commands from keys (and voice)."""
    data_dir: str | None = None
    """``--data-dir``, for the cache and the config file."""


def add_sound_arguments(p: argparse.ArgumentParser, *, live: bool = True) -> None:
    """Options for speech (and, with ``live``, devices and timing)."""
    p.add_argument("--tts", choices=("pyttsx3", "piper"), help="speech engine (default pyttsx3)")
    p.add_argument("--voice", help="voice id or part of its name (see 'facecoach voices')")
    p.add_argument("--rate", type=int, help=f"words a minute (default {DEFAULT_SPEECH_RATE})")
    p.add_argument("--volume", type=float, help="0 to 1 (default 1)")
    if not live:
        return
    p.add_argument("--output", metavar="DEVICE", help="output device: number or part of its name")
    p.add_argument("--input", metavar="DEVICE", help="input device: number or part of its name")
    p.add_argument(
        "--primer",
        type=float,
        metavar="SECONDS",
        help=f"near-silence before sound after a silence, for Bluetooth (default "
        f"{DEFAULT_PRIMER_SECONDS}; 0 turns it off)",
    )
    p.add_argument(
        "--tick-seconds", type=int, metavar="N", help="tick the last N seconds of a hold"
    )
    p.add_argument("--barge-in", action="store_true", help="listen while the coach speaks")
    p.add_argument(
        "--text-only", action="store_true", help="no sound: print the lines (keys still work)"
    )
    p.add_argument(
        "--guard", type=float, metavar="SECONDS", help="ignore the mic this long after speech"
    )


_SAVED = {"tts": "tts", "voice": "voice", "rate": "rate", "volume": "volume"}
_SAVED_LIVE = {"output": "output_device", "input": "input_device", "primer": "primer"}


def sound_options(args: argparse.Namespace, *, save: bool = True) -> SoundOptions:
    """Options from ``args`` over the saved config.

    With ``save`` (a live run), valid choices given now are remembered.
    Raises ``DeviceProblem`` for a bad value or a config file that cannot be read.
    """
    where = places(getattr(args, "data_dir", None))
    config = load_config(where.config_file)
    given: dict[str, Any] = {}
    for attr, key in {**_SAVED, **_SAVED_LIVE}.items():
        value = getattr(args, attr, None)
        if value is not None:
            given[key] = value
    config.update(given)
    for value, what in ((config.get("rate"), "rate"), (config.get("volume"), "volume")):
        if value is not None and not (isinstance(value, (int, float)) and value >= 0):
            raise DeviceProblem(f"--{what} {value}: must be a positive number")
    volume = float(config.get("volume", 1.0))
    if not 0.0 <= volume <= 1.0:
        raise DeviceProblem(f"--volume {volume:g}: must be between 0 and 1")
    if config.get("tts", "pyttsx3") not in ("pyttsx3", "piper"):
        raise DeviceProblem(f"{where.config_file}: tts must be pyttsx3 or piper")
    if save and given:  # only once every value is known to be good
        save_config(where.config_file, given)
    tick = getattr(args, "tick_seconds", None)
    guard = getattr(args, "guard", None)
    return SoundOptions(
        tts=str(config.get("tts", "pyttsx3")),
        voice=config.get("voice"),
        rate=int(config.get("rate", DEFAULT_SPEECH_RATE)),
        volume=volume,
        output=config.get("output_device"),
        input=config.get("input_device"),
        primer=max(0.0, float(config.get("primer", DEFAULT_PRIMER_SECONDS))),
        tick_seconds=3 if tick is None else max(0, int(tick)),
        barge_in=bool(getattr(args, "barge_in", False)),
        text_only=bool(getattr(args, "text_only", False)),
        guard=0.3 if guard is None else max(0.0, float(guard)),
        data_dir=getattr(args, "data_dir", None),
    )


def speaker_for(options: SoundOptions, where: Places) -> Speaker:
    """The speaker these options ask for, caching under ``where``."""
    return make_speaker(
        options.tts,
        voice=options.voice,
        rate=options.rate,
        cache_dir=where.cache / "speech",
        models_dir=where.models / "piper",
    )


def cached_speech_seconds(options: SoundOptions) -> Callable[[str], float]:
    """Seconds a line takes: its rendered length when cached, else the estimate.

    ``facecoach plan`` uses it so that, once lines are rendered (by a run or
    ``export``), the plan agrees with the real audio.
    """
    cache = SpeechCache(places(options.data_dir).cache / "speech")

    def seconds(text: str) -> float:
        sound = cache.get(options.tts, options.voice, options.rate, text)
        if sound is None:
            return estimate_speech_seconds(text, options.rate)
        return round(sound.seconds, 3)

    return seconds


def make_output(spec: str | None, options: SoundOptions) -> AudioOut:
    """The chosen output device as an ``AudioOut`` (not yet open)."""
    device = choose_device(spec, "output", list_devices())
    if device is None:
        raise OutputUnavailable("no sound output device found")
    return SounddeviceOut(
        device.index, name=device.label(), primer_seconds=options.primer, volume=options.volume
    )


def _text_out() -> AudioOut:
    return MemoryAudioOut(RealScheduler(), keep=False, name=TEXT_MODE)


def run_live(
    plan: Plan,
    options: SoundOptions,
    *,
    command_sources: Sequence[CommandSource] = (),
    gated_sources: Sequence[Callable[[SpeechGate], CommandSource]] = (),
    recorder: Callable[[RecordEntry], None] | None = None,
    console: Console | None = None,
    on_loop: Callable[[LiveLoop], None] | None = None,
    session: Session | None = None,
) -> int:
    """Run ``plan`` live; returns the exit status (0 done or stopped, 2 bad device).

    ``command_sources`` hear commands (the keyboard is added when stdin is a
    terminal and ``options.keyboard``). Each of ``gated_sources`` is called
    with the ``SpeechGate`` of this run's output path (exact speech end times
    plus ``options.guard``; never gating with ``barge_in``) and returns a
    source, e.g. the microphone. ``recorder`` gets every ``Record`` entry.
    ``on_loop`` sees the loop just before it starts (benchmarks, tests).
    ``session`` is the engine to drive (default: a new ``Session(plan)``).
    """
    console = console or Console(highlight=False, soft_wrap=True)
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    where = places(options.data_dir)
    try:
        speaker: Speaker = speaker_for(options, where)
    except TtsUnavailable as error:
        err.print(f"facecoach: {error}; lines are shown on screen only.")
        speaker = FakeSpeaker(silent=True)
    try:
        out = _text_out() if options.text_only else make_output(options.output, options)
    except DeviceProblem as error:
        err.print(f"facecoach: {error}")
        return 2
    except OutputUnavailable as error:
        err.print(f"facecoach: {error}; running in text mode (lines printed, keys work).")
        out = _text_out()

    def reopen() -> AudioOut:
        try:
            return make_output(options.output, options)
        except (DeviceProblem, OutputUnavailable):
            return make_output(None, options)

    inbox = QueueInbox()
    loop = LiveLoop(
        plan,
        speaker=speaker,
        out=out,
        cues=load_cues(),
        clock=time.monotonic,
        inbox=inbox,
        recorder=recorder,
        options=LiveOptions(
            tick_seconds=options.tick_seconds, guard=options.guard, barge_in=options.barge_in
        ),
        reopen=reopen,
        session=session,
    )
    problem = loop.start_output()
    if problem is not None:
        err.print(f"facecoach: {problem}; running in text mode (lines printed, keys work).")
        loop.out = _text_out()
        loop.start_output()
    text_mode = loop.out.name == TEXT_MODE
    sources: list[CommandSource] = list(command_sources)
    sources += [make(loop.gate) for make in gated_sources]
    if options.keyboard and sys.stdin.isatty():
        sources.append(KeyboardSource(sys.stdin))
    loop.sources = sources
    engine = f"{options.tts} {options.voice or 'default voice'} at {options.rate} words a minute"
    # The microphone, when voice is on, is named by the voice's own start line.
    console.print(f"Output: {loop.out.name}. Voice: {engine}.")
    console.print(key_help(), style="dim")
    loop.view = make_view(
        plan, loop.session, output=loop.out.name, text_mode=text_mode, console=console
    )
    _warm_cache(speaker, plan)
    restore = _stop_on_sigterm(loop)
    try:
        if on_loop is not None:
            on_loop(loop)
        loop.run()
    finally:
        restore()
        speaker.close()
    return 0


def _stop_on_sigterm(loop: LiveLoop) -> Callable[[], None]:
    """End the session as "stop" on SIGTERM (a closed terminal, ``kill``), so it is kept."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: loop.interrupt("terminated"))

    def restore() -> None:
        signal.signal(signal.SIGTERM, previous)

    return restore


def run_live_from_args(
    plan: Plan,
    args: argparse.Namespace,
    *,
    command_sources: Sequence[CommandSource] = (),
    gated_sources: Sequence[Callable[[SpeechGate], CommandSource]] = (),
    recorder: Callable[[RecordEntry], None] | None = None,
    session: Session | None = None,
) -> int:
    """``run_live`` with options from a parser that had ``add_sound_arguments``.

    A bad config file or option is a one-line message and status 2.
    """
    try:
        options = sound_options(args)
    except DeviceProblem as error:
        print(f"facecoach: {error}", file=sys.stderr)
        return 2
    return run_live(
        plan,
        options,
        command_sources=command_sources,
        gated_sources=gated_sources,
        recorder=recorder,
        session=session,
    )


def _warm_cache(speaker: Speaker, plan: Plan) -> None:
    """Render the plan's lines in the background, in order, so each is ready in time."""
    from .export import spoken_lines

    def work() -> None:
        for text in spoken_lines(plan):
            try:
                speaker.render(text)
            except TtsUnavailable:
                return

    threading.Thread(target=work, name="facecoach-prerender", daemon=True).start()
