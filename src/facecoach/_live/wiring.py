"""Wiring for a live session: devices, speaker, view and the loop.

``run_live`` is what ``facecoach run`` calls for a real session, with the
``SoundOptions`` the command line built.
"""

from __future__ import annotations

import signal
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from types import FrameType
from typing import Any

from rich.console import Console

from .._core.clock import QueueInbox, RealScheduler
from .._core.commands import Command
from .._core.events import RecordEntry
from .._core.plan import Plan
from .._core.ports import CommandSource, SpeechGate
from .._core.session import Session
from .._core.state import SessionLines
from .._paths import Places, places
from .._sound.cues import load_cues
from .._sound.devices import DeviceProblem, choose_device, list_devices
from .._sound.memory import MemoryAudioOut
from .._sound.output import AudioOut, OutputUnavailable
from .._sound.samples import Sound
from .._sound.settings import SoundOptions, natural_rate
from .._sound.speech import FakeSpeaker, Speaker, TtsUnavailable
from .._sound.speech_files import line_seconds
from .._sound.stream import SounddeviceOut
from .._sound.tts import make_speaker
from .._voice.source import VoiceCommands
from .keys import SPOKEN_KEYS, KeyboardSource, key_help
from .loop import LiveLoop, LiveOptions
from .terminal_view import make_view
from .view_port import View

__all__ = [
    "TEXT_MODE",
    "SoundOptions",
    "cached_speech_seconds",
    "make_output",
    "run_live",
    "speak_line",
    "speaker_for",
]

TEXT_MODE = "text mode (no sound)"


def speaker_for(
    options: SoundOptions, where: Places, on_cache_problem: Callable[[str], None] | None = None
) -> Speaker:
    """The speaker these options ask for, caching under ``where``.

    ``on_cache_problem`` hears once why lines cannot be kept (they are still spoken).
    """
    return make_speaker(
        options.tts,
        voice=options.voice,
        rate=options.rate,
        cache_dir=where.cache / "speech",
        models_dir=where.models / "piper",
        on_cache_problem=on_cache_problem,
    )


def cached_speech_seconds(options: SoundOptions) -> Callable[[str], float]:
    """Seconds a line takes: its rendered length when cached, else the estimate.

    ``facecoach plan`` uses it so that, once lines are rendered (by a run or
    ``export``), the plan agrees with the real audio.
    """
    cache = places(options.data_dir).cache / "speech"
    return line_seconds(cache, options.tts, options.voice, options.rate)


def make_output(spec: str | None, options: SoundOptions) -> AudioOut:
    """The chosen output device as an ``AudioOut`` (not yet open)."""
    device = choose_device(spec, "output", list_devices())
    if device is None:
        raise OutputUnavailable("no sound output device found")
    return SounddeviceOut(
        device.index, name=device.label(), primer_seconds=options.primer, volume=options.volume
    )


def speak_line(text: str, options: SoundOptions) -> Sound:
    """Say one line through a run's own output path: its voice, rate and device;
    returns what was played (the headset check measures its echo).

    For the headset check and voice samples. Raises ``TtsUnavailable``,
    ``DeviceProblem`` or ``OutputUnavailable`` when the line cannot be heard.
    """
    speaker = speaker_for(options, places(options.data_dir))
    try:
        sound = speaker.render(text)
    finally:
        speaker.close()
    out = make_output(options.output, options)
    out.open(lambda report: None)
    try:
        out.play(sound, "speech")
        deadline = time.monotonic() + sound.seconds + 5.0
        while out.busy and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        out.close()
    return sound


def _text_out() -> AudioOut:
    return MemoryAudioOut(RealScheduler(), keep=False, name=TEXT_MODE)


def run_live(
    plan: Plan,
    options: SoundOptions,
    *,
    command_sources: Sequence[CommandSource] = (),
    gated_sources: Sequence[Callable[[SpeechGate], CommandSource]] = (),
    recorder: Callable[[RecordEntry], None] | None = None,
    console: Console | None = None,
    on_loop: Callable[[LiveLoop], None] | None = None,
    session: Session | None = None,
    on_started: Callable[[bool], None] | None = None,
    by_hand: Mapping[Command, str] | None = None,
    on_ended: Callable[[bool], None] | None = None,
) -> int:
    """Run ``plan`` live; returns the exit status.

    0 done or stopped, 2 bad device, 130 stopped by Ctrl-C, 143 by SIGTERM,
    129 by SIGHUP (the terminal closed)
    (the session is kept as stopped either way).

    ``command_sources`` hear commands (the keyboard is added when stdin is a
    terminal and ``options.keyboard``). Each of ``gated_sources`` is called
    with the ``SpeechGate`` of this run's output path (exact speech end times
    plus ``options.guard``; never gating with ``barge_in``) and returns a
    source, e.g. the microphone. ``recorder`` gets every ``Record`` entry.
    ``on_loop`` sees the loop just before it starts (benchmarks, tests).
    ``session`` is the engine to drive (default: a new ``Session(plan)``).
    ``by_hand`` names what to press for each command (the web app's buttons);
    when no voice listens, the coach's help and pause lines name these instead
    of words (by default the keys, when the keyboard is read).
    ``on_started(chosen)`` is called once the output is playing, with whether
    it is the device asked for (so the command line remembers only what worked).
    ``on_ended(spoke)`` is called once the session is over, with whether every
    line was spoken by the engine and voice asked for.
    """
    # markup off: routine names, voices, devices and errors are printed as they are
    console = console or Console(highlight=False, soft_wrap=True, markup=False)
    err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False)
    where = places(options.data_dir)
    notices = _Notices(err)
    try:
        speaker: Speaker = speaker_for(options, where, on_cache_problem=notices)
    except TtsUnavailable as error:
        err.print(f"facecoach: {error}; lines are shown on screen only.", markup=False)
        speaker = FakeSpeaker(silent=True)
        speech_worked = False
    else:
        speech_worked = True
    chosen = not options.text_only
    try:
        out = _text_out() if options.text_only else make_output(options.output, options)
    except DeviceProblem as error:
        if not options.output_saved:
            err.print(f"facecoach: {error}", markup=False)
            return 2
        # A device remembered from an earlier run may simply be unplugged today.
        err.print(
            f"facecoach: {error} (the output saved in your settings); using the default "
            "output. To forget it: facecoach settings --reset output_device",
            markup=False,
        )
        chosen = False
        try:
            out = make_output(None, options)
        except (DeviceProblem, OutputUnavailable):
            out = _text_out()
    except OutputUnavailable as error:
        err.print(
            f"facecoach: {error}; running in text mode (lines printed, keys work).", markup=False
        )
        out = _text_out()
        chosen = False

    def reopen() -> AudioOut:
        try:
            return make_output(options.output, options)
        except (DeviceProblem, OutputUnavailable):
            return make_output(None, options)

    inbox = QueueInbox()
    loop = LiveLoop(
        plan,
        speaker=speaker,
        out=out,
        cues=load_cues(),
        clock=time.monotonic,
        inbox=inbox,
        recorder=recorder,
        options=LiveOptions(
            tick_seconds=options.tick_seconds, guard=options.guard, barge_in=options.barge_in
        ),
        reopen=reopen,
        session=session,
    )
    problem = loop.start_output()
    if problem is not None:
        err.print(
            f"facecoach: {problem}; running in text mode (lines printed, keys work).", markup=False
        )
        loop.out = _text_out()
        loop.start_output()
        chosen = False
    if on_started is not None:
        on_started(chosen)
    text_mode = loop.out.name == TEXT_MODE
    sources: list[CommandSource] = list(command_sources)
    sources += [make(loop.gate) for make in gated_sources]
    if options.keyboard and sys.stdin.isatty():
        sources.append(KeyboardSource(sys.stdin))
    loop.sources = sources
    coach = loop.coach_on_air()
    for source in sources:
        if isinstance(source, VoiceCommands) and source.duplex is not None:
            source.hear_over(coach)  # barge-in: the played signal is the echo's reference
            source.duplex.on_note = notices
    taught = {c: p for s in sources if isinstance(s, VoiceCommands) for c, p in s.taught.items()}
    voice = any(isinstance(s, VoiceCommands) for s in sources)
    if by_hand is None and any(isinstance(s, KeyboardSource) for s in sources):
        by_hand = SPOKEN_KEYS
    if not voice and session is None and by_hand is not None:
        # Nobody listens: asking for a word would leave the person waiting for ever.
        loop.session.lines = loop.session.lines.with_keys(by_hand)
    if taught and session is None:
        # Nothing has been said yet: the help line and the words asked for
        # teach what this person's voice enrolment found heard best.
        loop.session.lines = loop.session.lines.teaching(taught)
        said = ", ".join(f"'{p}' for {c.value}" for c, p in taught.items())
        console.print(f"From your voice enrolment, the coach will suggest {said}.", markup=False)
    pace = f"at {options.rate} words a minute"
    if options.tts == "piper" and options.rate == natural_rate("piper"):
        pace = "at its natural pace"  # Piper's length scale is left as trained
    engine = f"{options.tts} {options.voice or 'default voice'} {pace}"
    # The microphone, when voice is on, is named by the voice's own start line.
    console.print(f"Output: {loop.out.name}. Voice: {engine}.", markup=False)
    console.print(key_help(), style="dim", markup=False)
    loop.view = make_view(
        plan, loop.session, output=loop.out.name, text_mode=text_mode, console=console
    )
    notices.view = loop.view
    stop_warming = _warm_cache(speaker, plan, loop.session.lines)
    signals = _SignalStop(loop)
    try:
        if on_loop is not None:
            on_loop(loop)
        loop.run()
        if on_ended is not None:
            on_ended(speech_worked and not loop.speech_failed)
    finally:
        signals.restore()
        stop_warming()
        speaker.close()
    return signals.status


class _Notices:
    """Notices from other threads (the speech cache): on the view once there is one."""

    def __init__(self, err: Console) -> None:
        self.err = err
        self.view: View | None = None

    def __call__(self, text: str) -> None:
        if self.view is not None:
            self.view.message(f"facecoach: {text}")  # rich and print are thread-safe
        else:
            self.err.print(f"facecoach: {text}", markup=False)


EXIT_SIGINT = 128 + signal.SIGINT
"""130: the session was stopped by Ctrl-C."""
EXIT_SIGTERM = 128 + signal.SIGTERM
"""143: the session was stopped by SIGTERM (``kill``, a closed terminal)."""
_SIGHUP = getattr(signal, "SIGHUP", None)
"""The terminal window was closed (not on Windows)."""
_STOPPING = {
    signal.SIGINT: (EXIT_SIGINT, "Ctrl-C"),
    signal.SIGTERM: (EXIT_SIGTERM, "terminated"),
    **({_SIGHUP: (128 + _SIGHUP, "terminal closed")} if _SIGHUP is not None else {}),
}
"""Each signal that stops a live session: its exit status and the reason kept."""


class _StopNow(KeyboardInterrupt):
    """A second signal: stop at once; ``exit_status`` is that of the first."""

    def __init__(self, exit_status: int) -> None:
        super().__init__()
        self.exit_status = exit_status


class _SignalStop:
    """Ctrl-C, SIGTERM and SIGHUP end the session as "stop" (so it is kept) and set the
    exit status.

    The first signal asks the loop to stop at its next step; a second one, if
    the loop has not got there (a line still rendering), interrupts at once
    with ``KeyboardInterrupt``, which the loop also turns into a kept stop.
    Handlers are only installed on the main thread (the web app runs sessions
    on others); ``restore`` puts the previous ones back.
    """

    def __init__(self, loop: LiveLoop) -> None:
        self.loop = loop
        self.status = 0
        self._previous: dict[int, Any] = {}
        if threading.current_thread() is not threading.main_thread():
            return
        for signum in _STOPPING:
            self._previous[signum] = signal.signal(signum, self._handle)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        first = self.status == 0
        if first:
            self.status, why = _STOPPING[signum]
            self.loop.interrupt(why)
            return
        raise _StopNow(self.status)

    def restore(self) -> None:
        for signum, previous in self._previous.items():
            if previous is not None:
                signal.signal(signum, previous)
        self._previous.clear()


def _warm_cache(speaker: Speaker, plan: Plan, lines: SessionLines) -> Callable[[], None]:
    """Render the plan's lines in the background, in order, so each is ready in time.

    Returns a function that stops the rendering and waits for the line in hand:
    an engine still working in a thread when the interpreter exits can abort
    the process (onnxruntime does, under Piper).
    """
    from .export import spoken_lines

    stop = threading.Event()

    def work() -> None:
        for text in spoken_lines(plan, lines):
            if stop.is_set():
                return
            try:
                speaker.render(text)
            except TtsUnavailable:
                return

    worker = threading.Thread(target=work, name="facecoach-prerender", daemon=True)
    worker.start()

    def stop_and_wait() -> None:
        stop.set()
        worker.join(timeout=30.0)  # one line at most; a hung engine is left to the exit

    return stop_and_wait
