"""The web app's voice enrolment: hands-free takes, heard in a thread of their own.

What ``facecoach enroll`` does with keys in a terminal, done with no keys:
for each prompt (``enrolment_prompts``) the coach says "Say <phrase>."
through the session's sound output, then the microphone listens for one
take, twice a phrase; a take where nothing was heard is asked for once more,
then skipped. At the end the takes are kept (``save_enrolment``); stopping
keeps nothing. Never two at once, and never while a session runs: both need
the microphone, so they share the session runner's start lock.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any

from .._paths import Places
from .._sound.settings import SoundOptions
from .._voice.takes import first_verdict
from .take_input import (
    ENROLMENT_LANG,
    MICROPHONE_LOST,
    VOICE_OFF,
    EnrolmentUnavailable,
    TakeInput,
    TakeInputFactory,
    tell_the_terminal,
)

if TYPE_CHECKING:
    from .._voice.enroll import Take
    from .._voice.mic import AudioSource
    from .._voice.whisper_rules import Verdict

__all__ = [
    "TAKES_PER_PHRASE",
    "EnrolmentRefused",
    "EnrolmentRunner",
    "EnrolmentStatus",
    "heard_words",
]

TAKES_PER_PHRASE = 2
TAKE_SECONDS = 6.0
"""How long the microphone waits for one take."""
TRIES = 2
"""A take where nothing was heard is asked for once more, then skipped."""


class EnrolmentRefused(Exception):
    """An enrolment cannot start now; the message is for the page."""


def heard_words(take: Take) -> str:
    """What was heard of a take, in plain words (no scores)."""
    if take.right_phrase:
        return f"Heard '{take.text}'."
    if take.text:
        return f"Heard '{take.text}' instead."
    return "Something was heard, but not one of the phrases."


_STATE_WORDS = {
    "idle": "",
    "starting": "Getting the speech engine and the microphone ready...",
    "running": "Listening. Say the phrase below each time the coach asks for it.",
    "stopped": "Stopped. Nothing new was kept.",
    "nothing": "No takes were heard, so nothing was kept. Check the microphone and try again.",
}


@dataclass(frozen=True)
class EnrolmentStatus:
    """What the "Your voice" page shows of a running (or the last) enrolment."""

    state: str = "idle"
    """idle | starting | running | saved | nothing | stopped | failed."""
    phrase: str = ""
    """The phrase to say now."""
    prompt: int = 0
    prompts: int = 0
    take: int = 0
    takes: int = TAKES_PER_PHRASE
    heard: str = ""
    """What was heard of the last take, in words."""
    message: str = ""
    """How it ended (saved, failed), or a note while it runs."""
    version: int = 0

    @property
    def running(self) -> bool:
        """An enrolment is under way."""
        return self.state in ("starting", "running")

    def words(self) -> str:
        """The state in one sentence."""
        return self.message or _STATE_WORDS.get(self.state, "")

    def count_words(self) -> str:
        """``Phrase 3 of 14, take 1 of 2`` while it runs, else ""."""
        if self.state != "running":
            return ""
        return f"Phrase {self.prompt} of {self.prompts}, take {self.take} of {self.takes}"

    def to_json(self) -> dict[str, Any]:
        """Plain values for the page's script, its sentences included."""
        return {
            **asdict(self),
            "running": self.running,
            "words": self.words(),
            "count": self.count_words(),
        }


@dataclass
class _Run:
    stop: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None
    source: AudioSource | None = None
    mute: bool = False
    """The coach's voice could not be played: the prompts are only shown."""


def _speak_prompt(options: SoundOptions, where: Places) -> Callable[[str], None]:
    """Say a prompt as the headset check says its line (nothing in text mode)."""

    def speak(line: str) -> None:
        if options.text_only:
            return
        from .._live.wiring import speak_line

        speak_line(line, replace(options, data_dir=options.data_dir or str(where.data)))

    return speak


class EnrolmentRunner:
    """At most one enrolment at a time, never beside a session, run in a thread."""

    def __init__(
        self,
        where: Places,
        sound: SoundOptions,
        take_input: TakeInputFactory | None,
        *,
        lock: threading.Lock,
        session_active: Callable[[], bool],
        off: str = VOICE_OFF,
        speak: Callable[[str], None] | None = None,
        seconds: float = TAKE_SECONDS,
    ) -> None:
        """``lock`` is the session runner's start lock; ``off`` says why there are no
        ``take_input``; ``speak`` says a prompt (default: through the session's output)."""
        self.where = where
        self.take_input = take_input
        self.off = off
        self.seconds = seconds
        self._lock = lock
        self._session_active = session_active
        self._speak = speak or _speak_prompt(sound, where)
        self._silent = speak is None and sound.text_only
        self._run: _Run | None = None
        self.status = EnrolmentStatus()

    @property
    def active(self) -> bool:
        """An enrolment is running now."""
        run = self._run
        return run is not None and run.thread is not None and run.thread.is_alive()

    def busy_words(self) -> str:
        """Why a session cannot start now ("" when it can)."""
        if self.active:
            return (
                "facecoach is learning your voice. Start the session when that is done, "
                "or stop it on the Your voice page."
            )
        return ""

    def start(self) -> None:
        """Begin an enrolment; raise ``EnrolmentRefused`` with the reason when it cannot."""
        if self.take_input is None:
            raise EnrolmentRefused(self.off)
        with self._lock:
            if self.active:
                raise EnrolmentRefused("facecoach is already learning your voice.")
            if self._session_active():
                raise EnrolmentRefused(
                    "A session is running. Your voice can be taught when it has ended."
                )
            run = _Run()
            run.thread = threading.Thread(
                target=self._work, args=(run,), name="facecoach-web-enrolment", daemon=True
            )
            self._run = run
            self._set(EnrolmentStatus(state="starting"))
            run.thread.start()

    def stop(self) -> None:
        """End a running enrolment, keeping nothing of it; wait for it."""
        run = self._run
        if run is None:
            return
        run.stop.set()
        source = run.source
        if source is not None:
            source.close()  # the take ends now, not after its seconds
        if run.thread is not None:
            run.thread.join(timeout=15)

    # ------------------------------------------------------------ the thread

    def _set(self, status: EnrolmentStatus) -> None:
        self.status = replace(status, version=self.status.version + 1)

    def _work(self, run: _Run) -> None:
        try:
            ended = self._takes(run)
        except EnrolmentUnavailable as error:
            ended = replace(self.status, state="failed", message=str(error))
        except Exception as error:  # the page says it; the server goes on
            tell_the_terminal(error)
            ended = replace(
                self.status, state="failed", message="Something went wrong, so nothing was kept."
            )
        if run.stop.is_set():
            ended = replace(self.status, state="stopped", message="")
        self._set(ended)

    def _takes(self, run: _Run) -> EnrolmentStatus:
        from .._voice.enroll import Enrolment, enrolment_prompts, save_enrolment, take_from
        from .._voice.langpack import load_pack

        take_input = self.take_input
        assert take_input is not None  # start() refuses without
        prompts = enrolment_prompts(load_pack(ENROLMENT_LANG))
        made = take_input()
        silent = "Sound is off, so the phrases are only shown here: say each one when it appears."
        self._set(
            replace(self.status, prompts=len(prompts), message=silent if self._silent else "")
        )
        takes: list[Take] = []
        for index, (phrase, command) in enumerate(prompts, 1):
            for number in range(1, TAKES_PER_PHRASE + 1):
                for attempt in range(1, TRIES + 1):
                    if run.stop.is_set():
                        return self.status
                    self._set(
                        replace(
                            self.status, state="running", phrase=phrase, prompt=index, take=number
                        )
                    )
                    self._say(run, f"Say {phrase}.")
                    verdict = self._hear(run, made)
                    if run.stop.is_set():
                        return self.status
                    if verdict is not None:
                        take = take_from(verdict, phrase, command)
                        takes.append(take)
                        self._set(replace(self.status, heard=heard_words(take)))
                        break
                    again = attempt < TRIES
                    self._set(
                        replace(
                            self.status,
                            heard="Nothing was heard; once more."
                            if again
                            else "Nothing was heard again, so that take is skipped.",
                        )
                    )
        if not takes:
            return replace(self.status, state="nothing", message="")
        recognizer = made.recognizer
        try:
            save_enrolment(
                self.where, Enrolment(ENROLMENT_LANG, recognizer.model_name, tuple(takes))
            )
        except OSError as error:
            return replace(
                self.status,
                state="failed",
                message=f"The takes could not be kept ({error.strerror or error}).",
            )
        return replace(
            self.status,
            state="saved",
            message=f"Done: {len(takes)} takes kept. Sessions from now on listen with them.",
        )

    def _say(self, run: _Run, line: str) -> None:
        if run.mute:
            return
        try:
            self._speak(line)
        except Exception:  # a prompt not heard is still shown on the page
            run.mute = True
            note = "The coach's voice could not be played: read each phrase here instead."
            self._set(replace(self.status, message=note))

    def _hear(self, run: _Run, made: TakeInput) -> Verdict | None:
        from .._voice.mic import MicError

        source = made.open_mic()
        run.source = source
        if run.stop.is_set():
            source.close()
        try:
            return first_verdict(made.recognizer, source, self.seconds)
        except MicError as error:  # the device went away mid-take
            tell_the_terminal(error)
            raise EnrolmentUnavailable(MICROPHONE_LOST) from error
        finally:
            run.source = None
