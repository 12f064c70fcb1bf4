"""Turn a composed YAML node tree into exercises and routines, field by field.

Working on nodes (not on plain Python values) keeps the line of every value,
so each problem can say where it is. A budget on visited nodes refuses
anchor/alias bombs before they cost time or memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

from .nodes import MAX_NODES, expanded_size
from .routine import MOVES, POINTS, Area, Exercise, ExerciseKind, Routine, RoutineItem, Side, Step
from .yamlfields import Checker, Problem, TooBig, optional

__all__ = ["Document", "Problem", "parse_document"]

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
    "fingers",
    "move",
    "move_at",
    "ready",
    "halfway",
)
_EXERCISE_REQUIRED = ("id", "name", "area", "kind", "steps")
_STEP_KEYS = ("say", "hold", "rest")
_ROUTINE_KEYS = ("id", "name", "rest_between", "exercises")
_ROUTINE_REQUIRED = ("id", "name", "exercises")
_ITEM_KEYS = ("exercise", "reps")


@dataclass
class Document:
    """What one file defines."""

    exercises: list[Exercise] = field(default_factory=list)
    routines: list[Routine] = field(default_factory=list)
    references: list[tuple[str, str, int]] = field(default_factory=list)
    broken: set[str] = field(default_factory=set)
    """Ids of exercises defined here with a problem (already reported at its line)."""


def parse_document(path: str, root: yaml.Node) -> tuple[Document | None, list[Problem]]:
    """Check a composed YAML document and build what it defines."""
    checker = Checker(path)
    if expanded_size(root) > MAX_NODES:
        message = f"file expands to more than {MAX_NODES:,} YAML nodes through anchors and aliases"
        return None, [Problem(path, checker.line(root), f"{message}; refused")]
    try:
        document = _document(checker, root)
    except TooBig:
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


def _document(c: Checker, root: yaml.Node) -> Document:
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
        elif (ident := _stated_id(node)) is not None:
            document.broken.add(ident)  # its problem is reported; routines using it are not
    for node in c.sequence(fields["routines"], "routines") if "routines" in fields else ():
        routine = _routine(c, node, document.references)
        if routine is not None:
            document.routines.append(routine)
    return document


def _stated_id(node: yaml.Node) -> str | None:
    """The ``id:`` an exercise mapping states, whatever else is wrong with it."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if getattr(key, "value", None) == "id" and isinstance(value, yaml.ScalarNode):
                return str(value.value).strip() or None
    return None


def _exercise(c: Checker, node: yaml.Node) -> Exercise | None:
    before = len(c.problems)
    fields = c.mapping(node, "exercise", _EXERCISE_KEYS, _EXERCISE_REQUIRED)
    if fields is None:
        return None
    ident = c.identifier(fields["id"], "exercise id") if "id" in fields else None
    what = f"exercise '{ident}'" if ident else f"exercise at line {c.line(node)}"
    name = c.text(fields["name"], f"{what}: name", is_name=True) if "name" in fields else None
    area = c.choice(fields["area"], f"{what}: area", Area) if "area" in fields else None
    kind = c.choice(fields["kind"], f"{what}: kind", ExerciseKind) if "kind" in fields else None
    side = optional(fields, "side", lambda n: c.choice(n, f"{what}: side", Side), Side.AFFECTED)
    reps = optional(fields, "reps", lambda n: c.number(n, f"{what}: reps", 1, 30, whole=True), 1.0)
    min_hold = optional(fields, "min_hold", lambda n: c.number(n, f"{what}: min_hold", 1, 60), 3.0)
    setup = optional(fields, "setup", lambda n: c.text(n, f"{what}: setup", placeholders=True), "")
    points = _points(c, fields["points"], what) if "points" in fields else ()
    fingers = optional(
        fields, "fingers", lambda n: c.number(n, f"{what}: fingers", 1, 4, whole=True), 1.0
    )
    move, move_at = _move(c, fields, what, points)
    ready = c.number(fields["ready"], f"{what}: ready", 0, 15) if "ready" in fields else None
    halfway = optional(fields, "halfway", lambda n: c.flag(n, f"{what}: halfway"), False)
    steps: list[Step] = []
    if "steps" in fields:
        items = list(c.sequence(fields["steps"], f"{what}: steps"))
        if isinstance(fields["steps"], yaml.SequenceNode) and not items:
            c.problem(fields["steps"], f"{what}: steps must list at least one step")
        for number, step_node in enumerate(items, start=1):
            step = _step(c, step_node, f"{what}, step {number}")
            if step is not None:
                steps.append(step)
    if "min_hold" in fields and min_hold is not None:
        for number, step in enumerate(steps, start=1):
            if step.hold is not None and step.hold < min_hold:
                c.problem(
                    fields["min_hold"],
                    f"{what}: min_hold ({min_hold:g} s) is longer than the hold of step "
                    f"{number} ({step.hold:g} s); the floor must not be above the hold",
                )
                break
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
        fingers=int(fingers or 1),
        move=move,
        move_at=move_at,
        ready=ready,
        halfway=bool(halfway),
    )


def _points(c: Checker, node: yaml.Node, what: str) -> tuple[str, ...]:
    """``points:``: a list of named places for the fingertips, each once."""
    names: list[str] = []
    for item in c.sequence(node, f"{what}: points"):
        name = c.choice_of(item, f"{what}: point", POINTS)
        if name is not None and name in names:
            c.problem(item, f"{what}: point '{name}' is listed twice")
        elif name is not None:
            names.append(name)
    return tuple(names)


def _move(
    c: Checker, fields: dict[str, yaml.Node], what: str, points: tuple[str, ...]
) -> tuple[str, str]:
    """``move:`` (a way from ``MOVES``) and ``move_at:`` (the point its arrow starts from)."""
    move = c.choice_of(fields["move"], f"{what}: move", MOVES) if "move" in fields else None
    at = c.choice_of(fields["move_at"], f"{what}: move_at", POINTS) if "move_at" in fields else None
    if at is not None and "move" not in fields:
        c.problem(fields["move_at"], f"{what}: move_at needs a 'move:' to say which way")
    if move == "along" and len(points) < 2:
        c.problem(
            fields["move"],
            f"{what}: move 'along' goes from the first point to the next; list two points",
        )
    return move or "", at or ""


def _step(c: Checker, node: yaml.Node, what: str) -> Step | None:
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


def _routine(c: Checker, node: yaml.Node, references: list[tuple[str, str, int]]) -> Routine | None:
    before = len(c.problems)
    fields = c.mapping(node, "routine", _ROUTINE_KEYS, _ROUTINE_REQUIRED)
    if fields is None:
        return None
    ident = c.identifier(fields["id"], "routine id") if "id" in fields else None
    what = f"routine '{ident}'" if ident else f"routine at line {c.line(node)}"
    name = c.text(fields["name"], f"{what}: name", is_name=True) if "name" in fields else None
    rest = optional(
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


def _item(c: Checker, node: yaml.Node, what: str) -> RoutineItem | None:
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
