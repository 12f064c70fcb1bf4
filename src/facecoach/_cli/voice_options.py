"""Voice options, and the ``VoiceSettings`` they become (light: no audio libraries)."""

from __future__ import annotations

import argparse
from typing import cast

from .._sound.settings import SoundOptions
from .._voice.settings import Engine, VoiceSettings

__all__ = [
    "add_input_argument",
    "add_run_voice_arguments",
    "add_voice_arguments",
    "input_device",
    "voice_settings",
]

ENGINES = ("auto", "whisper", "vosk", "pocketsphinx")


def add_voice_arguments(p: argparse.ArgumentParser) -> None:
    """The recogniser options shared by ``listen``, ``check`` and ``run``."""
    p.add_argument(
        "--engine",
        choices=ENGINES,
        default="auto",
        help="recogniser (default: Whisper when installed: tiny.en for English, base for "
        "Korean; else Vosk when a model for the language is found, else PocketSphinx)",
    )
    p.add_argument("--lang", default="en", help="language pack: en or ko (default en)")
    p.add_argument("--model", metavar="PATH", help="a Vosk or Whisper model directory")
    p.add_argument(
        "--echo",
        choices=("linear", "webrtc"),
        default="linear",
        help="how the coach's own voice is removed to hear you over it: linear (built in, "
        "the default) or webrtc (WebRTC's canceller: pip install 'facecoach[barge-in]')",
    )


def add_run_voice_arguments(p: argparse.ArgumentParser) -> None:
    """Voice options for ``facecoach run`` (``--input`` and ``--barge-in`` come from sound)."""
    add_voice_arguments(p)
    p.add_argument(
        "--mic-file", metavar="WAV", help="hear commands from this WAV file, in real time"
    )
    p.add_argument("--no-voice", action="store_true", help="keyboard only: do not listen")


def add_input_argument(p: argparse.ArgumentParser) -> None:
    """``--input DEVICE``, the microphone, named as ``run`` names it."""
    p.add_argument(
        "--input",
        dest="mic_input",
        metavar="DEVICE",
        help="input device: number or part of its name",
    )
    p.add_argument("--mic-input", dest="mic_input", help=argparse.SUPPRESS)  # its earlier name


def input_device(spec: str | None) -> int | str | None:
    """A device option as sounddevice wants it: an index, or part of a name."""
    if spec is None:
        return None
    return int(spec) if spec.isdigit() else spec


def voice_settings(args: argparse.Namespace, sound: SoundOptions) -> VoiceSettings | None:
    """The voice settings of ``run`` (None with ``--no-voice``).

    The microphone is the one given now or saved by an earlier run (in ``sound``).
    """
    if args.no_voice:
        return None
    return VoiceSettings(
        lang=args.lang,
        engine=cast(Engine, args.engine),
        model=args.model,
        barge_in=sound.barge_in,
        echo=args.echo,
        device=input_device(sound.input),
        mic_file=args.mic_file,
    )
