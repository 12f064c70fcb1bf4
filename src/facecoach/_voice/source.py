"""Voice commands: microphone + recogniser + speech gate, as a ``CommandSource``.

``VoiceCommands`` pulls blocks from an audio source, feeds a recogniser and
emits ``HeardCommand``s. In half-duplex (the default) it consults the speech
gate: audio captured while the coach speaks (plus the guard) is replaced by
silence before it reaches the recogniser, so the coach's voice can neither
be taken for a command nor glue itself onto a command said just after; and
a decision whose speech overlaps the gate is dropped. Cues do not close the
gate (the output path reports only speech to it).

"stop" is emitted like any other command: the session engine asks "say stop
again" for a voice stop, so it is not confirmed a second time here.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .._core.commands import Command
from .._core.ports import Clock, HeardCommand, Hearing, SourceLost, SpeechGate
from .._paths import Places
from .duplex import CoachAudio, Duplex, make_duplex
from .langpack import LanguagePack, LanguagePackError, load_pack
from .mic import AudioBlock, AudioSource, MicError, MicSource, WavSource
from .models import ModelNotFound, find_model
from .recognizer import RATE, Decision, Recognizer
from .settings import Engine, VoiceSettings
from .whisper_models import WHISPER_MODELS

if TYPE_CHECKING:
    from .whisper import WhisperSettings

__all__ = [
    "MEAN_FILE",
    "Engine",
    "VoiceCommands",
    "VoiceError",
    "VoiceSettings",
    "build_voice_source",
    "make_recognizer",
]


class VoiceError(RuntimeError):
    """Voice input cannot start (no model, no device, bad pack); one-line message."""


MEAN_FILE = "pocketsphinx-mean.txt"
"""PocketSphinx's running cepstral mean, kept in the cache between sessions."""


def make_recognizer(
    lang: str,
    places: Places,
    engine: Engine = "auto",
    model: str | None = None,
    environ: Mapping[str, str] | None = None,
    remember: bool = False,
) -> Recognizer:
    """Build the recogniser for ``lang``; its ``description`` names engine and model.

    ``remember``: the input is this person's microphone, so PocketSphinx may
    start from, and keep, what it learnt of their voice (``MEAN_FILE`` in
    the cache); never for files, which may hold anyone.

    Raises ``VoiceError`` with a message saying what is missing and how to get it.
    """
    try:
        pack = load_pack(lang)
    except LanguagePackError as exc:
        raise VoiceError(str(exc)) from exc
    env = os.environ if environ is None else environ
    if engine == "whisper" or (engine == "auto" and pack.code in WHISPER_MODELS):
        whisper = _whisper_recognizer(
            pack, places, model, env, required=engine == "whisper", remember=remember
        )
        if whisper is not None:
            return whisper
    if engine in ("auto", "vosk"):
        try:
            choice = find_model(pack.code, places, explicit=model, environ=env)
        except ModelNotFound as exc:
            asked = model is not None or bool(env.get("FACECOACH_MODEL"))
            if engine == "vosk" or pack.code != "en" or asked:
                raise VoiceError(str(exc)) from exc
        else:
            from .vosk import VoskError, VoskRecognizer

            try:
                recognizer = VoskRecognizer(pack, choice.path)
            except VoskError as exc:
                raise VoiceError(str(exc)) from exc
            name = choice.path.name
            if choice.origin.startswith("package "):
                name = choice.origin.removeprefix("package ").replace("_", "-")
            recognizer.description = (
                f"vosk, model {name} ({choice.origin}: {choice.path}), language {pack.code}"
            )
            return recognizer
    from .sphinx import SphinxError, SphinxRecognizer

    try:
        memory = places.cache / MEAN_FILE if remember else None
        sphinx = SphinxRecognizer(pack, memory=memory)
    except SphinxError as exc:
        raise VoiceError(str(exc)) from exc
    sphinx.description = "pocketsphinx, built-in en-us model (no download needed), language en"
    return sphinx


def _whisper_recognizer(
    pack: LanguagePack,
    places: Places,
    model: str | None,
    env: Mapping[str, str],
    required: bool,
    remember: bool = False,
) -> Recognizer | None:
    """Whisper when asked for, or for "auto" in a language it hears when it is installed.

    With "auto", a Vosk model given by ``--model`` or ``$FACECOACH_MODEL`` wins,
    and a missing extra or model means None (the caller goes on to Vosk or
    PocketSphinx); with ``--engine whisper`` either is a ``VoiceError``.
    ``remember``: the person's microphone, so their voice enrolment applies.
    """
    from .models import is_model_dir
    from .whisper import WhisperError, WhisperRecognizer, find_whisper_model, have_whisper

    explicit = model or env.get("FACECOACH_MODEL")
    if not required and (not have_whisper() or (explicit and is_model_dir(Path(explicit)))):
        return None
    try:
        choice = find_whisper_model(places, explicit=model, environ=env, lang=pack.code)
        settings, enrolled, taught = (
            _enrolled_settings(pack, places) if remember else (None, "", {})
        )
        recognizer = WhisperRecognizer(pack, choice.path, settings)
        recognizer.taught = taught
    except (ModelNotFound, WhisperError) as exc:
        if required:
            raise VoiceError(str(exc)) from exc
        return None
    name = choice.path.name
    if choice.origin.startswith("package "):
        name = choice.origin.removeprefix("package ").replace("_", "-")
    recognizer.description = (
        f"whisper {recognizer.model_name}, model {name} ({choice.origin}: {choice.path}), "
        "Silero VAD, "
        f"language {pack.code}{enrolled}"
    )
    return recognizer


def _enrolled_settings(
    pack: LanguagePack, places: Places
) -> tuple[WhisperSettings | None, str, dict[Command, str]]:
    """(Whisper settings with this person's rules or None, what to add to the
    description, phrases to teach them instead of the usual ones)."""
    from .enroll import EnrolmentError, load_enrolment, personal_rules, taught_phrases
    from .whisper import WhisperSettings

    try:
        enrolment = load_enrolment(places, pack.code)
    except EnrolmentError as exc:
        return None, f" (voice enrolment not used: {exc})", {}
    if enrolment is None:
        return None, "", {}
    general = WhisperSettings.for_pack(pack)
    rules = personal_rules(enrolment.takes, {c.value: r for c, r in general.rules}, general.rule)
    known = {c.value for c in Command}
    chosen = tuple((Command(c), r) for c, r in rules.items() if c in known)
    return (
        replace(general, rules=chosen),
        f", your voice enrolment ({len(enrolment.takes)} takes)",
        taught_phrases(enrolment.takes, pack, rules, general.rule),
    )


class VoiceCommands:
    """A ``CommandSource`` that hears spoken commands.

    ``gate`` is the live loop's ``SpeechGate`` (None for barge-in).
    ``on_decision`` sees every decision, rejected ones too, for the screen.
    ``duplex`` (barge-in): cleans the microphone of the coach's echo and
    judges what is heard over the coach; the gate is then not used.
    """

    def __init__(
        self,
        source: AudioSource,
        recognizer: Recognizer,
        clock: Clock,
        gate: SpeechGate | None = None,
        on_decision: Callable[[Decision], None] | None = None,
        barge_in: bool = False,
        duplex: Duplex | None = None,
    ) -> None:
        self.source = source
        self.duplex = duplex
        # With a duplex stage the gate still serves until the coach's audio is
        # attached (``hear_over``): never hear the coach's echo as words.
        barge_in = barge_in and duplex is None
        self.recognizer = recognizer
        self._clock = clock
        self._barge_in = barge_in
        self._gate = None if barge_in else gate
        self._on_decision = on_decision
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._fed = 0
        self._origin: float | None = None
        self.error: Exception | None = None
        """Set when the worker thread died (device lost); the loop may show it."""

    def bind(self, gate: SpeechGate) -> VoiceCommands:
        """Use the live loop's speech gate (ignored with barge-in); returns self.

        Fits ``run_live(gated_sources=[voice.bind])``.
        """
        if not self._barge_in:
            self._gate = gate
        return self

    def hear_over(self, coach: CoachAudio) -> None:
        """Barge-in: listen over what ``coach`` plays (no effect in half-duplex)."""
        if self.duplex is not None:
            self.duplex.attach(coach)

    @property
    def _over_coach(self) -> bool:
        return self.duplex is not None and self.duplex.coach is not None

    @property
    def taught(self) -> dict[Command, str]:
        """Phrases the coach should teach this person instead of the usual ones
        (from their voice enrolment, with the Whisper engine); usually empty."""
        found = getattr(self.recognizer, "taught", None)
        return dict(found) if isinstance(found, dict) else {}

    @property
    def heard_seconds(self) -> float:
        """Seconds of audio taken from the source so far."""
        return self._fed / RATE

    @property
    def description(self) -> str:
        """Engine, model and input, for the start of a run."""
        text = f"{self.recognizer.description}; input {self.source.description}"
        if self.duplex is not None:
            text += f"; {self.duplex.description}"
        return text

    def _to_monotonic(self, audio_seconds: float) -> float:
        return (self._origin if self._origin is not None else 0.0) + audio_seconds

    def _handle(self, decisions: list[Decision], emit: Callable[[HeardCommand], None]) -> None:
        for decision in decisions:
            start = self._to_monotonic(decision.start)
            end = self._to_monotonic(decision.end)
            if self._over_coach:
                assert self.duplex is not None
                decision = self.duplex.judge(decision, start, end)
            elif decision.command is not None and self._gate is not None and self._gate(start, end):
                decision = Decision(
                    None,
                    decision.text,
                    decision.start,
                    decision.end,
                    decision.emitted,
                    decision.score,
                    "coach was speaking",
                )
            if self._on_decision is not None:
                self._on_decision(decision)
            if decision.command is not None:
                at = self._to_monotonic(decision.emitted)
                emit(HeardCommand(decision.command, decision.text, at, "voice"))

    def process(self, block: AudioBlock, emit: Callable[[HeardCommand], None]) -> None:
        """Feed one block (the worker's step; tests call it directly)."""
        samples = block.samples
        begin = self._fed / RATE
        self._fed += samples.size
        end = self._fed / RATE
        if block.captured is not None:
            # Re-anchor on every block so clock drift never accumulates.
            self._origin = block.captured - end
        elif self._origin is None:
            self._origin = self._clock() - end
        if self._over_coach:
            assert self.duplex is not None
            samples = self.duplex.clean(samples, self._to_monotonic(begin))
        elif self._gate is not None and self._gate(
            self._to_monotonic(begin), self._to_monotonic(end)
        ):
            samples = np.zeros_like(samples)
        self._handle(self.recognizer.feed(samples), emit)

    def run(self, emit: Callable[[HeardCommand], None]) -> None:
        """Hear until the source ends or ``stop()``; on the caller's thread."""
        for block in self.source.blocks():
            if self._stopping.is_set():
                break
            self.process(block, emit)
        if not self._stopping.is_set():
            self.finish(emit)

    def finish(self, emit: Callable[[HeardCommand], None]) -> None:
        """End of input: decide on speech still open."""
        self._handle(self.recognizer.flush(), emit)

    def _worker(self, emit: Callable[[Hearing], None]) -> None:
        try:
            self.run(emit)
        except (MicError, OSError, RuntimeError) as exc:
            self.error = exc
            if not self._stopping.is_set():  # said aloud: "too tight" can no longer be heard
                emit(SourceLost(self.source.description, str(exc)))

    def start(self, emit: Callable[[Hearing], None]) -> None:
        """Begin hearing on a worker thread; ``emit`` is called from that thread."""
        if self._thread is not None:
            return
        self._stopping.clear()
        self._thread = threading.Thread(
            target=self._worker, args=(emit,), name="facecoach-voice", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop hearing and release the microphone. Safe to call twice."""
        self._stopping.set()
        self.source.close()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=2.0)


def build_voice_source(
    settings: VoiceSettings,
    places: Places,
    clock: Clock,
    gate: SpeechGate | None = None,
    on_decision: Callable[[Decision], None] | None = None,
    sleep: Callable[[float], None] | None = None,
) -> VoiceCommands:
    """The voice ``CommandSource`` for ``facecoach run``.

    Loads the recogniser and opens the microphone now, so problems show
    before the session starts: raises ``VoiceError`` (one line; the caller
    shows it and carries on with the keyboard). Pass the gate here or later
    with ``bind``; it is ignored with ``settings.barge_in``. ``sleep`` paces
    a ``--mic-file`` in real time (``time.sleep`` in the app).
    ``description`` says engine, model and input, for the start of the run.
    """
    recognizer = make_recognizer(
        settings.lang,
        places,
        settings.engine,
        settings.model,
        remember=settings.mic_file is None,
    )
    source: AudioSource
    if settings.mic_file is not None:
        try:
            source = WavSource(settings.mic_file, clock=clock, sleep=sleep)
        except MicError as exc:
            raise VoiceError(str(exc)) from exc
    else:
        mic = MicSource(clock, device=settings.device)
        try:
            mic.open()
        except MicError as exc:
            raise VoiceError(str(exc)) from exc
        source = mic
    duplex = make_duplex(settings.barge_in, settings.echo)
    return VoiceCommands(
        source, recognizer, clock, gate, on_decision, settings.barge_in, duplex=duplex
    )
