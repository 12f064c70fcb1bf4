"""The web app's side of a live session: the same live loop as ``facecoach run``.

``SessionRunner`` starts a session the way the command line does (profile,
safety gate, today's routine, adapted holds, history, the lock), then runs
``run_live`` in a thread of its own, so the sound leaves this machine through
the one output path and the voice commands work as in a terminal. The page is
a display and a remote: ``WebRemote`` is one more command source, and
``WebView`` follows the session's effects into a ``Snapshot`` that is sent to
every open page. Closing a page changes nothing.

All the joins to ``facecoach._live`` and ``facecoach._person`` are in this file.
"""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any

from markupsafe import Markup
from rich.console import Console

from .._core.commands import Command
from .._core.events import Effect
from .._core.loader import builtin_library
from .._core.plan import Plan, PlanStep, StepKind, compile_plan
from .._core.ports import CommandSource, HeardCommand, SpeechGate
from .._core.routine import Library, Routine
from .._live.loop import LiveLoop
from .._live.terminal_view import LiveState
from .._live.view_port import View
from .._live.wiring import run_live
from .._paths import Places
from .._person.errors import RunRefused
from .._person.run import prepare_run
from .._sound.settings import SoundOptions
from .sheet import sheet_blocks

__all__ = [
    "BUTTONS",
    "BY_BUTTON",
    "DOCKED",
    "Picture",
    "SessionRunner",
    "Snapshot",
    "VoiceFactory",
    "WebRemote",
    "WebView",
    "session_status",
    "step_labels",
]

VoiceFactory = Callable[[], Sequence[Callable[[SpeechGate], CommandSource]]]
"""Makes the voice sources for one session (the command line knows how)."""

BUTTONS: tuple[tuple[str, Command, str], ...] = (
    ("Next", Command.NEXT, "n"),
    ("Repeat", Command.REPEAT, "r"),
    ("Too tight", Command.TOO_TIGHT, "t"),
    ("Pause", Command.PAUSE, "p"),
    ("Back", Command.BACK, "b"),
    ("Help", Command.HELP, "h"),
    ("Stop", Command.STOP, "s"),
)
"""The session buttons: label, command, key. Pause turns into Continue while paused
(the word a person says to go on)."""
BY_BUTTON = {command: label for label, command, _ in BUTTONS} | {Command.RESUME: "Continue"}
"""What the coach asks a person to press when no microphone listens."""
DOCKED = (Command.TOO_TIGHT, Command.PAUSE, Command.STOP)
"""The buttons that stay in reach at the bottom of the window, however far the page scrolls."""


class WebRemote:
    """A command source fed by the page's buttons."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._emit: Callable[[HeardCommand], None] | None = None
        self._clock = clock

    def start(self, emit: Callable[[HeardCommand], None]) -> None:
        """Begin taking button presses."""
        self._emit = emit

    def stop(self) -> None:
        """No more presses."""
        self._emit = None

    def press(self, command: Command) -> bool:
        """A button was pressed; False when no session is listening."""
        emit = self._emit
        if emit is None:
            return False
        # A press is deliberate, like a key: only a spoken stop is confirmed.
        emit(HeardCommand(command, "button", self._clock(), "screen"))
        return True


@dataclass(frozen=True)
class Snapshot:
    """What the Session page shows; sent as JSON to every open page."""

    state: str = "idle"
    """idle | running | paused | finished."""
    routine: str = ""
    exercise: str = ""
    saying: str = ""
    purpose: str = ""
    timer: str = ""
    """hold | rest | "" (no timed step running)."""
    timer_total: float = 0.0
    timer_left: float = 0.0
    coming: str = ""
    rep: str = ""
    heard: str = ""
    finished: str = ""
    message: str = ""
    output: str = ""
    exercise_id: str = ""
    """The exercise of the current step ("" before the first and after the last)."""
    listening: bool = False
    """Voice commands are on (a microphone listens) in this session."""
    version: int = 0

    def to_json(self) -> dict[str, Any]:
        """Plain values for the page."""
        return asdict(self)


def session_status(snap: Snapshot) -> str:
    """The Session page's status line (the page's script words it the same way)."""
    if snap.state == "paused":
        if snap.listening:
            return 'Paused. Press Continue or say "continue" to go on.'
        return "Paused. Press Continue to go on."
    if snap.state == "finished":
        return "The session has ended."
    if snap.state == "idle":
        return "No session is running."
    return f"Session running: {snap.routine}"


def _heard_words(heard: HeardCommand) -> str:
    if heard.source == "screen":
        return f"{heard.command.value} (button on the screen)"
    if heard.source == "keyboard":
        return f"{heard.command.value} (key {heard.text or '?'})"
    words = f' "{heard.text}"' if heard.text and heard.text != heard.command.value else ""
    return f"{heard.command.value}{words} (heard by the microphone)"


class WebView:
    """Follows the session for the pages, and passes everything on to the terminal's view."""

    def __init__(
        self,
        loop: LiveLoop,
        inner: View,
        publish: Callable[[Snapshot], None],
        name: str,
        labels: Sequence[tuple[str, str]] = (),
        listening: bool = False,
    ) -> None:
        self.loop = loop
        self.inner = inner
        self.publish = publish
        self.state = LiveState(loop.plan, loop.session, output=loop.out.name)
        self.name = name
        self.labels = list(labels)
        self.listening = listening
        self.heard_text = ""
        self.message_text = ""
        self.version = 0

    def snapshot(self, t: float) -> Snapshot:
        """The page's picture of the session at session time ``t``."""
        state = self.state
        step = state.session.current
        if state.finished is not None:
            f = state.finished
            how = "finished" if f.reason == "done" else "stopped"
            finished = f"Session {how}: {f.completed_steps} of {f.planned_steps} steps done."
        else:
            finished = ""
        left = state.time_left(t)
        exercise, rep = ("Done", "")
        if step is not None and state.session.index < len(self.labels):
            exercise, rep = self.labels[state.session.index]
        self.version += 1
        return Snapshot(
            state="finished"
            if state.finished is not None
            else "paused"
            if state.paused is not None
            else "running",
            routine=self.name,
            exercise=exercise,
            saying=state.saying,
            purpose=state.purpose,
            timer=state.timer.kind if state.timer is not None else "",
            timer_total=state.timer.seconds if state.timer is not None else 0.0,
            timer_left=round(left, 2) if left is not None else 0.0,
            coming=state.coming(),
            rep=rep,
            heard=self.heard_text,
            finished=finished,
            message=self.message_text,
            output=state.output,
            exercise_id=step.exercise if step is not None and state.finished is None else "",
            listening=self.listening,
            version=self.version,
        )

    def _changed(self, t: float) -> None:
        self.publish(self.snapshot(t))

    def effect(self, t: float, effect: Effect) -> None:
        """Follow an effect, then tell the pages."""
        self.inner.effect(t, effect)
        self.state.effect(effect)
        self._changed(t)

    def heard(self, t: float, heard: HeardCommand) -> None:
        """Show what was heard, and where from."""
        self.inner.heard(t, heard)
        self.state.heard(heard)
        self.heard_text = _heard_words(heard)
        self._changed(t)

    def message(self, text: str) -> None:
        """A notice (device lost, ...)."""
        self.inner.message(text)
        self.message_text = text
        self._changed(self.loop.now())

    def refresh(self, t: float) -> None:
        """The terminal redraws; the pages count down by themselves."""
        self.inner.refresh(t)

    def close(self) -> None:
        """Close the terminal's view."""
        self.inner.close()


def _in_rep(step: PlanStep) -> bool:
    """Part of an exercise's repeated steps (not its setup, a rest between, or the frame)."""
    return not (step.is_setup or step.between or step.frame)


def step_labels(plan: Plan, library: Library) -> list[tuple[str, str]]:
    """For each plan step: the exercise (``Brow lift (2 of 5)``) and round (``Round 1 of 3``)."""
    count = plan.steps[-1].exercise_index + 1 if plan.steps else 0
    totals: dict[int, int] = {}
    for step in plan.steps:
        if _in_rep(step) and step.kind is StepKind.SAY:
            totals[step.exercise_index] = totals.get(step.exercise_index, 0) + 1
    seen: dict[int, int] = {}
    labels: list[tuple[str, str]] = []
    for step in plan.steps:
        exercise = library.exercises.get(step.exercise)
        name = exercise.name if exercise is not None else step.exercise
        where = f"{name} ({step.exercise_index + 1} of {count})"
        per = len(exercise.steps) if exercise is not None else 0
        if _in_rep(step) and step.kind is StepKind.SAY:
            seen[step.exercise_index] = seen.get(step.exercise_index, 0) + 1
        done = seen.get(step.exercise_index, 0)
        reps = totals.get(step.exercise_index, 0) // per if per else 0
        rep = ""
        if reps > 1 and done > 0 and _in_rep(step):
            rep = f"Round {min(reps, (done - 1) // per + 1)} of {reps}"
        labels.append((where, rep))
    return labels


def _pictures(
    routine: Routine, library: Library, side: str | None, factors: dict[str, float]
) -> tuple[Picture, ...]:
    """One picture per exercise of ``routine``, drawn for the person's side."""
    seen: dict[str, Picture] = {}
    blocks = sheet_blocks(routine, library, person_side=side, hold_factors=factors, prefix="now")
    for block in blocks:
        if block.exercise_id not in seen:
            seen[block.exercise_id] = Picture(
                block.exercise_id, block.name, block.picture, block.setup
            )
    return tuple(seen.values())


@dataclass(frozen=True)
class Picture:
    """An exercise's face picture and its setup line, for the Session page."""

    exercise_id: str
    name: str
    svg: Markup
    setup: str


@dataclass
class _Running:
    thread: threading.Thread
    remote: WebRemote
    loop: LiveLoop | None = None
    view: WebView | None = None
    listening: bool = False


@dataclass
class SessionRunner:
    """At most one session at a time, started from the page, run as on the command line."""

    where: Places
    options: SoundOptions
    library: Callable[[], Library] = builtin_library
    """The exercises and routines to run from (the built-in ones and the person's files)."""
    voice: VoiceFactory | None = None
    publish: Callable[[Snapshot], None] = lambda snapshot: None
    today: Callable[[], date] = date.today
    log: io.StringIO | None = None
    """Where the terminal view writes (None: the server's standard error)."""
    blocked: Callable[[], str] = lambda: ""
    """Why no session may start now, in words ("": it may): a voice enrolment
    has the microphone. Asked under ``start_lock``."""
    latest: Snapshot = field(default_factory=Snapshot)
    pictures: tuple[Picture, ...] = ()
    """The face pictures of the routine started last, one per exercise."""
    _running: _Running | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def start_lock(self) -> threading.Lock:
        """Held while a session starts; whatever else needs the microphone starts under it too."""
        return self._lock

    @property
    def active(self) -> bool:
        """A session is running now (started from this app)."""
        running = self._running
        return running is not None and running.thread.is_alive()

    def start(self, routine: str | None) -> str:
        """Start a session of ``routine`` (None: today's); returns the routine's name.

        Raises ``RunRefused`` exactly as ``facecoach run`` would refuse (the
        safety gate, the stage not set, another session running, a damaged
        history), with the same words.
        """
        with self._lock:
            if self.active:
                raise RunRefused("A session is already running: see the Session page.", 3)
            why = self.blocked()
            if why:
                raise RunRefused(why, 3)
            library = self.library()
            ctx = prepare_run(
                self.where,
                routine,
                simulate=False,
                record=True,
                side_override=None,
                today=self.today(),
                ask=None,
                library=lambda: library,
            )
            try:
                chosen = library.routines.get(ctx.routine)
                if chosen is None:
                    raise RunRefused(f"There is no routine called {ctx.routine}.", 2)
                personal = ctx.personal(library)
                plan = compile_plan(chosen, library, personal=personal)
                recorder = ctx.recorder(plan, library)
                labels = step_labels(plan, library)
                pictures = _pictures(chosen, library, personal.side, dict(personal.hold_factors))
            except BaseException:
                ctx.close()
                raise
            remote = WebRemote()
            running = _Running(threading.Thread(target=lambda: None), remote)

            def attach(loop: LiveLoop) -> None:
                view = WebView(
                    loop, loop.view, self._publish, chosen.name, labels, running.listening
                )
                loop.view = view
                running.loop, running.view = loop, view
                self._publish(view.snapshot(0.0))

            def work() -> None:
                console = Console(
                    file=self.log if self.log is not None else None,
                    stderr=self.log is None,
                    highlight=False,
                    soft_wrap=True,
                    force_terminal=False,
                )
                try:
                    gated = list(self.voice()) if self.voice else []
                    running.listening = bool(gated)
                    run_live(
                        plan,
                        replace(self.options, keyboard=False),
                        command_sources=[remote],
                        gated_sources=gated,
                        recorder=recorder,
                        console=console,
                        on_loop=attach,
                        by_hand=BY_BUTTON,
                    )
                finally:
                    ctx.close()
                    if running.view is not None and running.loop is not None:
                        self._publish(running.view.snapshot(running.loop.now()))

            running.thread = threading.Thread(
                target=work, name="facecoach-web-session", daemon=True
            )
            self._running = running
            self.pictures = pictures
            self.latest = Snapshot(state="starting", routine=chosen.name)
            running.thread.start()
            return chosen.name

    def press(self, command: Command) -> bool:
        """A button: False when no session is running."""
        running = self._running
        if running is None or not running.thread.is_alive():
            return False
        if command is Command.PAUSE and self.latest.state == "paused":
            command = Command.RESUME
        return running.remote.press(command)

    def stop(self, why: str = "the web app stopped") -> None:
        """End a running session as if told "stop" (the app is closing); wait for it."""
        running = self._running
        if running is None:
            return
        if running.loop is not None:
            running.loop.interrupt(why)
        running.thread.join(timeout=10)

    def _publish(self, snapshot: Snapshot) -> None:
        self.latest = snapshot
        self.publish(snapshot)
