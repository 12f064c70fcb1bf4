"""The one place where arguments and the settings file become settings.

Commands add their options here and turn what was parsed into frozen settings
(``SoundOptions``, ``VoiceSettings``, ``Personal``); nothing below the
command line sees an ``argparse.Namespace``. The settings file is read here,
its values checked like the options they stand for, and a choice is only
remembered once the run that used it got going.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from .._core.ports import GUARD_SECONDS
from .._core.session import TICK_SECONDS
from .._paths import Places, places
from .._person.profile import Ask, keyboard_ask
from .._person.run import RunContext, prepare_run
from .._sound.devices import DeviceProblem, forget_config, load_config, save_config
from .._sound.settings import (
    DEFAULT_PRIMER_SECONDS,
    SoundOptions,
    natural_rate,
    preferred_engine,
)
from .failure import CommandFailed

__all__ = [
    "SPEECH_KEYS",
    "SettingsProblem",
    "add_run_arguments",
    "add_sound_arguments",
    "given_choices",
    "person_run",
    "places_of",
    "question_voice",
    "remember_choices",
    "sound_fields",
    "sound_options",
    "terminal_ask",
]


class SettingsProblem(CommandFailed):
    """A value from the command line or the settings file cannot be used; says which (2)."""

    status = 2


@dataclass(frozen=True)
class _Field:
    """One remembered sound setting: its key in the file, its option, its rule."""

    key: str
    option: str
    check: Callable[[object], str | None]
    """None when the value is usable, else what it must be."""


def _number(low: float, high: float, unit: str) -> Callable[[object], str | None]:
    def check(value: object) -> str | None:
        usable = isinstance(value, (int, float)) and not isinstance(value, bool)
        if usable and low <= value <= high:  # type: ignore[operator]  # no float(): a huge int overflows
            return None
        return f"a number from {low:g} to {high:g}{unit}"

    return check


def _text(value: object) -> str | None:
    return None if isinstance(value, str) and 0 < len(value) <= 200 else "a short piece of text"


def _device(value: object) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return None
    return None if _text(value) is None else "a device number or part of its name"


def _engine(value: object) -> str | None:
    return None if value in ("pyttsx3", "piper") else '"pyttsx3" or "piper"'


RATE_RANGE = (80, 300)
"""Words a minute: slower than 80 drags a 5-minute routine past 15; faster than 300 is a blur."""

_FIELDS = (
    _Field("tts", "--tts", _engine),
    _Field("voice", "--voice", _text),
    _Field("rate", "--rate", _number(*RATE_RANGE, " words a minute")),
    # Silence is not a volume: a session nobody hears is worse than none.
    _Field("volume", "--volume", _number(0.05, 1.0, "")),
    _Field("output_device", "--output", _device),
    _Field("input_device", "--input", _device),
    _Field("primer", "--primer", _number(0.0, 2.0, " seconds")),
)
_BY_OPTION = {f.option.removeprefix("--"): f for f in _FIELDS}
_LIVE_ONLY = {"output", "input", "primer"}


def sound_fields() -> tuple[str, ...]:
    """The keys the settings file may hold."""
    return tuple(f.key for f in _FIELDS)


def places_of(args: argparse.Namespace) -> Places:
    """The folders this command uses (``--data-dir`` or the defaults)."""
    return places(getattr(args, "data_dir", None))


# ------------------------------------------------------------------ sound


def add_sound_arguments(p: argparse.ArgumentParser, *, live: bool = True) -> None:
    """Options for speech (and, with ``live``, devices and timing)."""
    p.add_argument(
        "--tts",
        choices=("pyttsx3", "piper"),
        help=f"speech engine (default here: {preferred_engine()}; Piper when installed)",
    )
    p.add_argument("--voice", help="voice id or part of its name (see 'facecoach voices')")
    low, high = RATE_RANGE
    p.add_argument(
        "--rate",
        type=int,
        help=f"words a minute, {low}-{high} (default: {natural_rate('pyttsx3')} for "
        "pyttsx3, the voice's own pace for Piper)",
    )
    p.add_argument("--volume", type=float, help="0.05 to 1 (default 1)")
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
        "--tick-seconds",
        type=int,
        metavar="N",
        help=f"tick the last N seconds of a hold, 0-10 (default {TICK_SECONDS})",
    )
    p.add_argument(
        "--barge-in",
        choices=("on", "off"),
        nargs="?",
        const="on",
        help="hear 'too tight' and 'stop' while the coach speaks (default on; off: the "
        "microphone is ignored while the coach speaks)",
    )
    p.add_argument(
        "--text-only", action="store_true", help="no sound: print the lines (keys still work)"
    )
    p.add_argument(
        "--guard",
        type=float,
        metavar="SECONDS",
        help=f"ignore the mic this long after speech, 0-3 (default {GUARD_SECONDS})",
    )


def given_choices(args: argparse.Namespace) -> dict[str, Any]:
    """The remembered settings this command line gives, checked; keyed as in the file."""
    given: dict[str, Any] = {}
    for option, spec in _BY_OPTION.items():
        value = getattr(args, option, None)
        if value is None:
            continue
        wanted = spec.check(value)
        if wanted is not None:
            raise SettingsProblem(f"{spec.option} {value}: must be {wanted}")
        given[spec.key] = value
    return given


def _saved(where: Places) -> dict[str, Any]:
    """The settings file's values, each checked; a bad one names the file and the field."""
    try:
        saved = load_config(where.config_file)
    except DeviceProblem as error:
        raise SettingsProblem(str(error)) from None
    keys = {f.key: f for f in _FIELDS}
    for key, value in saved.items():
        spec = keys.get(key)
        if spec is None:
            continue  # kept for newer versions; never used
        wanted = spec.check(value)
        if wanted is not None:
            raise SettingsProblem(
                f"{where.config_file}: {key!r} is {value!r}; it must be {wanted}. "
                f"Fix the file, or forget it with: facecoach settings --reset {key}"
            )
    return saved


def _in_range(args: argparse.Namespace, name: str, low: float, high: float) -> float | None:
    value = getattr(args, name, None)
    if value is None:
        return None
    if not (math.isfinite(value) and low <= value <= high):
        raise SettingsProblem(f"--{name.replace('_', '-')} {value}: must be from {low} to {high}")
    return float(value)


def sound_options(args: argparse.Namespace) -> SoundOptions:
    """The sound settings for this command: its options over the settings file.

    Nothing is saved here; see ``remember_choices``. Raises ``SettingsProblem``.
    """
    where = places_of(args)
    given = given_choices(args)
    saved = _saved(where)
    merged = {**saved, **given}
    tick = _in_range(args, "tick_seconds", 0, 10)
    guard = _in_range(args, "guard", 0.0, 3.0)
    defaults = {f.name: f.default for f in fields(SoundOptions)}
    engine = str(merged.get("tts") or preferred_engine())
    return SoundOptions(
        tts=engine,
        voice=merged.get("voice"),
        rate=int(merged.get("rate") or natural_rate(engine)),
        volume=float(merged.get("volume", defaults["volume"])),
        output=_as_text(merged.get("output_device")),
        output_saved="output_device" in saved and "output_device" not in given,
        input=_as_text(merged.get("input_device")),
        primer=float(merged.get("primer", DEFAULT_PRIMER_SECONDS)),
        tick_seconds=TICK_SECONDS if tick is None else int(tick),
        barge_in=getattr(args, "barge_in", None) != "off",
        text_only=bool(getattr(args, "text_only", False)),
        guard=GUARD_SECONDS if guard is None else guard,
        data_dir=getattr(args, "data_dir", None),
    )


def _as_text(value: object) -> str | None:
    return None if value is None else str(value)


SPEECH_KEYS = ("tts", "voice", "rate")
"""The settings that only prove themselves once lines have been said with them."""


def remember_choices(
    args: argparse.Namespace,
    *,
    leave_out: Iterable[str] = (),
    only: Iterable[str] | None = None,
) -> None:
    """Save this command line's sound choices, once they have worked.

    ``leave_out`` names file keys that did not work this time (a device that
    was not found); ``only``, when given, the keys to save now. A settings
    file that cannot be written is said, not fatal.
    """
    skip = set(leave_out)
    wanted = None if only is None else set(only)
    given = {
        k: v
        for k, v in given_choices(args).items()
        if k not in skip and (wanted is None or k in wanted)
    }
    if not given:
        return
    where = places_of(args)
    try:
        save_config(where.config_file, given)
    except (OSError, DeviceProblem) as error:
        why = error.strerror if isinstance(error, OSError) and error.strerror else error
        print(f"facecoach: could not remember your settings: {why}", file=sys.stderr)


def forget_choices(where: Places, keys: Iterable[str]) -> list[str]:
    """Remove ``keys`` (all when empty) from the settings file; returns what was removed."""
    return forget_config(where.config_file, list(keys))


def saved_settings(where: Places) -> Mapping[str, Any]:
    """The settings file as it is, checked (for ``facecoach settings``)."""
    return _saved(where)


# ------------------------------------------------------------------ a run


def add_run_arguments(p: argparse.ArgumentParser) -> None:
    """The ``run`` options of the person area: ``--record`` and the hidden ``--pace``."""
    p.add_argument(
        "--record",
        action="store_true",
        help="with --simulate: keep the session in the history (marked simulated)",
    )
    # for tests that need a session that takes real time (e.g. killed mid-way)
    p.add_argument("--pace", type=float, default=None, help=argparse.SUPPRESS)


def terminal_ask(speak: Callable[[str], None] | None = None) -> Ask | None:
    """The keyboard asker when stdin is a terminal, else None (nothing is asked).

    With ``speak`` each question is also said, for eyes that are closed.
    """
    return keyboard_ask(speak=speak) if sys.stdin.isatty() else None


def question_voice(args: argparse.Namespace) -> Callable[[str], None] | None:
    """Say first-run questions as the run will speak (its voice, rate, device).

    None when the run will not speak (simulated, text only, JSON). Settings are
    only read when a question is asked; a question that cannot be said is
    still on screen, and after one failure no more are tried.
    """
    if args.simulate or getattr(args, "json", False) or getattr(args, "text_only", False):
        return None
    failed: list[str] = []
    options: list[SoundOptions] = []  # built at the first question, then kept

    def speak(text: str) -> None:
        if failed:
            return
        from .._live.wiring import speak_line

        try:
            if not options:
                options.append(sound_options(args))
            speak_line(text, options[0])
        except Exception as error:  # a question not heard is still on screen
            failed.append(str(error))
            print(f"(the question is on screen only: {error})", flush=True)

    return speak


@contextmanager
def person_run(args: argparse.Namespace) -> Iterator[RunContext]:
    """``prepare_run`` from the ``run`` command's arguments; closes at the end."""
    ctx = prepare_run(
        places_of(args),
        args.routine,
        simulate=bool(args.simulate),
        record=bool(getattr(args, "record", False)),
        side_override=args.side,
        today=date.today(),
        # questions would spoil machine-readable output
        ask=None if getattr(args, "json", False) else terminal_ask(question_voice(args)),
    )
    try:
        yield ctx
    finally:
        ctx.close()
