"""What the person hears around the work, on the simulated clock: the opening,
the wait to get ready, rep counts, "halfway", rests that name what is next,
the spoken close, and the words for stop, pause, resume and "too tight"."""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

import pytest

from facecoach._core.commands import Command
from facecoach._core.events import Heard, Speak, Tick
from facecoach._core.frames import closing_line, count_prefix, number_words, opening_line
from facecoach._core.loader import RoutineFileError, builtin_library, load_library
from facecoach._core.plan import Personal, Plan, StepKind, compile_plan
from facecoach._core.routine import Library
from facecoach._core.session import Session
from facecoach._core.simulate import parse_scripted, simulate
from facecoach._core.state import TRANSITIONS, IllegalMove, SessionLines, SessionState, check_move

FILE = """\
exercises:
  - id: brow-press
    name: Brow press
    area: forehead
    kind: resistance
    reps: 3
    setup: Rest two fingertips above your {side} eyebrow.
    steps:
      - say: Lift the brow into your fingers, lightly.
        hold: 5
      - say: Let go and breathe.
        rest: 3
  - id: neck-stretch
    name: Neck stretch
    area: neck
    kind: stretch
    ready: 6
    halfway: true
    setup: Rest your fingertips on your collarbone.
    steps:
      - say: Tilt your head away to a gentle pull, never pain.
        hold: 20
      - say: Come back slowly, and breathe.
        rest: 4
  - id: soft-smile
    name: Soft smile
    area: mouth
    kind: movement
    side: both
    setup: Rest a fingertip on each corner of your mouth.
    steps:
      - say: Smile softly with both sides, and hold.
        hold: 5
routines:
  - id: frames
    name: Frames test
    rest_between: 8
    exercises: [brow-press, neck-stretch, soft-smile]
"""

# Words a coach never says (as in test_core_content.py).
FORBIDDEN = ("cure", "push through", "through the pain", "as hard as", "harder", "force")


@pytest.fixture
def library(tmp_path: Path) -> Library:
    path = tmp_path / "frames.yaml"
    path.write_text(FILE, encoding="utf-8")
    return load_library([path])


@pytest.fixture
def plan(library: Library) -> Plan:
    return compile_plan(library.routines["frames"], library, personal=Personal("left"))


def run(plan: Plan, *commands: str) -> list[dict[str, Any]]:
    return simulate(plan, [parse_scripted(c) for c in commands])


def said(log: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [line for line in log if line["event"] == "say"]


def first(log: list[dict[str, Any]], event: str, **match: object) -> dict[str, Any]:
    return next(
        line
        for line in log
        if line["event"] == event and all(line.get(k) == v for k, v in match.items())
    )


# ------------------------------------------------------------------ opening


def test_the_session_opens_with_the_routine_its_length_and_the_first_exercise(
    plan: Plan,
) -> None:
    log = run(plan)
    opening = said(log)[0]
    assert opening["t"] == 0.0
    minutes = number_words(round(plan.total_seconds / 60))
    assert opening["text"] == f"Frames test. About {minutes} minutes. First, Brow press."
    assert said(log)[1]["text"] == "Rest two fingertips above your left eyebrow."


def test_opening_line_words() -> None:
    assert opening_line("Daily", 25, "Brow lift") == "Daily. About one minute. First, Brow lift."
    assert "About twenty-five minutes" in opening_line("Daily", 1478, "Brow lift")


# ------------------------------------------------------------------ ready


def test_a_quiet_wait_follows_each_setup_line(plan: Plan) -> None:
    log = run(plan)
    setup = first(log, "say", text="Rest two fingertips above your left eyebrow.")
    ready = first(log, "ready", exercise="brow-press")
    setup_seconds = next(s.seconds for s in plan.steps if s.is_setup)
    assert ready["t"] == pytest.approx(setup["t"] + setup_seconds)
    assert ready["seconds"] == 3.0  # the default
    action = said(log)[2]
    assert action["t"] == pytest.approx(ready["t"] + 3.0)  # nothing is said while waiting
    assert first(log, "ready", exercise="neck-stretch")["seconds"] == 6.0  # from the file


def test_the_wait_is_in_the_plan_and_its_total(library: Library) -> None:
    plan = compile_plan(library.routines["frames"], library)
    waits = [s for s in plan.steps if s.kind is StepKind.READY]
    assert [(s.exercise, s.seconds) for s in waits] == [
        ("brow-press", 3.0),
        ("neck-stretch", 6.0),
        ("soft-smile", 3.0),
    ]
    assert {s["kind"] for s in plan.to_json()["steps"]} >= {"ready"}
    bare = compile_plan(library.routines["frames"], library, ready=0)
    assert plan.total_seconds == pytest.approx(bare.total_seconds + 12.0, abs=0.01)
    longer = compile_plan(library.routines["frames"], library, ready=10)
    assert [s.seconds for s in longer.steps if s.kind is StepKind.READY] == [10.0] * 3
    assert not any(s.kind is StepKind.READY for s in bare.steps)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("16", "ready must be a number of seconds from 0 to 15, got 16"),
        ("-1", "ready must be a number of seconds from 0 to 15, got -1"),
        ("soon", "ready must be a number of seconds from 0 to 15, got text 'soon'"),
    ],
)
def test_a_bad_ready_is_refused_with_its_line(tmp_path: Path, value: str, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(FILE.replace("    ready: 6\n", f"    ready: {value}\n"), encoding="utf-8")
    with pytest.raises(RoutineFileError) as caught:
        load_library([path])
    (problem,) = caught.value.problems
    assert problem.line == FILE.splitlines().index("    ready: 6") + 1
    assert message in problem.message


def test_a_bad_halfway_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(FILE.replace("halfway: true", "halfway: often"), encoding="utf-8")
    with pytest.raises(RoutineFileError) as caught:
        load_library([path])
    (problem,) = caught.value.problems
    assert "halfway must be true or false" in problem.message
    assert problem.line == FILE.splitlines().index("    halfway: true") + 1


# ------------------------------------------------------------------ counting


def test_reps_are_counted_in_words_before_the_hold(plan: Plan) -> None:
    lines = [s["text"] for s in said(run(plan)) if "brow into" in s["text"]]
    assert lines == [
        "One of three. Lift the brow into your fingers, lightly.",
        "Two of three. Lift the brow into your fingers, lightly.",
        "Last one. Lift the brow into your fingers, lightly.",
    ]
    # one rep: nothing to count
    assert any(s["text"].startswith("Smile softly") for s in said(run(plan)))


def test_count_words() -> None:
    assert count_prefix(2, 5) == "Two of five. "
    assert count_prefix(5, 5) == "Last one. "
    assert count_prefix(1, 1) == ""
    assert [number_words(n) for n in (0, 7, 13, 20, 21, 45, 100, 121)] == [
        "zero",
        "seven",
        "thirteen",
        "twenty",
        "twenty-one",
        "forty-five",
        "one hundred",
        "one hundred and twenty-one",
    ]


def test_halfway_is_said_in_long_holds_that_ask_for_it(plan: Plan) -> None:
    log = run(plan)
    stretch = first(log, "hold", exercise="neck-stretch")
    halfway = [s for s in said(log) if s["text"] == "Halfway."]
    assert [h["t"] for h in halfway] == [pytest.approx(stretch["t"] + 10.0)]
    assert halfway[0]["purpose"] == "announce"
    # the hold still ends on time, with its ticks
    end = first(log, "hold_end", exercise="neck-stretch")
    assert end["t"] == pytest.approx(stretch["t"] + 20.0) and end["reason"] == "done"


def test_no_halfway_when_a_too_tight_makes_the_hold_short(library: Library) -> None:
    plan = compile_plan(
        library.routines["frames"], library, personal=Personal(hold_factors={"neck-stretch": 0.5})
    )
    assert not [s for s in said(run(plan)) if s["text"] == "Halfway."]  # 10 s is not long


def test_a_rest_between_exercises_names_the_next_and_ticks_its_last_seconds(
    plan: Plan,
) -> None:
    log = run(plan)
    rest = next(line for line in log if line["event"] == "rest" and line["seconds"] == 8.0)
    announce = next(s for s in said(log) if s["t"] == rest["t"] and s["purpose"] == "announce")
    assert announce["text"] == "Rest. Next: Neck stretch."
    ticks = [c["t"] for c in log if c["event"] == "cue" and c["name"] == "tick"]
    assert [t for t in ticks if rest["t"] < t < rest["t"] + 8.0] == pytest.approx(
        [rest["t"] + 5.0, rest["t"] + 6.0, rest["t"] + 7.0]
    )


# ------------------------------------------------------------------ closing


def test_the_session_closes_in_words_then_with_the_cue(plan: Plan) -> None:
    log = run(plan)
    close = said(log)[-1]
    assert close["text"] == closing_line(close["t"], holds=5)
    assert close["text"].startswith("That is the session done.")
    assert "five holds" in close["text"] and "too tight" not in close["text"].lower()
    cue = [c for c in log if c["event"] == "cue"][-1]
    assert cue["name"] == "session_done" and cue["t"] > close["t"]
    assert log[-1]["event"] == "end" and log[-1]["reason"] == "done"


def test_the_close_says_how_often_too_tight_was_heard(plan: Plan) -> None:
    start = first(run(plan), "hold", exercise="brow-press")["t"]
    log = run(plan, f"{start + 1}:too tight", f"{start + 1.5}:too tight")
    close = said(log)[-1]["text"]
    assert "Too tight came twice" not in close  # numbers are words, not "twice"
    assert "Too tight came two times" in close
    once = said(run(plan, f"{start + 1}:too tight"))[-1]["text"]
    assert "Too tight came once" in once
    assert closing_line(60, 1) == "That is the session done. One minute, one hold."


# ------------------------------------------------------------------ commands in words


@pytest.mark.parametrize("source", ["keyboard", "voice"])
def test_a_stop_is_said_in_words(plan: Plan, source: str) -> None:
    session = Session(plan)
    session.start(0.0)
    effects = session.handle(Heard(1.0, Command.STOP, "stop", source))  # type: ignore[arg-type]
    if source == "voice":  # confirmed by saying it again
        assert [e.text for e in effects if isinstance(e, Speak)] == [
            "To end the session, say stop again within five seconds."
        ]
        effects = session.handle(Heard(2.0, Command.STOP, "stop", "voice"))
    spoken = [e for e in effects if isinstance(e, Speak)]
    assert [s.text for s in spoken] == ["Stopping here. What you did is saved."]
    assert session.ended


def test_pause_and_resume_are_said_and_the_hold_keeps_its_time(plan: Plan) -> None:
    start = first(run(plan), "hold", exercise="brow-press")["t"]
    log = run(plan, f"{start + 2}:pause", f"{start + 30}:resume")
    texts = [(s["t"], s["text"]) for s in said(log)]
    assert (pytest.approx(start + 2), "Paused. Say continue when you are ready.") in texts
    assert (pytest.approx(start + 30), "Going on.") in texts
    end = first(log, "hold_end", exercise="brow-press")
    assert end["t"] == pytest.approx(start + 30 + 3.0)  # the 3 s that were left


def test_resume_in_a_spoken_line_says_so_then_the_line_again(plan: Plan) -> None:
    log = run(plan, "0.5:pause", "4:resume")
    texts = [s["text"] for s in said(log) if s["t"] >= 4]
    assert texts[:2] == ["Going on.", said(log)[0]["text"]]


@pytest.mark.parametrize(
    ("exercise", "words", "never"),
    [
        ("brow-press", "Let the pressure go", ""),
        ("neck-stretch", "Let the stretch go", "pressure"),
        ("soft-smile", "Let the movement go", "pressure"),
    ],
)
def test_ease_off_fits_the_kind_of_exercise(
    plan: Plan, exercise: str, words: str, never: str
) -> None:
    start = first(run(plan), "hold", exercise=exercise)["t"]
    log = run(plan, f"{start + 1}:too tight")
    ease = next(s for s in said(log) if s["purpose"] == "ease_off")
    assert words in ease["text"]
    assert not never or never not in ease["text"]


# ------------------------------------------------------------------ content rules


def _check_line(line: str) -> None:
    assert 0 < len(line.split()) <= 22, line
    assert "!" not in line, line
    assert not any(word in line.lower() for word in FORBIDDEN), line


def test_every_line_the_engine_says_is_short_and_calm() -> None:
    for line in SessionLines().all_lines():
        _check_line(line)
    for holds in (1, 12, 53):
        for tight in (0, 1, 4):
            _check_line(closing_line(1478, holds, tight))


@pytest.mark.parametrize("routine", sorted(builtin_library().routines))
def test_every_compiled_line_of_the_built_in_routines_is_short(routine: str) -> None:
    library = builtin_library()
    plan = compile_plan(library.routines[routine], library, personal=Personal("left"))
    for step in plan.steps:
        if step.kind is StepKind.SAY or step.between:
            _check_line(step.text)
    assert re.match(r"^.+\. About [a-z-]+ minutes\. First, .+\.$", plan.steps[0].text)


# ------------------------------------------------------------------ states


def test_the_transition_table_refuses_moves_that_cannot_happen() -> None:
    assert check_move(SessionState.HOLDING, SessionState.PAUSED) is SessionState.PAUSED
    for bad_from, bad_to in [
        (SessionState.ENDED, SessionState.SPEAKING),
        (SessionState.READY, SessionState.PAUSED),
        (SessionState.PAUSED, SessionState.PAUSED),
        (SessionState.HOLDING, SessionState.READY),
    ]:
        with pytest.raises(IllegalMove, match="cannot go from"):
            check_move(bad_from, bad_to)
    assert TRANSITIONS[SessionState.ENDED] == frozenset()
    assert set(TRANSITIONS) == set(SessionState)


def test_the_session_moves_only_along_the_table(plan: Plan) -> None:
    session = Session(plan)
    seen = [session.state]
    session.start(0.0)
    seen.append(session.state)
    t = 0.0
    for command in (Command.PAUSE, Command.RESUME, Command.NEXT, Command.BACK):
        t += 1.0
        session.handle(Heard(t, command, command.value, "keyboard"))
        seen.append(session.state)
    while not session.ended:
        deadline = session.next_deadline
        t = deadline if deadline is not None else t + 0.5
        session.handle(Tick(t))
        if deadline is None:  # a spoken line: pretend it ended now
            session.handle(Heard(t, Command.NEXT, "next", "keyboard"))
        seen.append(session.state)
    for before, after in itertools.pairwise(seen):
        assert before == after or after in TRANSITIONS[before], (before, after)
    with pytest.raises(RuntimeError):
        session.start(t)


def test_an_unknown_event_is_refused(plan: Plan) -> None:
    session = Session(plan)
    session.start(0.0)
    with pytest.raises(AssertionError):
        session.handle("next")  # type: ignore[arg-type]


def test_steps_are_counted_once_however_often_they_are_repeated(plan: Plan) -> None:
    start = first(run(plan), "hold", exercise="brow-press")["t"]
    log = run(plan, f"{start + 1}:repeat", f"{start + 9}:back")
    end = log[-1]
    assert end["planned_steps"] == plan.counted_steps
    assert end["completed_steps"] == plan.counted_steps  # all done, none twice
