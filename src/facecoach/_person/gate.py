"""The safety gate: no exercise before movement has started to return.

Stage ``not-yet`` refuses every exercise session, simulated or live, and
nothing but changing the stage lifts it. With no stage set, a simulation may
run (it moves no muscle) but a live session waits until the stage is known.
"""

from __future__ import annotations

from .profile import Stage

__all__ = ["REFUSED", "Refusal", "check_gate"]

REFUSED = 3
"""Exit status of a refusal (distinct from usage errors and crashes)."""


class Refusal(Exception):
    """facecoach will not start this session; the message says why, kindly."""

    status = REFUSED


NOT_YET = (
    "Your profile says movement has not yet started to return. Facial exercise waits "
    "until it does: working the face too early can do more harm than good. When you "
    "notice movement coming back (ideally after checking with your therapist), change "
    "the stage with:\n  facecoach profile --stage recent"
)

STAGE_UNSET = (
    "Before a live session, facecoach needs to know where you are in recovery. "
    "Set your stage with one of:\n"
    "  facecoach profile --stage recent          (movement recently returning)\n"
    "  facecoach profile --stage long-standing   (palsy for a long time)\n"
    "  facecoach profile --stage after-care      (drooping or tightness, even years later)\n"
    "  facecoach profile --stage not-yet         (no movement yet: no exercise for now)\n"
    "A simulated run (--simulate) works without it."
)


def check_gate(stage: Stage | None, *, live: bool) -> None:
    """Raise ``Refusal`` when a session may not start at ``stage``."""
    if stage == Stage.NOT_YET:
        raise Refusal(NOT_YET)
    if stage is None and live:
        raise Refusal(STAGE_UNSET)
