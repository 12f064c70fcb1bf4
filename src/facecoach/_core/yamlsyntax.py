"""YAML syntax errors in words that say what to do (pure).

PyYAML names what its grammar expected ("mapping values are not allowed in
this context", "did not find expected key"). A person writing a routine
needs the fix: put a sentence with a colon in quotes, line a key up with the
one above, close a quote. ``explain`` turns the parser's error into the line
to look at and that advice; what it does not recognise keeps the parser's words.
"""

from __future__ import annotations

import yaml

__all__ = ["explain"]


def _quoted(line: str) -> str:
    """``key: "value"`` for a line such as ``- say: Rest: then lift``."""
    body = line.strip().removeprefix("- ").strip()
    key, _, value = body.partition(": ")
    value = value.strip().replace('"', '\\"')
    return f'{key}: "{value}"'


def _mark_line(mark: yaml.Mark | None) -> int | None:
    return int(mark.line) + 1 if mark is not None else None


def explain(error: yaml.MarkedYAMLError, text: str) -> tuple[int, str]:
    """The line (1-based) and the advice for a syntax ``error`` in ``text``."""
    lines = text.splitlines()
    problem = str(error.problem or "")
    context = str(error.context or "")
    line = _mark_line(error.problem_mark) or 1
    opened = _mark_line(error.context_mark)
    column = int(error.problem_mark.column) if error.problem_mark is not None else 0
    here = lines[line - 1] if 0 < line <= len(lines) else ""

    if problem.startswith("mapping values are not allowed"):
        before = here[:column]
        if ": " in before.removeprefix(before.lstrip()).lstrip("- "):
            return line, f"put text that contains ':' in quotes, like {_quoted(here)}"
        return line, (
            f"check the indentation of line {line}: it is indented further than the key "
            "above it; the keys of one item start in the same column"
        )
    if problem.startswith(("did not find expected key", "did not find expected '-'")) or (
        problem.startswith("expected <block end>")
    ):
        return line, (
            f"check the indentation of line {line}: it does not line up with the lines above "
            "(the keys of one item, and the '- ' of each list entry, start in the same column)"
        )
    char = here[column : column + 1]
    if "tab character" in problem or (problem.startswith("found character") and char == "\t"):
        where = "is indented with" if not here[: here.find("\t")].strip() else "has"
        return line, f"line {line} {where} a tab; YAML takes spaces only"
    if problem.startswith("found character that cannot start any token"):
        return line, (
            f"text that begins with '{char}' must be in quotes, like {_quoted(here)}"
            if ": " in here
            else f"text that begins with '{char}' must be in quotes"
        )
    if "quoted scalar" in context and opened is not None:
        start = (lines[opened - 1] if opened <= len(lines) else "").strip()
        mark = '"' if '"' in start else "'"
        return opened, f"the quote ({mark}) opened on line {opened} is never closed; close it"
    if problem.startswith("found undefined alias"):
        return line, (
            f"on line {line}, '*' begins a reference to an '&' name that is not there; "
            "put text that begins with '*' in quotes"
        )
    if problem.startswith("could not find expected ':'") and opened is not None:
        return opened, (
            f"line {opened} is text without a 'key:' in front; if a sentence was broken over "
            "two lines, join it to the line above, or put the whole sentence in quotes"
        )
    if "flow sequence" in context or "flow mapping" in context:
        first = opened or line
        bracket = "]" if "sequence" in context else "}"
        return first, f"the bracket opened on line {first} is never closed with '{bracket}'"
    what = problem or "cannot parse"
    if context and opened is not None:
        what += f" ({context.replace('while parsing', 'in')} opened on line {opened})"
        if line > len(lines):  # ran off the end: the opening is the place
            line = opened
    return line, what
