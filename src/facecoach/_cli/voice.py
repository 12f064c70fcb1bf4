"""Commands of the voice area: ``listen``, ``check`` and ``model download``."""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from collections.abc import Callable

import numpy as np

from .._core.commands import Command
from .._core.ports import CommandSource, SpeechGate
from .._paths import Places, places
from .._voice.download import PINNED_FILES, DownloadError, download_files, download_model
from .._voice.duplex import Duplex, FilePlayback, make_duplex, measured_echo, situation
from .._voice.headset import QUIET_DBFS, hear_one, level_dbfs
from .._voice.langpack import load_pack
from .._voice.mic import AudioSource, MicError, MicSource, WavSource, read_wav, resample
from .._voice.recognizer import Decision
from .._voice.source import (
    VoiceCommands,
    VoiceError,
    VoiceSettings,
    build_voice_source,
    make_recognizer,
)
from .._voice.wavfile import check_audio_file
from .failure import CommandFailed
from .voice_options import add_input_argument, add_voice_arguments, input_device

__all__ = ["register", "voice_sources"]


def voice_sources(
    settings: VoiceSettings,
    where: Places,
    say: Callable[[str], None] = print,
    clock: Callable[[], float] = time.monotonic,
) -> list[Callable[[SpeechGate], CommandSource]]:
    """The voice source for ``run``, as ``run_live(gated_sources=...)`` wants it.

    Says (through ``say``) which engine and model listen, or why voice is
    off; a problem never stops the run: the list is then empty and the
    keyboard still works.
    """
    try:
        voice = build_voice_source(settings, where, clock, sleep=time.sleep)
    except VoiceError as exc:
        say(f"Voice commands are off: {exc}. The keyboard works.")
        return []
    say(f"Listening with {voice.description}.")
    return [voice.bind]


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this area's subcommands to the parser."""
    p = sub.add_parser("listen", help="recognise spoken commands from the mic or a WAV file")
    p.add_argument("--file", metavar="WAV", help="read this WAV file (any rate, mono or stereo)")
    p.add_argument(
        "--playback",
        metavar="WAV",
        help="with --file: what was played while it was recorded (sample-aligned at 0); "
        "heard as a live run hears the person over the coach",
    )
    add_voice_arguments(p)
    p.add_argument("--json", action="store_true", help="one JSON object per command on stdout")
    p.add_argument("--verbose", action="store_true", help="also show rejected speech (on stderr)")
    add_input_argument(p)
    p.add_argument(
        "--seconds", type=float, metavar="N", help="stop listening to the mic after N seconds"
    )
    p.set_defaults(handler=_listen)

    p = sub.add_parser("check", help="headset check: input level, a test line, 'say next'")
    add_voice_arguments(p)
    add_input_argument(p)
    p.add_argument("--seconds", type=float, default=6.0, help="how long to wait for 'next'")
    p.set_defaults(handler=_check)

    p = sub.add_parser("model", help="speech models")
    models = p.add_subparsers(dest="model_command", metavar="ACTION")
    models.required = True
    d = models.add_parser(
        "download", help="download Whisper tiny.en, or the small Vosk model for a language"
    )
    d.add_argument(
        "lang",
        nargs="?",
        default="en",
        metavar="MODEL",
        help="whisper-tiny.en, or a language for its Vosk model (default en)",
    )
    d.set_defaults(handler=_download)


def _listen(args: argparse.Namespace) -> int:
    if args.playback and not args.file:
        raise CommandFailed("--playback goes with --file (the recording made while it played)", 2)
    where = places(args.data_dir)
    if args.file:  # a damaged file is said before the recogniser takes seconds to load
        try:
            check_audio_file(args.file)
        except MicError as exc:
            raise CommandFailed(str(exc), 2) from None
    try:
        recognizer = make_recognizer(
            args.lang, where, args.engine, args.model, remember=not args.file
        )
    except VoiceError as exc:
        raise CommandFailed(str(exc), 2) from None
    source: AudioSource
    duplex: Duplex | None = None
    if args.file:
        try:
            source = WavSource(args.file)
            if args.playback:
                duplex = make_duplex(True, args.echo)
                assert duplex is not None
                duplex.attach(FilePlayback(read_wav(args.playback)))
        except MicError as exc:
            raise CommandFailed(str(exc), 2) from None
    else:
        mic = MicSource(time.monotonic, device=input_device(args.mic_input))
        try:
            mic.open()
        except MicError as exc:
            raise CommandFailed(str(exc), 2) from None
        source = mic
    if not args.json:
        print(f"Listening with {voice_description(recognizer, source, duplex)}.")
        if not args.file:
            print("Say a command (Ctrl-C to stop).")

    def show(decision: Decision) -> None:
        if decision.command is not None:
            if args.json:
                print(json.dumps(decision.as_json(), ensure_ascii=False), flush=True)
            else:
                print(
                    f"{decision.end:7.2f} s  {decision.command.value:<9}  heard {decision.text!r}",
                    flush=True,
                )
        elif args.verbose:
            print(
                f"{decision.end:7.2f} s  (rejected: {decision.reason}) {decision.text!r}",
                file=sys.stderr,
            )

    fed: list[VoiceCommands] = []
    # A file's clock is its own audio time, so PLAYED lines up with it sample for sample.
    clock = (lambda: fed[0].heard_seconds) if args.file else time.monotonic
    voice = VoiceCommands(source, recognizer, clock, gate=None, on_decision=show, duplex=duplex)
    fed.append(voice)
    if args.file:
        try:
            voice.run(lambda heard: None)
        except MicError as exc:
            raise CommandFailed(str(exc), 2) from None
        return 0
    return _listen_live(voice, args.seconds)


def voice_description(recognizer: object, source: AudioSource, duplex: Duplex | None) -> str:
    """Engine, input and barge-in, for the first line of ``listen``."""
    text = f"{getattr(recognizer, 'description', '')}; input {source.description}"
    return text if duplex is None else f"{text}; {duplex.description}"


def _listen_live(voice: VoiceCommands, seconds: float | None) -> int:
    voice.start(lambda heard: None)
    try:
        end = None if seconds is None else time.monotonic() + seconds
        while end is None or time.monotonic() < end:
            time.sleep(0.1)
            if voice.error is not None:
                raise CommandFailed(str(voice.error), 2)
    finally:
        voice.stop()
    return 0


def _meter(source: MicSource, seconds: float) -> float:
    """Show the input level for ``seconds``; return the loudest block (dBFS)."""
    loudest = -90.0
    start = time.monotonic()
    end = start + seconds
    shown = start
    window: list[np.ndarray] = []
    for block in source.blocks():
        window.append(block.samples)
        now = time.monotonic()
        # Blocks are short (20 ms); the bar moves ten times a second.
        if now - shown >= 0.1 or now >= end:
            level = level_dbfs(np.concatenate(window))
            window = []
            shown = now
            loudest = max(loudest, level)
            bars = int(max(0.0, min(40.0, (level + 80) / 2)))
            print(f"\r  level {level:6.1f} dBFS |{'#' * bars:<40}|", end="", flush=True)
        if now >= end:
            break
    print()
    return loudest


def _say(text: str, args: argparse.Namespace) -> None:
    """Speak a line through the run's own output path and chosen device; always print it.

    The check is of the headset a session will use, so it goes the same way a
    session's speech does: the saved voice, rate and output device. The
    microphone listens meanwhile, and how loud the line came back into it
    says whether this is a headset or a loudspeaker (what that means for
    hearing "too tight" while the coach talks is said).
    """
    print(f'  coach: "{text}"')
    from .._live.wiring import speak_line
    from .options import sound_options

    mic = MicSource(time.monotonic, device=input_device(args.mic_input))
    heard: list[np.ndarray] = []
    listening = threading.Event()

    def record() -> None:
        for block in mic.blocks():
            heard.append(block.samples)
        listening.set()

    try:
        mic.open()
        threading.Thread(target=record, name="facecoach-echo", daemon=True).start()
    except MicError:
        listening.set()  # the echo cannot be measured; step 3 says why
    try:
        sound = speak_line(text, sound_options(args))
    except Exception as exc:  # any failure here only means the line is not heard
        print(f"  (could not play it: {exc})")
        return
    finally:
        mic.close()
        listening.wait(2.0)
    if heard:
        played = resample(sound.samples.astype(np.float64) * 32767, sound.rate)
        print(f"   {situation(measured_echo(played, np.concatenate(heard)))}")


def _check(args: argparse.Namespace) -> int:
    where = places(args.data_dir)
    try:
        recognizer = make_recognizer(args.lang, where, args.engine, args.model, remember=True)
    except VoiceError as exc:
        raise CommandFailed(str(exc), 2) from None
    print(f"Recogniser: {recognizer.description}")
    mic = MicSource(time.monotonic, device=input_device(args.mic_input))
    try:
        mic.open()
    except MicError as exc:
        raise CommandFailed(str(exc), 2) from None
    print("1. Speak normally for three seconds; the bar should move well past half way.")
    loudest = _meter(mic, 3.0)
    if loudest < QUIET_DBFS:
        print(f"   The microphone is very quiet (peak {loudest:.0f} dBFS): check it is not muted.")
    mic.close()
    print("2. A test line from the coach:")
    _say("This is your coach. If you can hear me, say next.", args)
    # The pack's own word for "next" (in Korean, 다음): the line above is
    # spoken in the coach's English voice.
    wanted = load_pack(args.lang).phrases_of(Command.NEXT)[0]
    print(f"3. Say '{wanted}' now (waiting {args.seconds:g} seconds).")
    mic = MicSource(time.monotonic, device=input_device(args.mic_input))
    result = hear_one(recognizer, mic, args.seconds)
    if result.error is not None:
        raise CommandFailed(result.error, 2)
    print(f"   {result.words(wanted)}")
    return 0 if result.heard is not None else 1


def _progress() -> Callable[[int, int], None]:
    def show(done: int, total: int) -> None:
        share = done / total if total else 0.0
        bar = "#" * int(30 * share)
        print(f"\r  {bar:<30} {done / 1e6:6.1f} / {total / 1e6:.1f} MB", end="", file=sys.stderr)
        if done >= total:
            print(file=sys.stderr)

    return show


def _download(args: argparse.Namespace) -> int:
    where = places(args.data_dir)
    files = PINNED_FILES.get(args.lang)
    what = files.name if files else f"the small Vosk model for {args.lang!r}"
    print(f"Downloading {what} into {where.models} ...")
    try:
        if files is not None:
            path = download_files(files, where.models, progress=_progress())
        else:
            path = download_model(args.lang, where.models, progress=_progress())
    except DownloadError as exc:
        print(file=sys.stderr)
        raise CommandFailed(str(exc), 2) from None
    print(f"Model ready: {path}")
    return 0
