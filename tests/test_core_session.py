"""The session engine, driven on simulated time (no sleeps, no devices)."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from facecoach._core.commands import Command
from facecoach._core.events import (
    ClockPaused,
    ClockResumed,
    DeviceLost,
    Finish,
    Heard,
    Record,
    Speak,
    SpeechDone,
    StartTimer,
    StopSpeech,
    StopTimer,
    Tick,
    TooTightRecord,
)
from facecoach._core.loader import load_library
from facecoach._core.plan import Personal, Plan, compile_plan
from facecoach._core.session import Session
from facecoach._core.simulate import ScriptedCommand, parse_scripted, simulate
from facecoach._core.state import SessionState

SAMPLE = Path(__file__).parent / "fixtures" / "core" / "sample.yaml"


@pytest.fixture(scope="module")
def plan() -> Plan:
    # the engine's moves on the bare timeline of the file; the spoken frames
    # (opening, ready wait, counts, closing) are tested in test_core_frames.py
    library = load_library([SAMPLE])
    return compile_plan(
        library.routines["sample"], library, personal=Personal("left"), frames=False, ready=0
    )


def run(plan: Plan, *commands: str) -> list[dict[str, Any]]:
    return simulate(plan, [parse_scripted(c) for c in commands])


def events(log: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return [line for line in log if line["event"] == name]


def first_hold_start(log: list[dict[str, Any]]) -> float:
    return float(events(log, "hold")[0]["t"])


def test_plain_run_ends_done_on_time(plan: Plan) -> None:
    log = run(plan)
    end = log[-1]
    assert end["event"] == "end" and end["reason"] == "done"
    assert end["completed_steps"] == end["planned_steps"] == plan.counted_steps
    assert end["t"] == pytest.approx(plan.total_seconds, abs=0.01)
    assert [h["seconds"] for h in events(log, "hold")] == [8, 8, 20, 20]
    ticks = [c for c in events(log, "cue") if c["name"] == "tick"]
    # the last three seconds of each hold, and of the rest before the next exercise
    assert len(ticks) == 4 * 3 + 3


def test_next_ends_a_hold_at_once(plan: Plan) -> None:
    start = first_hold_start(run(plan))
    log = run(plan, f"{start + 2}:next")
    end = events(log, "hold_end")[0]
    assert end["t"] == pytest.approx(start + 2) and end["reason"] == "next"
    assert end["actual"] == pytest.approx(2)


def test_repeat_restarts_the_hold(plan: Plan) -> None:
    start = first_hold_start(run(plan))
    log = run(plan, f"{start + 5}:repeat")
    holds = events(log, "hold")
    assert holds[0]["seconds"] == holds[1]["seconds"] == 8
    assert events(log, "hold_end")[0]["reason"] == "repeat"
    assert holds[1]["t"] == pytest.approx(start + 5 + 0.4)  # after the start cue again


def test_too_tight_eases_off_at_once_and_shortens_later_holds(plan: Plan) -> None:
    start = first_hold_start(run(plan))
    heard_at = start + 3
    log = run(plan, f"{heard_at}:too tight")
    ease = [s for s in events(log, "say") if s["purpose"] == "ease_off"]
    assert ease and ease[0]["t"] == pytest.approx(heard_at)
    end = events(log, "hold_end")[0]
    assert end["reason"] == "too_tight" and end["t"] - heard_at <= 1.0
    holds = [(h["exercise"], h["seconds"]) for h in events(log, "hold")]
    assert holds == [
        ("brow-press", 8),
        ("brow-press", 6),
        ("cheek-stretch", 20),
        ("cheek-stretch", 20),
    ]


def test_too_tight_compounds_each_time_it_is_heard(plan: Plan) -> None:
    start = first_hold_start(run(plan))
    log = run(
        plan,
        f"{start}:too tight",
        f"{start + 0.5}:too tight",
        f"{start + 1}:too tight",
        f"{start + 1.5}:too tight",
    )
    second = events(log, "hold")[1]
    assert second["seconds"] == pytest.approx(8 * 0.75**4, abs=0.001)  # 2.53, above the floor


def test_too_tight_floor(plan: Plan) -> None:
    session = Session(plan)
    session.start(0.0)
    for t in range(10):
        session.handle(Heard(float(t) * 0.01, Command.TOO_TIGHT))
    hold = next(s for s in plan.steps if s.exercise == "brow-press" and s.kind.value == "hold")
    assert session.hold_seconds(hold) == 2.0  # min_hold of brow-press


def test_too_tight_outside_a_hold_shortens_later_holds(plan: Plan) -> None:
    log = run(plan, "0.5:too tight")
    ease = [s for s in events(log, "say") if s["purpose"] == "ease_off"]
    assert ease[0]["t"] == 0.5
    assert [h["seconds"] for h in events(log, "hold")][:2] == [6, 6]
    # the interrupted setup line is said again after the ease-off line
    setups = [s for s in events(log, "say") if s["text"].startswith("Rest two fingertips")]
    assert len(setups) == 2


def test_pause_freezes_a_hold_and_resume_keeps_its_time(plan: Plan) -> None:
    start = first_hold_start(run(plan))
    log = run(plan, f"{start + 3}:pause", f"{start + 63}:resume")
    assert events(log, "paused")[0]["t"] == pytest.approx(start + 3)
    assert events(log, "resumed")[0]["t"] == pytest.approx(start + 63)
    end = events(log, "hold_end")[0]
    assert end["reason"] == "done"
    assert end["t"] == pytest.approx(start + 63 + 5)  # 5 s were left


def test_session_without_commands_is_paused_no_deadline(plan: Plan) -> None:
    session = Session(plan)
    session.start(0.0)
    session.handle(Heard(0.1, Command.PAUSE))
    assert session.state is SessionState.PAUSED and session.next_deadline is None
    session.handle(Heard(5.0, Command.RESUME))
    assert session.state is SessionState.SPEAKING


def test_back_goes_to_the_previous_step_then_the_previous_exercise(plan: Plan) -> None:
    session = Session(plan)
    session.start(0.0)
    stretch_start = next(
        i
        for i, s in enumerate(plan.steps)
        if s.exercise == "cheek-stretch" and s.kind.value == "say"
    )
    session.index = stretch_start + 1  # the first instruction of the stretch
    session.handle(Heard(1.0, Command.BACK))
    assert session.index == stretch_start  # its setup line
    session.handle(Heard(2.0, Command.BACK))
    assert session.index == 0  # the start of the brow press


def test_stop_ends_and_keeps_the_record(plan: Plan) -> None:
    log = run(plan, "20:stop")
    end = log[-1]
    assert end["event"] == "end" and end["reason"] == "stop" and end["t"] == 20
    assert 0 < end["completed_steps"] < end["planned_steps"]


def test_spoken_stop_asks_for_confirmation(plan: Plan) -> None:
    session = Session(plan)
    session.start(0.0)
    effects = session.handle(Heard(1.0, Command.STOP, "stop", "voice"))
    assert not session.ended
    assert any(isinstance(e, Speak) and "stop again" in e.text for e in effects)
    session.handle(Heard(30.0, Command.STOP, "stop", "voice"))  # too late: asks again
    assert not session.ended
    effects = session.handle(Heard(32.0, Command.STOP, "stop", "voice"))
    assert session.ended and any(isinstance(e, Finish) for e in effects)


def test_the_time_to_confirm_a_stop_counts_from_the_end_of_the_question(plan: Plan) -> None:
    session = Session(plan)
    session.start(0.0)
    effects = session.handle(Heard(1.0, Command.STOP, "stop", "voice"))
    (asked,) = [e for e in effects if isinstance(e, Speak) and "stop again" in e.text]
    session.handle(SpeechDone(5.0, asked.utterance))  # a slow line: heard in full at 5 s
    session.handle(Heard(10.0, Command.STOP, "stop", "voice"))  # 9 s after, 5 s after the line
    assert session.ended


def _said_at_once(session: Session, t: float, effects: list[Any]) -> None:
    """Report every line in ``effects`` as said in no time, and what follows."""
    for effect in effects:
        if isinstance(effect, Speak):
            _said_at_once(session, t, session.handle(SpeechDone(t, effect.utterance)))


def _run_until(session: Session, t: float, done: Any) -> float:
    """Tick ``session`` (lines said in no time) until ``done()``; the time then."""
    while not done():
        deadline = session.next_deadline
        assert deadline is not None
        t = deadline
        _said_at_once(session, t, session.handle(Tick(t)))
    return t


def _in_a_hold(plan: Plan) -> tuple[Session, float]:
    """A session two seconds into its first hold, and that time."""
    session = Session(plan)
    _said_at_once(session, 0.0, session.start(0.0))
    t = _run_until(session, 0.0, lambda: session.state is SessionState.HOLDING)
    return session, t + 2.0


def _asked(effects: list[Any]) -> Speak:
    (asked,) = [e for e in effects if isinstance(e, Speak)]
    return asked


def test_a_spoken_stop_in_a_hold_stands_still_while_it_waits(plan: Plan) -> None:
    session, t = _in_a_hold(plan)
    left = session.remaining(t)
    effects = session.handle(Heard(t, Command.STOP, "stop", "voice"))
    asked = _asked(effects)
    assert asked.text == session.lines.confirm_stop
    assert "five seconds" in asked.text
    assert [e.reason for e in effects if isinstance(e, ClockPaused)] == ["stop"]
    assert session.state is SessionState.CONFIRMING and session.paused
    session.handle(SpeechDone(t + 3.0, asked.utterance))
    # the wait counts from the end of the question; the hold's time stands still
    assert session.next_deadline == pytest.approx(t + 3.0 + 5.0)
    assert session.handle(Tick(t + 7.9)) == []
    assert session.remaining(t + 7.9) == left
    effects = session.handle(Heard(t + 7.9, Command.STOP, "stop", "voice"))
    assert session.ended and any(isinstance(e, Finish) for e in effects)


def test_silence_after_a_spoken_stop_goes_on_where_it_was_and_says_so(plan: Plan) -> None:
    session, t = _in_a_hold(plan)
    left = session.remaining(t)
    asked = _asked(session.handle(Heard(t, Command.STOP, "stop", "voice")))
    session.handle(SpeechDone(t + 3.0, asked.utterance))
    deadline = session.next_deadline
    assert deadline == pytest.approx(t + 8.0)
    effects = session.handle(Tick(deadline))
    assert any(isinstance(e, ClockResumed) for e in effects)
    assert [e.text for e in effects if isinstance(e, Speak)] == [session.lines.not_stopped]
    assert session.state is SessionState.HOLDING
    assert session.remaining(deadline) == pytest.approx(left)  # the hold goes on, not over
    # a later stop is a first stop again
    session.handle(Heard(deadline + 1.0, Command.STOP, "stop", "voice"))
    assert session.state is SessionState.CONFIRMING


def test_the_s_key_ends_a_session_waiting_for_its_second_stop(plan: Plan) -> None:
    session, t = _in_a_hold(plan)
    session.handle(Heard(t, Command.STOP, "stop", "voice"))
    effects = session.handle(Heard(t + 1.0, Command.STOP, "s", "keyboard"))
    assert session.ended
    assert [e.reason for e in effects if isinstance(e, Finish)] == ["stop"]


def test_a_stop_asked_during_a_line_says_the_line_again_when_it_goes_on(plan: Plan) -> None:
    session = Session(plan)
    (line,) = [e for e in session.start(0.0) if isinstance(e, Speak)]
    effects = session.handle(Heard(1.0, Command.STOP, "stop", "voice"))
    assert any(isinstance(e, StopSpeech) for e in effects)  # the line is cut, nothing new said
    asked = _asked(effects)
    session.handle(SpeechDone(1.5, line.utterance))  # the cut line's report: nothing follows
    assert session.state is SessionState.CONFIRMING
    session.handle(SpeechDone(4.0, asked.utterance))
    effects = session.handle(Tick(9.0))
    said = [e.text for e in effects if isinstance(e, Speak)]
    assert said == [session.lines.not_stopped]
    (going_on,) = [e for e in effects if isinstance(e, Speak)]
    effects = session.handle(SpeechDone(12.0, going_on.utterance))
    assert [e.text for e in effects if isinstance(e, Speak)] == [line.text]


def test_a_spoken_stop_during_a_pause_leaves_it_paused_when_not_said_again(plan: Plan) -> None:
    session, t = _in_a_hold(plan)
    session.handle(Heard(t, Command.PAUSE, "wait", "voice"))
    asked = _asked(session.handle(Heard(t + 10.0, Command.STOP, "stop", "voice")))
    session.handle(SpeechDone(t + 13.0, asked.utterance))
    effects = session.handle(Tick(t + 18.0))
    assert [e.text for e in effects if isinstance(e, Speak)] == [session.lines.not_stopped_paused]
    assert [e.reason for e in effects if isinstance(e, ClockPaused)] == ["pause"]
    assert session.state is SessionState.PAUSED and session.next_deadline is None
    resumed = session.handle(Heard(t + 30.0, Command.RESUME, "continue", "voice"))
    assert any(isinstance(e, ClockResumed) for e in resumed)
    assert session.state is SessionState.HOLDING


def test_another_command_while_a_stop_waits_carries_on_and_forgets_the_stop(plan: Plan) -> None:
    session, t = _in_a_hold(plan)
    session.handle(Heard(t, Command.STOP, "stop", "voice"))
    effects = session.handle(Heard(t + 1.0, Command.TOO_TIGHT, "too tight", "voice"))
    assert any(isinstance(e, Record) and isinstance(e.entry, TooTightRecord) for e in effects)
    assert session.state is SessionState.SPEAKING  # the ease-off line
    session.handle(Heard(t + 2.0, Command.STOP, "stop", "voice"))
    assert session.state is SessionState.CONFIRMING  # asked again, not ended


def test_a_whole_session_waits_for_a_spoken_stop_then_runs_to_its_end(plan: Plan) -> None:
    plain = Session(plan)
    _said_at_once(plain, 0.0, plain.start(0.0))
    plain_end = _run_until(plain, 0.0, lambda: plain.ended)
    session, t = _in_a_hold(plan)
    asked = _asked(session.handle(Heard(t, Command.STOP, "stop", "voice")))
    session.handle(SpeechDone(t + 3.0, asked.utterance))
    end = _run_until(session, t + 3.0, lambda: session.ended)
    # later by the question (3 s) and the wait (5 s): no step was cut or skipped
    assert end == pytest.approx(plain_end + 8.0)
    assert session.holds_done == plain.holds_done


def test_help_is_said_over_a_hold_without_ending_it(plan: Plan) -> None:
    start = first_hold_start(run(plan))
    log = run(plan, f"{start + 1}:help")
    assert any(s["purpose"] == "help" for s in events(log, "say"))
    assert events(log, "hold_end")[0]["reason"] == "done"


def test_device_lost_pauses(plan: Plan) -> None:
    session = Session(plan)
    session.start(0.0)
    session.handle(DeviceLost(0.5, "headset"))
    assert session.paused


def test_a_lost_microphone_pauses_and_says_the_keys_still_work(plan: Plan) -> None:
    session = Session(plan)
    session.start(0.0)
    effects = session.handle(DeviceLost(0.5, "microphone: default", kind="input"))
    assert session.paused
    said = [e.text for e in effects if isinstance(e, Speak)]
    assert said == [session.lines.input_paused]
    assert "microphone" in said[0] and "Press p" in said[0]
    assert [e.reason for e in effects if isinstance(e, ClockPaused)] == ["input"]
    resumed = session.handle(Heard(3.0, Command.RESUME, source="keyboard"))
    assert not session.paused and any(isinstance(e, ClockResumed) for e in resumed)


def test_stale_speech_done_is_ignored(plan: Plan) -> None:
    session = Session(plan)
    first = session.start(0.0)
    utterance = next(e.utterance for e in first if isinstance(e, Speak))
    session.handle(Heard(0.2, Command.REPEAT))
    assert session.handle(SpeechDone(0.3, utterance)) == []
    assert session.index == 0


def test_late_ticks_do_not_drift(plan: Plan) -> None:
    """Each timed step starts at the previous deadline, however late the tick."""
    session = Session(plan)
    effects = session.start(0.0)
    t = 0.0
    late = 0.05
    checked = 0
    for _ in range(10_000):
        if session.ended:
            break
        for effect in effects:
            if isinstance(effect, StartTimer) and effect.kind == "hold":
                # begun by a tick that came 50 ms after the start cue's deadline,
                # yet the hold runs from that deadline, not from the tick
                assert effect.deadline - effect.seconds == pytest.approx(t - late)
                checked += 1
        speak = [e for e in effects if isinstance(e, Speak) and e.purpose == "step"]
        if speak:
            t += 1.0
            effects = session.handle(SpeechDone(t, speak[-1].utterance))
        else:
            deadline = session.next_deadline
            assert deadline is not None
            t = deadline + late
            effects = session.handle(Tick(t))
    assert session.ended and checked == 4


def test_records_come_as_things_happen(plan: Plan) -> None:
    entries: list[object] = []
    start = first_hold_start(run(plan))
    simulate(plan, [parse_scripted(f"{start + 1}:too tight")], record=entries.append)
    assert any(isinstance(e, TooTightRecord) and e.factor == 0.75 for e in entries)
    assert type(entries[-1]).__name__ == "EndRecord"


def test_parse_scripted_rejects_nonsense() -> None:
    for spec in ("next", "x:next", "-1:next", "5:jump"):
        with pytest.raises(ValueError, match="--command"):
            parse_scripted(spec)
    assert parse_scripted("12.5:Too Tight") == ScriptedCommand(12.5, Command.TOO_TIGHT, "Too Tight")


def test_a_long_routine_simulates(plan: Plan) -> None:
    from dataclasses import replace

    long = replace(plan, steps=plan.steps * 20)  # about 30 minutes
    assert long.total_seconds > 1500
    log = simulate(long)
    assert log[-1]["reason"] == "done"


COMMANDS = st.lists(
    st.tuples(
        st.floats(min_value=0, max_value=200, allow_nan=False), st.sampled_from(list(Command))
    ),
    max_size=25,
)


@settings(max_examples=300, deadline=None)
@given(commands=COMMANDS)
def test_any_commands_at_any_times_end_and_never_lengthen_holds(
    commands: list[tuple[float, Command]], plan: Plan
) -> None:
    scripted = [ScriptedCommand(at, command) for at, command in commands]
    log = simulate(plan, scripted)
    assert log[-1]["event"] == "end"
    assert sum(1 for line in log if line["event"] == "end") == 1
    longest: dict[str, float] = {}
    for line in log:
        if line["event"] == "hold":
            ex = line["exercise"]
            assert line["seconds"] <= longest.get(ex, float("inf")) + 1e-9
            longest[ex] = line["seconds"]
    times = [line["t"] for line in log]
    assert times == sorted(times)


@settings(max_examples=100, deadline=None)
@given(commands=COMMANDS)
def test_too_tight_always_ends_the_hold_within_a_second(
    commands: list[tuple[float, Command]], plan: Plan
) -> None:
    session = Session(plan)
    session.start(0.0)
    for at, command in sorted([*commands, (5.0, Command.TOO_TIGHT)]):
        if session.ended:
            break
        while (deadline := session.next_deadline) is not None and deadline <= at:
            session.handle(Tick(deadline))
        in_hold = session.state is SessionState.HOLDING
        effects = session.handle(Heard(at, command))
        if command is Command.TOO_TIGHT:
            assert any(isinstance(e, Speak) and e.purpose == "ease_off" for e in effects)
            assert any(
                isinstance(e, Record) and isinstance(e.entry, TooTightRecord) for e in effects
            )
            if in_hold:
                assert any(isinstance(e, StopTimer) and e.reason == "too_tight" for e in effects)
                assert session.state is not SessionState.HOLDING


def test_too_tight_in_the_last_hold_still_closes_with_the_session_cue(plan: Plan) -> None:
    last_hold = float(events(run(plan), "hold")[-1]["t"])
    log = run(plan, f"{last_hold + 1}:too tight")
    assert events(log, "hold_end")[-1]["reason"] == "too_tight"
    assert [c["name"] for c in events(log, "cue")][-1] == "session_done"
    assert log[-1]["event"] == "end" and log[-1]["reason"] == "done"


def _words(text: str) -> str:
    return " ".join("".join(c for c in w if c.isalnum()) for w in text.lower().split())


@pytest.mark.parametrize("routine", ["starter", "daily"])
def test_too_tight_never_says_the_same_words_twice_in_a_row(routine: str) -> None:
    from facecoach._core.loader import builtin_library

    library = builtin_library()
    plan = compile_plan(library.routines[routine], library, personal=Personal("left"))
    holds = [line for line in simulate(plan) if line["event"] == "hold"]
    for hold in holds:  # "too tight" a moment into every hold, one run each
        log = simulate(plan, [ScriptedCommand(hold["t"] + 0.5, Command.TOO_TIGHT)])
        said = [_words(line["text"]) for line in log if line["event"] == "say"]
        for before, after in itertools.pairwise(said):
            assert after not in before, (hold["exercise"], before, after)
        assert log[-1]["completed_steps"] == log[-1]["planned_steps"]


def test_an_ease_off_line_that_ends_with_the_release_line_stands_for_it() -> None:
    from facecoach._core.loader import builtin_library

    library = builtin_library()
    plan = compile_plan(library.routines["starter"], library, personal=Personal("left"))
    log = simulate(plan, [ScriptedCommand(17.0, Command.TOO_TIGHT)])
    said = [line["text"] for line in log if line["event"] == "say"]
    at = said.index("Ease off now. Lift your fingers away, and breathe.")
    assert said[at + 1].startswith("Last one.")  # the release line is not said again
    assert log[-1]["reason"] == "done"
