"""The splits of the voice-command benchmark, read from ``tests/data/splits/*.yaml``.

One file per split: when it was written, its status (``tune``: settings are
chosen on it; ``seen``: never chosen on, but its results were looked at while
tuning; ``held out``: run for a report only), and per language the voices
that say the commands and the chatter said between them (whole sentences and
short phrases). ``scripts/bench_commands.py`` makes the recordings from them;
``tests/test_bench_splits.py`` checks every file. Pure data: no engine is
loaded here.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "SPLITS",
    "STATUSES",
    "Chatter",
    "Split",
    "SplitError",
    "VoiceSpec",
    "load_split",
    "split_names",
]

SPLITS = Path(__file__).resolve().parent / "data" / "splits"
STATUSES = ("tune", "seen", "held out")

# The keyword arguments each engine's maker in voice_corpus.py takes, and their types.
ENGINE_OPTIONS: dict[str, dict[str, type]] = {
    "espeak": {"voice": str, "speed": int, "pitch": int},
    "piper": {"length_scale": float, "noise_scale": float, "noise_w": float},
}
_ROOM = ("noise_dbfs", "reverb", "gain_db")


class SplitError(ValueError):
    """A split file that cannot be read; the message names the file and the field."""


@dataclass(frozen=True)
class VoiceSpec:
    """One way of saying things: an engine with its options, in a room."""

    name: str
    engine: str
    """``espeak`` (espeak-ng) or ``piper`` (Piper's joe voice)."""
    options: Mapping[str, str | int | float]
    """Keyword arguments of the engine's maker; those left out take its defaults."""
    noise_dbfs: float = -50.0
    reverb: float = 0.0
    """Seconds for a room's tail to decay by 60 dB (0: dry)."""
    gain_db: float = 0.0


@dataclass(frozen=True)
class Chatter:
    """One language's part of a split."""

    voices: tuple[VoiceSpec, ...]
    sentences: tuple[str, ...]
    short: tuple[str, ...]


@dataclass(frozen=True)
class Split:
    name: str
    written: datetime.date
    status: str
    about: str
    languages: Mapping[str, Chatter]

    def part(self, lang: str) -> Chatter:
        """The voices and chatter of ``lang``; a clear error when the split has none."""
        if lang not in self.languages:
            have = ", ".join(sorted(self.languages))
            raise SplitError(f"split {self.name!r} has no {lang!r} part (it has {have})")
        return self.languages[lang]


def split_names(folder: Path = SPLITS) -> tuple[str, ...]:
    """The names of every split in ``folder``, sorted."""
    return tuple(sorted(p.stem for p in folder.glob("*.yaml")))


def load_split(name: str, folder: Path = SPLITS) -> Split:
    """Read ``folder/name.yaml``."""
    path = folder / f"{name}.yaml"
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        known = ", ".join(split_names(folder))
        raise SplitError(f"{path}: cannot read it ({error.strerror}); splits: {known}") from None
    except yaml.YAMLError as error:
        raise SplitError(f"{path}: not valid YAML: {error}") from None
    where = str(path)
    top = _mapping(raw, where, required=("written", "status", "about"))
    written = top.pop("written")
    if not isinstance(written, datetime.date) or isinstance(written, datetime.datetime):
        raise SplitError(f"{where}: 'written' must be a date (YYYY-MM-DD), not {written!r}")
    status = top.pop("status")
    if status not in STATUSES:
        raise SplitError(f"{where}: 'status' must be one of {', '.join(STATUSES)}, not {status!r}")
    about = _text(top.pop("about"), f"{where}: about")
    if not top:
        raise SplitError(f"{where}: no language part (such as 'en:')")
    languages = {lang: _chatter(part, f"{where}: {lang}") for lang, part in top.items()}
    return Split(name, written, status, about, languages)


def _chatter(raw: Any, where: str) -> Chatter:
    part = _mapping(raw, where, required=("voices", "sentences", "short"), only=True)
    listed = _list(part["voices"], f"{where}.voices")
    voices = tuple(_voice(v, f"{where}.voices[{i}]") for i, v in enumerate(listed))
    names = [v.name for v in voices]
    if len(set(names)) != len(names):
        raise SplitError(f"{where}.voices: two voices have the same name")
    return Chatter(
        voices,
        tuple(_texts(part["sentences"], f"{where}.sentences")),
        tuple(_texts(part["short"], f"{where}.short")),
    )


def _voice(raw: Any, where: str) -> VoiceSpec:
    fields = _mapping(raw, where, required=("name",))
    name = _text(fields.pop("name"), f"{where}.name")
    engines = [e for e in ENGINE_OPTIONS if e in fields]
    if len(engines) != 1:
        raise SplitError(f"{where}: give exactly one engine ({' or '.join(ENGINE_OPTIONS)})")
    engine = engines[0]
    options = _mapping(fields.pop(engine) or {}, f"{where}.{engine}")
    for key, value in options.items():
        kind = ENGINE_OPTIONS[engine].get(key)
        if kind is None:
            known = ", ".join(ENGINE_OPTIONS[engine])
            raise SplitError(f"{where}.{engine}: unknown option {key!r} (known: {known})")
        if not _is(value, kind):
            raise SplitError(f"{where}.{engine}.{key}: must be {kind.__name__}, not {value!r}")
    room: dict[str, float] = {}
    for key, value in fields.items():
        if key not in _ROOM:
            known = ", ".join(("name", *ENGINE_OPTIONS, *_ROOM))
            raise SplitError(f"{where}: unknown field {key!r} (known: {known})")
        if not _is(value, float):
            raise SplitError(f"{where}.{key}: must be a number, not {value!r}")
        room[key] = float(value)
    return VoiceSpec(name, engine, options, **room)


def _is(value: Any, kind: type) -> bool:
    if kind is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, kind) and not isinstance(value, bool)


def _mapping(
    raw: Any, where: str, required: tuple[str, ...] = (), only: bool = False
) -> dict[Any, Any]:
    if not isinstance(raw, dict):
        raise SplitError(f"{where}: must be a mapping of fields")
    missing = [key for key in required if key not in raw]
    if missing:
        raise SplitError(f"{where}: missing {', '.join(missing)}")
    extra = [str(key) for key in raw if key not in required]
    if only and extra:
        raise SplitError(f"{where}: unknown field {extra[0]!r} (known: {', '.join(required)})")
    return dict(raw)


def _list(raw: Any, where: str) -> list[Any]:
    if not isinstance(raw, list) or not raw:
        raise SplitError(f"{where}: must be a non-empty list")
    return raw


def _texts(raw: Any, where: str) -> list[str]:
    return [_text(t, f"{where}[{i}]") for i, t in enumerate(_list(raw, where))]


def _text(raw: Any, where: str) -> str:
    if not isinstance(raw, str) or not raw.strip():
        # YAML reads a bare yes, no, on or off as true or false: quote such phrases.
        raise SplitError(f"{where}: must be text (quote yes, no, on, off), not {raw!r}")
    return raw
