"""``facecoach enroll``: the person says each command a few times; the Whisper
engine keeps how it hears them and adapts its accept rules (``_voice/enroll.py``)."""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Callable

from .._paths import places
from .._voice.enroll import (
    Enrolment,
    Take,
    enrolment_prompts,
    enrolment_report,
    forget_enrolment,
    personal_rules,
    save_enrolment,
    take_from,
    taught_phrases,
)
from .._voice.mic import AudioSource, MicError, MicSource, WavSource
from .._voice.source import VoiceError, make_recognizer
from .._voice.takes import first_verdict, verdicts
from .._voice.wavfile import check_audio_file
from .._voice.whisper import WhisperRecognizer, WhisperSettings
from .failure import CommandFailed
from .voice_options import add_input_argument, input_device

__all__ = ["register"]


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``enroll`` to the parser."""
    p = sub.add_parser(
        "enroll", help="say each command a few times so the coach learns how you say them"
    )
    p.add_argument("--lang", default="en", help="language pack (en or ko)")
    p.add_argument("--model", metavar="PATH", help="a Whisper model directory")
    p.add_argument("--takes", type=int, default=3, help="times each phrase is said (default 3)")
    p.add_argument(
        "--mic-file",
        metavar="WAV",
        help="read the takes from this recording (every prompt in order, --takes times each)",
    )
    add_input_argument(p)
    p.add_argument("--seconds", type=float, default=6.0, help="how long to wait for each take")
    p.add_argument("--quiet", action="store_true", help="print the prompts, do not speak them")
    p.add_argument("--reset", action="store_true", help="forget the enrolment")
    p.set_defaults(handler=_enroll)


SECONDS_RANGE = (0.5, 60.0)
"""Seconds to wait for a take: long enough to start speaking, short enough to notice."""


def _enroll(args: argparse.Namespace) -> int:
    where = places(args.data_dir)
    if args.reset:
        gone = forget_enrolment(where)
        print("Voice enrolment forgotten." if gone else "There was no voice enrolment.")
        return 0
    if args.takes < 1 or args.takes > 10:
        raise CommandFailed("--takes must be between 1 and 10", 2)
    low, high = SECONDS_RANGE
    if not (math.isfinite(args.seconds) and low <= args.seconds <= high):
        raise CommandFailed(f"--seconds {args.seconds:g}: give {low:g} to {high:g} seconds", 2)
    if args.mic_file:  # said before the recogniser takes seconds to load
        try:
            check_audio_file(args.mic_file)
        except MicError as exc:
            raise CommandFailed(str(exc), 2) from None
    try:
        recognizer = make_recognizer(args.lang, where, "whisper", args.model)
    except VoiceError as exc:
        raise CommandFailed(f"enrolment needs the Whisper engine: {exc}", 2) from None
    if not isinstance(recognizer, WhisperRecognizer):  # pragma: no cover - make_recognizer's
        raise CommandFailed("enrolment needs the Whisper engine", 2)
    from .._voice.langpack import load_pack

    pack = load_pack(args.lang)
    prompts = enrolment_prompts(pack)
    print(f"Enrolment with {recognizer.description}.")
    if args.mic_file:
        takes = _from_file(recognizer, args.mic_file, prompts, args.takes)
        if takes is None:
            return 2
    else:
        print("After each take: Enter keeps it, r redo, s skip this phrase, q quit.")
        try:
            takes = _from_mic(recognizer, prompts, args)
        except MicError as exc:  # no microphone at all: a device problem (2)
            raise CommandFailed(str(exc), 2) from None
    if not takes:
        print("No takes: nothing kept.")
        return 1
    general = WhisperSettings.for_pack(pack)
    default_rules = {c.value: r for c, r in general.rules}
    rules = personal_rules(takes, default_rules, general.rule)
    for line in enrolment_report(takes, pack, rules, general.rule):
        print(line)
    for command, rule in sorted(rules.items()):
        before = default_rules.get(command, general.rule)
        if rule != before:
            print(
                f"  {command}: margin {before.margin:g} -> {rule.margin:.1f}, floor "
                f"{before.floor:g} -> {rule.floor:.1f}, end {before.end_floor:g} -> "
                f"{rule.end_floor:.1f} (within the safe limit)"
            )
    for command, phrase in taught_phrases(takes, pack, rules, general.rule).items():
        print(f"  The coach will suggest '{phrase}' for {command.value} from now on.")
    path = save_enrolment(where, Enrolment(pack.code, recognizer.model_name, tuple(takes)))
    print(f"Kept in {path}; run, listen and check use it. Forget it: facecoach enroll --reset")
    return 0


def _shown(take: Take) -> str:
    if take.right_phrase:
        return f"heard '{take.text}' (score {take.score:.1f})"
    return f"heard {take.text!r} instead" if take.text else "heard no phrase"


def _from_file(
    recognizer: WhisperRecognizer, path: str, prompts: list[tuple[str, str]], count: int
) -> list[Take] | None:
    try:
        source = WavSource(path)
    except MicError as exc:
        print(f"facecoach: {exc!s}", file=sys.stderr)
        return None
    expected = [(p, c, n) for p, c in prompts for n in range(1, count + 1)]
    takes = []
    for (phrase, command, n), verdict in zip(expected, verdicts(recognizer, source), strict=False):
        take = take_from(verdict, phrase, command)
        print(f"  '{phrase}' take {n}: {_shown(take)}")
        takes.append(take)
    if len(takes) < len(expected):
        print(f"  The recording held {len(takes)} takes of {len(expected)}.")
    return takes


def _from_mic(
    recognizer: WhisperRecognizer,
    prompts: list[tuple[str, str]],
    args: argparse.Namespace,
    open_source: Callable[[], AudioSource] | None = None,
    key: Callable[[str], str] | None = None,
) -> list[Take]:
    """Prompt, hear and keep takes; ``open_source`` (one per take) and ``key``
    stand in for the microphone and the keyboard in tests."""
    takes: list[Take] = []
    read_key = key or _key_reader()
    opener = open_source or (lambda: _open_mic(args.mic_input))
    for phrase, command in prompts:
        _prompt(f"Say '{phrase}'.", args)
        n = 1
        while n <= args.takes:
            print(f"  take {n} of {args.takes}: say '{phrase}' now")
            try:
                source = opener()
            except MicError as exc:
                if not takes:
                    raise
                print(f"facecoach: {exc!s}", file=sys.stderr)
                return takes
            verdict = first_verdict(recognizer, source, args.seconds)
            take = take_from(verdict, phrase, command)
            print(f"    {_shown(take)}" if verdict is not None else "    heard nothing")
            answer = read_key("    Enter keep, r redo, s skip, q quit: ")
            if answer == "q":
                return takes
            if answer == "s":
                break
            if answer == "r" or verdict is None:
                continue
            takes.append(take)
            n += 1
    return takes


def _open_mic(device: str | None) -> AudioSource:
    mic = MicSource(time.monotonic, device=input_device(device))
    mic.open()
    return mic


def _prompt(text: str, args: argparse.Namespace) -> None:
    """Print the prompt; speak it as a session's lines are spoken (saved voice and device)."""
    print(text)
    if args.quiet:
        return
    from .._live.wiring import speak_line
    from .options import sound_options

    try:
        speak_line(text, sound_options(args))
    except Exception as exc:  # a prompt not heard is still printed
        print(f"  (could not speak it: {exc})")


def _key_reader() -> Callable[[str], str]:
    """Read one key (a terminal) or one line (anything else)."""

    def read(prompt: str) -> str:
        print(prompt, end="", flush=True)
        if sys.stdin.isatty():
            import termios
            import tty

            fd = sys.stdin.fileno()
            saved = termios.tcgetattr(fd)
            try:
                tty.setcbreak(fd)
                char = sys.stdin.read(1)
            finally:
                termios.tcsetattr(fd, termios.TCSADRAIN, saved)
            print()
            return char.strip().lower()
        line = sys.stdin.readline()
        return line.strip().lower()[:1] if line else "q"

    return read
