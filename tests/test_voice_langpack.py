"""Language packs: the built-in ones load, and bad packs get one clear line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from facecoach._core.commands import Command
from facecoach._voice.langpack import LanguagePackError, builtin_languages, load_pack, parse_pack

GOOD = """\
language: xx
name: Test
commands:
  next: [next]
  repeat: [repeat, say again]
  too tight: [too tight]
  pause: [pause]
  resume: [resume]
  back: [back]
  stop: [stop]
  help: [help]
decoys: [hello, there]
"""


def test_builtin_packs_cover_every_command() -> None:
    assert {"en", "ko"} <= set(builtin_languages())
    for code in ("en", "ko"):
        pack = load_pack(code)
        assert pack.code == code
        for command in Command:
            assert pack.phrases_of(command), (code, command)
        assert pack.decoys


def test_english_phrases_from_the_issue() -> None:
    pack = load_pack("en")
    assert pack.command_for("Too  Tight") is Command.TOO_TIGHT
    assert pack.command_for("what can I say") is Command.HELP
    assert pack.command_for("go on") is Command.RESUME
    assert pack.command_for("finish") is Command.STOP
    assert pack.command_for("too hard") is None  # Whisper hears "too hot" as it
    assert pack.command_for("ease off") is None  # the coach says "Ease off now."
    assert "tonight" in pack.decoys  # PocketSphinx took it for "too hard"
    assert pack.command_for("hello") is None


def test_pack_from_a_path(tmp_path: Path) -> None:
    path = tmp_path / "xx.yaml"
    path.write_text(GOOD, encoding="utf-8")
    pack = load_pack(path)
    assert pack.phrases_of(Command.REPEAT) == ("repeat", "say again")
    assert pack.decoys == ("hello", "there")
    assert pack.words >= {"say", "again", "too", "tight"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (GOOD.replace("  help: [help]\n", ""), "xx.yaml:3: commands: no phrases for help"),
        (
            GOOD.replace("  back: [back]", "  back: [back]\n  forward: [forward]"),
            "xx.yaml:10: commands: unknown command 'forward'",
        ),
        (
            GOOD.replace("stop: [stop]", "stop: [next]"),
            "xx.yaml:10: commands.stop: phrase 'next' is already used for 'next'",
        ),
        (
            GOOD.replace("[hello, there]", "[hello, again]"),
            "xx.yaml:12: decoys: 'again' uses the command word 'again'",
        ),
        (GOOD.replace("[pause]", "[pause | wait]"), "xx.yaml:7: commands.pause: phrase"),
        (GOOD.replace("[pause]", "[]"), "xx.yaml:7: commands.pause: expected a non-empty list"),
        (GOOD + "colour: red\n", "xx.yaml:13: unknown field 'colour'"),
        (GOOD.replace("name: Test\n", ""), "xx.yaml: missing field 'name'"),
        ("commands: [next\n", "xx.yaml:2: not valid YAML"),
        ("- a list\n", "xx.yaml: a language pack is a mapping"),
    ],
)
def test_bad_packs_name_file_line_and_field(text: str, expected: str) -> None:
    with pytest.raises(LanguagePackError) as caught:
        parse_pack(text, "xx.yaml")
    message = str(caught.value)
    assert message.startswith(expected), message
    assert "\n" not in message


WHISPER = """\
whisper:
  candidates: 3
  gate: [-7.0, -9.5]
  accept: {margin: 5.0, floor: -6.0}
  commands:
    too tight: {floor: -9.0, word_checks: false}
    pause: {strict: [pause]}
"""


def test_a_pack_states_how_whisper_decides_each_command_from_its_general_rule() -> None:
    from facecoach._voice.whisper_rules import AcceptRule

    tuning = parse_pack(GOOD + WHISPER, "xx.yaml").whisper
    assert tuning is not None
    assert (tuning.candidates, tuning.none_candidates, tuning.gate) == (3, 5, (-7.0, -9.5))
    general = AcceptRule(margin=5.0, floor=-6.0)
    assert tuning.rule == general
    rules = dict(tuning.rules)
    assert rules["too tight"] == AcceptRule(margin=5.0, floor=-9.0).without_word_checks()
    assert rules["pause"] == AcceptRule(margin=5.0, floor=-6.0, strict=("pause",))
    assert parse_pack(GOOD, "xx.yaml").whisper is None


def test_the_built_in_packs_hold_the_whisper_rules() -> None:
    from facecoach._voice.whisper import WhisperSettings

    english = WhisperSettings.for_language("en")
    rules = dict(english.rules)
    # the safety word: the most tolerant rule, and no word checks
    assert rules[Command.TOO_TIGHT].floor < english.rule.floor
    assert rules[Command.TOO_TIGHT].longer_gap == float("inf")
    assert rules[Command.PAUSE].strict == ("wait",)
    assert english == WhisperSettings()
    korean = WhisperSettings.for_language("ko")
    assert korean.rules == () and korean.gate is None and korean.candidates == 3


def test_a_pack_of_ones_own_without_whisper_rules_takes_the_built_in_ones(tmp_path: Path) -> None:
    from facecoach._voice.whisper import WhisperSettings

    own = load_pack("en").phrases
    lines = "".join(f"  {c.value}: [{', '.join(p for p, k in own if k is c)}]\n" for c in Command)
    path = tmp_path / "mine.yaml"
    path.write_text(f"language: en\nname: Mine\ncommands:\n{lines}", encoding="utf-8")
    assert WhisperSettings.for_pack(load_pack(path)) == WhisperSettings.for_language("en")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("candidates: 3", "candidates: many"),
            "xx.yaml:14: whisper.candidates: expected a number",
        ),
        (("candidates: 3", "candidates: 2.5"), "xx.yaml:14: whisper.candidates: expected a whole"),
        (("gate: [-7.0, -9.5]", "gate: [-7.0]"), "xx.yaml:15: whisper.gate: expected two numbers"),
        (("margin: 5.0", "margins: 5.0"), "xx.yaml:16: whisper.accept: unknown field 'margins'"),
        (
            ("floor: -9.0", "floor: .nan"),
            "xx.yaml:18: whisper.commands.too tight.floor: expected a",
        ),
        (("word_checks: false", "word_checks: off"), "xx.yaml:18: whisper.commands.too tight: exp"),
        (("    pause:", "    paws:"), "xx.yaml:19: whisper.commands: unknown command 'paws'"),
        (
            ("strict: [pause]", "strict: [wait]"),
            "xx.yaml:19: whisper.commands.pause.strict: 'wait'",
        ),
        (("  candidates: 3", "  beams: 3"), "xx.yaml:14: whisper: unknown field 'beams'"),
    ],
)
def test_bad_whisper_settings_name_file_line_and_field(
    change: tuple[str, str], expected: str
) -> None:
    with pytest.raises(LanguagePackError) as caught:
        parse_pack(GOOD + WHISPER.replace(*change), "xx.yaml")
    message = str(caught.value)
    assert message.startswith(expected), message


def test_unknown_builtin_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(LanguagePackError, match="no language pack 'fr'; built-in packs: en, ko"):
        load_pack("fr")
    with pytest.raises(LanguagePackError, match="cannot read language pack"):
        load_pack(tmp_path / "none.yaml")


def test_every_english_command_has_a_phrase_without_lip_closure() -> None:
    # Weak lip closure is common in facial palsy: p, b and m blur.
    pack = load_pack("en")
    for command in Command:
        easy = [p for p in pack.phrases_of(command) if not set(p) & set("pbm")]
        assert easy, command


def test_lip_free_alternatives_are_never_said_by_the_coach() -> None:
    # A phrase the coach says can be taken for a command with barge-in, and
    # sounds like the coach to the person. Every built-in routine's lines.
    from facecoach._core.loader import builtin_library
    from facecoach._core.plan import compile_plan
    from facecoach._live.export import spoken_lines

    library = builtin_library()
    said = " ".join(
        re.sub(r"[^a-z' ]+", " ", line.lower())
        for routine in library.routines.values()
        for line in spoken_lines(compile_plan(routine, library))
    )
    text = f" {' '.join(said.split())} "
    pack = load_pack("en")
    # Besides the phrase the coach teaches for each command (TAUGHT: mostly
    # its own name, but "continue" for resume and "wait" for pause, which
    # Whisper hears far better than "resume" and "pause").
    from facecoach._core.state import TAUGHT

    for command in Command:
        name = TAUGHT[command]
        free = [p for p in pack.phrases_of(command) if not set(p) & set("pbm")]
        others = [p for p in free if p != name]
        assert others or free == [name], command
        assert not [p for p in others if f" {p} " in text], command
