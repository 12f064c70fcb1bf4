"""What ``facecoach serve`` decided, once, from its command line."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from .._paths import Places
from .._sound.settings import SoundOptions
from .session import VoiceFactory
from .take_input import VOICE_OFF, TakeInputFactory

if TYPE_CHECKING:
    from .._voice.headset import HearingCheck

__all__ = ["ServeSettings"]


@dataclass(frozen=True)
class ServeSettings:
    """Everything ``facecoach serve`` decided, once, from its command line."""

    where: Places
    """Where the profile, history and caches are."""
    sound: SoundOptions
    """Sound for sessions and the headset check (as ``facecoach run`` has them)."""
    token: str
    """The secret in the printed link."""
    port: int
    """The port the app listens on (for the cookie, the Host and the Origin check)."""
    files: tuple[str, ...] = ()
    """The person's own exercise and routine files, beside the built-in ones."""
    voice: VoiceFactory | None = None
    """Makes the voice sources of a session (None: buttons and keys only)."""
    hearing: Callable[[], HearingCheck] | None = None
    """Listens once for "next" through the session's microphone (None: no voice)."""
    enrolment: TakeInputFactory | None = None
    """Makes the Whisper recogniser and opens the microphone for a voice
    enrolment (None: there can be none; ``enrolment_off`` says why)."""
    enrolment_off: str = VOICE_OFF
    """Why there can be no voice enrolment, in one plain sentence."""
    today: Callable[[], date] = date.today
    """Today's date (tests move it)."""
    quiet: bool = False
    """Keep the terminal's session log to itself (tests)."""
