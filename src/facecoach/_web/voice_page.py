"""The "Your voice" page: what a voice enrolment found, and teaching it without a terminal.

The enrolment itself runs in ``EnrolmentRunner`` (``enrolment.py``); this
page starts and stops it, shows its progress (its script polls
``/voice/status``), and says what the kept takes mean, with the same general
rules ``facecoach enroll`` reports against.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from anyio import to_thread
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from .._voice.enroll import EnrolmentError
from .damage import DAMAGE, damage_words
from .enrolment import TAKES_PER_PHRASE, EnrolmentRefused
from .state import page, web_state
from .take_input import ENROLMENT_LANG

if TYPE_CHECKING:
    from .._paths import Places

__all__ = [
    "VoiceSummary",
    "voice",
    "voice_forget",
    "voice_page",
    "voice_start",
    "voice_status",
    "voice_stop",
    "voice_summary",
]


@dataclass(frozen=True)
class VoiceSummary:
    """What the kept enrolment says, for the page."""

    takes: int = 0
    report: tuple[str, ...] = ()
    """``enrolment_report``'s lines: phrases heard reliably, and poorly."""
    suggested: tuple[str, ...] = ()
    """One sentence per phrase the coach will suggest instead of its usual one."""
    problem: str = ""
    """The file could not be read (then nothing else is known)."""


_UNREADABLE: tuple[type[Exception], ...] = (EnrolmentError, *DAMAGE)
"""What a hand-edited enrolment raises: the reader's refusal, or what got past it."""


def voice_summary(where: Places) -> VoiceSummary | None:
    """The kept English enrolment, summed up (None: there is none)."""
    from .._voice.enroll import enrolment_path

    try:
        return _summary(where)
    except _UNREADABLE as error:
        damage_words(error, where, enrolment_path(where))  # the details, to the terminal
        return VoiceSummary(
            problem=f"Your saved voice could not be read ({enrolment_path(where)} is not "
            "as facecoach wrote it). Forget it below and teach your voice again."
        )


def _summary(where: Places) -> VoiceSummary | None:
    from .._core.state import TAUGHT
    from .._voice.enroll import enrolment_report, load_enrolment, personal_rules, taught_phrases
    from .._voice.langpack import load_pack
    from .._voice.whisper import WhisperSettings

    enrolment = load_enrolment(where, ENROLMENT_LANG)
    if enrolment is None:
        return None
    pack = load_pack(ENROLMENT_LANG)
    general = WhisperSettings.for_pack(pack)
    default_rules = {c.value: r for c, r in general.rules}
    rules = personal_rules(enrolment.takes, default_rules, general.rule)
    report = enrolment_report(enrolment.takes, pack, rules, general.rule)
    taught = taught_phrases(enrolment.takes, pack, rules, general.rule)
    suggested = tuple(
        f"Instead of '{TAUGHT[command]}', the coach will ask you to say '{phrase}'."
        for command, phrase in taught.items()
    )
    return VoiceSummary(len(enrolment.takes), tuple(report), suggested)


async def voice(request: Request) -> Response:
    notice = ""
    if request.query_params.get("forgotten"):
        notice = "Your voice was forgotten: the coach listens in its usual way again."
    return await to_thread.run_sync(voice_page, request, notice)


def voice_page(request: Request, notice: str = "", status: int = 200) -> Response:
    """What the kept enrolment says, and the running one's progress."""
    runner = web_state(request).enrolment
    progress = runner.status
    return page(
        request,
        "voice.html",
        status,
        title="Your voice",
        notice=notice,
        summary=voice_summary(runner.where),
        progress=progress,
        running=progress.running,
        off=runner.off if runner.take_input is None else "",
        takes_per_phrase=TAKES_PER_PHRASE,
    )


async def voice_status(request: Request) -> Response:
    return JSONResponse(web_state(request).enrolment.status.to_json())


async def voice_start(request: Request) -> Response:
    try:
        await to_thread.run_sync(web_state(request).enrolment.start)
    except EnrolmentRefused as refusal:
        return await to_thread.run_sync(voice_page, request, str(refusal), 409)
    return RedirectResponse("/voice", status_code=303)


async def voice_stop(request: Request) -> Response:
    await to_thread.run_sync(web_state(request).enrolment.stop)
    return RedirectResponse("/voice", status_code=303)


async def voice_forget(request: Request) -> Response:
    from .._voice.enroll import forget_enrolment

    runner = web_state(request).enrolment
    if runner.active:
        notice = "facecoach is learning your voice now: stop that first."
        return await to_thread.run_sync(voice_page, request, notice, 409)
    try:
        gone = forget_enrolment(runner.where)
    except OSError as error:
        notice = f"Your voice could not be forgotten ({error.strerror or error})."
        return await to_thread.run_sync(voice_page, request, notice, 500)
    if not gone:
        notice = "There was no saved voice to forget."
        return await to_thread.run_sync(voice_page, request, notice)
    return RedirectResponse("/voice?forgotten=1", status_code=303)
