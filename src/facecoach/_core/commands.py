"""The spoken (or typed) commands a session understands."""

from __future__ import annotations

from enum import Enum

__all__ = ["Command"]


class Command(str, Enum):
    """One thing the person can ask of a running session.

    The values are the canonical English names; language packs map phrases in
    any language onto these.
    """

    NEXT = "next"
    REPEAT = "repeat"
    TOO_TIGHT = "too tight"
    PAUSE = "pause"
    RESUME = "resume"
    BACK = "back"
    STOP = "stop"
    HELP = "help"

    @classmethod
    def parse(cls, name: str) -> Command:
        """Return the command named ``name`` (case and spacing forgiven).

        Accepts the value ("too tight") or the member name ("TOO_TIGHT",
        "too-tight"). Raises ``ValueError`` listing the known names otherwise.
        """
        key = " ".join(name.strip().lower().replace("_", " ").replace("-", " ").split())
        for command in cls:
            if command.value == key:
                return command
        known = ", ".join(c.value for c in cls)
        raise ValueError(f"unknown command {name!r}; known commands: {known}")
