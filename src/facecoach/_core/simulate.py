"""Run a whole session on a simulated clock: no audio, no waiting.

Spoken lines take the time the plan estimates; commands arrive at the
simulated seconds given. The output is the session's log, one dict a line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from .commands import Command
from .events import (
    ClockPaused,
    ClockResumed,
    Effect,
    Event,
    Finish,
    Heard,
    PlayCue,
    Record,
    RecordEntry,
    Speak,
    SpeechDone,
    StartTimer,
    StopSpeech,
    StopTimer,
    Tick,
)
from .plan import Plan, estimate_speech_seconds
from .session import Session

__all__ = ["ScriptedCommand", "log_line", "parse_scripted", "simulate"]

_MAX_EVENTS = 1_000_000  # a guard: no real plan comes near it


@dataclass(frozen=True)
class ScriptedCommand:
    """A command heard at simulated second ``at``."""

    at: float
    command: Command
    text: str = ""


def parse_scripted(spec: str) -> ScriptedCommand:
    """Parse ``SECONDS:PHRASE`` (as in ``--command 12.5:"too tight"``).

    Raises ``ValueError`` with a message fit to show the person.
    """
    seconds, sep, phrase = spec.partition(":")
    if not sep:
        raise ValueError(f"--command {spec!r}: expected SECONDS:PHRASE, like 12.5:next")
    try:
        at = float(seconds)
    except ValueError:
        raise ValueError(f"--command {spec!r}: {seconds!r} is not a number of seconds") from None
    if not at >= 0 or at == float("inf"):
        raise ValueError(f"--command {spec!r}: the time must be zero or more seconds")
    try:
        command = Command.parse(phrase)
    except ValueError as error:
        raise ValueError(f"--command {spec!r}: {error}") from None
    return ScriptedCommand(at, command, phrase.strip())


def log_line(t: float, effect: Effect) -> dict[str, Any] | None:
    """The log entry for one effect at time ``t`` (None for silent effects)."""
    base: dict[str, Any] = {"t": round(t, 3)}
    if isinstance(effect, Speak):
        return {**base, "event": "say", "text": effect.text, "purpose": effect.purpose}
    if isinstance(effect, PlayCue):
        return {**base, "event": "cue", "name": effect.name}
    if isinstance(effect, StartTimer) and effect.kind != "cue":
        return {
            **base,
            "event": effect.kind,
            "exercise": effect.exercise,
            "seconds": round(effect.seconds, 3),
        }
    if isinstance(effect, StopTimer) and effect.kind == "hold":
        return {
            **base,
            "event": "hold_end",
            "exercise": effect.exercise,
            "planned": round(effect.planned, 3),
            "actual": round(effect.actual, 3),
            "reason": effect.reason,
        }
    if isinstance(effect, ClockPaused):
        return {**base, "event": "paused", "reason": effect.reason}
    if isinstance(effect, ClockResumed):
        return {**base, "event": "resumed"}
    if isinstance(effect, Finish):
        return {
            **base,
            "event": "end",
            "reason": effect.reason,
            "completed_steps": effect.completed_steps,
            "planned_steps": effect.planned_steps,
        }
    return None


def simulate(
    plan: Plan,
    commands: Iterable[ScriptedCommand] = (),
    *,
    session: Session | None = None,
    speech_seconds: Callable[[str], float] = estimate_speech_seconds,
    record: Callable[[RecordEntry], None] | None = None,
) -> list[dict[str, Any]]:
    """Run ``plan`` to its end on a simulated clock; return the log.

    If the session is left paused with nothing more to hear, it is stopped
    there (as the person would, by walking away) so a simulation always ends.
    """
    engine = session or Session(plan)
    queue = sorted(commands, key=lambda c: c.at)
    log: list[dict[str, Any]] = []
    speech_end: float | None = None
    speaking = 0

    def apply(t: float, effects: list[Effect]) -> None:
        nonlocal speech_end, speaking
        for effect in effects:
            if isinstance(effect, Speak):
                speaking, speech_end = effect.utterance, t + speech_seconds(effect.text)
            elif isinstance(effect, StopSpeech):
                speech_end = None
            elif isinstance(effect, Record) and record is not None:
                record(effect.entry)
            line = log_line(t, effect)
            if line is not None:
                log.append(line)

    apply(0.0, engine.start(0.0))
    for _ in range(_MAX_EVENTS):
        if engine.ended:
            break
        deadline = engine.next_deadline
        heard_at = queue[0].at if queue else None
        times = [x for x in (deadline, speech_end, heard_at) if x is not None]
        if not times:  # paused, nothing left to hear
            event: Event = Heard(
                log[-1]["t"] if log else 0.0,
                Command.STOP,
                "(simulation: nothing more to hear)",
                "script",
            )
        else:
            now = min(times)
            if deadline is not None and deadline <= now:
                event = Tick(now)
            elif speech_end is not None and speech_end <= now:
                event, speech_end = SpeechDone(now, speaking), None
            else:
                scripted = queue.pop(0)
                event = Heard(now, scripted.command, scripted.text or scripted.command.value)
                log.append(
                    {
                        "t": round(now, 3),
                        "event": "heard",
                        "command": scripted.command.value,
                        "text": event.text,
                    }
                )
        apply(event.t, engine.handle(event))
    return log
