"""Field checks for routine files: one YAML node at a time, each problem with its line.

``Checker`` reads mappings, lists and scalars (text, numbers, flags, choices,
ids) from composed YAML nodes, so every value keeps the line it came from, and
counts the nodes it visits so anchor/alias bombs are refused (``TooBig``).
``yamlcheck`` builds exercises and routines from these checks.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import Enum
from typing import TypeVar

import yaml

from .nodes import MAX_NODES

__all__ = ["MAX_NAME_CHARS", "MAX_NAME_WORDS", "MAX_SPOKEN_CHARS", "MAX_SPOKEN_WORDS", "Problem"]
"""Public names; ``Checker`` and its helpers are for ``yamlcheck``."""

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"

MAX_SPOKEN_WORDS = 40
"""A spoken line longer than this is a mistake (a pasted paragraph): split it into steps."""
MAX_SPOKEN_CHARS = 400
"""The same for a line without spaces."""
MAX_NAME_WORDS = 10
"""A name is said inside a spoken line ("Next: {name}"), so it stays short."""
MAX_NAME_CHARS = 80
"""The same for a name without spaces."""


def control_character(text: str) -> str | None:
    """The first character of ``text`` that would drive a terminal rather than be
    printed (ANSI escapes, C0/C1 controls, DEL, bidirectional overrides), as
    ``U+XXXX``; None when there is none."""
    for char in text:
        code = ord(char)
        if code < 0x20 or 0x7F <= code <= 0x9F or char in _BIDI:
            return f"U+{code:04X}"
    return None


def _visible(text: str) -> str:
    if control_character(text) is None:
        return text
    return "".join(f"\\u{ord(c):04x}" if control_character(c) is not None else c for c in text)


_BIDI = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028\u2029")

E = TypeVar("E", bound=Enum)
T = TypeVar("T")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file, printed as ``FILE:LINE: message``."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        # the message may quote the file's own bytes: never let them reach a terminal raw
        return _visible(f"{self.path}:{self.line}: {self.message}")


class TooBig(Exception):
    """More YAML nodes than ``MAX_NODES``."""


class Checker:
    """Reads nodes of one file, keeping every problem with its line."""

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
            raise TooBig

    def mapping(
        self, node: yaml.Node, what: str, allowed: tuple[str, ...], required: tuple[str, ...]
    ) -> dict[str, yaml.Node] | None:
        """The keys of a mapping node, reporting unknown, duplicate and missing keys."""
        self.visit(node)
        if not isinstance(node, yaml.MappingNode):
            self.problem(
                node, f"{what} must be a mapping of {', '.join(allowed)}; got {describe(node)}"
            )
            return None
        out: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            self.visit(key_node)
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _STR:
                self.problem(key_node, f"{what}: keys must be words, got {describe(key_node)}")
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
            self.problem(node, f"{what} must be a list, got {describe(node)}")
            return
        yield from node.value

    # -- scalars --------------------------------------------------------

    def text(
        self, node: yaml.Node, what: str, *, placeholders: bool = False, is_name: bool = False
    ) -> str | None:
        self.visit(node)
        if not isinstance(node, yaml.ScalarNode) or node.tag != _STR:
            self.problem(node, f"{what} must be text, got {describe(node)}")
            return None
        value = str(node.value).strip()
        if placeholders and ("\n" in value or "\t" in value):
            value = " ".join(value.split())  # a line folded over several in the file
        if not value:
            self.problem(node, f"{what} must not be empty")
            return None
        bad = control_character(value)
        if bad is not None:
            self.problem(
                node, f"{what} holds the control character {bad} (a terminal escape?); remove it"
            )
            return None
        if is_name:
            words = len(value.split())
            if words > MAX_NAME_WORDS or len(value) > MAX_NAME_CHARS:
                self.problem(
                    node,
                    f"{what} is {words} words ({len(value)} characters); a name is at most "
                    f"{MAX_NAME_WORDS} words and {MAX_NAME_CHARS} characters",
                )
                return None
        if placeholders:  # the lines that are spoken
            words = len(value.split())
            if words > MAX_SPOKEN_WORDS or len(value) > MAX_SPOKEN_CHARS:
                self.problem(
                    node,
                    f"{what} is {words} words ({len(value)} characters); a spoken line is "
                    f"at most {MAX_SPOKEN_WORDS} words: split it into steps",
                )
                return None
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
            self.problem(node, f"{expected}, got {describe(node)}")
            return None
        if not math.isfinite(value) or not low <= value <= high:
            self.problem(node, f"{expected}, got {node.value}")
            return None
        return value

    def flag(self, node: yaml.Node, what: str) -> bool | None:
        self.visit(node)
        if isinstance(node, yaml.ScalarNode) and node.tag == _BOOL:
            return str(node.value).lower() in ("true", "yes", "on")
        self.problem(node, f"{what} must be true or false, got {describe(node)}")
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
        if value is not None and not _ID.fullmatch(value):
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


def describe(node: yaml.Node) -> str:
    """A node in words: \"a list\", \"text 'abc'\"."""
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


def optional(
    fields: dict[str, yaml.Node], key: str, read: Callable[[yaml.Node], T | None], default: T
) -> T | None:
    """``read`` the field ``key`` when present, else ``default``."""
    node = fields.get(key)
    return default if node is None else read(node)
