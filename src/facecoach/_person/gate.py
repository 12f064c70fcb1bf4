"""The safety gate: no exercise before movement has started to return.

Stage ``not-yet`` refuses every exercise session, simulated or live, and
nothing but changing the stage lifts it. With no stage set, a simulation may
run (it moves no muscle) but a live session waits until the stage is known.
"""

from __future__ import annotations

from .profile import Stage

__all__ = ["EARLY_CARE", "REFUSED", "Refusal", "check_gate"]

REFUSED = 3
"""Exit status of a refusal (distinct from usage errors and crashes)."""


class Refusal(Exception):
    """facecoach will not start this session; the message says why, kindly.

    The message is for a terminal (it names the command to type); ``plain``
    says the same without commands, for the web app.
    """

    status = REFUSED

    def __init__(self, message: str, plain: str) -> None:
        super().__init__(message)
        self.plain = plain


_NOT_YET_WHY = (
    "Your profile says movement has not yet started to return. Facial exercise waits "
    "until it does: working the face too early can do more harm than good. When you "
    "notice movement coming back (ideally after checking with your therapist), change "
)
EARLY_CARE = (
    "What matters most for now: if your eye does not close fully, keep it moist and "
    "shielded (drops by day, an ointment at night, glasses against wind and dust; tape "
    "it shut at night only as a clinician shows you).",
    "A painful or red eye, or blurred sight, needs a doctor soon. Stay in touch with "
    "your doctor or a facial therapist: they can follow your recovery.",
)
"""What matters at the not-yet stage besides waiting: the eye, and a clinician."""

NOT_YET = (
    _NOT_YET_WHY + "the stage with:\n  facecoach profile --stage recent\n" + "\n".join(EARLY_CARE)
)
NOT_YET_PLAIN = _NOT_YET_WHY + "your stage to recent in your profile. " + " ".join(EARLY_CARE)

_UNSET_WHY = "Before a live session, facecoach needs to know where you are in recovery. "
STAGE_UNSET_PLAIN = _UNSET_WHY + "Please set your stage in your profile."
STAGE_UNSET = (
    _UNSET_WHY + "Set your stage with one of:\n"
    "  facecoach profile --stage recent          (movement recently returning)\n"
    "  facecoach profile --stage long-standing   (palsy for a long time)\n"
    "  facecoach profile --stage after-care      (drooping or tightness, even years later)\n"
    "  facecoach profile --stage not-yet         (no movement yet: no exercise for now)\n"
    "A simulated run (--simulate) works without it."
)


def check_gate(stage: Stage | None, *, live: bool) -> None:
    """Raise ``Refusal`` when a session may not start at ``stage``."""
    if stage == Stage.NOT_YET:
        raise Refusal(NOT_YET, NOT_YET_PLAIN)
    if stage is None and live:
        raise Refusal(STAGE_UNSET, STAGE_UNSET_PLAIN)
