"""Commands of the sound area: ``voices``, ``devices`` and ``export``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

from .._live.wiring import speaker_for
from .._paths import places
from .._sound.devices import list_devices
from .._sound.speech import TtsUnavailable
from .options import (
    SettingsProblem,
    add_sound_arguments,
    saved_settings,
    sound_options,
)

__all__ = ["register"]


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
        speaker = speaker_for(options, places(args.data_dir))
        voices = speaker.voices()
    except (TtsUnavailable, SettingsProblem) as error:
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
        config = dict(saved_settings(places(args.data_dir)))
    except SettingsProblem as error:
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
    from .._core.loader import RoutineFileError
    from .._core.plan import compile_plan
    from .._live.export import export_session
    from .core import UsageProblem, resolve_routine

    try:
        routine, library = resolve_routine(args.routine, args.routine_id)
        options = sound_options(args)
        speaker = speaker_for(options, places(args.data_dir))
    except RoutineFileError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return 1
    except (UsageProblem, SettingsProblem, TtsUnavailable) as error:
        print(f"facecoach: {error}", file=sys.stderr)
        return 2
    plan = compile_plan(routine, library, person_side=args.side)
    try:
        result = export_session(plan, speaker, args.out, volume=options.volume)
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
