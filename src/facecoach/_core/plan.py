"""Compile a routine into a flat, timed list of steps (pure)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any

from .frames import closing_line, count_prefix, opening_line
from .routine import Exercise, Library, Routine, Side

__all__ = [
    "AS_WRITTEN",
    "CUE_SECONDS",
    "DEFAULT_SPEECH_RATE",
    "EASE_FACTOR",
    "HALFWAY_AFTER",
    "READY_SECONDS",
    "Personal",
    "Plan",
    "PlanStep",
    "StepKind",
    "adapted_hold",
    "compile_plan",
    "eased",
    "estimate_speech_seconds",
    "side_word",
]

DEFAULT_SPEECH_RATE = 160
"""Words a minute used to estimate how long a line takes to say."""

CUE_SECONDS: Mapping[str, float] = {
    "hold_start": 0.4,
    "hold_end": 0.4,
    "tick": 0.08,
    "rest": 0.4,
    "exercise_done": 0.6,
    "session_done": 1.0,
    "problem": 0.7,
}
"""Length of each cue; the cue files are made to these lengths."""

READY_SECONDS = 3.0
"""Default wait after a setup line, to get the fingers into place."""

HALFWAY_AFTER = 10.0
"""Only holds longer than this get a "halfway" (when the exercise asks for it)."""


@dataclass(frozen=True)
class Personal:
    """What the person adds to a plan."""

    side: str | None = None
    """The affected side as a word for the lines ("left", "right"), or None."""
    hold_factors: Mapping[str, float] = field(default_factory=dict)
    """Each exercise's hold factor after past "too tight"s (1.0 when absent)."""


AS_WRITTEN = Personal()
"""No side and every hold as the file writes it."""


class StepKind(str, Enum):
    """What a plan step does."""

    SAY = "say"
    CUE = "cue"
    READY = "ready"
    """A quiet wait after a setup line, to get into place."""
    HOLD = "hold"
    REST = "rest"


@dataclass(frozen=True)
class PlanStep:
    """One step of the timeline.

    ``text`` is the line to say (SAY), the cue name (CUE), or for HOLD and
    REST the instruction they belong to. ``segment`` counts the spoken
    instructions: a SAY starts a new segment and the steps after it belong to
    it, which is what "repeat" and "back" work on.
    """

    kind: StepKind
    exercise: str
    seconds: float
    text: str
    offset: float = 0.0
    written_seconds: float | None = None
    """For holds: the length the file gives, before adaptation."""
    min_hold: float = 0.0
    exercise_index: int = 0
    segment: int = 0
    is_setup: bool = False
    between: bool = False
    """A rest between exercises (its text announces the next one)."""
    exercise_kind: str = ""
    """The exercise's kind (resistance, stretch, ...): the ease-off line depends on it."""
    frame: str = ""
    """"opening" or "closing" for the session's own first and last lines."""
    halfway: bool = False
    """For holds: say "halfway" at the middle (long holds of exercises that ask)."""

    @property
    def counted(self) -> bool:
        """A step that counts as done or not: every step but the short cues.

        The live panel, the history, ``today`` and the report all count these.
        """
        return self.kind is not StepKind.CUE


@dataclass(frozen=True)
class Plan:
    """A routine compiled for one person and one run."""

    routine: str
    name: str
    steps: tuple[PlanStep, ...]
    names: Mapping[str, str] = field(default_factory=dict, compare=False)
    """Each exercise's name by id, as the coach says it (screens show these, not ids)."""

    def exercise_name(self, exercise_id: str) -> str:
        """The name of exercise ``exercise_id`` (the id in words when the plan has none)."""
        name = self.names.get(exercise_id)
        return name or exercise_id.replace("_", " ").replace("-", " ").capitalize()

    @property
    def total_seconds(self) -> float:
        """Length of the whole session if nothing is skipped or repeated."""
        return round(sum(step.seconds for step in self.steps), 3)

    @property
    def counted_steps(self) -> int:
        """How many steps count (see ``PlanStep.counted``)."""
        return sum(1 for step in self.steps if step.counted)

    @property
    def holds(self) -> int:
        """How many holds the plan has."""
        return sum(1 for step in self.steps if step.kind is StepKind.HOLD)

    def to_json(self) -> dict[str, Any]:
        """The public JSON shape of ``facecoach plan --json``."""
        steps: list[dict[str, Any]] = []
        for step in self.steps:
            item: dict[str, Any] = {
                "kind": step.kind.value,
                "exercise": step.exercise,
                "seconds": round(step.seconds, 3),
                "text": step.text,
                "offset": round(step.offset, 3),
            }
            if step.written_seconds is not None:
                item["written_seconds"] = step.written_seconds
            if step.frame:
                item["frame"] = step.frame
            steps.append(item)
        return {"routine": self.routine, "total_seconds": self.total_seconds, "steps": steps}

    def with_speech_seconds(self, speech_seconds: Callable[[str], float]) -> Plan:
        """The same plan with every spoken line timed by ``speech_seconds``.

        Used once lines are rendered, so the plan agrees with the real audio.
        """
        steps = [
            replace(s, seconds=speech_seconds(s.text)) if s.kind is StepKind.SAY else s
            for s in self.steps
        ]
        return replace(self, steps=_with_offsets(steps))


def estimate_speech_seconds(text: str, rate: float = DEFAULT_SPEECH_RATE) -> float:
    """Seconds to say ``text`` at ``rate`` words a minute."""
    words = len(text.split())
    return round(words * 60.0 / rate, 3)


def side_word(person_side: str | None, exercise_side: Side) -> str:
    """The word that replaces ``{side}`` in an exercise's lines.

    ``person_side`` is "left", "right", or None/"both" when not one side. An
    exercise for the unaffected side names the other side.
    """
    if person_side not in ("left", "right"):
        return "unaffected" if exercise_side is Side.UNAFFECTED else "affected"
    if exercise_side is Side.UNAFFECTED:
        return "right" if person_side == "left" else "left"
    return person_side


EASE_FACTOR = 0.75
"""Each "too tight" multiplies the exercise's later holds by this."""


def eased(factor: float, times: int = 1, floor: float = 0.0) -> float:
    """An exercise's hold factor after ``times`` "too tight"s, never below ``floor``.

    The one rule for easing off, in a session and across sessions alike.
    """
    return round(max(min(floor, 1.0), factor * EASE_FACTOR**times), 6)


def adapted_hold(written: float, min_hold: float, factor: float) -> float:
    """A hold shortened by ``factor`` (<= 1), never below the floor.

    A hold written shorter than its floor is kept as written: adaptation only
    ever shortens.
    """
    factor = min(1.0, max(0.0, factor))
    floor = min(min_hold, written)
    return round(max(floor, written * factor), 3)


def compile_plan(
    routine: Routine,
    library: Library,
    *,
    personal: Personal = AS_WRITTEN,
    speech_seconds: Callable[[str], float] = estimate_speech_seconds,
    ready: float | None = None,
    frames: bool = True,
) -> Plan:
    """Flatten ``routine`` into timed steps.

    The session opens with a line naming the routine, about how long it
    takes and the first exercise. For each exercise: its setup line and a
    quiet wait to get into place (``ready`` seconds for every exercise when
    given, else the exercise's own ``ready``, else ``READY_SECONDS``), then
    each rep's steps in order (the rep counted in words before its hold; a
    hold framed by start and end cues), then ``rest_between`` before the next
    exercise (never after the last). The session closes with a spoken line
    and a closing cue. ``personal`` names the affected side in the lines
    and shortens the holds the person has found too tight. ``frames=False``
    leaves out the opening, the closing line and the counts (the bare
    timeline of the file).
    """
    factors = personal.hold_factors
    steps: list[PlanStep] = []
    segment = 0 if frames else -1
    items = routine.items
    for index, item in enumerate(items):
        exercise = library.exercises[item.exercise]
        word = side_word(personal.side, exercise.side)
        factor = factors.get(exercise.id, 1.0)
        common: dict[str, Any] = {
            "exercise": exercise.id,
            "exercise_index": index,
            "exercise_kind": exercise.kind.value,
        }
        if exercise.setup:
            segment += 1
            setup = _fill(exercise.setup, word)
            steps.append(
                PlanStep(
                    StepKind.SAY,
                    text=setup,
                    seconds=speech_seconds(setup),
                    segment=segment,
                    is_setup=True,
                    **common,
                )
            )
            wait = _ready_seconds(exercise, ready)
            if wait > 0:
                steps.append(
                    PlanStep(StepKind.READY, text=setup, seconds=wait, segment=segment, **common)
                )
        reps = item.reps if item.reps is not None else exercise.reps
        counted_step = next((i for i, s in enumerate(exercise.steps) if s.hold is not None), 0)
        for rep in range(1, reps + 1):
            for number, step in enumerate(exercise.steps):
                segment += 1
                prefix = count_prefix(rep, reps) if frames and number == counted_step else ""
                steps.extend(
                    _compile_step(
                        exercise,
                        prefix + _fill(step.say, word),
                        step.hold,
                        step.rest,
                        factor,
                        segment,
                        speech_seconds,
                        common,
                    )
                )
        if index < len(items) - 1 and routine.rest_between > 0:
            upcoming = library.exercises[items[index + 1].exercise]
            steps.append(
                PlanStep(
                    StepKind.REST,
                    text=f"Rest. Next: {upcoming.name}.",
                    seconds=float(routine.rest_between),
                    segment=segment,
                    between=True,
                    **common,
                )
            )
    if not steps:
        return Plan(routine.id, routine.name, ())
    if frames:
        steps = _framed(routine, library, steps, speech_seconds, segment)
    last = steps[-1]
    steps.append(
        PlanStep(
            StepKind.CUE,
            exercise=last.exercise,
            text="session_done",
            seconds=CUE_SECONDS["session_done"],
            segment=last.segment,
            exercise_index=last.exercise_index,
            exercise_kind=last.exercise_kind,
        )
    )
    names = {item.exercise: library.exercises[item.exercise].name for item in items}
    return Plan(routine.id, routine.name, _with_offsets(steps), names)


def _ready_seconds(exercise: Exercise, ready: float | None) -> float:
    if ready is not None:
        return max(0.0, float(ready))
    return READY_SECONDS if exercise.ready is None else float(exercise.ready)


def _framed(
    routine: Routine,
    library: Library,
    body: list[PlanStep],
    speech_seconds: Callable[[str], float],
    segment: int,
) -> list[PlanStep]:
    """``body`` with the opening line before it and the closing line after it."""
    first, last = body[0], body[-1]
    first_name = library.exercises[first.exercise].name
    holds = sum(1 for s in body if s.kind is StepKind.HOLD)
    total = sum(s.seconds for s in body) + CUE_SECONDS["session_done"]
    opening = closing = ""
    for _ in range(2):  # the frames' own length counts in the minutes they say
        framed = total + speech_seconds(opening) + speech_seconds(closing)
        opening = opening_line(routine.name, framed, first_name)
        closing = closing_line(framed, holds)
    head = PlanStep(
        StepKind.SAY,
        exercise=first.exercise,
        seconds=speech_seconds(opening),
        text=opening,
        segment=0,
        exercise_kind=first.exercise_kind,
        frame="opening",
    )
    tail = PlanStep(
        StepKind.SAY,
        exercise=last.exercise,
        seconds=speech_seconds(closing),
        text=closing,
        segment=segment + 1,
        exercise_index=last.exercise_index,
        exercise_kind=last.exercise_kind,
        frame="closing",
    )
    return [head, *body, tail]


def _compile_step(
    exercise: Exercise,
    text: str,
    hold: float | None,
    rest: float | None,
    factor: float,
    segment: int,
    speech_seconds: Callable[[str], float],
    common: dict[str, Any],
) -> list[PlanStep]:
    out = [
        PlanStep(StepKind.SAY, text=text, seconds=speech_seconds(text), segment=segment, **common)
    ]
    if hold is not None:
        seconds = adapted_hold(hold, exercise.min_hold, factor)
        cue = {"segment": segment, **common}
        out.append(
            PlanStep(StepKind.CUE, text="hold_start", seconds=CUE_SECONDS["hold_start"], **cue)
        )
        out.append(
            PlanStep(
                StepKind.HOLD,
                text=text,
                seconds=seconds,
                written_seconds=hold,
                min_hold=exercise.min_hold,
                halfway=exercise.halfway,
                **cue,
            )
        )
        out.append(PlanStep(StepKind.CUE, text="hold_end", seconds=CUE_SECONDS["hold_end"], **cue))
    elif rest:
        out.append(
            PlanStep(StepKind.REST, text=text, seconds=float(rest), segment=segment, **common)
        )
    return out


def _fill(text: str, word: str) -> str:
    return text.replace("{side}", word)


def _with_offsets(steps: list[PlanStep]) -> tuple[PlanStep, ...]:
    out: list[PlanStep] = []
    offset = 0.0
    for step in steps:
        out.append(replace(step, offset=round(offset, 3)))
        offset += step.seconds
    return tuple(out)
