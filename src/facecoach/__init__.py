"""facecoach: an offline, hands-free, voice-guided coach for facial palsy home exercise.

The core is pure: ``load_library`` reads exercise and routine files,
``compile_plan`` turns a routine into timed steps, and ``Session`` runs a plan
from events to effects. Devices and engines plug in around it.
"""

from __future__ import annotations

from ._core.commands import Command
from ._core.events import (
    ClockPaused,
    ClockResumed,
    CommandRecord,
    DeviceLost,
    Effect,
    EndRecord,
    Event,
    Finish,
    Heard,
    Listen,
    PlayCue,
    Record,
    RecordEntry,
    Speak,
    SpeechDone,
    StartTimer,
    StepRecord,
    StopSpeech,
    StopTimer,
    Tick,
    TooTightRecord,
)
from ._core.loader import Problem, RoutineFileError, builtin_library, check_files, load_library
from ._core.plan import AS_WRITTEN, Personal, Plan, PlanStep, StepKind, compile_plan
from ._core.routine import Area, Exercise, ExerciseKind, Library, Routine, RoutineItem, Side, Step
from ._core.session import Session
from ._core.simulate import ScriptedCommand, simulate
from ._core.state import SessionLines, SessionState

Kind = ExerciseKind
"""The name ``ExerciseKind`` had before 0.2, kept for existing callers."""

# The adapters' protocols and their shipped fakes load on first use, so that
# `import facecoach` (and `facecoach today`) does not wait for numpy and audio.
_DEFINED_IN = {
    "FakeSpeaker": "_sound.speech",
    "Speaker": "_sound.speech",
    "MemoryAudioOut": "_sound.memory",
    "WavFileOut": "_sound.memory",
    "AudioOut": "_sound.output",
    "SimClock": "_core.clock",
    "CommandSource": "_core.ports",
    "MemorySource": "_voice.mic",
    "WavSource": "_voice.mic",
    "Recognizer": "_voice.recognizer",
    "ScriptedListener": "_voice.recognizer",
}


def __getattr__(name: str) -> object:
    if name == "__version__":  # written once, in pyproject.toml
        from importlib.metadata import version

        return version("facecoach")
    module = _DEFINED_IN.get(name)
    if module is None:
        raise AttributeError(f"module 'facecoach' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "AS_WRITTEN",
    "Area",
    "AudioOut",
    "ClockPaused",
    "ClockResumed",
    "Command",
    "CommandRecord",
    "CommandSource",
    "DeviceLost",
    "Effect",
    "EndRecord",
    "Event",
    "Exercise",
    "ExerciseKind",
    "FakeSpeaker",
    "Finish",
    "Heard",
    "Kind",
    "Library",
    "Listen",
    "MemoryAudioOut",
    "MemorySource",
    "Personal",
    "Plan",
    "PlanStep",
    "PlayCue",
    "Problem",
    "Recognizer",
    "Record",
    "RecordEntry",
    "Routine",
    "RoutineFileError",
    "RoutineItem",
    "ScriptedCommand",
    "ScriptedListener",
    "Session",
    "SessionLines",
    "SessionState",
    "Side",
    "SimClock",
    "Speak",
    "Speaker",
    "SpeechDone",
    "StartTimer",
    "Step",
    "StepKind",
    "StepRecord",
    "StopSpeech",
    "StopTimer",
    "Tick",
    "TooTightRecord",
    "WavFileOut",
    "WavSource",
    "builtin_library",
    "check_files",
    "compile_plan",
    "load_library",
    "simulate",
]
