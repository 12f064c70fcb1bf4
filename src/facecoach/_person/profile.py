"""The person: affected side, stage, preferred days, and the first-run questions.

The profile is a small JSON file next to the settings (``profile.json`` in the
config directory), kept apart from the history database so that a damaged
history never hides the stage, which the safety gate needs.

Questions go through an injected ``Ask`` callable: the keyboard asker is
here; a voice asker can be dropped in later with the same shape (each
``Question`` carries the words that answer it, ready for a grammar).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal, TextIO, cast

from .._paths import PlaceProblem, Places, read_regular, write_text_atomic
from .dates import DateProblem, read_day
from .plan_fields import plan_fields

__all__ = [
    "DAY_NAMES",
    "SIDES",
    "STAGES",
    "STAGE_TEXT",
    "UPKEEPS",
    "Ask",
    "Profile",
    "ProfileProblem",
    "Question",
    "SideName",
    "Stage",
    "StageName",
    "UpkeepName",
    "ask_first_run",
    "describe",
    "keyboard_ask",
    "load_profile",
    "parse_days",
    "profile_path",
    "save_profile",
]

SideName = Literal["left", "right", "both"]
UpkeepName = Literal["weekly", "monthly"]


class Stage(StrEnum):
    """Where recovery stands; its value is the word in the profile file and on the command line."""

    NOT_YET = "not-yet"
    RECENT = "recent"
    LONG_STANDING = "long-standing"
    AFTER_CARE = "after-care"


StageName = Stage
"""The former name of ``Stage``."""

SIDES: tuple[SideName, ...] = ("left", "right", "both")
STAGES: tuple[str, ...] = tuple(stage.value for stage in Stage)
"""The stage words, in order (for choices and questions)."""
UPKEEPS: tuple[UpkeepName, ...] = ("weekly", "monthly")
DAY_NAMES: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

STAGE_TEXT: dict[str, str] = {
    Stage.NOT_YET: "movement has not yet started to return",
    Stage.RECENT: "movement has recently started to return",
    Stage.LONG_STANDING: "the palsy is long-standing",
    Stage.AFTER_CARE: "drooping or tightness, even years later",
}
"""How each stage reads, for questions and reasons."""


class ProfileProblem(Exception):
    """The profile file or a value given for it is not usable; the message says why."""


@dataclass(frozen=True)
class Profile:
    """Whom facecoach coaches. ``None`` means not set."""

    side: SideName | None = None
    """The affected side of the face."""
    stage: Stage | None = None
    """Where recovery stands; decides the safety gate and the frequency."""
    days: tuple[int, ...] = ()
    """Preferred weekdays (0 Monday .. 6 Sunday) for the stages that are not daily."""
    stage_since: date | None = None
    """When the stage was last set (after-care restarts daily from then)."""
    upkeep: UpkeepName = "weekly"
    """After-care, once restarted: how often to keep it up."""
    asked: bool = False
    """The first-run questions have been put (so they are not put again)."""
    routine: str | None = None
    """The person's own plan: this routine every session day instead of the rotation."""
    routine_file: str | None = None
    """Where the plan's routine was copied from (a copy is kept in the data folder);
    None for a built-in routine."""
    routine_since: date | None = None
    """When the plan was chosen."""
    remind_at: str = "09:00"
    """The time of day of reminders (HH:MM, local time)."""
    alert_minutes: int = 15
    """How long before a calendar reminder's event its alert goes off."""

    def __post_init__(self) -> None:
        if self.stage is not None and not isinstance(self.stage, Stage):
            object.__setattr__(self, "stage", Stage(self.stage))  # a stage word given as text

    @property
    def side_word(self) -> str | None:
        """What fills ``{side}``: "left" or "right", else None ("affected")."""
        return self.side if self.side in ("left", "right") else None

    def with_stage(self, stage: Stage | None, today: date) -> Profile:
        """The profile with ``stage`` set, dated ``today`` when it changes."""
        if stage == self.stage:
            return self
        return replace(self, stage=stage, stage_since=today if stage else None)

    def to_json(self) -> dict[str, Any]:
        """The shape kept on disk and shown by ``facecoach profile --json``."""
        return {
            "side": self.side,
            "stage": self.stage,
            "days": [DAY_NAMES[d] for d in self.days],
            "stage_since": self.stage_since.isoformat() if self.stage_since else None,
            "upkeep": self.upkeep,
            "asked": self.asked,
            "routine": self.routine,
            "routine_file": self.routine_file,
            "routine_since": self.routine_since.isoformat() if self.routine_since else None,
            "remind_at": self.remind_at,
            "alert_minutes": self.alert_minutes,
        }

    @classmethod
    def from_json(cls, data: object, where: str) -> Profile:
        """Read the on-disk shape; ``ProfileProblem`` names the field that is wrong."""
        if not isinstance(data, dict):
            raise ProfileProblem(f"{where}: expected a JSON object")
        side = data.get("side")
        if side is not None and side not in SIDES:
            raise ProfileProblem(f"{where}: side: expected one of {', '.join(SIDES)}, not {side!r}")
        stage = data.get("stage")
        if stage is not None and stage not in STAGES:
            raise ProfileProblem(
                f"{where}: stage: expected one of {', '.join(STAGES)}, not {stage!r}"
            )
        upkeep = data.get("upkeep", "weekly")
        if upkeep not in UPKEEPS:
            raise ProfileProblem(f"{where}: upkeep: expected weekly or monthly, not {upkeep!r}")
        days_raw = data.get("days", [])
        if not isinstance(days_raw, list) or not all(isinstance(d, str) for d in days_raw):
            raise ProfileProblem(f"{where}: days: expected a list of day names like 'mon'")
        try:
            days = parse_days(" ".join(days_raw))
        except ValueError as error:
            raise ProfileProblem(f"{where}: days: {error}") from None
        since_raw = data.get("stage_since")
        try:
            since = read_day(since_raw) if since_raw is not None else None
        except DateProblem as error:
            raise ProfileProblem(f"{where}: stage_since: {error}") from None
        try:
            plan = plan_fields(data)
        except ValueError as error:
            raise ProfileProblem(f"{where}: {error}") from None
        return cls(
            side=cast("SideName | None", side),
            stage=Stage(stage) if stage is not None else None,
            days=days,
            stage_since=since,
            upkeep=cast(UpkeepName, upkeep),
            asked=bool(data.get("asked", False)),
            **plan,
        )


def parse_days(text: str) -> tuple[int, ...]:
    """Weekdays from words like "mon wed fri" (or "monday, thursday"); sorted, unique."""
    days: set[int] = set()
    for word in text.replace(",", " ").lower().split():
        index = next((i for i, full in enumerate(_FULL_DAYS) if full.startswith(word)), None)
        if index is None or len(word) < 2:
            raise ValueError(f"{word!r} is not a day of the week (mon, tue, ... sun)")
        days.add(index)
    return tuple(sorted(days))


_FULL_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def profile_path(where: Places) -> Path:
    """The profile file."""
    return where.config / "profile.json"


def load_profile(where: Places) -> Profile:
    """The saved profile, or an empty one when there is none yet."""
    path = profile_path(where)
    try:
        raw = read_regular(path, limit=_MAX_PROFILE_BYTES, what="profile")
    except FileNotFoundError:
        return Profile()
    except PlaceProblem as error:
        raise ProfileProblem(str(error.strerror)) from None
    except OSError as error:
        raise ProfileProblem(f"{path}: cannot read it ({error.strerror})") from None
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_not_json, parse_int=_small_int)
    except RecursionError:
        raise ProfileProblem(f"{path}: nested too deeply to be a profile") from None
    except (ValueError, UnicodeDecodeError) as error:  # JSONDecodeError is a ValueError
        line = getattr(error, "lineno", 1)
        raise ProfileProblem(
            f"{path}:{line}: not valid JSON; fix it, or delete it and set the profile "
            "again with 'facecoach profile'"
        ) from None
    return Profile.from_json(data, str(path))


def _not_json(name: str) -> None:
    raise ValueError(f"{name} is not a JSON number")


def _small_int(text: str) -> int:
    if len(text.lstrip("-")) > 18:  # no field of a profile is a number; refuse before int()
        raise ValueError(f"a number of {len(text)} digits")
    return int(text)


_MAX_PROFILE_BYTES = 1_000_000
"""A profile is a few lines; a larger file is not one."""


def save_profile(where: Places, profile: Profile) -> Path:
    """Write the profile atomically (a crash leaves the old file or the new one)."""
    path = profile_path(where)
    write_text_atomic(path, json.dumps(profile.to_json(), indent=2) + "\n")
    return path


# ------------------------------------------------------------ questions


@dataclass(frozen=True)
class Question:
    """One first-run question.

    ``choices`` maps each accepted answer word to its value; a voice asker can
    build its grammar from the keys. An empty answer means "skip".
    """

    key: str
    prompt: str
    choices: dict[str, str] = field(default_factory=dict)
    free: bool = False
    """Any text is accepted (checked by the caller), not just the choices."""
    spoken: str = ""
    """The question for ears (eyes may be closed): short, naming the keys that answer it."""

    @property
    def heard(self) -> str:
        """What to say aloud: ``spoken``, or the written prompt when there is none."""
        return self.spoken or self.prompt


Ask = Callable[[Question], "str | None"]
"""Put a question; return the answer's text, or None when nobody can answer."""

_SIDE_Q = Question(
    "side",
    "Which side of your face is affected? (left, right, both, or l, r, b; Enter to skip)",
    {"left": "left", "right": "right", "both": "both", "l": "left", "r": "right", "b": "both"},
    spoken=(
        "Before we start, which side of your face is affected? "
        "Type L for left, R for right or B for both, then press Enter. "
        "Or just press Enter to leave it."
    ),
)
_STAGE_Q = Question(
    "stage",
    "Where are you in recovery?\n"
    + "".join(f"  {i}. {s}: {STAGE_TEXT[s]}\n" for i, s in enumerate(STAGES, 1))
    + "Answer 1-4 or the name (Enter to skip)",
    {**{str(i): s for i, s in enumerate(STAGES, 1)}, **{s: s for s in STAGES}},
    spoken=(
        "Where are you in recovery? Type 1 if no movement has come back yet, "
        "2 if movement has started to come back, 3 if the palsy is long-standing, "
        "or 4 for tightness or drooping later on. Then press Enter."
    ),
)
_DAYS_Q = Question(
    "days",
    "Preferred days, if any, for when you do not exercise daily "
    "(e.g. 'mon wed fri'; Enter for none)",
    free=True,
    spoken=(
        "If you will not exercise every day, which days suit you? "
        "Type their names, like Monday Wednesday Friday, then press Enter. "
        "Or press Enter for none."
    ),
)


def ask_first_run(
    profile: Profile, ask: Ask, today: date, *, tries: int = 3, side: bool = True
) -> Profile:
    """Put the first-run questions through ``ask``; returns the updated profile.

    A value already set is not asked again. An answer that does not fit is
    asked again, at most ``tries`` times; then the question is skipped.
    ``side=False`` leaves the side question out (asking a skipped stage again).
    """
    updated = profile
    if side and updated.side is None:
        answer = _answer(ask, _SIDE_Q, tries)
        if answer is not None:
            updated = replace(updated, side=cast(SideName, answer))
    if updated.stage is None:
        stage = _answer(ask, _STAGE_Q, tries)
        if stage is not None:
            updated = updated.with_stage(Stage(stage), today)
    if not updated.days and updated.stage in (Stage.RECENT, Stage.AFTER_CARE):
        for _ in range(tries):
            text = ask(_DAYS_Q)
            if not text or not text.strip():
                break
            try:
                updated = replace(updated, days=parse_days(text))
                break
            except ValueError:
                continue
    return replace(updated, asked=True)


def _answer(ask: Ask, question: Question, tries: int) -> str | None:
    for _ in range(tries):
        text = ask(question)
        if text is None or not text.strip():
            return None
        value = question.choices.get(text.strip().lower())
        if value is not None:
            return value
    return None


def keyboard_ask(
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    speak: Callable[[str], None] | None = None,
) -> Callable[[Question], str | None]:
    """An ``Ask`` that types the question and reads a line (None at end of input).

    With ``speak``, the question is also said (``Question.heard``) once it is
    on screen; keys typed while it is said are kept by the terminal.
    """
    source = stdin or sys.stdin
    sink = stdout or sys.stdout

    def ask(question: Question) -> str | None:
        sink.write(question.prompt + ": ")
        sink.flush()
        if speak is not None:
            speak(question.heard)
        line = source.readline()
        if not line:
            sink.write("\n")
            return None
        return line.strip()

    return ask


def describe(profile: Profile) -> Sequence[str]:
    """The profile as short lines for the screen."""
    side = profile.side or "not set (lines say 'affected')"
    stage = f"{profile.stage} ({STAGE_TEXT[profile.stage]})" if profile.stage else "not set"
    if profile.stage_since and profile.stage:
        stage += f", since {profile.stage_since.isoformat()}"
    days = " ".join(DAY_NAMES[d] for d in profile.days) or "none"
    lines = [f"side: {side}", f"stage: {stage}", f"preferred days: {days}"]
    if profile.stage == Stage.AFTER_CARE:
        lines.append(f"upkeep: {profile.upkeep}")
    if profile.routine is None:
        lines.append("plan: the built-in rotation (areas of the face in turn)")
    else:
        origin = f", copied from {profile.routine_file}" if profile.routine_file else " (built in)"
        since = f" on {profile.routine_since.isoformat()}" if profile.routine_since else ""
        lines.append(f"plan: {profile.routine}{origin}{since}")
    lines.append(
        f"reminders: at {profile.remind_at}, calendar alert {profile.alert_minutes} minutes before"
    )
    return lines
