"""The session engine: a pure state machine from events to effects.

It never sleeps, never reads a clock and never touches a device. Time comes
in with every event; ``next_deadline`` says when the engine next needs a
``Tick``. Timed steps chain on their deadlines (not on when a tick arrived),
so a late tick never makes the session drift.
"""

from __future__ import annotations

from typing import Literal

from .commands import Command
from .events import (
    ClockPaused,
    ClockResumed,
    CommandRecord,
    DeviceLost,
    Effect,
    EndRecord,
    Event,
    Finish,
    Heard,
    Listen,
    PlayCue,
    Record,
    Speak,
    SpeechDone,
    SpeechPurpose,
    StartTimer,
    StepRecord,
    StopSpeech,
    StopTimer,
    Tick,
    TooTightRecord,
)
from .moves import back_target, segment_start
from .plan import Plan, PlanStep, StepKind, adapted_hold
from .state import KIND_STATE as _KIND_STATE
from .state import SessionLines, SessionState

__all__ = ["EASE_FACTOR", "TICK_SECONDS", "Session", "SessionLines", "SessionState"]

EASE_FACTOR = 0.75
"""Each "too tight" multiplies the exercise's later holds by this."""

TICK_SECONDS = 3
"""Default: the last this many seconds of a hold tick."""


class Session:
    """Runs one plan. Feed it events; do what the returned effects say."""

    def __init__(
        self,
        plan: Plan,
        *,
        tick_seconds: int = TICK_SECONDS,
        lines: SessionLines | None = None,
        stop_confirm_seconds: float = 6.0,
    ) -> None:
        self.plan = plan
        self.steps = plan.steps
        self.tick_seconds = tick_seconds
        self.lines = lines or SessionLines()
        self.stop_confirm_seconds = stop_confirm_seconds
        self.index = 0
        self.state = SessionState.READY
        self.factors: dict[str, float] = {}
        """Multipliers from this session's "too tight", per exercise."""
        self.completed = 0
        self._utterance = 0
        self._awaiting: int | None = None  # step speech we wait for
        self._interjection: int | None = None  # ease-off/help said instead of a line
        self._started_at = 0.0  # when the current step began
        self._deadline: float | None = None
        self._seconds = 0.0  # length the current timed step was given
        self._ticks: list[float] = []
        self._paused_left: float | None = None
        self._paused_ticks: list[float] = []
        self._stop_armed_until: float | None = None

    # ------------------------------------------------------------ queries

    @property
    def ended(self) -> bool:
        """True once the session has finished or been stopped."""
        return self.state is SessionState.ENDED

    @property
    def paused(self) -> bool:
        """True while the session clock is stopped."""
        return self.state is SessionState.PAUSED

    @property
    def current(self) -> PlanStep | None:
        """The step in progress, or None at the end."""
        return self.steps[self.index] if self.index < len(self.steps) else None

    @property
    def next_deadline(self) -> float | None:
        """Session time at which a ``Tick`` is next needed (None: none is)."""
        if self.state in (SessionState.PAUSED, SessionState.ENDED):
            return None
        times = [t for t in (self._deadline, *self._ticks[:1]) if t is not None]
        return min(times) if times else None

    def remaining(self, t: float) -> float | None:
        """Seconds left in the current hold, rest or cue (None when speaking)."""
        if self._paused_left is not None:
            return self._paused_left
        return None if self._deadline is None else max(0.0, self._deadline - t)

    def hold_seconds(self, step: PlanStep) -> float:
        """The length a hold step gets now, after this session's "too tight"."""
        factor = self.factors.get(step.exercise, 1.0)
        return adapted_hold(step.seconds, step.min_hold, factor)

    # ------------------------------------------------------------ events

    def start(self, t: float) -> list[Effect]:
        """Begin at session time ``t``."""
        if self.state is not SessionState.READY:
            raise RuntimeError(f"session already started (state {self.state.value})")
        effects: list[Effect] = [Listen(True)]
        if not self.steps:
            return effects + self._finish(t, "done")
        return effects + self._enter(t)

    def handle(self, event: Event) -> list[Effect]:
        """Take one event; return what to do now."""
        if self.state is SessionState.READY:
            raise RuntimeError("call start() before handle()")
        if self.ended:
            return []
        if isinstance(event, Tick):
            return self._tick(event.t)
        if isinstance(event, SpeechDone):
            return self._speech_done(event)
        if isinstance(event, Heard):
            return self._heard(event)
        if isinstance(event, DeviceLost):
            return [] if self.paused else self._pause(event.t, "device")
        raise TypeError(f"not a session event: {event!r}")

    def _tick(self, t: float) -> list[Effect]:
        effects: list[Effect] = []
        while not self.ended and not self.paused:
            due_tick = self._ticks[0] if self._ticks else None
            if (
                due_tick is not None
                and due_tick <= t
                and (self._deadline is None or due_tick < self._deadline)
            ):
                self._ticks.pop(0)
                effects.append(PlayCue("tick"))
                continue
            if self._deadline is None or self._deadline > t + 1e-9:
                break
            # chain from the deadline itself so lateness never accumulates
            effects += self._advance(self._deadline, "done", completed=True)
        return effects

    def _speech_done(self, event: SpeechDone) -> list[Effect]:
        if self.paused:
            return []
        if event.utterance == self._interjection:
            self._interjection = None
            return self._enter(event.t)
        if event.utterance == self._awaiting:
            return self._advance(event.t, "done", completed=True)
        return []

    def _heard(self, event: Heard) -> list[Effect]:
        t, command = event.t, event.command
        step = self.current
        effects: list[Effect] = [
            Record(CommandRecord(command, event.text, step.exercise if step else "", self.index))
        ]
        if command is Command.STOP:
            if event.source == "voice" and not self._stop_confirmed(t):
                return effects + self._interject(t, self.lines.confirm_stop, "notice")
            return effects + self._stop(t)
        if command is Command.PAUSE:
            return effects + ([] if self.paused else self._pause(t, "pause"))
        if command is Command.RESUME:
            return effects + (self._resume(t) if self.paused else [])
        if command is Command.HELP:
            return effects + self._interject(t, self.lines.help, "help")
        if self.paused:  # any other command carries on from where we were
            effects += self._resume(t)
        if command is Command.TOO_TIGHT:
            return effects + self._too_tight(t)
        if command is Command.NEXT:
            return effects + self._next(t)
        if command is Command.REPEAT:
            return effects + self._repeat(t)
        return effects + self._jump(t, back_target(self.steps, self.index), "back")

    # ------------------------------------------------------------ commands

    def _stop_confirmed(self, t: float) -> bool:
        armed = self._stop_armed_until
        if armed is not None and t <= armed:
            return True
        self._stop_armed_until = t + self.stop_confirm_seconds
        return False

    def _next(self, t: float) -> list[Effect]:
        step = self.steps[self.index]
        skip = 0
        if _is_cue(step, "hold_start"):
            skip = 1  # the person hears the hold as begun: skip it too
        effects = self._close_step(t, "next", completed=False)
        self.index += 1 + skip
        return effects + self._enter_or_finish(t)

    def _repeat(self, t: float) -> list[Effect]:
        step = self.steps[self.index]
        if _in_hold(step):
            target = self.index - 1 if step.kind is StepKind.HOLD else self.index
            if self.steps[target].kind is not StepKind.CUE:
                target = self.index
            return self._jump(t, target, "repeat")
        if step.between:  # say who is next again; the rest runs on
            return self._interject(t, step.text, "announce")
        return self._jump(t, segment_start(self.steps, self.index), "repeat")

    def _too_tight(self, t: float) -> list[Effect]:
        step = self.steps[self.index]
        factor = round(self.factors.get(step.exercise, 1.0) * EASE_FACTOR, 6)
        self.factors[step.exercise] = factor
        effects: list[Effect] = [Record(TooTightRecord(step.exercise, factor))]
        if not _in_hold(step):
            return effects + self._interject(t, self.lines.ease_off, "ease_off")
        effects += self._close_step(t, "too_tight", completed=True)
        self.index += 1
        # skip the rest of this hold and its end cue: the ease-off line ends it
        while self.index < len(self.steps) and (
            self.steps[self.index].kind is StepKind.HOLD
            or _is_cue(self.steps[self.index], "hold_end")
        ):
            self.index += 1
        if self.index >= len(self.steps):
            return effects + self._finish(t, "done")
        return effects + self._say_then_enter(t, self.lines.ease_off, "ease_off")

    def _jump(self, t: float, target: int, reason: str) -> list[Effect]:
        effects = self._close_step(t, reason, completed=False)
        self.index = target
        return effects + self._enter(t)

    def _interject(self, t: float, text: str, purpose: SpeechPurpose) -> list[Effect]:
        """Say ``text`` now; a line being said is said again afterwards."""
        if self.paused or self.steps[self.index].kind is not StepKind.SAY:
            return [Speak(text, self._next_utterance(), purpose)]
        self._awaiting = None
        return self._say_then_enter(t, text, purpose)

    def _say_then_enter(self, t: float, text: str, purpose: SpeechPurpose) -> list[Effect]:
        self._deadline, self._ticks = None, []
        self._started_at = t
        self.state = SessionState.SPEAKING
        self._interjection = self._next_utterance()
        return [Speak(text, self._interjection, purpose)]

    def _pause(self, t: float, reason: str) -> list[Effect]:
        effects: list[Effect] = [StopSpeech(), ClockPaused(reason)]
        if self._deadline is not None:
            self._paused_left = max(0.0, self._deadline - t)
            self._paused_ticks = [tick - t for tick in self._ticks]
        self._deadline, self._ticks = None, []
        self._awaiting = self._interjection = None
        self.state = SessionState.PAUSED
        return [*effects, Speak(self.lines.paused, self._next_utterance(), "notice")]

    def _resume(self, t: float) -> list[Effect]:
        effects: list[Effect] = [ClockResumed()]
        step = self.steps[self.index]
        self.state = _KIND_STATE[step.kind]
        if self._paused_left is not None and step.kind is not StepKind.SAY:
            self._deadline = t + self._paused_left
            self._ticks = [t + offset for offset in self._paused_ticks]
            self._paused_left, self._paused_ticks = None, []
            return effects
        self._paused_left, self._paused_ticks = None, []
        return effects + self._enter(t)

    def _stop(self, t: float) -> list[Effect]:
        effects: list[Effect] = [StopSpeech()]
        if self.paused:
            self.state = _KIND_STATE[self.steps[self.index].kind]
        effects += self._close_step(t, "stop", completed=False)
        return effects + self._finish(t, "stop")

    # ------------------------------------------------------------ steps

    def _enter(self, t: float) -> list[Effect]:
        """Begin the step at ``self.index`` at time ``t``."""
        step = self.steps[self.index]
        self.state = _KIND_STATE[step.kind]
        self._started_at = t
        self._deadline, self._ticks = None, []
        self._awaiting = None
        if step.kind is StepKind.SAY:
            self._awaiting = self._next_utterance()
            return [Speak(step.text, self._awaiting, "step")]
        if step.kind is StepKind.CUE:
            self._seconds = step.seconds
            self._deadline = t + step.seconds
            return [PlayCue(step.text)]
        if step.kind is StepKind.HOLD:
            self._seconds = self.hold_seconds(step)
            self._deadline = t + self._seconds
            first = self._deadline - self.tick_seconds
            self._ticks = [
                self._deadline - k
                for k in range(self.tick_seconds, 0, -1)
                if self._deadline - k > t + 1e-9 and self._deadline - k >= first
            ]
            return [StartTimer("hold", self._seconds, self._deadline, step.exercise, step.text)]
        self._seconds = step.seconds
        self._deadline = t + step.seconds
        effects: list[Effect] = [
            StartTimer("rest", step.seconds, self._deadline, step.exercise, step.text)
        ]
        if step.between:
            effects += [
                PlayCue("exercise_done"),
                Speak(step.text, self._next_utterance(), "announce"),
            ]
        return effects

    def _advance(self, t: float, reason: str, *, completed: bool) -> list[Effect]:
        effects = self._close_step(t, reason, completed=completed)
        self.index += 1
        return effects + self._enter_or_finish(t)

    def _enter_or_finish(self, t: float) -> list[Effect]:
        if self.index >= len(self.steps):
            return self._finish(t, "done")
        return self._enter(t)

    def _close_step(self, t: float, reason: str, *, completed: bool) -> list[Effect]:
        """End the current step at ``t``: timer and record effects."""
        step = self.steps[self.index]
        effects: list[Effect] = []
        actual = round(max(0.0, t - self._started_at), 3)
        if self.state is SessionState.SPEAKING and reason != "done":
            effects.append(StopSpeech())
        if step.kind in (StepKind.HOLD, StepKind.REST) and self.state is not SessionState.SPEAKING:
            effects.append(StopTimer(step.kind.value, step.exercise, self._seconds, actual, reason))  # type: ignore[arg-type]
        if completed:
            self.completed += 1
        if step.kind is not StepKind.CUE:
            planned = self._seconds if step.kind is not StepKind.SAY else step.seconds
            effects.append(
                Record(
                    StepRecord(
                        self.index, step.kind.value, step.exercise, planned, actual, completed
                    )
                )
            )
        self._deadline, self._ticks = None, []
        self._awaiting = self._interjection = None
        return effects

    def _finish(self, t: float, end: Literal["done", "stop"]) -> list[Effect]:
        self.state = SessionState.ENDED
        self._deadline, self._ticks = None, []
        planned = len(self.steps)
        return [
            Record(EndRecord(end, self.completed, planned)),
            Finish(end, self.completed, planned),
            Listen(False),
        ]

    def _next_utterance(self) -> int:
        self._utterance += 1
        return self._utterance


def _is_cue(step: PlanStep, name: str) -> bool:
    return step.kind is StepKind.CUE and step.text == name


def _in_hold(step: PlanStep) -> bool:
    """A hold, or its start cue: the person already feels the hold as begun."""
    return step.kind is StepKind.HOLD or _is_cue(step, "hold_start")
