"""The web app's headset check: a test line out, and "next" heard in when voice is on."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from .._paths import Places
from .._sound.settings import SoundOptions

if TYPE_CHECKING:
    from .._voice.headset import HearingCheck

__all__ = ["CHECK_LINE", "HEAR_LINE", "MIC_PROBLEM", "headset_check"]

CHECK_LINE = "This is facecoach. If you can hear this clearly, your sound is ready."
HEAR_LINE = "This is facecoach. If you can hear this clearly, say next."
MIC_PROBLEM = (
    "The microphone could not be used, so voice commands are off; the buttons on the "
    "screen always work. Check that the headset is plugged in, then try again."
)


def headset_check(
    options: SoundOptions, where: Places, hearing: Callable[[], HearingCheck] | None = None
) -> str:
    """Check the headset as a session uses it; what happened, in words.

    A test line goes out through the session's output path; with ``hearing``
    (voice commands on), the microphone then listens for "next".
    """
    sound = _say_test_line(options, where, HEAR_LINE if hearing else CHECK_LINE)
    if hearing is None:
        return sound
    heard = hearing()
    if heard.error is not None:
        # The details may name command-line options: they go to the terminal
        # that started the app, and the page says it in its own words.
        print(f"facecoach: headset check: {heard.error}", file=sys.stderr)
        return f"{sound} {MIC_PROBLEM}"
    return f"{sound} {heard.words('next')}"


def _say_test_line(options: SoundOptions, where: Places, line: str) -> str:
    from .._live.wiring import TEXT_MODE, speak_line
    from .._sound.devices import DeviceProblem
    from .._sound.output import OutputUnavailable
    from .._sound.speech import TtsUnavailable

    if options.text_only:
        return "Sound is off (text mode): sessions show every line on the screen instead."
    try:
        speak_line(line, replace(options, data_dir=options.data_dir or str(where.data)))
    except (DeviceProblem, OutputUnavailable) as error:
        return (
            f"No sound output could be used ({error}). Sessions still run: every line "
            f"is shown on the screen ({TEXT_MODE})."
        )
    except TtsUnavailable as error:
        return f"The speech engine did not work ({error}). Sessions show the lines on screen."
    return "A test line was played. If you did not hear it, check the headset and its volume."
