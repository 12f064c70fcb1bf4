"""Voice enrolment: per-person rules within safe limits, the report, the file, and
``facecoach enroll --mic-file`` end to end on generated speech."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import numpy as np
import pytest

from facecoach._cli.main import main
from facecoach._core.commands import Command
from facecoach._paths import places
from facecoach._voice.enroll import (
    SAFE_RULE,
    SAFE_SAFETY_RULE,
    Enrolment,
    EnrolmentError,
    Take,
    enrolment_path,
    enrolment_prompts,
    enrolment_report,
    is_lip_free,
    load_enrolment,
    personal_rules,
    save_enrolment,
    taught_phrases,
)
from facecoach._voice.whisper import WhisperSettings
from facecoach._voice.whisper_scoring import AcceptRule
from voice_support import (
    corpus,
    load_pack,
    needs_espeak,
    needs_model,
    needs_piper,
    recording,
)

GENERAL = WhisperSettings()
DEFAULTS = {c.value: r for c, r in GENERAL.rules}


def take(
    phrase: str,
    command: str,
    score: float,
    free: float = -1.0,
    heard: str | None = None,
    end: float = -0.5,
    none: float | None = -9.0,
) -> Take:
    heard = command if heard is None else heard
    return Take(phrase, command, heard, phrase, score, free, none, end)


def test_a_command_heard_well_keeps_the_general_rule() -> None:
    rules = personal_rules([take("next", "next", -1.0)] * 3, DEFAULTS, GENERAL.rule)
    assert rules["next"] == GENERAL.rule
    assert rules["too tight"] == DEFAULTS["too tight"]


def test_rules_loosen_for_the_person_s_takes() -> None:
    takes = [take("pause", "pause", -7.2, free=-0.5, end=-2.8), take("pause", "pause", -3.0)]
    takes.append(take("pause", "pause", -6.8, free=-1.0, end=-1.0))
    rule = personal_rules(takes, DEFAULTS, GENERAL.rule)["pause"]
    assert rule.floor == pytest.approx(-7.0)  # -7.7 needed, capped at the safe limit
    assert rule.margin == pytest.approx(7.0)  # 6.7 needed + 0.5, capped too
    assert rule.end_floor == pytest.approx(-3.3)


def test_rules_never_loosen_past_the_safe_limit() -> None:
    awful = [take("next", "next", -30.0, free=0.0, end=-20.0, none=-1.0)]
    safety = [take("too tight", "too tight", -30.0, free=0.0, end=-20.0, none=-1.0)]
    rules = personal_rules(awful + safety, DEFAULTS, GENERAL.rule)
    assert rules["next"] == SAFE_RULE
    assert rules["too tight"] == SAFE_SAFETY_RULE


def test_a_take_heard_as_another_command_loosens_nothing() -> None:
    rules = personal_rules([take("pause", "pause", -2.0, heard="stop")], DEFAULTS, GENERAL.rule)
    assert rules["pause"] == DEFAULTS.get("pause", GENERAL.rule)


def test_a_stricter_general_rule_is_never_loosened_below_itself() -> None:
    loose = AcceptRule(margin=9.0, floor=-10.0, none_gap=-3.0, end_floor=-5.0)
    rules = personal_rules([take("next", "next", -1.0)], {"next": loose}, GENERAL.rule)
    assert rules["next"] == loose


def test_a_take_refused_as_a_longer_word_is_not_heard_reliably() -> None:
    pack = load_pack("en")
    helpful = Take("help", "help", "help", "help", -1.0, -1.0, -9.0, -0.5, longer=2.0)
    going_on = Take("next", "next", "next", "next", -1.0, -1.0, -9.0, -0.5, piece=0.5)
    lines = enrolment_report([helpful] * 3 + [going_on] * 3, pack, DEFAULTS, GENERAL.rule)
    assert "Not reliable: 'help' (0/3)" in "\n".join(lines)
    assert "'next' (0/3)" in "\n".join(lines)


def test_a_file_from_before_the_longer_word_scores_still_loads(tmp_path: Path) -> None:
    where = places(tmp_path)
    body = json.loads(Enrolment("en", "tiny.en", (take("next", "next", -1.5),)).to_json())
    for item in body["takes"]:
        del item["longer"], item["piece"]
    path = save_enrolment(where, Enrolment("en", "tiny.en", ()))
    path.write_text(json.dumps(body))
    loaded = load_enrolment(where, "en")
    assert loaded is not None and loaded.takes == (take("next", "next", -1.5),)


def test_prompts_give_every_command_a_lip_free_phrase() -> None:
    pack = load_pack("en")
    prompts = enrolment_prompts(pack)
    for command in Command:
        said = [p for p, c in prompts if c == command.value]
        assert said and said[0] == pack.phrases_of(command)[0]
        assert any(is_lip_free(p) for p in said), command


def test_korean_lip_consonants_are_not_lip_free() -> None:
    # ㅁ ㅂ ㅍ close the lips as m, b and p do, at the start or end of a syllable.
    assert not any(is_lip_free(p) for p in ("반복", "멈춰", "다음", "그만", "팔"))
    assert all(is_lip_free(p) for p in ("다시", "계속", "뒤로", "종료"))
    assert not is_lip_free("Pause") and is_lip_free("go on")


def test_a_phrase_heard_poorly_is_replaced_in_what_the_coach_teaches() -> None:
    takes = [take("repeat", "repeat", -12.0)] * 3 + [take("say again", "repeat", -1.0)] * 3
    takes += [take("wait", "pause", -1.0)] * 3 + [take("pause", "pause", -1.0)] * 3
    takes += [take("back", "back", -12.0)] * 3 + [take("go back", "back", -12.0)] * 3
    taught = taught_phrases(takes, load_pack("en"), DEFAULTS, GENERAL.rule)
    # "repeat" fails, "say again" is heard; "wait" is heard anyway; nothing
    # of "back" was heard, so there is nothing better to teach.
    assert taught == {Command.REPEAT: "say again"}


def test_the_session_lines_teach_the_enrolled_phrases() -> None:
    from facecoach._core.state import SessionLines

    usual = SessionLines()
    line = "You can say: next, repeat, too tight, wait, continue, back, stop, or help."
    assert usual.help == line
    mine = usual.teaching({Command.REPEAT: "say again", Command.HELP: "what can i say"})
    assert mine.help == (
        "You can say: next, say again, too tight, wait, continue, back, stop, or what can I say."
    )
    assert mine.confirm_stop == usual.confirm_stop
    assert mine.taught[Command.REPEAT] == "say again" and mine.taught[Command.NEXT] == "next"
    assert usual.teaching({Command.STOP: "finish"}).confirm_stop == (
        "To end the session, say finish again within five seconds."
    )


def test_a_live_run_teaches_what_the_voice_enrolment_found(tmp_path: Path) -> None:
    import io

    from rich.console import Console

    from facecoach._live.wiring import SoundOptions, run_live
    from facecoach._voice.mic import MemorySource
    from facecoach._voice.recognizer import ScriptedListener
    from facecoach._voice.source import VoiceCommands
    from sound_fixtures import ScriptedSource, mini_plan

    listener = ScriptedListener([])
    listener.taught = {Command.REPEAT: "say again"}  # type: ignore[attr-defined]
    voice = VoiceCommands(MemorySource(np.zeros(1600, dtype=np.int16)), listener, lambda: 0.0)
    assert voice.taught == {Command.REPEAT: "say again"}
    screen = io.StringIO()
    options = SoundOptions(tts="fake", data_dir=str(tmp_path), keyboard=False, text_only=True)
    status = run_live(
        mini_plan(),
        options,
        command_sources=[ScriptedSource([(0.3, Command.HELP), (1.5, Command.STOP)])],
        gated_sources=[voice.bind],
        console=Console(file=screen, width=200, highlight=False),
    )
    text = screen.getvalue()
    assert status == 0
    assert "the coach will suggest 'say again' for repeat" in text
    assert "You can say: next, say again, too tight, wait," in text


def test_the_report_offers_lip_free_phrases_where_lips_do_poorly() -> None:
    pack = load_pack("en")
    takes = [take("pause", "pause", -12.0)] * 3 + [take("wait", "pause", -1.0)] * 3
    takes += [take("back", "back", -12.0)] * 3
    lines = enrolment_report(takes, pack, DEFAULTS, GENERAL.rule)
    assert lines[0] == "Heard reliably: 'wait' (3/3)."
    assert "Not reliable: 'pause' (0/3). Say 'wait' instead" in lines[1]
    assert "'back' (0/3). Try a phrase without lip closure: 'rewind'" in lines[2]


def test_the_file_round_trips_privately_and_refuses_garbage(tmp_path: Path) -> None:
    where = places(tmp_path)
    kept = Enrolment(
        "en", "tiny.en", (take("next", "next", -1.5), take("a", "stop", -2, none=None))
    )
    path = save_enrolment(where, kept)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.parent == where.config  # next to the profile
    assert load_enrolment(where, "en") == kept
    assert load_enrolment(where, "ko") is None
    nan = json.loads(kept.to_json())
    nan["takes"][0]["score"] = "NaN"
    for bad in ("{", "[]", '{"version": 1}', json.dumps(nan)):
        path.write_text(bad)
        with pytest.raises(EnrolmentError):
            load_enrolment(where, "en")


def test_reset_forgets_the_enrolment(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    where = places(tmp_path)
    save_enrolment(where, Enrolment("en", "tiny.en", (take("next", "next", -1.0),)))
    assert main(["--data-dir", str(tmp_path), "enroll", "--reset"]) == 0
    assert not enrolment_path(where).exists()
    assert main(["--data-dir", str(tmp_path), "enroll", "--reset"]) == 0
    assert "no voice enrolment" in capsys.readouterr().out


# -- end to end, real model ---------------------------------------------------


@needs_model
@needs_piper
@needs_espeak
def test_enroll_from_a_recording_then_listening_uses_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from facecoach._voice.source import make_recognizer

    pack = load_pack("en")
    prompts = enrolment_prompts(pack)
    clips = []
    for phrase, command in prompts:
        clips.append((command, phrase, corpus.piper_say(phrase, noise_scale=0.0, noise_w=0.0)))
        clips.append((command, phrase, corpus.espeak_say(phrase)))
    wav = recording(tmp_path, clips)
    home = tmp_path / "home"
    argv = ["--data-dir", str(home), "enroll", "--mic-file", str(wav), "--takes", "2"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "Heard reliably:" in out and "Kept in" in out
    where = places(home)
    kept = load_enrolment(where, "en")
    assert kept is not None and len(kept.takes) == 2 * len(prompts)
    right = sum(t.right_phrase for t in kept.takes)
    assert right >= 0.8 * len(kept.takes), [t for t in kept.takes if not t.right_phrase]
    assert stat.S_IMODE(enrolment_path(where).stat().st_mode) == 0o600
    # The person's microphone uses it; a file (anyone's voice) does not.
    mine = make_recognizer("en", where, "whisper", remember=True)
    assert "your voice enrolment (" in mine.description
    expected = personal_rules(kept.takes, DEFAULTS, GENERAL.rule)
    assert dict((c.value, r) for c, r in mine.settings.rules) == expected  # type: ignore[attr-defined]
    other = make_recognizer("en", where, "whisper", remember=False)
    assert "enrolment" not in other.description


@needs_model
def test_the_microphone_s_recogniser_carries_what_to_teach(tmp_path: Path) -> None:
    from facecoach._voice.source import make_recognizer

    where = places(tmp_path)
    takes = [take("repeat", "repeat", -12.0)] * 3 + [take("say again", "repeat", -1.0)] * 3
    save_enrolment(where, Enrolment("en", "tiny.en", tuple(takes)))
    mine = make_recognizer("en", where, "whisper", environ={}, remember=True)
    assert mine.taught == {Command.REPEAT: "say again"}  # type: ignore[attr-defined]
    anyone = make_recognizer("en", where, "whisper", environ={}, remember=False)
    assert anyone.taught == {}  # type: ignore[attr-defined]


@needs_model
@needs_piper
def test_microphone_takes_follow_the_keys(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import argparse

    from facecoach._cli.enroll import _from_mic
    from facecoach._voice.mic import MemorySource
    from facecoach._voice.source import make_recognizer
    from facecoach._voice.whisper import WhisperRecognizer

    def source_of(phrase: str) -> MemorySource:
        clip = corpus.piper_say(phrase, noise_scale=0.0, noise_w=0.0)
        track = corpus.layout([("", phrase, clip)], np.random.default_rng(1), tail=0.6)
        return MemorySource(track.samples)

    recognizer = make_recognizer("en", places(tmp_path), "whisper")
    assert isinstance(recognizer, WhisperRecognizer)
    args = argparse.Namespace(takes=2, seconds=30.0, quiet=True, mic_input=None)
    said = iter(["next", "next", "next", "wait", "help"])
    keys = iter(["r", "", "", "s", "q"])  # redo, keep, keep, skip "wait", quit at "help"
    takes = _from_mic(
        recognizer,
        [("next", "next"), ("wait", "pause"), ("help", "help"), ("stop", "stop")],
        args,
        open_source=lambda: source_of(next(said)),
        key=lambda prompt: next(keys),
    )
    assert [t.phrase for t in takes] == ["next", "next"]
    assert all(t.right_phrase for t in takes)
    out = capsys.readouterr().out
    assert "Say 'help'." in out and "Say 'stop'." not in out
    assert out.count("take 1 of 2: say 'next' now") == 2  # the redo
