"""Where a voice enrolment's takes are heard: the Whisper recogniser and the microphone.

``facecoach serve`` decides once, from its voice options, whether the web app
can teach a voice (``whisper_take_input``); tests hand the app a fake ``TakeInput``.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .._paths import Places
from .._voice.takes import TakeRecognizer

if TYPE_CHECKING:
    from .._voice.mic import AudioSource
    from .._voice.settings import VoiceSettings

__all__ = [
    "ENGINE_FAILED",
    "ENROLMENT_LANG",
    "MICROPHONE_LOST",
    "NO_MICROPHONE",
    "NO_WHISPER",
    "VOICE_OFF",
    "EnrolmentUnavailable",
    "TakeInput",
    "TakeInputFactory",
    "tell_the_terminal",
    "whisper_take_input",
]

ENROLMENT_LANG = "en"
"""The page teaches English, the language of the app's words."""

VOICE_OFF = "Listening is turned off for this start of facecoach, so it cannot learn your voice."
FROM_FILE = (
    "facecoach is listening to a recording instead of a microphone, so it cannot learn "
    "your voice now."
)
NOT_ENGLISH = (
    "Learning your voice here is for English, and facecoach is listening in another language."
)
OTHER_ENGINE = (
    "Learning your voice needs the Whisper speech engine, and facecoach was started "
    "with another one."
)
ENGINE_FAILED = "The Whisper speech engine could not be started, so nothing was kept."
NO_MICROPHONE = (
    "The microphone could not be opened, so nothing was kept. Check that the headset is "
    "plugged in, then try again."
)
MICROPHONE_LOST = (
    "The microphone stopped (was the headset unplugged?), so nothing was kept. Try again "
    "when it is back."
)
NO_WHISPER = (
    "Learning your voice needs the Whisper speech engine, which is not installed on this computer."
)


class EnrolmentUnavailable(Exception):
    """The recogniser or the microphone cannot be had; the message is for the page."""


@dataclass(frozen=True)
class TakeInput:
    """What hears an enrolment's takes: the recogniser, and the microphone for each take."""

    recognizer: TakeRecognizer
    open_mic: Callable[[], AudioSource]
    """Opens the microphone for one take (the take closes it); raises ``EnrolmentUnavailable``."""


TakeInputFactory = Callable[[], TakeInput]
"""Makes the recogniser and microphone for one enrolment; raises ``EnrolmentUnavailable``."""


def whisper_take_input(
    voice: VoiceSettings | None, where: Places
) -> tuple[TakeInputFactory | None, str]:
    """The factory ``facecoach serve`` gives the app, or None and why not, in one sentence.

    Checks only what is cheap (the engine installed, its model found); the
    model is loaded when an enrolment starts.
    """
    if voice is None:
        return None, VOICE_OFF
    settings = voice  # as narrowed, for make() below
    if voice.mic_file is not None:
        return None, FROM_FILE
    if voice.engine not in ("auto", "whisper"):
        return None, OTHER_ENGINE
    from .._voice.langpack import LanguagePackError, load_pack
    from .._voice.models import ModelNotFound
    from .._voice.whisper import have_whisper
    from .._voice.whisper_models import find_whisper_model

    try:
        if load_pack(voice.lang).code != ENROLMENT_LANG:
            return None, NOT_ENGLISH
        if not have_whisper():
            return None, NO_WHISPER
        find_whisper_model(where, explicit=voice.model, lang=ENROLMENT_LANG)
    except (LanguagePackError, ModelNotFound):
        return None, NO_WHISPER

    def make() -> TakeInput:
        from .._voice.mic import MicError, MicSource
        from .._voice.source import VoiceError, make_recognizer
        from .._voice.whisper import WhisperRecognizer

        try:
            recognizer = make_recognizer(
                ENROLMENT_LANG, where, "whisper", settings.model, remember=True
            )
        except VoiceError as error:
            tell_the_terminal(error)
            raise EnrolmentUnavailable(ENGINE_FAILED) from error
        if not isinstance(recognizer, WhisperRecognizer):  # pragma: no cover - "whisper" asked
            raise EnrolmentUnavailable(NO_WHISPER)

        def open_mic() -> AudioSource:
            mic = MicSource(time.monotonic, device=settings.device)
            try:
                mic.open()
            except MicError as error:
                tell_the_terminal(error)
                raise EnrolmentUnavailable(NO_MICROPHONE) from error
            return mic

        return TakeInput(recognizer, open_mic)

    return make, ""


def tell_the_terminal(error: Exception) -> None:
    """The details, for whoever started the app (they may name options); the page
    says it in its own words."""
    print(f"facecoach: voice enrolment: {error}", file=sys.stderr)
