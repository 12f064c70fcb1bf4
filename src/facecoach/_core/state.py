"""The session's states, the moves allowed between them, and its own lines."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import Enum
from types import MappingProxyType
from typing import Literal

from .commands import Command
from .plan import StepKind

__all__ = [
    "CONFIRM_SECONDS",
    "KIND_STATE",
    "TAUGHT",
    "TICK_SECONDS",
    "TRANSITIONS",
    "IllegalMove",
    "SessionLines",
    "SessionState",
    "StopConfirmation",
    "StopReason",
    "check_move",
]

TICK_SECONDS = 3
"""Default: the last this many seconds of a hold tick."""

CONFIRM_SECONDS = 5.0
"""How long a spoken stop waits for the second one, from the end of the line
that asks for it (the line says so: ``SessionLines.confirm_stop``)."""

_CONFIRM_IN_WORDS = "five seconds"

QUESTION_ALLOWANCE = 15.0
"""Longer than the line asking for a second stop can take to say: if the end
of that line is never reported (a lost device), the wait still ends."""

StopReason = Literal["done", "next", "too_tight", "back", "repeat", "stop"]
"""Why a step ended."""


class SessionState(str, Enum):
    """Where the session is; ``ENDED`` is final."""

    READY = "ready"
    """Built, not started."""
    SPEAKING = "speaking"
    CUEING = "cueing"
    WAITING = "waiting"
    """The quiet wait after a setup line, to get into place."""
    HOLDING = "holding"
    RESTING = "resting"
    PAUSED = "paused"
    CONFIRMING = "confirming"
    """A spoken stop waits to be said again; the clock stands still meanwhile."""
    ENDED = "ended"


_RUNNING = frozenset(
    {
        SessionState.SPEAKING,
        SessionState.CUEING,
        SessionState.WAITING,
        SessionState.HOLDING,
        SessionState.RESTING,
    }
)

TRANSITIONS: Mapping[SessionState, frozenset[SessionState]] = {
    # an empty plan ends at once
    SessionState.READY: _RUNNING | {SessionState.ENDED},
    # any step may follow any other (next, back, repeat jump around)
    **{
        state: _RUNNING | {SessionState.PAUSED, SessionState.CONFIRMING, SessionState.ENDED}
        for state in _RUNNING
    },
    # a pause ends by carrying on (where it was, or where a command leads) or by stopping
    SessionState.PAUSED: _RUNNING | {SessionState.CONFIRMING, SessionState.ENDED},
    # a stop not said again goes back to where it was (a pause included)
    SessionState.CONFIRMING: _RUNNING | {SessionState.PAUSED, SessionState.ENDED},
    SessionState.ENDED: frozenset(),
}
"""Every legal move: ``TRANSITIONS[now]`` holds the states that may come next."""


class IllegalMove(RuntimeError):
    """The session was asked to move between two states that do not follow each other."""


def check_move(current: SessionState, new: SessionState) -> SessionState:
    """``new`` if the session may move there from ``current``; else ``IllegalMove``."""
    if new not in TRANSITIONS[current]:
        raise IllegalMove(f"a session cannot go from {current.value} to {new.value}")
    return new


_EASE_OFF = {
    "resistance": "Ease off now. Let the pressure go, and breathe.",
    "stretch": "Ease off now. Let the stretch go, and breathe.",
    "movement": "Ease off now. Let the movement go, and let your face rest.",
    "massage": "Ease off now. Lift your fingers away, and breathe.",
    "release": "Ease off now. Lift your fingertips off, and let everything soften.",
}


TAUGHT: Mapping[Command, str] = MappingProxyType(
    # The phrase of each command heard most reliably, lips closing or not
    # (why "continue" and "wait": docs/decisions.md).
    {
        Command.NEXT: "next",
        Command.REPEAT: "repeat",
        Command.TOO_TIGHT: "too tight",
        Command.PAUSE: "wait",
        Command.RESUME: "continue",
        Command.BACK: "back",
        Command.STOP: "stop",
        Command.HELP: "help",
    }
)
"""The phrase the coach teaches for each command, in the order it lists them.
A voice enrolment may teach a person others (``SessionLines.teaching``)."""


def _spoken(phrase: str) -> str:
    return " ".join("I" if word == "i" else word for word in phrase.split())


def _help_line(taught: Mapping[Command, str]) -> str:
    said = [_spoken(taught[c]) for c in TAUGHT]
    return f"You can say: {', '.join(said[:-1])}, or {said[-1]}."


def _confirm_stop_line(taught: Mapping[Command, str]) -> str:
    stop = _spoken(taught[Command.STOP])
    return f"To end the session, say {stop} again within {_CONFIRM_IN_WORDS}."


def _paused_line(taught: Mapping[Command, str]) -> str:
    return f"Paused. Say {_spoken(taught[Command.RESUME])} when you are ready."


_KEY_DOES = {
    Command.NEXT: "for the next step",
    Command.REPEAT: "to hear a step again",
    Command.TOO_TIGHT: "if it is too tight",
    Command.PAUSE: "to pause",
    Command.BACK: "to go back",
    Command.STOP: "to stop",
}
"""What each key does, in words for ears (the help line when voice is off)."""


def _keys_help_line(keys: Mapping[Command, str]) -> str:
    said = [f"{keys[c]} {does}" for c, does in _KEY_DOES.items() if c in keys]
    return f"Press {', '.join(said[:-1])}, or {said[-1]}."


@dataclass(frozen=True)
class SessionLines:
    """The lines the engine says on its own (a language pack may replace them)."""

    ease_off: str = "Ease off now. Let go, and breathe."
    """Said after "too tight" when the exercise's kind has no line of its own."""
    ease_off_by_kind: Mapping[str, str] = field(default_factory=lambda: dict(_EASE_OFF))
    """The ease-off line for each exercise kind (resistance, stretch, ...)."""
    taught: Mapping[Command, str] = field(default_factory=lambda: TAUGHT)
    """The phrase taught for each command (``TAUGHT``, or a person's own)."""
    help: str = _help_line(TAUGHT)
    confirm_stop: str = _confirm_stop_line(TAUGHT)
    """Asks for a second spoken stop; the session stands still while it waits."""
    not_stopped: str = "No second stop, so we carry on from where we were."
    not_stopped_paused: str = "No second stop, so we stay paused."
    """Said when the wait for a second stop ends during a pause."""
    paused: str = _paused_line(TAUGHT)
    device_paused: str = "The sound device went away, so we are paused."
    input_paused: str = (
        "The microphone has stopped, so I cannot hear you. We are paused. "
        "Press p when you are ready; the keys still work."
    )
    resumed: str = "Going on."
    stopped: str = "Stopping here. What you did is saved."
    stopped_unsaved: str = "Stopping here. I could not save this session, I am sorry."
    """Said instead of ``stopped`` when the history could not be written."""
    halfway: str = "Halfway."
    voice: bool = True
    """Commands can be said; False: nobody listens, so the lines name keys (``with_keys``)."""

    def pause_line(self, reason: str) -> str:
        """What is said when the session pauses for ``reason`` (a command, "device", "input")."""
        if reason == "device":
            return self.device_paused
        return self.input_paused if reason == "input" else self.paused

    def ease_off_for(self, kind: str) -> str:
        """The ease-off line for an exercise of ``kind``."""
        return self.ease_off_by_kind.get(kind, self.ease_off)

    def teaching(self, phrases: Mapping[Command, str]) -> SessionLines:
        """These lines, teaching ``phrases`` (by command) where given instead of
        ``TAUGHT``: the help line, and the words asked for to stop and go on."""
        taught = {**TAUGHT, **phrases}
        return replace(
            self,
            taught=MappingProxyType(taught),
            help=_help_line(taught),
            confirm_stop=_confirm_stop_line(taught),
            paused=_paused_line(taught),
        )

    def with_keys(self, keys: Mapping[Command, str]) -> SessionLines:
        """These lines for a session with no voice commands: the help line and
        the pause name ``keys`` (the key of each command) instead of words."""
        resume = keys.get(Command.RESUME, keys[Command.PAUSE])
        return replace(
            self,
            voice=False,
            help=_keys_help_line(keys),
            paused=f"Paused. Press {resume} when you are ready.",
        )

    def all_lines(self) -> list[str]:
        """Every line here, for rendering ahead of a session."""
        return [
            *self.ease_off_by_kind.values(),
            self.ease_off,
            self.help,
            self.confirm_stop,
            self.not_stopped,
            self.not_stopped_paused,
            self.paused,
            self.device_paused,
            self.input_paused,
            self.resumed,
            self.stopped,
            self.stopped_unsaved,
            self.halfway,
        ]


KIND_STATE = {
    StepKind.SAY: SessionState.SPEAKING,
    StepKind.CUE: SessionState.CUEING,
    StepKind.READY: SessionState.WAITING,
    StepKind.HOLD: SessionState.HOLDING,
    StepKind.REST: SessionState.RESTING,
}


@dataclass
class StopConfirmation:
    """A spoken stop is said twice: the second within ``seconds`` of the end of
    the line that asks for it (``question``). The person can only answer once
    they have heard the question: a slow line, or a line rendered late, must
    not eat their time to answer."""

    seconds: float = CONFIRM_SECONDS
    until: float | None = None
    """When the wait ends (None: no stop waits)."""
    question: int | None = None
    """The utterance that asks for the second stop."""

    def confirms(self, t: float) -> bool:
        """True when a stop at ``t`` is the second one."""
        return self.until is not None and t <= self.until

    def ask(self, t: float, question: int) -> None:
        """A first stop at ``t``; ``question`` asks for the second."""
        self.question = question
        self.until = t + self.seconds + QUESTION_ALLOWANCE

    def heard(self, utterance: int, t: float) -> None:
        """``utterance`` finished playing at ``t``."""
        if utterance == self.question and self.until is not None:
            self.until = t + self.seconds
            self.question = None

    def cancel(self) -> None:
        """No stop waits any more (the session went on, or paused)."""
        self.until = self.question = None
