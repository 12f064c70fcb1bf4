"""The live view: what the screen shows as a session runs."""

from __future__ import annotations

import io

from rich.console import Console

from facecoach._core.commands import Command
from facecoach._core.events import ClockPaused, Finish, Speak, StartTimer, StopTimer
from facecoach._core.plan import StepKind
from facecoach._core.ports import HeardCommand
from facecoach._core.session import Session
from facecoach._live.terminal_view import (
    LiveState,
    PlainView,
    RichView,
    clock_text,
    make_view,
    render,
)
from sound_fixtures import mini_plan


def screen_of(state: LiveState, t: float) -> str:
    console = Console(record=True, width=100, file=io.StringIO())
    console.print(render(state, t))
    return console.export_text()


def test_the_panel_shows_instruction_countdown_next_command_and_times() -> None:
    plan = mini_plan()
    session = Session(plan)
    session.start(0.0)
    hold_index = next(i for i, s in enumerate(plan.steps) if s.kind is StepKind.HOLD)
    session.index = hold_index
    state = LiveState(plan, session, output="Jabra headset (device 3)")
    state.effect(Speak("Lift both brows gently.", 1))
    state.effect(StartTimer("hold", 4.0, 10.0, "brow-lift", "Lift both brows gently."))
    state.heard(HeardCommand(Command.TOO_TIGHT, "too tight", 0.0, "voice"))
    text = screen_of(state, 7.5)
    assert "Mini routine (mini)" in text
    assert "Brow lift (exercise 1 of 2)" in text
    assert "Lift both brows gently." in text
    assert "3 s left of 4 s" in text  # whole seconds, counting down
    assert "Next" in text and "Let go." in text
    assert "too tight (voice)" in text
    assert "0:08 elapsed" in text
    assert "Jabra headset" in text
    assert "1 s left of 4 s" in screen_of(state, 9.9)  # until the very end
    state.effect(StopTimer("hold", "brow-lift", 4.0, 4.0))
    assert "left of" not in screen_of(state, 9.0)


def test_the_panel_reads_like_the_coach_speaks() -> None:
    plan = mini_plan()
    session = Session(plan)
    session.start(0.0)
    state = LiveState(plan, session)
    # an ease-off line, a notice: the words alone, never the engine's tags
    for purpose in ("ease_off", "notice", "announce", "help"):
        state.effect(Speak("Ease off now. Let go, and breathe.", 3, purpose))  # type: ignore[arg-type]
        text = screen_of(state, 1.0)
        assert "[" not in text and "Ease off now." in text
    # a hold shortened to 3.375 s is 3 s on the screen; the name is the spoken one
    state.effect(StartTimer("hold", 3.375, 4.375, "brow-lift", "Lift both brows gently."))
    assert "3 s left of 3 s" in screen_of(state, 1.0)
    named = type(plan)(plan.routine, plan.name, plan.steps, {"brow-lift": "Brow lift, gently"})
    assert "Brow lift, gently (exercise 1 of 2)" in screen_of(LiveState(named, session), 1.0)


def test_paused_and_finished_are_plain_to_see() -> None:
    plan = mini_plan()
    session = Session(plan)
    session.start(0.0)
    state = LiveState(plan, session)
    state.effect(ClockPaused("device"))
    assert "OUTPUT DEVICE LOST: press p or say continue to carry on" in screen_of(state, 1.0)
    # A person's own phrase, from their voice enrolment, is the one shown.
    session.lines = session.lines.teaching({Command.RESUME: "go on"})
    assert "press p or say go on to carry on" in screen_of(state, 1.0)
    state.effect(Finish("stop", 3, 16))
    ended = screen_of(state, 2.0)
    assert "Stopped: 3 of 16 steps done" in ended
    assert "Next" not in ended and "to go" not in ended and "0:02 in all" in ended


def test_plain_view_prints_one_line_per_event() -> None:
    plan = mini_plan()
    session = Session(plan)
    out = io.StringIO()
    view = PlainView(LiveState(plan, session), out)
    view.effect(65.0, Speak("Let go.", 2))
    view.effect(66.0, StartTimer("rest", 2.0, 68.0, "brow-lift"))
    view.heard(67.0, HeardCommand(Command.NEXT, "n", 0.0, "keyboard"))
    view.message("Output device Jabra is gone.")
    assert out.getvalue().splitlines() == [
        "  1:05  coach: Let go.",
        "  1:06  rest 2 s",
        "  1:07  heard: next (key n)",
        "Output device Jabra is gone.",
    ]


def test_make_view_draws_a_panel_on_a_terminal_and_lines_elsewhere() -> None:
    plan = mini_plan()
    session = Session(plan)
    session.start(0.0)
    piped = make_view(
        plan, session, output="x", text_mode=True, console=Console(file=io.StringIO())
    )
    assert isinstance(piped, PlainView)
    screen = io.StringIO()
    terminal = Console(file=screen, force_terminal=True, width=100)
    view = make_view(plan, session, output="x", text_mode=True, console=terminal)
    assert isinstance(view, RichView)
    view.effect(0.0, Speak("Sit tall and relax your face.", 1))
    view.refresh(0.5)
    view.close()
    assert "Sit tall and relax" in screen.getvalue()  # text mode prints the line too
    assert "facecoach - Mini routine" in screen.getvalue()
    assert clock_text(125.4) == "2:05"
