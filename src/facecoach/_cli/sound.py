"""Commands of the sound area: ``voices``, ``devices`` and ``export``."""

from __future__ import annotations

import argparse
import sys

from rich.console import Console
from rich.table import Table

from .._live.wiring import speaker_for
from .._paths import places
from .._sound.devices import list_devices
from .._sound.settings import SoundOptions
from .._sound.speech import TtsUnavailable, VoiceInfo
from .export import add_export_command
from .options import (
    SettingsProblem,
    saved_settings,
    sound_options,
)

__all__ = ["register"]


# ------------------------------------------------------------------ commands


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this area's subcommands to the parser."""
    p = sub.add_parser("voices", help="list the voices of the speech engine")
    p.add_argument("--tts", choices=("pyttsx3", "piper"), default=None)
    p.add_argument(
        "--sample", metavar="VOICE", help="say one line in this voice (id or part of its name)"
    )
    p.set_defaults(handler=_voices)

    p = sub.add_parser("devices", help="list sound output and input devices")
    p.set_defaults(handler=_devices)

    add_export_command(sub)


SAMPLE_LINE = "Hello. This is how I will sound during your session."


def _voices(args: argparse.Namespace) -> int:
    try:
        options = sound_options(args)
        speaker = speaker_for(options, places(args.data_dir))
        try:
            voices = speaker.voices()
        finally:
            speaker.close()
    except (TtsUnavailable, SettingsProblem) as error:
        print(f"facecoach: {error}", file=sys.stderr)
        return 2 if isinstance(error, SettingsProblem) else 1
    if args.sample is not None:
        return _sample(options, args.sample)
    in_use = _voice_in_use(options, voices)
    table = Table(title=f"Voices of {options.tts}", title_justify="left")
    for column in ("", "id", "name", "languages"):
        table.add_column(column)
    for voice in voices:
        mark = "in use" if voice is in_use else ""
        table.add_row(mark, voice.id, voice.name, ", ".join(voice.languages))
    console = Console(highlight=False, markup=False)  # names are printed as they are
    console.print(table)
    if in_use is None:
        console.print(f"In use: {options.voice or 'the engine default'}.")
    console.print(
        "Hear one: facecoach voices --sample NAME. Choose one: facecoach run --voice NAME."
    )
    return 0


def _voice_in_use(options: SoundOptions, voices: list[VoiceInfo]) -> VoiceInfo | None:
    """The listed voice a run would use: the chosen one, else (Piper) the first."""
    if options.voice is None:
        return voices[0] if voices and options.tts == "piper" else None
    low = options.voice.lower()
    exact = [v for v in voices if low in (v.id.lower(), v.name.lower())]
    partial = [v for v in voices if low in v.id.lower() or low in v.name.lower()]
    found = exact or partial
    return found[0] if found else None


def _sample(options: SoundOptions, voice: str) -> int:
    from dataclasses import replace

    from .._live.wiring import speak_line
    from .._sound.devices import DeviceProblem
    from .._sound.output import OutputUnavailable

    print(f'{voice}: "{SAMPLE_LINE}"')
    try:
        speak_line(SAMPLE_LINE, replace(options, voice=voice))
    except (TtsUnavailable, DeviceProblem, OutputUnavailable) as error:
        print(f"facecoach: could not play it: {error}", file=sys.stderr)
        return 1
    return 0


def _devices(args: argparse.Namespace) -> int:
    devices = list_devices()
    console = Console(highlight=False, markup=False)  # device names may hold brackets
    status = 0
    try:
        config = dict(saved_settings(places(args.data_dir)))
    except SettingsProblem as error:  # the devices are still listed; the exit says it (2)
        print(f"facecoach: {error}", file=sys.stderr)
        config = {}
        status = 2
    if not devices:
        console.print("No sound devices found. facecoach runs in text mode (lines printed).")
        return status
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
    return status
