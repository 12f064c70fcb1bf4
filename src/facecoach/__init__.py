"""facecoach: an offline, hands-free, voice-guided coach for facial palsy home exercise.

The core is pure: ``load_library`` reads exercise and routine files,
``compile_plan`` turns a routine into timed steps, and ``Session`` runs a plan
from events to effects. Devices and engines plug in around it.
"""

from __future__ import annotations

from ._commands import Command
from ._events import (
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
from ._loader import Problem, RoutineFileError, builtin_library, check_files, load_library
from ._plan import Plan, PlanStep, StepKind, compile_plan
from ._routine import Area, Exercise, Kind, Library, Routine, RoutineItem, Side, Step
from ._session import Session
from ._session_state import SessionLines, SessionState
from ._simulate import ScriptedCommand, simulate

__all__ = [
    "Area",
    "ClockPaused",
    "ClockResumed",
    "Command",
    "CommandRecord",
    "DeviceLost",
    "Effect",
    "EndRecord",
    "Event",
    "Exercise",
    "Finish",
    "Heard",
    "Kind",
    "Library",
    "Listen",
    "Plan",
    "PlanStep",
    "PlayCue",
    "Problem",
    "Record",
    "RecordEntry",
    "Routine",
    "RoutineFileError",
    "RoutineItem",
    "ScriptedCommand",
    "Session",
    "SessionLines",
    "SessionState",
    "Side",
    "Speak",
    "SpeechDone",
    "StartTimer",
    "Step",
    "StepKind",
    "StepRecord",
    "StopSpeech",
    "StopTimer",
    "Tick",
    "TooTightRecord",
    "builtin_library",
    "check_files",
    "compile_plan",
    "load_library",
    "simulate",
]
__version__ = "0.1.0"
