"""The live loop on simulated time: the real session, mixer and output path
logic, with no waiting. Timing is checked to the sample."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from facecoach._core.clock import SimClock, SimInbox
from facecoach._core.commands import Command
from facecoach._core.events import (
    ClockPaused,
    ClockResumed,
    CommandRecord,
    Effect,
    EndRecord,
    RecordEntry,
    Speak,
    StartTimer,
    TooTightRecord,
)
from facecoach._core.plan import CUE_SECONDS, Plan, StepKind
from facecoach._core.ports import HeardCommand, Hearing, SourceLost
from facecoach._live.loop import LiveLoop, LiveOptions
from facecoach._live.view_port import NullView
from facecoach._sound.cues import load_cues
from facecoach._sound.memory import MemoryAudioOut
from facecoach._sound.mixer import PlayReport
from facecoach._sound.output import AudioOut, OutputUnavailable
from facecoach._sound.samples import Sound
from facecoach._sound.speech import FakeSpeaker, Speaker, TtsUnavailable
from sound_fixtures import ScriptedSource, mini_plan

SIM_OPTIONS = LiveOptions(refresh=None)


class RecordingView(NullView):
    def __init__(self) -> None:
        super().__init__()
        self.effects: list[tuple[float, Effect]] = []
        self.heard_list: list[HeardCommand] = []

    def effect(self, t: float, effect: Effect) -> None:
        self.effects.append((t, effect))

    def heard(self, t: float, heard: HeardCommand) -> None:
        self.heard_list.append(heard)


def make_loop(
    plan: Plan,
    *,
    script: list[tuple[float, Command]] = (),  # type: ignore[assignment]
    source: str = "script",
    reopen: Callable[[], AudioOut] | None = None,
    options: LiveOptions = SIM_OPTIONS,
    primer: float = 0.0,
    speaker: Speaker | None = None,
    inbox: Callable[[SimClock], SimInbox] = SimInbox,
    recorder: Callable[[RecordEntry], None] | None = None,
) -> tuple[LiveLoop, MemoryAudioOut, RecordingView, list[RecordEntry], SimClock]:
    clock = SimClock(start=500.0)
    out = MemoryAudioOut(clock, primer_seconds=primer)
    view = RecordingView()
    records: list[RecordEntry] = []
    loop = LiveLoop(
        plan,
        speaker=speaker or FakeSpeaker(),
        out=out,
        cues=load_cues(),
        clock=clock,
        inbox=inbox(clock),
        view=view,
        sources=[ScriptedSource(script, clock=clock, source=source)],
        recorder=recorder or records.append,
        options=options,
        reopen=reopen,
    )
    return loop, out, view, records, clock


def starts(out: MemoryAudioOut, name: str) -> list[float]:
    return [r.t for r in out.reports if r.phase == "start" and r.name == name]


def test_a_whole_session_runs_with_every_hold_end_cue_on_its_deadline() -> None:
    plan = mini_plan()
    loop, out, view, records, _ = make_loop(plan)
    finish = loop.run()
    assert finish is not None and finish.reason == "done"
    assert finish.completed_steps == plan.counted_steps
    deadlines = [
        loop.t0 + e.deadline
        for _, e in view.effects
        if isinstance(e, StartTimer) and e.kind == "hold"
    ]
    assert len(deadlines) == 2
    assert starts(out, "hold_end") == pytest.approx(deadlines, abs=1 / 22050)
    # the last three seconds of each hold tick, one a second
    for deadline in deadlines:
        ticks = [t for t in starts(out, "tick") if deadline - 4 < t < deadline]
        assert ticks == pytest.approx([deadline - 3, deadline - 2, deadline - 1], abs=1 / 22050)
    assert isinstance(records[-1], EndRecord)
    assert out.closed


def test_each_step_begins_exactly_when_the_line_before_it_ends() -> None:
    loop, out, _, _, _ = make_loop(mini_plan())
    loop.run()
    speech_ends = {r.tag: r.t for r in out.reports if r.kind == "speech" and r.phase == "end"}
    hold_starts = starts(out, "hold_start")
    # the hold_start cue follows its instruction with no gap at all
    assert any(abs(t - end) < 1 / 22050 for end in speech_ends.values() for t in hold_starts[:1])


def test_the_session_lasts_as_long_as_the_plan_with_rendered_speech() -> None:
    speaker = FakeSpeaker()
    plan = mini_plan()
    timed = plan.with_speech_seconds(lambda text: speaker.render(text).seconds)
    loop, out, _, _, clock = make_loop(timed)
    loop.run()
    assert clock.now - loop.t0 == pytest.approx(timed.total_seconds, abs=0.01)
    assert out.audio().seconds == pytest.approx(timed.total_seconds, abs=0.01)


def test_too_tight_in_a_hold_eases_off_at_once_and_is_recorded() -> None:
    plan = mini_plan()
    hold = next(s for s in plan.steps if s.kind is StepKind.HOLD)
    at = hold.offset + 1.5
    loop, out, view, records, _ = make_loop(plan, script=[(at, Command.TOO_TIGHT)])
    loop.run()
    said = [e for _, e in view.effects if isinstance(e, Speak)]
    ease = next(e for e in said if e.purpose == "ease_off")
    ease_start = next(r.t for r in out.reports if r.tag == ease.utterance and r.phase == "start")
    heard_at = loop.t0 + at
    assert ease_start - heard_at < 0.05  # answered in the same moment
    assert any(isinstance(r, TooTightRecord) for r in records)
    assert any(isinstance(r, CommandRecord) and r.command is Command.TOO_TIGHT for r in records)


def test_keyboard_p_pauses_and_resumes_the_clock() -> None:
    plan = mini_plan()
    hold = next(s for s in plan.steps if s.kind is StepKind.HOLD)
    script = [(hold.offset + 1.0, Command.PAUSE), (hold.offset + 20.0, Command.PAUSE)]
    loop, out, view, _, clock = make_loop(plan, script=script, source="keyboard")
    finish = loop.run()
    kinds = [type(e) for _, e in view.effects]
    assert ClockPaused in kinds and ClockResumed in kinds
    assert [h.command for h in view.heard_list] == [Command.PAUSE, Command.RESUME]
    assert finish is not None and finish.reason == "done"
    # the 19 paused seconds did not count against the hold
    hold_end = starts(out, "hold_end")[0]
    assert hold_end - (loop.t0 + hold.offset + 20.0) == pytest.approx(hold.seconds - 1.0, abs=0.1)
    assert clock.now - loop.t0 > plan.total_seconds + 15


def test_help_during_a_hold_is_said_over_it_without_stopping_its_clock() -> None:
    plan = mini_plan()
    hold = next(s for s in plan.steps if s.kind is StepKind.HOLD)
    loop, out, view, _, _ = make_loop(plan, script=[(hold.offset + 0.5, Command.HELP)])
    loop.run()
    timers = [e for _, e in view.effects if isinstance(e, StartTimer) and e.kind == "hold"]
    assert starts(out, "hold_end")[0] == pytest.approx(loop.t0 + timers[0].deadline, abs=1e-4)
    assert any(isinstance(e, Speak) and e.purpose == "help" for _, e in view.effects)


def test_device_loss_pauses_says_so_and_resumes_on_another_device() -> None:
    plan = mini_plan()
    opened: list[MemoryAudioOut] = []
    clock_box: list[SimClock] = []
    failures = [2]  # no stand-in to say the pause on, then no device on the first resume

    def reopen() -> AudioOut:
        if failures[0]:
            failures[0] -= 1
            raise OutputUnavailable("no sound output device found")
        new = MemoryAudioOut(clock_box[0], name="spare headset")
        opened.append(new)
        return new

    script = [(10.0, Command.PAUSE), (12.0, Command.PAUSE)]
    loop, out, view, _, clock = make_loop(plan, script=script, source="keyboard", reopen=reopen)
    clock_box.append(clock)
    clock.call_at(clock.now + 5.0, out.lose)
    finish = loop.run()
    assert any("is gone" in m for m in view.messages)
    assert any("Still no output device" in m for m in view.messages)
    assert any("spare headset" in m for m in view.messages)
    paused = [e for _, e in view.effects if isinstance(e, ClockPaused)]
    assert paused and paused[0].reason == "device"
    assert finish is not None and finish.reason == "done"
    assert opened and loop.out is opened[0]
    assert starts(opened[0], "hold_end")  # the rest of the session played on the new device


def test_a_lost_device_pause_is_said_on_any_output_still_there() -> None:
    """Eyes closed: when the headset goes, the pause is heard on whatever output is left."""
    plan = mini_plan()
    spare: list[MemoryAudioOut] = []
    clock_box: list[SimClock] = []

    def reopen() -> AudioOut:
        spare.append(MemoryAudioOut(clock_box[0], name="laptop speaker"))
        return spare[-1]

    script = [(10.0, Command.PAUSE)]
    loop, out, view, _, clock = make_loop(plan, script=script, source="keyboard", reopen=reopen)
    clock_box.append(clock)
    clock.call_at(clock.now + 5.0, out.lose)
    finish = loop.run()
    assert any("said on laptop speaker" in m for m in view.messages)
    notices = [e for _, e in view.effects if isinstance(e, Speak) and e.purpose == "notice"]
    assert notices and "went away" in notices[0].text
    said = [r for r in spare[0].reports if r.kind == "speech" and r.name == "notice"]
    assert said, "the pause line was played on the stand-in output"
    assert finish is not None and finish.reason == "done"


class _LosingMicrophone:
    """A voice source whose microphone goes away ``after`` seconds in."""

    def __init__(self, clock: SimClock, after: float) -> None:
        self.clock, self.after = clock, after

    def start(self, emit: Callable[[Hearing], None]) -> None:
        lost = SourceLost("microphone: USB headset", "the stream ended")
        self.clock.call_at(self.clock() + self.after, lambda: emit(lost))

    def stop(self) -> None:
        pass


def test_a_lost_microphone_pauses_and_is_said_then_keys_go_on() -> None:
    """Eyes closed: once the microphone is gone, "too tight" cannot be heard, so say it."""
    plan = mini_plan()
    loop, out, view, _, clock = make_loop(plan, script=[(12.0, Command.PAUSE)], source="keyboard")
    loop.sources.append(_LosingMicrophone(clock, 5.0))
    finish = loop.run()
    assert any("microphone: USB headset stopped" in m for m in view.messages)
    paused = [e for _, e in view.effects if isinstance(e, ClockPaused)]
    assert paused and paused[0].reason == "input"
    notices = [r for r in out.reports if r.kind == "speech" and r.name == "notice"]
    assert notices, "the pause was played, not only shown"
    assert finish is not None and finish.reason == "done"  # the p key went on with the keys


class _SpeakerThatFails(FakeSpeaker):
    def render(self, text: str) -> Sound:
        raise TtsUnavailable("espeak-ng crashed")


def test_when_speech_fails_a_distinct_cue_says_so_once_and_time_is_kept() -> None:
    plan = mini_plan()
    loop, out, view, _, clock = make_loop(plan, speaker=_SpeakerThatFails())
    finish = loop.run()
    assert finish is not None and finish.reason == "done"
    assert len(starts(out, "problem")) == 1  # once, not at every line
    assert starts(out, "problem")[0] < starts(out, "hold_start")[0]
    assert any("Speech failed (espeak-ng crashed)" in m for m in view.messages)
    assert clock.now - loop.t0 >= plan.total_seconds - 1.0  # silent lines kept their time


class _HeldUpOnce(SimInbox):
    """Waiting past ``at``, the process is stopped (Ctrl-Z) for ``seconds``."""

    def __init__(self, clock: SimClock, at: float, seconds: float) -> None:
        super().__init__(clock)
        self.at, self.seconds = at, seconds

    def get(self, timeout: float | None) -> object | None:
        item = super().get(timeout)
        if self.clock.now >= self.at > 0:
            self.at = 0.0
            self.clock.now += self.seconds
        return item


def test_a_process_held_up_pauses_instead_of_skipping_what_was_missed() -> None:
    plan = mini_plan()
    hold = next(s for s in plan.steps if s.kind is StepKind.HOLD)
    stop_at = 500.0 + hold.offset + 1.0
    resume_after = hold.offset + 1.0 + 120.0 + 5.0  # a key press, after the stop
    loop, out, view, _, _ = make_loop(
        plan,
        script=[(resume_after, Command.PAUSE)],
        source="keyboard",
        options=LiveOptions(refresh=0.2),
        inbox=lambda clock: _HeldUpOnce(clock, stop_at, 120.0),
    )
    finish = loop.run()
    assert any("held up for 120 s" in m for m in view.messages)
    paused = [t for t, e in view.effects if isinstance(e, ClockPaused)]
    assert paused and paused[0] == pytest.approx(hold.offset + 1.0, abs=0.3)
    assert finish is not None and finish.reason == "done"
    assert finish.completed_steps == plan.counted_steps
    # the hold was not cut short by the missed time: it ran its full length in all
    timers = [e for _, e in view.effects if isinstance(e, StartTimer) and e.kind == "hold"]
    ends = starts(out, "hold_end")
    assert ends[0] - (loop.t0 + timers[0].deadline) > 120.0


def test_a_short_wait_overrun_is_not_a_hold_up() -> None:
    plan = mini_plan()
    loop, _, view, _, _ = make_loop(
        plan,
        options=LiveOptions(refresh=0.2),
        inbox=lambda clock: _HeldUpOnce(clock, 505.0, 1.5),  # a busy moment, not a stop
    )
    finish = loop.run()
    assert not any("held up" in m for m in view.messages)
    assert finish is not None and finish.reason == "done"


def test_ctrl_c_stops_cleanly_and_stops_every_source() -> None:
    plan = mini_plan()
    loop, out, _, records, clock = make_loop(plan)

    def interrupt() -> None:
        raise KeyboardInterrupt

    clock.call_at(clock.now + 3.0, interrupt)
    finish = loop.run()
    assert finish is not None and finish.reason == "stop"
    assert isinstance(records[-1], EndRecord) and records[-1].reason == "stop"
    assert loop.sources[0].stopped == 1  # type: ignore[attr-defined]
    assert out.closed


def test_interrupt_from_another_thread_stops_like_stop() -> None:
    loop, _, _, _, clock = make_loop(mini_plan())
    clock.call_at(clock.now + 2.0, lambda: loop.interrupt("window closed"))
    finish = loop.run()
    assert finish is not None and finish.reason == "stop"


def test_the_gate_follows_the_output_paths_speech_times() -> None:
    loop, out, _, _, _ = make_loop(mini_plan(), options=LiveOptions(refresh=None, guard=0.3))
    loop.run()
    speech = [(r.tag, r.t) for r in out.reports if r.kind == "speech"]
    first_start, first_end = speech[0][1], speech[1][1]
    assert loop.gate(first_start + 0.1, first_start + 0.2)
    assert loop.gate(first_end + 0.1, first_end + 0.2)  # within the guard
    cue = next(r for r in out.reports if r.name == "tick")
    assert not loop.gate(cue.t, cue.t + 0.05)  # cues never close the mic


def test_barge_in_never_gates() -> None:
    loop, out, _, _, _ = make_loop(mini_plan(), options=LiveOptions(refresh=None, barge_in=True))
    loop.run()
    start = next(r.t for r in out.reports if r.kind == "speech")
    assert not loop.gate(start, start + 0.5)


def _broken(entry: RecordEntry) -> None:
    raise OSError("disk full")


def test_commands_after_the_end_are_ignored_and_a_failing_recorder_is_survived() -> None:
    loop, _, view, _, _ = make_loop(mini_plan(), recorder=_broken)
    finish = loop.run()
    assert finish is not None and finish.reason == "done"
    assert sum("Could not save" in m for m in view.messages) == 1


def test_a_stop_after_the_history_failed_never_says_it_was_saved() -> None:
    speaker = FakeSpeaker()
    loop, out, _, _, _ = make_loop(
        mini_plan(), script=[(3.0, Command.STOP)], source="keys", speaker=speaker, recorder=_broken
    )
    finish = loop.run()
    assert finish is not None and finish.reason == "stop"
    lines = loop.session.lines
    assert lines.stopped_unsaved in speaker.rendered and lines.stopped not in speaker.rendered
    assert len(starts(out, "problem")) == 1  # heard with eyes closed, once


def test_primer_plays_before_the_first_line() -> None:
    loop, out, _, _, _ = make_loop(mini_plan(), primer=0.3)
    loop.run()
    first = next(r for r in out.reports if r.phase == "start")
    assert first.t - loop.t0 == pytest.approx(0.3, abs=1e-3)
    assert CUE_SECONDS["hold_end"] > 0
    assert isinstance(first, PlayReport)
