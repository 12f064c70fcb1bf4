"""Language packs: which spoken phrases mean which command, loaded from YAML.

A pack is data (``src/facecoach/lang/<code>.yaml``), not code. Loading checks
it thoroughly, because a pack the recogniser cannot use fails silently at the
worst moment (mid-session); every problem is one line naming the file, the
line and the field.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path

import yaml

from .._core.commands import Command
from .._paths import read_regular
from .whisper_rules import RULE_FIELDS, AcceptRule, WhisperTuning

__all__ = [
    "LanguagePack",
    "LanguagePackError",
    "builtin_languages",
    "load_pack",
    "normalise",
    "parse_pack",
]

_KEYS = {"language", "name", "commands", "decoys", "whisper"}
_WHISPER_KEYS = {"accept", "commands", "candidates", "none_candidates", "gate"}
_RULE_KEYS = {*RULE_FIELDS, "word_checks", "strict"}


class LanguagePackError(ValueError):
    """A language pack is missing, unreadable or inconsistent."""


def normalise(text: str) -> str:
    """Lower-case ``text`` and collapse its whitespace (how phrases compare)."""
    return " ".join(text.lower().split())


@dataclass(frozen=True)
class LanguagePack:
    """The command phrases of one language."""

    code: str
    """Short language code, e.g. "en"."""
    name: str
    """Human name of the language."""
    phrases: tuple[tuple[str, Command], ...]
    """Every phrase (normalised) with the command it triggers, in file order."""
    decoys: tuple[str, ...] = ()
    """Words that are not commands, offered to the recogniser as alternatives."""
    source: str = ""
    """Where the pack was read from (for messages)."""
    whisper: WhisperTuning | None = None
    """How the Whisper engine decides for this language (None: the pack does not say)."""

    def command_for(self, text: str) -> Command | None:
        """The command whose phrase is exactly ``text`` (normalised), if any."""
        key = normalise(text)
        for phrase, command in self.phrases:
            if phrase == key:
                return command
        return None

    def phrases_of(self, command: Command) -> tuple[str, ...]:
        """The phrases that trigger ``command``."""
        return tuple(p for p, c in self.phrases if c is command)

    @property
    def words(self) -> frozenset[str]:
        """Every word used in a command phrase."""
        return frozenset(w for p, _ in self.phrases for w in p.split())

    @property
    def all_phrases(self) -> tuple[str, ...]:
        """Every command phrase, in file order."""
        return tuple(p for p, _ in self.phrases)


def builtin_languages() -> tuple[str, ...]:
    """The codes of the packs shipped with facecoach."""
    folder = resources.files("facecoach") / "lang"
    return tuple(
        sorted(f.name[: -len(".yaml")] for f in folder.iterdir() if f.name.endswith(".yaml"))
    )


def load_pack(lang: str | os.PathLike[str]) -> LanguagePack:
    """Load and check a pack: a built-in code ("en", "ko") or a path to a YAML file.

    Raises ``LanguagePackError`` with a one-line message on any problem.
    """
    text_lang = os.fspath(lang)
    if text_lang.endswith((".yaml", ".yml")) or os.sep in text_lang:
        path = Path(text_lang)
        try:
            data = read_regular(path, limit=1_000_000, follow_links=True, what="language pack")
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise LanguagePackError(f"{path}: the language pack is not UTF-8 text") from exc
        except OSError as exc:
            raise LanguagePackError(f"{path}: cannot read language pack: {exc.strerror}") from exc
        return parse_pack(text, str(path))
    resource = resources.files("facecoach") / "lang" / f"{text_lang}.yaml"
    if not resource.is_file():
        known = ", ".join(builtin_languages())
        raise LanguagePackError(f"no language pack {text_lang!r}; built-in packs: {known}")
    return parse_pack(resource.read_text(encoding="utf-8"), f"lang/{text_lang}.yaml")


def parse_pack(text: str, source: str) -> LanguagePack:
    """Parse the YAML text of a pack read from ``source`` (used in messages)."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark is not None else source
        problem = getattr(exc, "problem", None) or str(exc)
        raise LanguagePackError(f"{where}: not valid YAML: {problem}") from exc
    if not isinstance(root, yaml.MappingNode):
        raise LanguagePackError(
            f"{source}: a language pack is a mapping with keys {_sorted_keys()}"
        )
    fields = _mapping(root, source, "top level")
    for key, (key_node, _) in fields.items():
        if key not in _KEYS:
            raise LanguagePackError(
                f"{_at(source, key_node)}: unknown field {key!r}; expected {_sorted_keys()}"
            )
    for required in ("language", "name", "commands"):
        if required not in fields:
            raise LanguagePackError(f"{source}: missing field {required!r}")
    code = _scalar(fields["language"][1], source, "language")
    name = _scalar(fields["name"][1], source, "name")
    phrases = _commands(fields["commands"][1], source, fields["commands"][0])
    decoys: tuple[str, ...] = ()
    if "decoys" in fields:
        decoys = _decoys(fields["decoys"][1], source, phrases)
    whisper = _whisper(fields["whisper"][1], source, phrases) if "whisper" in fields else None
    return LanguagePack(code, name, phrases, decoys, source, whisper)


def _sorted_keys() -> str:
    return ", ".join(sorted(_KEYS))


def _at(source: str, node: yaml.Node) -> str:
    return f"{source}:{node.start_mark.line + 1}"


def _mapping(node: yaml.Node, source: str, field: str) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    if not isinstance(node, yaml.MappingNode):
        raise LanguagePackError(f"{_at(source, node)}: {field}: expected a mapping")
    out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    for key_node, value_node in node.value:
        key = str(key_node.value)
        if key in out:
            raise LanguagePackError(f"{_at(source, key_node)}: {field}: {key!r} appears twice")
        out[key] = (key_node, value_node)
    return out


def _scalar(node: yaml.Node, source: str, field: str) -> str:
    if not isinstance(node, yaml.ScalarNode) or not str(node.value).strip():
        raise LanguagePackError(f"{_at(source, node)}: {field}: expected a non-empty text")
    return str(node.value).strip()


def _phrase_list(node: yaml.Node, source: str, field: str) -> list[tuple[str, yaml.Node]]:
    items = node.value if isinstance(node, yaml.SequenceNode) else None
    if not items:
        raise LanguagePackError(
            f"{_at(source, node)}: {field}: expected a non-empty list of phrases"
        )
    out: list[tuple[str, yaml.Node]] = []
    for item in items:
        phrase = normalise(_scalar(item, source, field))
        if any(ch in phrase for ch in "<>()[]|*+;=/\\\"'"):
            raise LanguagePackError(
                f"{_at(source, item)}: {field}: phrase {phrase!r} has punctuation; "
                "write plain words separated by spaces"
            )
        out.append((phrase, item))
    return out


def _commands(
    node: yaml.Node, source: str, field_node: yaml.Node
) -> tuple[tuple[str, Command], ...]:
    fields = _mapping(node, source, "commands")
    seen: dict[str, Command] = {}
    phrases: list[tuple[str, Command]] = []
    covered: set[Command] = set()
    for key, (key_node, value_node) in fields.items():
        try:
            command = Command.parse(key)
        except ValueError as exc:
            raise LanguagePackError(f"{_at(source, key_node)}: commands: {exc}") from exc
        if command in covered:
            raise LanguagePackError(
                f"{_at(source, key_node)}: commands: {command.value!r} is listed twice"
            )
        covered.add(command)
        for phrase, item in _phrase_list(value_node, source, f"commands.{command.value}"):
            if phrase in seen:
                raise LanguagePackError(
                    f"{_at(source, item)}: commands.{command.value}: phrase {phrase!r} "
                    f"is already used for {seen[phrase].value!r}"
                )
            seen[phrase] = command
            phrases.append((phrase, command))
    missing = [c.value for c in Command if c not in covered]
    if missing:
        raise LanguagePackError(
            f"{_at(source, field_node)}: commands: no phrases for {', '.join(missing)}"
        )
    return tuple(phrases)


def _decoys(
    node: yaml.Node, source: str, phrases: tuple[tuple[str, Command], ...]
) -> tuple[str, ...]:
    if isinstance(node, yaml.SequenceNode) and not node.value:
        return ()
    command_words = {w for p, _ in phrases for w in p.split()}
    out: list[str] = []
    for decoy, item in _phrase_list(node, source, "decoys"):
        # A decoy that is (part of) a command phrase would compete with the
        # command itself and swallow it, so it is refused rather than ignored.
        clash = [w for w in decoy.split() if w in command_words]
        if clash:
            raise LanguagePackError(
                f"{_at(source, item)}: decoys: {decoy!r} uses the command word {clash[0]!r}"
            )
        if decoy not in out:
            out.append(decoy)
    return tuple(out)


def _keys(
    node: yaml.Node, source: str, field: str, allowed: set[str]
) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    fields = _mapping(node, source, field)
    for key, (key_node, _) in fields.items():
        if key not in allowed:
            raise LanguagePackError(
                f"{_at(source, key_node)}: {field}: unknown field {key!r}; "
                f"expected {', '.join(sorted(allowed))}"
            )
    return fields


def _number(node: yaml.Node, source: str, field: str) -> float:
    text = str(node.value) if isinstance(node, yaml.ScalarNode) else ""
    try:
        value = float(text)
    except ValueError:
        raise LanguagePackError(f"{_at(source, node)}: {field}: expected a number") from None
    if not math.isfinite(value):
        raise LanguagePackError(f"{_at(source, node)}: {field}: expected a finite number")
    return value


def _count(node: yaml.Node, source: str, field: str) -> int:
    value = _number(node, source, field)
    if value != int(value) or value < 0:
        raise LanguagePackError(f"{_at(source, node)}: {field}: expected a whole number, 0 or more")
    return int(value)


def _yes_no(node: yaml.Node, source: str, field: str) -> bool:
    text = str(node.value).lower() if isinstance(node, yaml.ScalarNode) else ""
    if text not in ("true", "false", "yes", "no"):
        raise LanguagePackError(f"{_at(source, node)}: {field}: expected true or false")
    return text in ("true", "yes")


def _rule(node: yaml.Node, source: str, field: str, base: AcceptRule) -> AcceptRule:
    """``base`` with the figures the pack sets at ``node``."""
    fields = _keys(node, source, field, _RULE_KEYS)

    def figure(key: str, default: float) -> float:
        return _number(fields[key][1], source, f"{field}.{key}") if key in fields else default

    strict = base.strict
    if "strict" in fields:
        strict = tuple(p for p, _ in _phrase_list(fields["strict"][1], source, f"{field}.strict"))
    rule = AcceptRule(
        margin=figure("margin", base.margin),
        floor=figure("floor", base.floor),
        none_gap=figure("none_gap", base.none_gap),
        end_floor=figure("end_floor", base.end_floor),
        longer_gap=figure("longer_gap", base.longer_gap),
        near_gap=figure("near_gap", base.near_gap),
        piece_gap=figure("piece_gap", base.piece_gap),
        strict=strict,
    )
    if "word_checks" in fields and not _yes_no(fields["word_checks"][1], source, field):
        rule = rule.without_word_checks()
    return rule


def _whisper(
    node: yaml.Node, source: str, phrases: tuple[tuple[str, Command], ...]
) -> WhisperTuning:
    fields = _keys(node, source, "whisper", _WHISPER_KEYS)
    tuning = WhisperTuning()
    if "accept" in fields:
        tuning = replace(
            tuning, rule=_rule(fields["accept"][1], source, "whisper.accept", tuning.rule)
        )
    if "candidates" in fields:
        counted = _count(fields["candidates"][1], source, "whisper.candidates")
        tuning = replace(tuning, candidates=counted)
    if "none_candidates" in fields:
        counted = _count(fields["none_candidates"][1], source, "whisper.none_candidates")
        tuning = replace(tuning, none_candidates=counted)
    if "gate" in fields:
        gate = fields["gate"][1]
        if isinstance(gate, yaml.ScalarNode) and gate.value in ("", "~", "null", "none"):
            tuning = replace(tuning, gate=None)
        elif isinstance(gate, yaml.SequenceNode) and len(gate.value) == 2:
            first, safety = (_number(n, source, "whisper.gate") for n in gate.value)
            tuning = replace(tuning, gate=(first, safety))
        else:
            raise LanguagePackError(
                f"{_at(source, gate)}: whisper.gate: expected two numbers "
                "(any command, the safety word) or none"
            )
    rules: list[tuple[str, AcceptRule]] = []
    if "commands" in fields:
        known = {p for p, _ in phrases}
        for key, (key_node, value) in _mapping(
            fields["commands"][1], source, "whisper.commands"
        ).items():
            try:
                command = Command.parse(key)
            except ValueError as exc:
                raise LanguagePackError(
                    f"{_at(source, key_node)}: whisper.commands: {exc}"
                ) from exc
            field = f"whisper.commands.{command.value}"
            rule = _rule(value, source, field, tuning.rule)
            unknown = [p for p in rule.strict if p not in known]
            if unknown:
                raise LanguagePackError(
                    f"{_at(source, value)}: {field}.strict: {unknown[0]!r} is not a command phrase"
                )
            rules.append((command.value, rule))
    return replace(tuning, rules=tuple(rules))
