"""What the person sees during a live session.

``LiveState`` follows the session's effects (pure, so it is tested without a
screen). ``RichView`` draws it as one panel that redraws in place: routine and
exercise, the current instruction, a countdown bar for holds and rests, what
comes next, the last command, elapsed and remaining time. ``PlainView`` prints
one line per event, for text mode without a terminal and for logs.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass, field
from typing import IO, Any

from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.panel import Panel
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from .._core.commands import Command
from .._core.events import (
    ClockPaused,
    ClockResumed,
    Effect,
    Finish,
    Speak,
    StartTimer,
    StopTimer,
)
from .._core.frames import whole_seconds
from .._core.plan import Plan, StepKind
from .._core.ports import HeardCommand
from .._core.session import Session
from .._person.queries import ENDINGS
from .keys import key_help

__all__ = ["LiveState", "PlainView", "RichView", "clock_text", "make_view", "render"]

_PAUSED_WORDS = {"pause": "paused", "stop": "waiting for stop to be said again (clock paused)"}
"""How the plain view names a stop of the clock, by its reason."""


def clock_text(seconds: float) -> str:
    """``m:ss``."""
    minutes, rest = divmod(max(0, round(seconds)), 60)
    return f"{minutes:d}:{rest:02d}"


@dataclass
class LiveState:
    """Everything on screen, updated from effects."""

    plan: Plan
    session: Session
    output: str = ""
    saying: str = ""
    purpose: str = ""
    timer: StartTimer | None = None
    last_command: str = ""
    paused: str | None = None
    finished: Finish | None = None
    messages: list[str] = field(default_factory=list)

    def effect(self, effect: Effect) -> None:
        """Follow one effect."""
        if isinstance(effect, Speak):
            self.saying, self.purpose = effect.text, effect.purpose
        elif isinstance(effect, StartTimer):
            self.timer = effect
        elif isinstance(effect, StopTimer):
            self.timer = None
        elif isinstance(effect, ClockPaused):
            self.paused = effect.reason
        elif isinstance(effect, ClockResumed):
            self.paused = None
        elif isinstance(effect, Finish):
            self.finished = effect
            self.timer = None

    def heard(self, heard: HeardCommand) -> None:
        """Follow a command."""
        if heard.source == "keyboard":
            self.last_command = f"{heard.command.value} (key {heard.text or '?'})"
            return
        if heard.source == "screen":
            self.last_command = f"{heard.command.value} (button on the screen)"
            return
        words = f' "{heard.text}"' if heard.text and heard.text != heard.command.value else ""
        self.last_command = f"{heard.command.value}{words} ({heard.source})"

    def exercise(self) -> str:
        """The current exercise and where it sits in the routine."""
        step = self.session.current
        if step is None:
            return "done"
        count = self.plan.steps[-1].exercise_index + 1 if self.plan.steps else 0
        name = self.plan.exercise_name(step.exercise)
        return f"{name} (exercise {step.exercise_index + 1} of {count})"

    def coming(self) -> str:
        """The next instruction after the current step."""
        for step in self.plan.steps[self.session.index + 1 :]:
            if step.kind is StepKind.SAY:
                return step.text
            if step.kind is StepKind.REST and step.between:
                return step.text
        return "the end of the session"

    def time_left(self, t: float) -> float | None:
        """Seconds left in the running hold or rest."""
        if self.timer is None:
            return None
        if self.paused is not None:
            left = self.session.remaining(t)
            return left if left is not None else self.timer.seconds
        return max(0.0, self.timer.deadline - t)

    def remaining(self, t: float) -> float:
        """About how long the rest of the session takes."""
        step = self.session.current
        if step is None:
            return 0.0
        done_in_step = 0.0
        left = self.time_left(t)
        if left is not None and self.timer is not None:
            done_in_step = self.timer.seconds - left
        return max(0.0, self.plan.total_seconds - step.offset - done_in_step)


class RichView:
    """One panel, redrawn in place (needs a terminal)."""

    def __init__(self, state: LiveState, console: Console, *, text_mode: bool = False) -> None:
        self.state = state
        self.console = console
        self.text_mode = text_mode
        self._live = Live(console=console, auto_refresh=False, transient=False)
        self._live.start()

    def effect(self, t: float, effect: Effect) -> None:
        """Follow an effect; in text mode spoken lines are also printed."""
        self.state.effect(effect)
        if self.text_mode and isinstance(effect, Speak):
            # the line comes from a routine file: shown as written, never read as markup
            self.console.print(Text.assemble(("coach:", "bold"), " ", effect.text))

    def heard(self, t: float, heard: HeardCommand) -> None:
        """Show the command."""
        self.state.heard(heard)

    def message(self, text: str) -> None:
        """Print a notice above the panel."""
        self.state.messages.append(text)
        self.console.print(Text(text, style="yellow"))

    def refresh(self, t: float) -> None:
        """Redraw."""
        self._live.update(render(self.state, t), refresh=True)

    def close(self) -> None:
        """Stop redrawing; the last panel stays on screen."""
        self._live.stop()


def render(state: LiveState, t: float) -> RenderableType:
    """The panel for ``state`` at session time ``t``."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    grid.add_row("Exercise", Text(state.exercise()))
    grid.add_row("Now", Text(state.saying or "..."))
    left = state.time_left(t)
    if state.timer is not None and left is not None:
        bar = ProgressBar(
            total=max(state.timer.seconds, 1e-6), completed=state.timer.seconds - left, width=30
        )
        row = Table.grid(padding=(0, 1))
        total = whole_seconds(state.timer.seconds)
        # a countdown: it shows 1 until the very end, never more than the whole
        shown = min(total, math.ceil(left - 1e-9)) if left > 0 else 0
        row.add_row(bar, f"{shown} s left of {total} s")
        grid.add_row(state.timer.kind.capitalize(), row)
    if state.finished is None:  # once it has ended, nothing comes next
        grid.add_row("Next", Text(state.coming()))
    grid.add_row("Heard", Text(state.last_command or "-"))
    if state.finished is None:
        grid.add_row(
            "Time", f"{clock_text(t)} elapsed, about {clock_text(state.remaining(t))} to go"
        )
    else:
        grid.add_row("Time", f"{clock_text(t)} in all")
    grid.add_row("Output", Text(state.output))
    parts: list[Any] = [grid]
    if state.paused == "stop":
        stop = state.session.lines.taught[Command.STOP]
        parts.append(
            Text(
                f"STOP? Say {stop} again or press s to end; press p to carry on",
                style="bold yellow",
            )
        )
    elif state.paused is not None:
        whys = {"device": "output device lost", "input": "microphone stopped"}
        why = whys.get(state.paused, "paused")
        lines = state.session.lines
        say = f" or say {lines.taught[Command.RESUME]}" if lines.voice else ""
        parts.append(Text(f"{why.upper()}: press p{say} to carry on", style="bold yellow"))
    if state.finished is not None:
        f = state.finished
        how = ENDINGS.get(f.reason, f.reason).capitalize()
        parts.append(Text(f"{how}: {f.completed_steps} of {f.planned_steps} steps done"))
    parts.append(Text(key_help(), style="dim"))
    title = f"facecoach - {state.plan.name} ({state.plan.routine})"
    return Panel(Group(*parts), title=Text(title), title_align="left")


class PlainView:
    """One printed line per event (no terminal needed)."""

    def __init__(self, state: LiveState, stream: IO[str] | None = None) -> None:
        self.state = state
        self.stream = stream or sys.stdout

    def _print(self, t: float, text: str) -> None:
        print(f"{clock_text(t):>6}  {text}", file=self.stream, flush=True)

    def effect(self, t: float, effect: Effect) -> None:
        """Print what the person needs to follow along."""
        self.state.effect(effect)
        if isinstance(effect, Speak):
            self._print(t, f"coach: {effect.text}")
        elif isinstance(effect, StartTimer):
            self._print(t, f"{effect.kind} {whole_seconds(effect.seconds)} s")
        elif isinstance(effect, ClockPaused):
            self._print(t, _PAUSED_WORDS.get(effect.reason, f"paused ({effect.reason})"))
        elif isinstance(effect, ClockResumed):
            self._print(t, "resumed")
        elif isinstance(effect, Finish):
            how = ENDINGS.get(effect.reason, effect.reason)
            self._print(t, f"{how}: {effect.completed_steps} of {effect.planned_steps} steps done")

    def heard(self, t: float, heard: HeardCommand) -> None:
        """Print the command."""
        self.state.heard(heard)
        self._print(t, f"heard: {self.state.last_command}")

    def message(self, text: str) -> None:
        """Print a notice."""
        self.state.messages.append(text)
        print(text, file=self.stream, flush=True)

    def refresh(self, t: float) -> None:
        """Nothing to redraw."""

    def close(self) -> None:
        """Nothing to close."""


def make_view(
    plan: Plan, session: Session, *, output: str, text_mode: bool, console: Console | None = None
) -> RichView | PlainView:
    """A rich panel on a terminal, printed lines otherwise."""
    console = console or Console(highlight=False, markup=False)
    state = LiveState(plan, session, output=output)
    if console.is_terminal:
        return RichView(state, console, text_mode=text_mode)
    return PlainView(state, console.file)
