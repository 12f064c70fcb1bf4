"""The pure core: routines and their loader, the plan compiler, events and effects,
the session state machine, the simulated clock and the ports sources plug into.

Nothing here reads a clock, sleeps or touches a device.
"""

from __future__ import annotations

from .clock import (
    IDLE,
    Inbox,
    QueueInbox,
    RealScheduler,
    Scheduler,
    SimClock,
    SimInbox,
)
from .commands import (
    Command,
)
from .events import (
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
from .loader import (
    MAX_FILE_BYTES,
    RoutineFileError,
    builtin_library,
    check_files,
    load_library,
)
from .moves import (
    back_target,
    segment_start,
)
from .nodes import (
    MAX_NODES,
    expanded_size,
)
from .plan import (
    CUE_SECONDS,
    DEFAULT_SPEECH_RATE,
    Plan,
    PlanStep,
    StepKind,
    adapted_hold,
    compile_plan,
    estimate_speech_seconds,
    side_word,
)
from .ports import (
    Clock,
    CommandSource,
    HeardCommand,
    SpeechGate,
)
from .routine import (
    AREAS,
    Area,
    Exercise,
    ExerciseKind,
    Library,
    Routine,
    RoutineItem,
    Side,
    Step,
)
from .session import (
    EASE_FACTOR,
    Session,
)
from .simulate import (
    ScriptedCommand,
    log_line,
    parse_scripted,
    simulate,
)
from .state import (
    KIND_STATE,
    SessionLines,
    SessionState,
)
from .yamlcheck import (
    Document,
    Problem,
    parse_document,
)

__all__ = [
    "AREAS",
    "CUE_SECONDS",
    "DEFAULT_SPEECH_RATE",
    "EASE_FACTOR",
    "IDLE",
    "KIND_STATE",
    "MAX_FILE_BYTES",
    "MAX_NODES",
    "Area",
    "Clock",
    "ClockPaused",
    "ClockResumed",
    "Command",
    "CommandRecord",
    "CommandSource",
    "DeviceLost",
    "Document",
    "Effect",
    "EndRecord",
    "Event",
    "Exercise",
    "ExerciseKind",
    "Finish",
    "Heard",
    "HeardCommand",
    "Inbox",
    "Library",
    "Listen",
    "Plan",
    "PlanStep",
    "PlayCue",
    "Problem",
    "QueueInbox",
    "RealScheduler",
    "Record",
    "RecordEntry",
    "Routine",
    "RoutineFileError",
    "RoutineItem",
    "Scheduler",
    "ScriptedCommand",
    "Session",
    "SessionLines",
    "SessionState",
    "Side",
    "SimClock",
    "SimInbox",
    "Speak",
    "SpeechDone",
    "SpeechGate",
    "StartTimer",
    "Step",
    "StepKind",
    "StepRecord",
    "StopSpeech",
    "StopTimer",
    "Tick",
    "TooTightRecord",
    "adapted_hold",
    "back_target",
    "builtin_library",
    "check_files",
    "compile_plan",
    "estimate_speech_seconds",
    "expanded_size",
    "load_library",
    "log_line",
    "parse_document",
    "parse_scripted",
    "segment_start",
    "side_word",
    "simulate",
]
