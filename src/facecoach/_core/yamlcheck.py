"""Turn a composed YAML node tree into exercises and routines, field by field.

Working on nodes (not on plain Python values) keeps the line of every value,
so each problem can say where it is. A budget on visited nodes refuses
anchor/alias bombs before they cost time or memory.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from typing import TypeVar

import yaml

from .nodes import MAX_NODES, expanded_size
from .routine import POINTS, Area, Exercise, ExerciseKind, Routine, RoutineItem, Side, Step

__all__ = ["Document", "Problem", "parse_document"]

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"

_EXERCISE_KEYS = (
    "id",
    "name",
    "area",
    "kind",
    "side",
    "reps",
    "min_hold",
    "setup",
    "steps",
    "points",
    "ready",
    "halfway",
)
_EXERCISE_REQUIRED = ("id", "name", "area", "kind", "steps")
_STEP_KEYS = ("say", "hold", "rest")
_ROUTINE_KEYS = ("id", "name", "rest_between", "exercises")
_ROUTINE_REQUIRED = ("id", "name", "exercises")
_ITEM_KEYS = ("exercise", "reps")

E = TypeVar("E", bound=Enum)
T = TypeVar("T")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file, printed as ``FILE:LINE: message``."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class Document:
    """What one file defines."""

    exercises: list[Exercise] = field(default_factory=list)
    routines: list[Routine] = field(default_factory=list)
    references: list[tuple[str, str, int]] = field(default_factory=list)


class _TooBig(Exception):
    pass


class _Checker:
    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []
        self.visited = 0

    # -- basics ---------------------------------------------------------

    def line(self, node: yaml.Node) -> int:
        return int(node.start_mark.line) + 1

    def problem(self, node: yaml.Node, message: str) -> None:
        self.problems.append(Problem(self.path, self.line(node), message))

    def visit(self, node: yaml.Node) -> None:
        self.visited += 1
        if self.visited > MAX_NODES:
            raise _TooBig

    def mapping(
        self, node: yaml.Node, what: str, allowed: tuple[str, ...], required: tuple[str, ...]
    ) -> dict[str, yaml.Node] | None:
        """The keys of a mapping node, reporting unknown, duplicate and missing keys."""
        self.visit(node)
        if not isinstance(node, yaml.MappingNode):
            self.problem(
                node, f"{what} must be a mapping of {', '.join(allowed)}; got {_describe(node)}"
            )
            return None
        out: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            self.visit(key_node)
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _STR:
                self.problem(key_node, f"{what}: keys must be words, got {_describe(key_node)}")
                continue
            key = str(key_node.value)
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                self.problem(
                    key_node,
                    f"{what}: unknown key '{key}'{hint}; allowed keys: {', '.join(allowed)}",
                )
            elif key in out:
                self.problem(key_node, f"{what}: key '{key}' appears twice")
            else:
                out[key] = value_node
        for key in required:
            if key not in out:
                self.problem(node, f"{what}: missing required field '{key}'")
        return out

    def sequence(self, node: yaml.Node, what: str) -> Iterator[yaml.Node]:
        self.visit(node)
        if not isinstance(node, yaml.SequenceNode):
            self.problem(node, f"{what} must be a list, got {_describe(node)}")
            return
        yield from node.value

    # -- scalars --------------------------------------------------------

    def text(self, node: yaml.Node, what: str, *, placeholders: bool = False) -> str | None:
        self.visit(node)
        if not isinstance(node, yaml.ScalarNode) or node.tag != _STR:
            self.problem(node, f"{what} must be text, got {_describe(node)}")
            return None
        value = str(node.value).strip()
        if not value:
            self.problem(node, f"{what} must not be empty")
            return None
        if placeholders:
            for name in _PLACEHOLDER.findall(value):
                if name != "side":
                    self.problem(
                        node,
                        f"{what}: unknown placeholder '{{{name}}}'; only {{side}} is filled in",
                    )
        return value

    def number(
        self, node: yaml.Node, what: str, low: float, high: float, *, whole: bool = False
    ) -> float | None:
        self.visit(node)
        unit = "a whole number" if whole else "a number of seconds"
        expected = f"{what} must be {unit} from {_fmt(low)} to {_fmt(high)}"
        value: float | None = None
        if isinstance(node, yaml.ScalarNode) and node.tag in ((_INT,) if whole else (_INT, _FLOAT)):
            value = _construct_number(node)
        if value is None:
            self.problem(node, f"{expected}, got {_describe(node)}")
            return None
        if not math.isfinite(value) or not low <= value <= high:
            self.problem(node, f"{expected}, got {node.value}")
            return None
        return value

    def flag(self, node: yaml.Node, what: str) -> bool | None:
        self.visit(node)
        if isinstance(node, yaml.ScalarNode) and node.tag == _BOOL:
            return str(node.value).lower() in ("true", "yes", "on")
        self.problem(node, f"{what} must be true or false, got {_describe(node)}")
        return None

    def choice(self, node: yaml.Node, what: str, enum: type[E]) -> E | None:
        value = self.choice_of(node, what, tuple(str(member.value) for member in enum))
        return None if value is None else enum(value)

    def choice_of(self, node: yaml.Node, what: str, options: tuple[str, ...]) -> str | None:
        value = self.text(node, what)
        if value is None:
            return None
        if value in options:
            return value
        close = difflib.get_close_matches(value, options, n=1, cutoff=0.6)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        self.problem(
            node, f"{what}: unknown value '{value}'{hint}; expected one of {' | '.join(options)}"
        )
        return None

    def identifier(self, node: yaml.Node, what: str) -> str | None:
        value = self.text(node, what)
        if value is not None and not _ID.match(value):
            self.problem(
                node,
                f"{what} '{value}' must be lowercase letters, digits and dashes (like brow-lift)",
            )
            return None
        return value


def _construct_number(node: yaml.ScalarNode) -> float | None:
    try:
        value = yaml.constructor.SafeConstructor().construct_object(node)
    except (yaml.YAMLError, ValueError, TypeError, OverflowError):
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return float(value)
    except OverflowError:
        return None


def _describe(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    tag = str(node.tag).rsplit(":", 1)[-1]
    names = {
        "str": "text",
        "int": "a whole number",
        "float": "a number",
        "bool": "true/false",
        "null": "nothing",
    }
    value = str(node.value)
    shown = value if len(value) <= 40 else value[:37] + "..."
    return f"{names.get(tag, tag)} '{shown}'" if value else names.get(tag, tag)


def _fmt(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


def _optional(
    fields: dict[str, yaml.Node], key: str, read: Callable[[yaml.Node], T | None], default: T
) -> T | None:
    node = fields.get(key)
    return default if node is None else read(node)


def parse_document(path: str, root: yaml.Node) -> tuple[Document | None, list[Problem]]:
    """Check a composed YAML document and build what it defines."""
    checker = _Checker(path)
    if expanded_size(root) > MAX_NODES:
        message = f"file expands to more than {MAX_NODES:,} YAML nodes through anchors and aliases"
        return None, [Problem(path, checker.line(root), f"{message}; refused")]
    try:
        document = _document(checker, root)
    except _TooBig:
        return None, [
            Problem(
                path,
                checker.line(root),
                "file expands to more than "
                f"{MAX_NODES:,} YAML nodes (anchors and aliases?); refused",
            )
        ]
    except RecursionError:
        return None, [Problem(path, checker.line(root), "YAML is nested too deeply")]
    return document, sorted(checker.problems, key=lambda p: p.line)


def _document(c: _Checker, root: yaml.Node) -> Document:
    document = Document()
    fields = c.mapping(root, "file", ("exercises", "routines"), ())
    if fields is None:
        return document
    if not fields:
        c.problem(root, "file defines nothing; expected 'exercises:' and/or 'routines:'")
    for node in c.sequence(fields["exercises"], "exercises") if "exercises" in fields else ():
        exercise = _exercise(c, node)
        if exercise is not None:
            document.exercises.append(exercise)
    for node in c.sequence(fields["routines"], "routines") if "routines" in fields else ():
        routine = _routine(c, node, document.references)
        if routine is not None:
            document.routines.append(routine)
    return document


def _exercise(c: _Checker, node: yaml.Node) -> Exercise | None:
    before = len(c.problems)
    fields = c.mapping(node, "exercise", _EXERCISE_KEYS, _EXERCISE_REQUIRED)
    if fields is None:
        return None
    ident = c.identifier(fields["id"], "exercise id") if "id" in fields else None
    what = f"exercise '{ident}'" if ident else f"exercise at line {c.line(node)}"
    name = c.text(fields["name"], f"{what}: name") if "name" in fields else None
    area = c.choice(fields["area"], f"{what}: area", Area) if "area" in fields else None
    kind = c.choice(fields["kind"], f"{what}: kind", ExerciseKind) if "kind" in fields else None
    side = _optional(fields, "side", lambda n: c.choice(n, f"{what}: side", Side), Side.AFFECTED)
    reps = _optional(fields, "reps", lambda n: c.number(n, f"{what}: reps", 1, 30, whole=True), 1.0)
    min_hold = _optional(fields, "min_hold", lambda n: c.number(n, f"{what}: min_hold", 1, 60), 3.0)
    setup = _optional(fields, "setup", lambda n: c.text(n, f"{what}: setup", placeholders=True), "")
    points = _points(c, fields["points"], what) if "points" in fields else ()
    ready = c.number(fields["ready"], f"{what}: ready", 0, 15) if "ready" in fields else None
    halfway = _optional(fields, "halfway", lambda n: c.flag(n, f"{what}: halfway"), False)
    steps: list[Step] = []
    if "steps" in fields:
        items = list(c.sequence(fields["steps"], f"{what}: steps"))
        if isinstance(fields["steps"], yaml.SequenceNode) and not items:
            c.problem(fields["steps"], f"{what}: steps must list at least one step")
        for number, step_node in enumerate(items, start=1):
            step = _step(c, step_node, f"{what}, step {number}")
            if step is not None:
                steps.append(step)
    if len(c.problems) > before:
        return None
    assert ident and name and area and kind and side and reps and min_hold is not None
    return Exercise(
        id=ident,
        name=name,
        area=area,
        kind=kind,
        side=side,
        reps=int(reps),
        min_hold=min_hold,
        setup=setup or "",
        steps=tuple(steps),
        source=f"{c.path}:{c.line(node)}",
        points=points,
        ready=ready,
        halfway=bool(halfway),
    )


def _points(c: _Checker, node: yaml.Node, what: str) -> tuple[str, ...]:
    """``points:``: a list of named places for the fingertips, each once."""
    names: list[str] = []
    for item in c.sequence(node, f"{what}: points"):
        name = c.choice_of(item, f"{what}: point", POINTS)
        if name is not None and name in names:
            c.problem(item, f"{what}: point '{name}' is listed twice")
        elif name is not None:
            names.append(name)
    return tuple(names)


def _step(c: _Checker, node: yaml.Node, what: str) -> Step | None:
    fields = c.mapping(node, what, _STEP_KEYS, ("say",))
    if fields is None:
        return None
    say = c.text(fields["say"], f"{what}: say", placeholders=True) if "say" in fields else None
    hold = rest = None
    if "hold" in fields and "rest" in fields:
        c.problem(
            fields["rest"],
            f"{what}: has both 'hold' and 'rest'; a step has at most one "
            "(put the rest in a step of its own)",
        )
        return None
    if "hold" in fields:
        hold = c.number(fields["hold"], f"{what}: hold", 1, 60)
        if hold is None:
            return None
    if "rest" in fields:
        rest = c.number(fields["rest"], f"{what}: rest", 0, 300)
        if rest is None:
            return None
    if say is None:
        return None
    return Step(say=say, hold=hold, rest=rest)


def _routine(
    c: _Checker, node: yaml.Node, references: list[tuple[str, str, int]]
) -> Routine | None:
    before = len(c.problems)
    fields = c.mapping(node, "routine", _ROUTINE_KEYS, _ROUTINE_REQUIRED)
    if fields is None:
        return None
    ident = c.identifier(fields["id"], "routine id") if "id" in fields else None
    what = f"routine '{ident}'" if ident else f"routine at line {c.line(node)}"
    name = c.text(fields["name"], f"{what}: name") if "name" in fields else None
    rest = _optional(
        fields, "rest_between", lambda n: c.number(n, f"{what}: rest_between", 0, 300), 0.0
    )
    items: list[RoutineItem] = []
    if "exercises" in fields:
        nodes = list(c.sequence(fields["exercises"], f"{what}: exercises"))
        if isinstance(fields["exercises"], yaml.SequenceNode) and not nodes:
            c.problem(fields["exercises"], f"{what}: exercises must list at least one exercise")
        for number, item_node in enumerate(nodes, start=1):
            item = _item(c, item_node, f"{what}, exercise {number}")
            if item is not None:
                items.append(item)
                references.append((ident or "?", item.exercise, c.line(item_node)))
    if len(c.problems) > before:
        return None
    assert ident and name and rest is not None
    return Routine(
        id=ident,
        name=name,
        items=tuple(items),
        rest_between=rest,
        source=f"{c.path}:{c.line(node)}",
    )


def _item(c: _Checker, node: yaml.Node, what: str) -> RoutineItem | None:
    if isinstance(node, yaml.ScalarNode):
        ident = c.identifier(node, f"{what}: exercise id")
        return RoutineItem(ident) if ident else None
    fields = c.mapping(node, what, _ITEM_KEYS, ("exercise",))
    if fields is None or "exercise" not in fields:
        return None
    ident = c.identifier(fields["exercise"], f"{what}: exercise")
    reps = None
    if "reps" in fields:
        reps = c.number(fields["reps"], f"{what}: reps", 1, 30, whole=True)
        if reps is None:
            return None
    return RoutineItem(ident, int(reps) if reps is not None else None) if ident else None
