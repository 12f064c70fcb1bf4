"""The session's states and the lines it says on its own."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from .plan import StepKind

__all__ = ["KIND_STATE", "SessionLines", "SessionState"]


class SessionState(str, Enum):
    """Where the session is; ``ENDED`` is final."""

    READY = "ready"
    SPEAKING = "speaking"
    CUEING = "cueing"
    HOLDING = "holding"
    RESTING = "resting"
    PAUSED = "paused"
    ENDED = "ended"


@dataclass(frozen=True)
class SessionLines:
    """The lines the engine says on its own (a language pack may replace them)."""

    ease_off: str = "Ease off now. Let the pressure go and breathe."
    help: str = "You can say: next, repeat, too tight, pause, resume, back, stop, or help."
    confirm_stop: str = "Say stop again to end the session."
    paused: str = "Paused. Say resume when you are ready."


KIND_STATE = {
    StepKind.SAY: SessionState.SPEAKING,
    StepKind.CUE: SessionState.CUEING,
    StepKind.HOLD: SessionState.HOLDING,
    StepKind.REST: SessionState.RESTING,
}
