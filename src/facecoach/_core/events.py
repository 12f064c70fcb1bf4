"""Events that go into a session and effects that come out of it.

Events are nouns (something happened, at session time ``t`` in seconds);
effects are verbs (something the app should do now). Both are small frozen
dataclasses, so a whole session can be written down and compared in a test.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .commands import Command

__all__ = [
    "ClockPaused",
    "ClockResumed",
    "CommandRecord",
    "DeviceLost",
    "Effect",
    "EndRecord",
    "Event",
    "Finish",
    "Heard",
    "Listen",
    "PlayCue",
    "Record",
    "RecordEntry",
    "Speak",
    "SpeechDone",
    "StartTimer",
    "StepRecord",
    "StopSpeech",
    "StopTimer",
    "Tick",
    "TimerKind",
    "TooTightRecord",
]

# ---------------------------------------------------------------- events in


@dataclass(frozen=True)
class Tick:
    """Time has passed; ``t`` is the session clock in seconds."""

    t: float


@dataclass(frozen=True)
class Heard:
    """A command arrived from the voice, the keyboard or a script."""

    t: float
    command: Command
    text: str = ""
    """The words actually heard (for the screen and the record)."""
    source: Literal["voice", "keyboard", "screen", "script"] = "script"


@dataclass(frozen=True)
class SpeechDone:
    """The utterance with this id has finished playing (or was cut off)."""

    t: float
    utterance: int


@dataclass(frozen=True)
class DeviceLost:
    """A device went away (headset unplugged); the session pauses.

    ``kind`` "output": nothing can be heard; "input": the microphone, so
    nothing said (not even "too tight") can be heard.
    """

    t: float
    device: str = ""
    kind: Literal["output", "input"] = "output"

    @property
    def reason(self) -> Literal["device", "input"]:
        """Why the session is paused, as the pause records it."""
        return "device" if self.kind == "output" else "input"


Event = Tick | Heard | SpeechDone | DeviceLost

# --------------------------------------------------------------- effects out

SpeechPurpose = Literal["step", "ease_off", "help", "announce", "notice"]
TimerKind = Literal["ready", "hold", "rest", "cue"]


@dataclass(frozen=True)
class Speak:
    """Say ``text`` now, replacing anything still being said.

    ``purpose`` is "step" for the routine's own lines; anything else is said
    over a running hold or rest without stopping its clock.
    """

    text: str
    utterance: int
    purpose: SpeechPurpose = "step"


@dataclass(frozen=True)
class StopSpeech:
    """Cut off whatever is being said."""


@dataclass(frozen=True)
class PlayCue:
    """Play the short sound named ``name`` (hold_start, hold_end, tick, ...)."""

    name: str


@dataclass(frozen=True)
class Listen:
    """Accept commands (on) or stop listening for good (off)."""

    on: bool


@dataclass(frozen=True)
class StartTimer:
    """A timed step began: it runs ``seconds`` and is due at ``deadline``."""

    kind: TimerKind
    seconds: float
    deadline: float
    exercise: str
    text: str = ""


@dataclass(frozen=True)
class StopTimer:
    """A timed step ended after ``actual`` of its ``planned`` seconds."""

    kind: TimerKind
    exercise: str
    planned: float
    actual: float
    reason: Literal["done", "next", "too_tight", "back", "repeat", "stop"] = "done"


@dataclass(frozen=True)
class ClockPaused:
    """The session clock stopped (by command, or because the device was lost)."""

    reason: str = "pause"


@dataclass(frozen=True)
class ClockResumed:
    """The session clock runs again."""


@dataclass(frozen=True)
class Finish:
    """The session is over; ``reason`` is "done" or "stop"."""

    reason: Literal["done", "stop"]
    completed_steps: int
    planned_steps: int


# What the store keeps, one entry as each thing happens.


@dataclass(frozen=True)
class StepRecord:
    """A plan step ended (completed, or cut short by a command)."""

    index: int
    kind: str
    exercise: str
    planned: float
    actual: float
    completed: bool


@dataclass(frozen=True)
class CommandRecord:
    """A command was acted on."""

    command: Command
    text: str
    exercise: str
    step_index: int


@dataclass(frozen=True)
class TooTightRecord:
    """The person said "too tight"; later holds of ``exercise`` now use ``factor``."""

    exercise: str
    factor: float


@dataclass(frozen=True)
class EndRecord:
    """The session ended."""

    reason: Literal["done", "stop"]
    completed_steps: int
    planned_steps: int


RecordEntry = StepRecord | CommandRecord | TooTightRecord | EndRecord


@dataclass(frozen=True)
class Record:
    """Write this entry to the history now."""

    entry: RecordEntry


Effect = (
    Speak
    | StopSpeech
    | PlayCue
    | Listen
    | StartTimer
    | StopTimer
    | ClockPaused
    | ClockResumed
    | Finish
    | Record
)
