"""The session engine: a pure state machine from events to effects.

It never sleeps, never reads a clock and never touches a device. Time comes
in with every event; ``next_deadline`` says when the engine next needs a
``Tick``. Timed steps chain on their deadlines (not on when a tick arrived),
so a late tick never makes the session drift. Every change of state goes
through ``TRANSITIONS``, which refuses a move that cannot happen.
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
from .frames import closing_line
from .moves import (
    TIMER_KIND,
    already_says,
    assert_never,
    back_target,
    in_hold,
    is_cue,
    segment_start,
)
from .plan import HALFWAY_AFTER, Plan, PlanStep, StepKind, adapted_hold, eased
from .state import KIND_STATE as _KIND_STATE
from .state import TICK_SECONDS, SessionLines, SessionState, StopReason, check_move
from .state import StopConfirmation as _StopConfirmation
from .timing import StepTimer, marks_for

__all__ = ["TICK_SECONDS", "Session", "SessionLines", "SessionState"]


class Session:
    """Runs one plan. Feed it events; do what the returned effects say."""

    def __init__(
        self,
        plan: Plan,
        *,
        tick_seconds: int = TICK_SECONDS,
        lines: SessionLines | None = None,
    ) -> None:
        self.plan = plan
        self.steps = plan.steps
        self.tick_seconds = tick_seconds
        self.lines = lines or SessionLines()
        self._stop_confirm = _StopConfirmation()
        self._pause_reason = ""  # why the clock stopped, while paused
        self._confirm_in_pause = False  # the wait for a second stop began in a pause
        self.index = 0
        self.factors: dict[str, float] = {}
        """Multipliers from this session's "too tight", per exercise."""
        self.holds_done = 0
        """Holds that ran to their end (or were ended by "too tight")."""
        self.too_tight = 0
        """How many times "too tight" was heard."""
        self._state = SessionState.READY
        self._done: set[int] = set()  # indices of counted steps completed
        self._utterance = 0
        self._awaiting: int | None = None  # step speech we wait for
        self._interjection: int | None = None  # ease-off/help said instead of a line
        self._started_at = 0.0  # when the current step began
        self._seconds = 0.0  # length the current timed step was given
        self._timer = StepTimer()

    # ------------------------------------------------------------ queries

    @property
    def state(self) -> SessionState:
        """Where the session is now."""
        return self._state

    def _move(self, new: SessionState) -> None:
        self._state = check_move(self._state, new)

    @property
    def ended(self) -> bool:
        """True once the session has finished or been stopped."""
        return self._state is SessionState.ENDED

    @property
    def paused(self) -> bool:
        """True while the session clock is stopped (a pause, or a stop waiting
        to be said again)."""
        return self._state in (SessionState.PAUSED, SessionState.CONFIRMING)

    @property
    def completed(self) -> int:
        """Counted steps done so far, each once however often it was repeated."""
        return len(self._done)

    @property
    def current(self) -> PlanStep | None:
        """The step in progress, or None at the end."""
        return self.steps[self.index] if self.index < len(self.steps) else None

    @property
    def next_deadline(self) -> float | None:
        """Session time at which a ``Tick`` is next needed (None: none is)."""
        if self._state is SessionState.CONFIRMING:
            return self._stop_confirm.until
        if self._state in (SessionState.PAUSED, SessionState.ENDED):
            return None
        return self._timer.next_time

    def remaining(self, t: float) -> float | None:
        """Seconds left in the current hold, rest or cue (None when speaking)."""
        return self._timer.remaining(t)

    def hold_seconds(self, step: PlanStep) -> float:
        """The length a hold step gets now, after this session's "too tight"."""
        factor = self.factors.get(step.exercise, 1.0)
        return adapted_hold(step.seconds, step.min_hold, factor)

    # ------------------------------------------------------------ events

    def start(self, t: float) -> list[Effect]:
        """Begin at session time ``t``."""
        if self._state is not SessionState.READY:
            raise RuntimeError(f"session already started (state {self._state.value})")
        effects: list[Effect] = [Listen(True)]
        if not self.steps:
            return effects + self._finish(t, "done")
        return effects + self._enter(t)

    def handle(self, event: Event) -> list[Effect]:
        """Take one event; return what to do now."""
        if self._state is SessionState.READY:
            raise RuntimeError("call start() before handle()")
        if self.ended:
            return []
        match event:
            case Tick():
                return self._tick(event.t)
            case SpeechDone():
                return self._speech_done(event)
            case Heard():
                return self._heard(event)
            case DeviceLost():
                if self._state is SessionState.PAUSED:
                    return []
                return self._pause(event.t, event.reason)
            case _:
                assert_never(event)

    def _tick(self, t: float) -> list[Effect]:
        if self._state is SessionState.CONFIRMING:
            until = self._stop_confirm.until
            return self._not_stopped(t) if until is None or until <= t else []
        effects: list[Effect] = []
        while not self.ended and not self.paused:
            mark = self._timer.due_mark(t)
            if mark == "tick":
                effects.append(PlayCue("tick"))
                continue
            if mark == "halfway":
                effects.append(Speak(self.lines.halfway, self._next_utterance(), "announce"))
                continue
            deadline = self._timer.deadline
            if deadline is None or not self._timer.due(t):
                break
            # chain from the deadline itself so lateness never accumulates
            effects += self._advance(deadline, "done", completed=True)
        return effects

    def _speech_done(self, event: SpeechDone) -> list[Effect]:
        self._stop_confirm.heard(event.utterance, event.t)
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
        match command:
            case Command.STOP:
                if event.source == "voice" and not self._stop_confirm.confirms(t):
                    return effects + self._ask_to_confirm_stop(t)
                return effects + self._stop(t)
            case Command.PAUSE:
                if self._state is SessionState.PAUSED:
                    return effects
                return effects + self._pause(t, "pause")
            case Command.RESUME:
                if not self.paused:
                    return effects
                return effects + self._resume(t, say=self.lines.resumed)
            case Command.HELP:
                return effects + self._interject(t, self.lines.help, "help")
        if self.paused:  # any other command carries on from where we were
            effects += self._resume(t, say=None)
        match command:
            case Command.TOO_TIGHT:
                return effects + self._too_tight(t)
            case Command.NEXT:
                return effects + self._next(t)
            case Command.REPEAT:
                return effects + self._repeat(t)
            case Command.BACK:
                return effects + self._jump(t, back_target(self.steps, self.index), "back")
            case _:
                assert_never(command)

    # ------------------------------------------------------------ commands

    def _next(self, t: float) -> list[Effect]:
        step = self.steps[self.index]
        skip = 0
        if is_cue(step, "hold_start"):
            skip = 1  # the person hears the hold as begun: skip it too
        effects = self._close_step(t, "next", completed=False)
        self.index += 1 + skip
        return effects + self._enter_or_finish(t)

    def _repeat(self, t: float) -> list[Effect]:
        step = self.steps[self.index]
        if in_hold(step):
            target = self.index - 1 if step.kind is StepKind.HOLD else self.index
            if self.steps[target].kind is not StepKind.CUE:
                target = self.index
            return self._jump(t, target, "repeat")
        if step.between:  # say who is next again; the rest runs on
            return self._interject(t, step.text, "announce")
        return self._jump(t, segment_start(self.steps, self.index), "repeat")

    def _too_tight(self, t: float) -> list[Effect]:
        step = self.steps[self.index]
        factor = eased(self.factors.get(step.exercise, 1.0))
        self.factors[step.exercise] = factor
        self.too_tight += 1
        effects: list[Effect] = [Record(TooTightRecord(step.exercise, factor))]
        ease_off = self.lines.ease_off_for(step.exercise_kind)
        if not in_hold(step):
            return effects + self._interject(t, ease_off, "ease_off")
        effects += self._close_step(t, "too_tight", completed=True)
        self.index += 1
        # skip the rest of this hold and its end cue: the ease-off line ends it
        while self.index < len(self.steps) and (
            self.steps[self.index].kind is StepKind.HOLD
            or is_cue(self.steps[self.index], "hold_end")
        ):
            self.index += 1
        if self.index >= len(self.steps):
            return effects + self._finish(t, "done")
        if already_says(ease_off, self.steps[self.index]):  # the release line, said once
            return effects + self._enter(t, instead=ease_off)
        return effects + self._say_then_enter(t, ease_off, "ease_off")

    def _jump(self, t: float, target: int, reason: StopReason) -> list[Effect]:
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
        self._timer.clear()
        self._started_at = t
        self._move(SessionState.SPEAKING)
        self._interjection = self._next_utterance()
        return [Speak(text, self._interjection, purpose)]

    def _pause(self, t: float, reason: str) -> list[Effect]:
        effects: list[Effect] = [StopSpeech(), ClockPaused(reason)]
        self._timer.freeze(t)
        self._awaiting = self._interjection = None
        self._stop_confirm.cancel()
        self._pause_reason = reason
        self._move(SessionState.PAUSED)
        line = self.lines.pause_line(reason)
        return [*effects, Speak(line, self._next_utterance(), "notice")]

    def _resume(self, t: float, *, say: str | None) -> list[Effect]:
        """Carry on after a pause; ``say``: the line that says so, if any."""
        effects: list[Effect] = [ClockResumed()]
        self._stop_confirm.cancel()
        step = self.steps[self.index]
        if step.kind is not StepKind.SAY and self._timer.thaw(t):
            self._move(_KIND_STATE[step.kind])
            if say:  # over the running hold or rest, which keeps its time
                effects.append(Speak(say, self._next_utterance(), "notice"))
            return effects
        self._timer.forget()
        if say:  # then the step again from its start
            return effects + self._say_then_enter(t, say, "notice")
        return effects + self._enter(t)

    def _ask_to_confirm_stop(self, t: float) -> list[Effect]:
        """A first spoken stop: stand still, ask for a second one and wait for it."""
        if self._state is not SessionState.CONFIRMING:  # else it asks again
            self._confirm_in_pause = self._state is SessionState.PAUSED
            self._timer.freeze(t)  # in a pause, what the pause kept stays kept
            self._awaiting = self._interjection = None
            self._move(SessionState.CONFIRMING)
        question = self._next_utterance()
        self._stop_confirm.ask(t, question)
        return [
            StopSpeech(),
            ClockPaused("stop"),
            Speak(self.lines.confirm_stop, question, "notice"),
        ]

    def _not_stopped(self, t: float) -> list[Effect]:
        """No second stop came: back to where the session was, and say so."""
        self._stop_confirm.cancel()
        if self._confirm_in_pause:
            self._move(SessionState.PAUSED)
            line = self.lines.not_stopped_paused
            return [ClockPaused(self._pause_reason), Speak(line, self._next_utterance(), "notice")]
        return self._resume(t, say=self.lines.not_stopped)

    def _stop(self, t: float) -> list[Effect]:
        effects: list[Effect] = [StopSpeech()]
        if self.paused:
            self._move(_KIND_STATE[self.steps[self.index].kind])
            self._timer.forget()
        effects += self._close_step(t, "stop", completed=False)
        effects.append(Speak(self.lines.stopped, self._next_utterance(), "notice"))
        return effects + self._finish(t, "stop")

    # ------------------------------------------------------------ steps

    def _enter(self, t: float, *, instead: str | None = None) -> list[Effect]:
        """Begin the step at ``self.index`` at time ``t`` (a line: ``instead`` of its own)."""
        step = self.steps[self.index]
        self._move(_KIND_STATE[step.kind])
        self._started_at = t
        self._timer.clear()
        self._awaiting = None
        if step.kind is StepKind.SAY:
            self._awaiting = self._next_utterance()
            text = step.text
            if step.frame == "closing":  # what really happened, not what was planned
                text = closing_line(t, self.holds_done, self.too_tight)
            if instead is not None:
                return [Speak(instead, self._awaiting, "ease_off")]
            return [Speak(text, self._awaiting, "step")]
        if step.kind is StepKind.CUE:
            self._seconds = step.seconds
            self._timer.start(t + step.seconds)
            return [PlayCue(step.text)]
        if step.kind is StepKind.HOLD:
            self._seconds = self.hold_seconds(step)
            halfway = step.halfway and self._seconds > HALFWAY_AFTER
            marks = marks_for(t, self._seconds, ticks=self.tick_seconds, halfway=halfway)
            self._timer.start(t + self._seconds, marks)
            return [StartTimer("hold", self._seconds, t + self._seconds, step.exercise, step.text)]
        self._seconds = step.seconds
        deadline = t + step.seconds
        kind: Literal["ready", "rest"] = "ready" if step.kind is StepKind.READY else "rest"
        effects: list[Effect] = [StartTimer(kind, step.seconds, deadline, step.exercise, step.text)]
        if step.between:  # the next exercise comes like a hold: its last seconds tick
            self._timer.start(deadline, marks_for(t, step.seconds, ticks=self.tick_seconds))
            effects += [
                PlayCue("exercise_done"),
                Speak(step.text, self._next_utterance(), "announce"),
            ]
        else:
            self._timer.start(deadline)
        return effects

    def _advance(self, t: float, reason: StopReason, *, completed: bool) -> list[Effect]:
        effects = self._close_step(t, reason, completed=completed)
        self.index += 1
        return effects + self._enter_or_finish(t)

    def _enter_or_finish(self, t: float) -> list[Effect]:
        if self.index >= len(self.steps):
            return self._finish(t, "done")
        return self._enter(t)

    def _close_step(self, t: float, reason: StopReason, *, completed: bool) -> list[Effect]:
        """End the current step at ``t``: timer and record effects."""
        step = self.steps[self.index]
        effects: list[Effect] = []
        actual = round(max(0.0, t - self._started_at), 3)
        speaking = self._state is SessionState.SPEAKING
        if speaking and reason != "done":
            effects.append(StopSpeech())
        timer = TIMER_KIND.get(step.kind)
        if timer is not None and not speaking:
            effects.append(StopTimer(timer, step.exercise, self._seconds, actual, reason))
        if completed and step.counted:
            self._done.add(self.index)
        if completed and step.kind is StepKind.HOLD:
            self.holds_done += 1
        if step.counted:
            planned = self._seconds if step.kind is not StepKind.SAY else step.seconds
            record = StepRecord(
                self.index, step.kind.value, step.exercise, planned, actual, completed
            )
            effects.append(Record(record))
        self._timer.clear()
        self._awaiting = self._interjection = None
        return effects

    def _finish(self, t: float, end: Literal["done", "stop"]) -> list[Effect]:
        self._move(SessionState.ENDED)
        self._timer.clear()
        planned = self.plan.counted_steps
        return [
            Record(EndRecord(end, self.completed, planned)),
            Finish(end, self.completed, planned),
            Listen(False),
        ]

    def _next_utterance(self) -> int:
        self._utterance += 1
        return self._utterance
