"""Seconds meet audio frames and ticks one way: awkward hold lengths never hang.

Holds shortened by "too tight" come out at lengths like 3.375 s or 3.75 s,
and a tick or a hold's end can then fall exactly between two audio frames.
Every path that turns seconds into frames or ticks runs with such lengths
here: the mixer and the in-memory output, the live loop on a simulated clock
(as a live run and text mode use it), ``simulate``, and ``export`` in every
format, first with chosen lengths and then with random ones.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
import soundfile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facecoach._core.clock import SimClock, SimInbox
from facecoach._core.commands import Command
from facecoach._core.events import Effect, StartTimer, StopTimer
from facecoach._core.loader import load_library
from facecoach._core.plan import Personal, Plan, StepKind, compile_plan
from facecoach._core.simulate import ScriptedCommand, simulate
from facecoach._live.export import export_session
from facecoach._live.loop import LiveLoop, LiveOptions
from facecoach._live.view_port import NullView
from facecoach._sound.cues import load_cues
from facecoach._sound.memory import MemoryAudioOut
from facecoach._sound.mixer import Mixer, PlayReport
from facecoach._sound.samples import SAMPLE_RATE, frames_for
from facecoach._sound.speech import FakeSpeaker
from sound_fixtures import ScriptedSource

FRAME = 1 / SAMPLE_RATE
AWKWARD_FACTORS = (0.75, 0.5625, 0.421875, 0.6, 0.9)


def routine_yaml(holds: list[float], rest: float = 1.5) -> str:
    """One exercise a hold, written with ``holds``; the lowest floor, so factors bite."""
    exercises = "".join(
        f"""
  - id: ex{n}
    name: Exercise {n}
    area: forehead
    kind: movement
    reps: 1
    min_hold: 1
    setup: Sit tall.
    steps:
      - say: Lift gently.
        hold: {hold}
      - say: Let go.
        rest: {rest}
"""
        for n, hold in enumerate(holds)
    )
    items = "".join(f"\n      - ex{n}" for n in range(len(holds)))
    routine = "  - id: odd\n    name: Odd holds\n    rest_between: 1.3\n"
    return f"exercises:{exercises}\nroutines:\n{routine}    exercises:{items}\n"


def odd_plan(holds: list[float], factors: list[float], folder: Path) -> Plan:
    path = folder / "odd.yaml"
    path.write_text(routine_yaml(holds))
    library = load_library([str(path)])
    hold_factors = {f"ex{n}": factor for n, factor in enumerate(factors)}
    return compile_plan(
        library.routines["odd"], library, personal=Personal(hold_factors=hold_factors)
    )


class _Effects(NullView):
    def __init__(self) -> None:
        super().__init__()
        self.effects: list[tuple[float, Effect]] = []

    def effect(self, t: float, effect: Effect) -> None:
        self.effects.append((t, effect))


def run_live(
    plan: Plan, script: tuple[tuple[float, Command], ...] = (), start: float = 1000.0
) -> tuple[LiveLoop, MemoryAudioOut, _Effects]:
    """The live loop as a run uses it, on simulated time (a hang raises, never spins)."""
    clock = SimClock(start=start)
    out = MemoryAudioOut(clock, keep=False)
    view = _Effects()
    loop = LiveLoop(
        plan,
        speaker=FakeSpeaker(),
        out=out,
        cues=load_cues(),
        clock=clock,
        inbox=SimInbox(clock),
        view=view,
        sources=[ScriptedSource(script, clock=clock)],
        options=LiveOptions(refresh=None),
    )
    loop.run()
    return loop, out, view


def hold_end_cues_on_deadlines(loop: LiveLoop, out: MemoryAudioOut, view: _Effects) -> None:
    timers = [e for _, e in view.effects if isinstance(e, StartTimer)]
    deadlines = [loop.t0 + e.deadline for e in timers if e.kind == "hold"]
    ends = [r.t for r in out.reports if r.phase == "start" and r.name == "hold_end"]
    assert len(ends) == len(deadlines)
    for end, deadline in zip(ends, deadlines, strict=True):
        assert abs(end - deadline) <= FRAME  # on the frame of its deadline


# ---------------------------------------------------------------- one rounding


def test_half_a_frame_rounds_up_whatever_its_parity() -> None:
    # round() would send 0.5 to 0 and 1.5 to 2: two neighbours rounded two ways
    assert [frames_for(s, 2) for s in (0.25, 0.75, 1.25, 1.75)] == [1, 2, 3, 4]
    assert frames_for(-0.25, 2) == 0
    assert frames_for(3.375, SAMPLE_RATE) == 74419  # 74418.75 frames


def test_the_mixer_wakes_on_the_frame_it_starts_a_sound_in() -> None:
    mixer = Mixer(SAMPLE_RATE, primer_seconds=0)
    mixer.origin = 1000.0
    at = 1000.0 + 10.5 * FRAME  # exactly between frames 10 and 11
    mixer.play(load_cues()["tick"].samples, "cue", name="tick", at=at)
    wake = mixer.next_change(1000.0)
    assert wake is not None
    frame = mixer.frame_at(wake)
    assert frame == 11
    _, reports = mixer.fill(frame, 1000.0)
    assert reports == []  # not yet: it begins on the next block's first frame
    _, reports = mixer.fill(0, mixer.time_of(frame))
    assert [(r.phase, r.name) for r in reports] == [("start", "tick")]
    assert reports[0].t == pytest.approx(mixer.time_of(11), abs=1e-12)


def test_a_cue_due_exactly_between_two_frames_plays_and_time_moves_on() -> None:
    # the export that hung: a tick at 1095.9455555... s, half a frame past a block
    clock = SimClock(start=1000.0)
    out = MemoryAudioOut(clock, keep=False)
    reports: list[PlayReport] = []
    out.open(reports.append)
    out.play(load_cues()["tick"], "cue", name="tick", at=1095.9455555555555)
    clock.advance_to(1100.0)
    assert [r.phase for r in reports] == ["start", "end"]
    assert reports[0].t == pytest.approx(1095.9455555555555, abs=FRAME)
    assert not out.busy


@pytest.mark.parametrize("origin", [0.0, 500.0, 1000.0, 12345.678])
def test_sounds_at_every_half_frame_all_play(origin: float) -> None:
    clock = SimClock(start=origin)
    out = MemoryAudioOut(clock, keep=False)
    reports: list[PlayReport] = []
    out.open(reports.append)
    tick = load_cues()["tick"]
    times = [origin + 1.0 + (k + 0.5) * FRAME + 0.37 * k for k in range(40)]
    for at in times:
        out.play(tick, "cue", name="tick", at=at)
    clock.advance_to(origin + 30.0)
    started = sorted(r.t for r in reports if r.phase == "start")
    assert len(started) == len(times)
    assert started == pytest.approx(times, abs=FRAME)


def test_simulated_time_that_cannot_move_is_an_error_not_a_hang() -> None:
    clock = SimClock()

    def again() -> None:
        clock.call_at(clock.now, again)

    clock.call_at(1001.0, again)
    with pytest.raises(RuntimeError, match=r"stuck at 1001\.0"):
        clock.advance_to(1002.0)


# ---------------------------------------------------------------- every path, chosen lengths


@pytest.fixture
def adapted(tmp_path: Path) -> Plan:
    """Written holds of awkward lengths, each shortened by an awkward factor."""
    holds = [6.0, 5.0, 4.5, 3.375, 7.3]
    plan = odd_plan(holds, list(AWKWARD_FACTORS), tmp_path)
    seconds = [s.seconds for s in plan.steps if s.kind is StepKind.HOLD]
    assert seconds == [4.5, 2.812, 1.898, 2.025, 6.57]  # really adapted, really awkward
    return plan


def test_the_live_loop_runs_adapted_holds_to_the_end_on_their_deadlines(adapted: Plan) -> None:
    loop, out, view = run_live(adapted)
    assert loop.finish is not None and loop.finish.reason == "done"
    hold_end_cues_on_deadlines(loop, out, view)


def test_too_tight_mid_session_shortens_and_the_live_loop_still_ends(adapted: Plan) -> None:
    script = tuple((t, Command.TOO_TIGHT) for t in (9.0, 17.0, 23.4, 31.0))
    loop, _, view = run_live(adapted, script)
    assert loop.finish is not None and loop.finish.reason == "done"
    assert any(isinstance(e, StopTimer) and e.reason == "too_tight" for _, e in view.effects)


def test_simulate_ends_every_adapted_hold_after_exactly_its_length(adapted: Plan) -> None:
    log = simulate(adapted, [ScriptedCommand(17.0, Command.TOO_TIGHT)])
    assert log[-1]["event"] == "end" and log[-1]["reason"] == "done"
    done = [e for e in log if e["event"] == "hold_end" and e["reason"] == "done"]
    assert done and all(e["actual"] == pytest.approx(e["planned"], abs=1e-6) for e in done)


@pytest.mark.parametrize("suffix", [".wav", ".flac", ".ogg", ".mp3"])
def test_export_of_adapted_holds_finishes_in_every_format(
    adapted: Plan, tmp_path: Path, suffix: str
) -> None:
    out = tmp_path / f"odd{suffix}"
    result = export_session(adapted, FakeSpeaker(), out)
    assert result.finish is not None and result.finish.reason == "done"
    assert result.seconds == pytest.approx(result.plan_seconds, abs=0.1)
    info = soundfile.info(str(out))
    assert abs(info.duration - result.seconds) <= 0.1  # lossy coders pad a little


def test_export_with_chapters_splits_adapted_holds_on_exercise_starts(
    adapted: Plan, tmp_path: Path
) -> None:
    result = export_session(adapted, FakeSpeaker(), tmp_path / "odd.wav", chapters=True)
    assert len(result.files) == 5
    frames = sum(soundfile.info(str(f)).frames for f in result.files)
    assert frames == round(result.seconds * SAMPLE_RATE)


def test_the_builtin_starter_with_the_issues_factors_exports(tmp_path: Path) -> None:
    # "too tight" once and twice, as in the report of the hang
    from facecoach._core.loader import builtin_library

    library = builtin_library()
    routine = library.routines["starter"]
    for factors in ({"forehead-smooth": 0.5625, "eye-close-soft": 0.75}, {"eye-close-soft": 0.75}):
        plan = compile_plan(routine, library, personal=Personal("left", factors))
        result = export_session(plan, FakeSpeaker(), tmp_path / "starter.wav")
        assert result.finish is not None and result.finish.reason == "done"
        assert result.seconds == pytest.approx(result.plan_seconds, abs=0.1)


# ---------------------------------------------------------------- every path, random lengths

# a routine file's holds run from 1 to 60 s; 12 s is long enough to tick and short enough to run
holds_in_tenths = st.integers(min_value=10, max_value=120).map(lambda n: n / 10)
holds_any = st.floats(min_value=1.0, max_value=12.0, allow_nan=False).map(lambda x: round(x, 3))
factors = st.one_of(
    st.sampled_from(AWKWARD_FACTORS),
    st.floats(min_value=0.2, max_value=1.0, allow_nan=False),
)
cases = st.integers(min_value=1, max_value=3).flatmap(
    lambda n: st.tuples(
        st.lists(st.one_of(holds_in_tenths, holds_any), min_size=n, max_size=n),
        st.lists(factors, min_size=n, max_size=n),
        st.lists(st.floats(min_value=0.0, max_value=40.0), max_size=2),
        st.floats(min_value=0.0, max_value=5000.0),
    )
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases)
def test_any_hold_and_factor_gets_through_every_seconds_to_frames_path(
    case: tuple[list[float], list[float], list[float], float],
) -> None:
    holds, hold_factors, too_tight, start = case
    with tempfile.TemporaryDirectory() as folder:
        plan = odd_plan(holds, hold_factors, Path(folder))
        script = tuple((t, Command.TOO_TIGHT) for t in sorted(too_tight))

        log = simulate(plan, [ScriptedCommand(t, c) for t, c in script])
        assert log[-1]["event"] == "end" and log[-1]["reason"] == "done"

        loop, out, view = run_live(plan, script, start=start)
        assert loop.finish is not None and loop.finish.reason == "done"
        if not script:
            hold_end_cues_on_deadlines(loop, out, view)

        result = export_session(plan, FakeSpeaker(), Path(folder) / "odd.wav")
        assert result.finish is not None and result.finish.reason == "done"
        assert result.seconds == pytest.approx(result.plan_seconds, abs=0.1)
