"""Commands of the sound area (``voices``, ``devices``, ``export``) and the live run.

``run_live`` is what ``facecoach run`` calls for a real session; the options
it takes come from ``add_sound_arguments`` and ``sound_options``.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from ._audio_out import AudioOut, MemoryAudioOut, OutputUnavailable, SounddeviceOut
from ._cues import load_cues
from ._devices import DeviceProblem, choose_device, list_devices, load_config, save_config
from ._events import RecordEntry
from ._keyboard import KeyboardSource, key_help
from ._live import LiveLoop, LiveOptions
from ._liveview import make_view
from ._mixer import DEFAULT_PRIMER_SECONDS
from ._paths import Places, places
from ._plan import DEFAULT_SPEECH_RATE, Plan
from ._ports import CommandSource, SpeechGate
from ._timebase import QueueInbox, RealScheduler
from ._tts import FakeSpeaker, Speaker, TtsUnavailable, make_speaker

__all__ = [
    "SoundOptions",
    "add_sound_arguments",
    "register",
    "run_live",
    "run_live_from_args",
    "sound_options",
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


def sound_options(args: argparse.Namespace) -> SoundOptions:
    """Options from ``args`` over the saved config; choices given now are saved.

    Raises ``DeviceProblem`` for a config file that cannot be read.
    """
    where = places(getattr(args, "data_dir", None))
    config = load_config(where.config_file)
    given: dict[str, Any] = {}
    for attr, key in {**_SAVED, **_SAVED_LIVE}.items():
        value = getattr(args, attr, None)
        if value is not None:
            given[key] = value
    if given:
        save_config(where.config_file, given)
        config.update(given)
    for value, what in ((config.get("rate"), "--rate"), (config.get("volume"), "--volume")):
        if value is not None and not (isinstance(value, (int, float)) and value >= 0):
            raise DeviceProblem(f"{where.config_file}: {what} must be a positive number")
    volume = float(config.get("volume", 1.0))
    if not 0.0 <= volume <= 1.0:
        raise DeviceProblem(f"--volume {volume:g}: must be between 0 and 1")
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


def _speaker(options: SoundOptions, where: Places) -> Speaker:
    return make_speaker(
        options.tts,
        voice=options.voice,
        rate=options.rate,
        cache_dir=where.cache / "speech",
        models_dir=where.models / "piper",
    )


def _device_out(spec: str | None, options: SoundOptions) -> AudioOut:
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
) -> int:
    """Run ``plan`` live; returns the exit status (0 done or stopped, 2 bad device).

    ``command_sources`` hear commands (the keyboard is added when stdin is a
    terminal and ``options.keyboard``). Each of ``gated_sources`` is called
    with the ``SpeechGate`` of this run's output path (exact speech end times
    plus ``options.guard``; never gating with ``barge_in``) and returns a
    source, e.g. the microphone. ``recorder`` gets every ``Record`` entry.
    ``on_loop`` sees the loop just before it starts (benchmarks, tests).
    """
    console = console or Console(highlight=False)
    err = Console(stderr=True, highlight=False)
    where = places(options.data_dir)
    try:
        speaker: Speaker = _speaker(options, where)
    except TtsUnavailable as error:
        err.print(f"facecoach: {error}; lines are shown on screen only.")
        speaker = FakeSpeaker(silent=True)
    try:
        out = _text_out() if options.text_only else _device_out(options.output, options)
    except DeviceProblem as error:
        err.print(f"facecoach: {error}")
        return 2
    except OutputUnavailable as error:
        err.print(f"facecoach: {error}; running in text mode (lines printed, keys work).")
        out = _text_out()

    def reopen() -> AudioOut:
        try:
            return _device_out(options.output, options)
        except (DeviceProblem, OutputUnavailable):
            return _device_out(None, options)

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
    console.print(f"Output: {loop.out.name}. Input: {options.input or 'default'}. Voice: {engine}.")
    console.print(key_help(), style="dim")
    loop.view = make_view(
        plan, loop.session, output=loop.out.name, text_mode=text_mode, console=console
    )
    _warm_cache(speaker, plan)
    if on_loop is not None:
        on_loop(loop)
    loop.run()
    speaker.close()
    return 0


def run_live_from_args(
    plan: Plan,
    args: argparse.Namespace,
    *,
    command_sources: Sequence[CommandSource] = (),
    gated_sources: Sequence[Callable[[SpeechGate], CommandSource]] = (),
    recorder: Callable[[RecordEntry], None] | None = None,
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
    )


def _warm_cache(speaker: Speaker, plan: Plan) -> None:
    """Render the plan's lines in the background, in order, so each is ready in time."""
    from ._export import spoken_lines

    def work() -> None:
        for text in spoken_lines(plan):
            try:
                speaker.render(text)
            except TtsUnavailable:
                return

    threading.Thread(target=work, name="facecoach-prerender", daemon=True).start()


# ------------------------------------------------------------------ commands


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this area's subcommands to the parser."""
    p = sub.add_parser("voices", help="list the voices of the speech engine")
    p.add_argument("--tts", choices=("pyttsx3", "piper"), default=None)
    p.set_defaults(handler=_voices)

    p = sub.add_parser("devices", help="list sound output and input devices")
    p.set_defaults(handler=_devices)

    p = sub.add_parser("export", help="write a whole session to one WAV file")
    p.add_argument("routine", metavar="ROUTINE", help="a built-in routine id, or a YAML file")
    p.add_argument("--routine", dest="routine_id", metavar="ID", help="which routine in the file")
    p.add_argument("--side", choices=("left", "right"), help="the affected side")
    p.add_argument("-o", "--out", required=True, type=Path, metavar="FILE.wav")
    add_sound_arguments(p, live=False)
    p.set_defaults(handler=_export)


def _voices(args: argparse.Namespace) -> int:
    try:
        options = sound_options(args)
        speaker = _speaker(options, places(args.data_dir))
        voices = speaker.voices()
    except (TtsUnavailable, DeviceProblem) as error:
        print(f"facecoach: {error}", file=sys.stderr)
        return 1
    finally:
        if "speaker" in locals():
            speaker.close()
    table = Table(title=f"Voices of {options.tts}", title_justify="left")
    for column in ("id", "name", "languages"):
        table.add_column(column)
    for voice in voices:
        table.add_row(voice.id, voice.name, ", ".join(voice.languages))
    Console(highlight=False).print(table)
    return 0


def _devices(args: argparse.Namespace) -> int:
    devices = list_devices()
    console = Console(highlight=False)
    if not devices:
        console.print("No sound devices found. facecoach runs in text mode (lines printed).")
        return 0
    try:
        config = load_config(places(args.data_dir).config_file)
    except DeviceProblem as error:
        print(f"facecoach: {error}", file=sys.stderr)
        config = {}
    table = Table(title="Sound devices", title_justify="left")
    for column in ("#", "name", "host API", "out", "in", "rate", "default"):
        table.add_column(column)
    for d in devices:
        mark = " ".join(
            w for w, on in (("output", d.default_output), ("input", d.default_input)) if on
        )
        table.add_row(
            str(d.index),
            d.name,
            d.hostapi,
            str(d.outputs),
            str(d.inputs),
            f"{d.default_rate:g}",
            mark,
        )
    console.print(table)
    console.print(
        f"Chosen: output {config.get('output_device') or 'default'}, "
        f"input {config.get('input_device') or 'default'} (set with --output / --input)."
    )
    return 0


def _export(args: argparse.Namespace) -> int:
    from ._cli_core import UsageProblem, resolve_routine
    from ._export import export_session
    from ._loader import RoutineFileError
    from ._plan import compile_plan

    try:
        routine, library = resolve_routine(args.routine, args.routine_id)
        options = sound_options(args)
        speaker = _speaker(options, places(args.data_dir))
    except RoutineFileError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return 1
    except (UsageProblem, DeviceProblem, TtsUnavailable) as error:
        print(f"facecoach: {error}", file=sys.stderr)
        return 2
    plan = compile_plan(routine, library, person_side=args.side)
    try:
        result = export_session(plan, speaker, args.out)
    except TtsUnavailable as error:
        print(f"facecoach: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"facecoach: cannot write {args.out}: {error.strerror}", file=sys.stderr)
        return 1
    finally:
        speaker.close()
    print(
        f"Wrote {result.path}: {result.seconds:.1f} s "
        f"(plan with rendered speech: {result.plan_seconds:.1f} s)."
    )
    return 0
