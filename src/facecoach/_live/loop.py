"""The live loop: drives a ``Session`` in real time through the output path.

One thread runs the loop. Everything else (command sources, the audio
callback, timers) only puts items into the inbox. The loop sends the session
a ``Tick`` for each deadline on an absolute schedule of the injected clock
(never accumulated sleeps), a little ahead of time by the output path's lead,
and every sound is given the exact time it must start, so a hold-end cue
sounds on its deadline. Speech ends come back from the output path as
reports and become ``SpeechDone``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from .._core.clock import IDLE, Inbox
from .._core.commands import Command
from .._core.events import (
    DeviceLost,
    Effect,
    Event,
    Finish,
    Heard,
    Listen,
    PlayCue,
    Record,
    RecordEntry,
    Speak,
    SpeechDone,
    StopSpeech,
    Tick,
)
from .._core.plan import Plan, estimate_speech_seconds
from .._core.ports import (
    GUARD_SECONDS,
    Clock,
    CommandSource,
    HeardCommand,
    SourceLost,
    SpeechGate,
)
from .._core.session import TICK_SECONDS, Session
from .._sound.mixer import PlayReport
from .._sound.output import AudioOut, OutputUnavailable
from .._sound.played import CoachOnAir, PlayedSignal
from .._sound.samples import Sound
from .._sound.speech import Speaker, TtsUnavailable
from .._sound.timeline import SpeechTimeline
from .view_port import NullView, View

__all__ = ["HELD_UP_SECONDS", "LiveLoop", "LiveOptions"]

HELD_UP_SECONDS = 3.0
"""A wait that overran its timeout by more than this means the process was held up."""


@dataclass(frozen=True)
class LiveOptions:
    """How the live loop behaves."""

    tick_seconds: int = TICK_SECONDS
    """The last this many seconds of a hold tick."""
    guard: float = GUARD_SECONDS
    """Seconds after the coach's speech during which the microphone stays ignored."""
    barge_in: bool = False
    """Keep listening while the coach speaks (for headsets)."""
    refresh: float | None = 0.2
    """Seconds between screen refreshes (None: only when something happens)."""
    drain_seconds: float = 6.0
    """At most this long to let the last sound play out at the end (the spoken stop)."""
    keep_interrupted: bool = True
    """Ctrl-C (``KeyboardInterrupt``) ends the session as a kept stop; False lets it
    through after the loop has closed (an export, where a stop is a cut-short file)."""


@dataclass(frozen=True)
class _Interrupted:
    """Ctrl-C (or another reason to stop at once) reached a thread that is not the loop."""

    why: str


def _never(start: float, end: float) -> bool:
    return False


class LiveLoop:
    """Runs one session live. Build it, then call ``run`` once."""

    def __init__(
        self,
        plan: Plan,
        *,
        speaker: Speaker,
        out: AudioOut,
        cues: Mapping[str, Sound],
        clock: Clock,
        inbox: Inbox,
        view: View | None = None,
        sources: Sequence[CommandSource] = (),
        recorder: Callable[[RecordEntry], None] | None = None,
        options: LiveOptions = LiveOptions(),
        reopen: Callable[[], AudioOut] | None = None,
        session: Session | None = None,
    ) -> None:
        self.plan = plan
        self.session = session or Session(plan, tick_seconds=options.tick_seconds)
        self.speaker = speaker
        self.out = out
        self.cues = cues
        self.clock = clock
        self.inbox = inbox
        self.view: View = view or NullView()
        self.sources = list(sources)
        self.recorder = recorder
        self.options = options
        self.reopen = reopen
        self.timeline = SpeechTimeline(options.guard)
        self.gate: SpeechGate = _never if options.barge_in else self.timeline.gate
        """For voice input: True when audio at those times overlapped the coach's speech."""
        self.played = PlayedSignal()
        """What the output played, for barge-in's echo cancellation (``coach_on_air``)."""
        self.finish: Finish | None = None
        self.listening = False
        self.lost_device: str | None = None
        self.t0 = 0.0
        self._last_t = 0.0
        self._record_failed = False
        self._speech_failed = False
        self._opened = False

    # ------------------------------------------------------------ running

    def start_output(self) -> str | None:
        """Open the output path now; the reason as a message if it cannot be opened."""
        try:
            self._open(self.out)
        except OutputUnavailable as error:
            return str(error)
        self._opened = True
        return None

    def _open(self, out: AudioOut) -> None:
        out.open(self._on_report)
        out.tap(self.played.add)

    def coach_on_air(self) -> CoachOnAir:
        """What voice input needs to hear the person over the coach (barge-in)."""
        return CoachOnAir(self.played, self.timeline, lambda on: self.out.duck(on))

    def run(self) -> Finish | None:
        """Run the session to its end; returns how it finished.

        Raises ``OutputUnavailable`` if the output was not opened yet and cannot be.
        """
        if not self._opened:
            self._open(self.out)
            self._opened = True
        self.t0 = self.clock()
        try:
            for source in self.sources:
                source.start(self.inbox.put)
            self._apply(0.0, self.session.start(0.0))
            while not self.session.ended:
                self._step()
        except KeyboardInterrupt:
            if not self.options.keep_interrupted:
                raise
            self._stop_now("Ctrl-C")
        finally:
            self._close()
        return self.finish

    @property
    def speech_failed(self) -> bool:
        """A line could not be rendered by the speaker (it was shown on screen only)."""
        return self._speech_failed

    def interrupt(self, why: str = "interrupted") -> None:
        """Ask the loop (from any thread) to stop the session as if told "stop"."""
        self.inbox.put(_Interrupted(why))

    def now(self) -> float:
        """Session time: seconds since the loop started."""
        return self.clock() - self.t0

    def _step(self) -> None:
        deadline = self.session.next_deadline
        lead = self.out.lead
        timeout: float | None = None
        if deadline is not None:
            timeout = max(0.0, deadline - lead - self.now())
        if self.options.refresh is not None:
            timeout = (
                self.options.refresh if timeout is None else min(timeout, self.options.refresh)
            )
        before = self.clock()
        item = self.inbox.get(timeout)
        if timeout is not None and self.options.refresh is not None:
            late = self.clock() - before - timeout
            if late > HELD_UP_SECONDS and not (self.session.paused or self.session.ended):
                self._held_up(before - self.t0, late)
        if item is IDLE:  # only a simulation gets here: nothing can ever happen again
            self._stop_now("nothing more to hear")
            return
        if item is not None:
            self._take(item)
        lost = self.out.poll()
        if lost is not None and self.lost_device is None:
            self._device_lost(lost)
        # every deadline that has come (a little early, by the output's lead)
        while not self.session.ended:
            deadline = self.session.next_deadline
            if deadline is None or self.now() + self.out.lead < deadline - 1e-9:
                break
            self._handle(Tick(max(deadline, self._last_t)))
        self.view.refresh(self.now())

    def _held_up(self, since: float, late: float) -> None:
        # Stopped with Ctrl-Z (or starved of time): without a pause, every deadline
        # missed meanwhile would fire at once and steps never done would count as done.
        self.view.message(
            f"facecoach was held up for {late:.0f} s (stopped, or the computer was too busy). "
            "The session is paused so nothing is skipped: press p to go on."
        )
        self._handle(Heard(self._event_time(since), Command.PAUSE, "held up", "keyboard"))

    def _take(self, item: object) -> None:
        if isinstance(item, PlayReport):
            if item.kind == "speech" and item.phase == "end":
                self._handle(SpeechDone(self._event_time(item.t - self.t0), item.tag))
        elif isinstance(item, HeardCommand):
            self._heard(item)
        elif isinstance(item, SourceLost):
            self._input_lost(item)
        elif isinstance(item, _Interrupted):
            self._stop_now(item.why)

    def _heard(self, heard: HeardCommand) -> None:
        if not self.listening:
            return
        command = heard.command
        if (
            heard.source in ("keyboard", "screen")
            and command is Command.PAUSE
            and self.session.paused
        ):
            command = Command.RESUME  # one key toggles
        if command is Command.RESUME and self.lost_device is not None and not self._recover():
            return
        t = self._event_time(heard.at - self.t0)
        self.view.heard(t, HeardCommand(command, heard.text, heard.at, heard.source))
        self._handle(Heard(t, command, heard.text or command.value, heard.source))

    def _event_time(self, t: float) -> float:
        # events reach the session in order; a deadline handled early must not be overtaken
        return max(t, self._last_t)

    def _handle(self, event: Event) -> None:
        self._last_t = max(self._last_t, event.t)
        self._apply(event.t, self.session.handle(event))

    def _stop_now(self, why: str) -> None:
        if not self.session.ended:
            t = self._event_time(self.now())
            self._handle(Heard(t, Command.STOP, why, "keyboard"))

    # ------------------------------------------------------------ devices

    def _device_lost(self, name: str) -> None:
        self.lost_device = name
        stand_in = self._stand_in()
        where = f" (said on {stand_in})" if stand_in else ""
        self.view.message(
            f"Output device {name} is gone. The session is paused{where}: plug it back in "
            "(or connect another) and press p to go on."
        )
        self._handle(DeviceLost(self._event_time(self.now()), name))

    def _input_lost(self, lost: SourceLost) -> None:
        # Without the microphone nothing said is heard, "too tight" included: pause and say so.
        self.view.message(
            f"{lost.source} stopped ({lost.reason}). The session is paused: press p to go on "
            "with the keys; voice comes back when facecoach is started again."
        )
        self._handle(DeviceLost(self._event_time(self.now()), lost.source, kind="input"))

    def _stand_in(self) -> str | None:
        """Another output that works, so the pause is heard, not only shown; its name.

        Eyes are often closed: the spoken pause must reach the person if any
        output is left. Resuming still goes through ``_recover``.
        """
        if self.reopen is None:
            return None
        try:
            out = self.reopen()
            self._open(out)
        except OutputUnavailable:
            return None
        self.out.close()
        self.out = out
        return out.name

    def _recover(self) -> bool:
        """Open an output again after a loss; False (still paused) if none opens."""
        if self.reopen is None:
            self.lost_device = None
            return True
        try:
            out = self.reopen()
            self._open(out)
        except OutputUnavailable as error:
            self.view.message(f"Still no output device ({error}). Press p to try again.")
            return False
        self.out.close()
        self.out = out
        self.lost_device = None
        self.view.message(f"Going on with {out.name}.")
        return True

    # ------------------------------------------------------------ effects

    def _apply(self, t: float, effects: list[Effect]) -> None:
        at = self.t0 + t
        for effect in effects:
            if isinstance(effect, Speak):
                sound = self._render(self._said(effect.text))
                self.timeline.name(effect.utterance, effect.text)
                self.out.play(sound, "speech", tag=effect.utterance, name=effect.purpose, at=at)
            elif isinstance(effect, StopSpeech):
                self.out.stop_speech()
            elif isinstance(effect, PlayCue):
                cue = self.cues.get(effect.name)
                if cue is not None:
                    self.out.play(cue, "cue", name=effect.name, at=at)
            elif isinstance(effect, Record):
                self._record(effect.entry)
            elif isinstance(effect, Listen):
                self.listening = effect.on
            elif isinstance(effect, Finish):
                self.finish = effect
            self.view.effect(t, effect)

    def _said(self, text: str) -> str:
        # The stop line is made with the effects that record the stop, so a
        # failure to save is known only here: never say it is saved when it is not.
        lines = self.session.lines
        return lines.stopped_unsaved if self._record_failed and text == lines.stopped else text

    def _render(self, text: str) -> Sound:
        try:
            return self.speaker.render(text)
        except TtsUnavailable as error:
            # keep time as if it had been said; the screen shows the line
            self.view.message(f"Speech failed ({error}); the line is on screen only.")
            if not self._speech_failed:
                self._speech_failed = True
                self._sound_problem()
            seconds = estimate_speech_seconds(text)
            return Sound.silence(seconds)

    def _record(self, entry: RecordEntry) -> None:
        if self.recorder is None:
            return
        try:
            self.recorder(entry)
        except Exception as error:  # a failing history must not end the exercise
            if not self._record_failed:
                self._record_failed = True
                self.view.message(f"Could not save the session history: {error}")
                self._sound_problem()

    def _sound_problem(self) -> None:
        # eyes closed: a sound unlike any other, once per kind of problem
        problem = self.cues.get("problem")
        if problem is not None:
            self.out.play(problem, "cue", name="problem")

    def _on_report(self, report: PlayReport) -> None:
        # runs on the audio thread: note the time for the gate at once, then hand over
        self.timeline.note(report)
        self.inbox.put(report)

    def _close(self) -> None:
        for source in self.sources:
            try:
                source.stop()
            except Exception as error:  # one source failing to stop must not stop the others
                self.view.message(f"Could not stop a command source: {error}")
        # let what is still sounding (the closing cue, a last line) play out
        until = self.clock() + self.options.drain_seconds
        while self.out.busy and self.clock() < until:
            if self.inbox.get(max(0.0, until - self.clock())) is IDLE:
                break
        self.out.close()
        self.view.close()
