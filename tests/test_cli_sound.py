"""The sound commands and the live run, end to end."""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import textwrap
import time
from pathlib import Path

import pytest
from rich.console import Console

from facecoach._cli.main import main
from facecoach._cli.options import add_sound_arguments, remember_choices, sound_options
from facecoach._core.commands import Command
from facecoach._live.wiring import SoundOptions, run_live
from facecoach._paths import places
from facecoach._sound.devices import load_config
from sound_fixtures import ScriptedSource, StopWhen, alsa_file_home, mini_plan, run_python


def test_voices_lists_espeak_voices(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["voices", "--tts", "pyttsx3"]) == 0
    out = capsys.readouterr().out
    assert "gmw/en" in out and "English" in out


def test_devices_without_any_device(tmp_path: Path) -> None:
    home = tmp_path / "h"
    home.mkdir()
    (home / ".asoundrc").write_text(
        "pcm.!default { type hw card 9 }\nctl.!default { type hw card 9 }\n"
    )
    result = run_python(
        "from facecoach._cli.main import main; raise SystemExit(main(['devices']))", home
    )
    assert result.returncode == 0, result.stderr
    assert "traceback" not in (result.stdout + result.stderr).lower()


def test_devices_lists_the_virtual_device(tmp_path: Path) -> None:
    home, _ = alsa_file_home(tmp_path)
    code = "from facecoach._cli.main import main; raise SystemExit(main(['devices']))"
    result = run_python(code, home, env={"COLUMNS": "150"})
    assert result.returncode == 0, result.stderr
    assert "nullfile" in result.stdout and "Chosen: output default" in result.stdout


def test_sound_options_merge_and_remember_choices(tmp_path: Path) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir")
    add_sound_arguments(parser)
    args = parser.parse_args(["--data-dir", str(tmp_path), "--output", "Jabra", "--rate", "140"])
    options = sound_options(args)
    assert options.output == "Jabra" and options.rate == 140 and options.primer == 0.3
    assert load_config(places(str(tmp_path)).config_file) == {}  # nothing kept before it worked
    remember_choices(args)
    again = sound_options(parser.parse_args(["--data-dir", str(tmp_path), "--barge-in"]))
    assert again.output == "Jabra" and again.rate == 140 and again.barge_in
    assert again.output_saved
    assert load_config(places(str(tmp_path)).config_file)["output_device"] == "Jabra"
    with pytest.raises(Exception, match=r"from 0\.05 to 1"):
        sound_options(parser.parse_args(["--data-dir", str(tmp_path), "--volume", "3"]))
    assert "volume" not in load_config(places(str(tmp_path)).config_file)  # not kept
    sound_options(parser.parse_args(["--data-dir", str(tmp_path), "--tts", "piper"]))
    assert "tts" not in load_config(places(str(tmp_path)).config_file)


def test_run_live_in_text_mode_prints_lines_and_obeys_commands(tmp_path: Path) -> None:
    screen = io.StringIO()
    console = Console(file=screen, width=120, highlight=False)
    options = SoundOptions(tts="fake", data_dir=str(tmp_path), keyboard=False, text_only=True)
    status = run_live(
        mini_plan(),
        options,
        command_sources=[ScriptedSource([(0.3, Command.NEXT), (0.8, Command.STOP)])],
        console=console,
    )
    text = screen.getvalue()
    assert status == 0
    assert "coach: Sit tall and relax your face." in text
    assert "heard: next (script)" in text
    assert "stopped: " in text


class _KeysTyped:
    """Standard input that says it is a terminal; the keys come through a pipe."""

    def __init__(self, keys: str) -> None:
        self._read, write = os.pipe()
        os.write(write, keys.encode())
        os.close(write)

    def isatty(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._read


def _said(text: str) -> list[str]:
    return [line.split("coach: ", 1)[1] for line in text.splitlines() if "coach: " in line]


def test_with_no_voice_the_coach_names_keys_not_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    screen = io.StringIO()
    console = Console(file=screen, width=120, highlight=False)
    monkeypatch.setattr(sys, "stdin", _KeysTyped("hp"))
    options = SoundOptions(tts="fake", data_dir=str(tmp_path), keyboard=True, text_only=True)
    stop = StopWhen(lambda: "Paused." in screen.getvalue(), deadline=30)
    assert run_live(mini_plan(), options, command_sources=[stop], console=console) == 0
    said = _said(screen.getvalue())
    assert "Press n for the next step, r to hear a step again, t if it is too tight," in " ".join(
        said
    )
    assert "Paused. Press p when you are ready." in said
    assert not any("say" in line.lower().split() for line in said)  # no word to say


def test_with_a_voice_the_coach_still_teaches_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import numpy as np

    from facecoach._voice.mic import RATE, MemorySource
    from facecoach._voice.recognizer import ScriptedListener
    from facecoach._voice.source import VoiceCommands

    screen = io.StringIO()
    console = Console(file=screen, width=120, highlight=False)
    monkeypatch.setattr(sys, "stdin", _KeysTyped("hp"))
    quiet = np.zeros(RATE * 30, dtype=np.int16)

    def voice(gate):  # type: ignore[no-untyped-def]
        source = MemorySource(quiet, clock=time.monotonic, sleep=time.sleep)
        return VoiceCommands(source, ScriptedListener([]), time.monotonic, gate)

    options = SoundOptions(tts="fake", data_dir=str(tmp_path), keyboard=True, text_only=True)
    stop = StopWhen(lambda: "Paused." in screen.getvalue(), deadline=30)
    assert (
        run_live(
            mini_plan(), options, command_sources=[stop], gated_sources=[voice], console=console
        )
        == 0
    )
    said = _said(screen.getvalue())
    assert any(line.startswith("You can say:") for line in said)
    assert "Paused. Say continue when you are ready." in said


def test_run_live_refuses_a_device_that_is_not_there(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    options = SoundOptions(
        tts="fake", output="no-such-headset", data_dir=str(tmp_path), keyboard=False
    )
    assert run_live(mini_plan(), options, console=Console(file=io.StringIO())) == 2
    assert "no-such-headset" in capsys.readouterr().err


def test_run_live_gives_voice_sources_the_gate(tmp_path: Path) -> None:
    gates = []

    def make(gate):  # type: ignore[no-untyped-def]
        gates.append(gate)
        return ScriptedSource([(0.2, Command.STOP)])

    options = SoundOptions(tts="fake", data_dir=str(tmp_path), keyboard=False, text_only=True)
    assert (
        run_live(mini_plan(), options, gated_sources=[make], console=Console(file=io.StringIO()))
        == 0
    )
    assert len(gates) == 1 and callable(gates[0])


LIVE_ON_DEVICE = textwrap.dedent(
    """
    import io, json, os, sys
    from pathlib import Path
    from rich.console import Console
    from facecoach._live.wiring import SoundOptions, run_live
    from sound_fixtures import LoudnessWatch, StopWhen, mini_plan
    screen = io.StringIO()
    records = []
    # Stop once the spoken line has reached the device (however long the
    # first render takes), not at a set time.
    heard = StopWhen(LoudnessWatch(Path(os.environ["PLAYED"]), 3000), deadline=90)
    status = run_live(
        mini_plan(),
        SoundOptions(tts="pyttsx3", keyboard=False, primer=0.0),
        command_sources=[heard],
        recorder=records.append,
        console=Console(file=screen, width=200),
    )
    print(json.dumps({"status": status, "screen": screen.getvalue(), "heard": heard.met,
                      "records": [type(r).__name__ for r in records]}))
    """
)


def test_a_live_run_plays_through_a_real_output_stream(tmp_path: Path) -> None:
    home, played = alsa_file_home(tmp_path)
    result = run_python(LIVE_ON_DEVICE, home, env={"PLAYED": str(played)}, timeout=180)
    played.unlink(missing_ok=True)  # the file device runs faster than real time: it is large
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout.strip().splitlines()[-1])
    assert data["heard"], "the spoken line never reached the device"
    assert data["status"] == 0
    assert "Output: default (device" in data["screen"]
    assert "coach: Mini routine. About one minute." in data["screen"]  # the opening
    assert data["records"][-1] == "EndRecord"


def test_with_no_voice_the_web_app_s_coach_names_its_buttons(tmp_path: Path) -> None:
    from facecoach._web.session import BY_BUTTON

    screen = io.StringIO()
    console = Console(file=screen, width=120, highlight=False)
    options = SoundOptions(tts="fake", data_dir=str(tmp_path), keyboard=False, text_only=True)
    script = ScriptedSource([(0.2, Command.HELP), (0.4, Command.PAUSE), (0.6, Command.STOP)])
    status = run_live(
        mini_plan(), options, command_sources=[script], console=console, by_hand=BY_BUTTON
    )
    assert status == 0
    said = _said(screen.getvalue())
    assert "Paused. Press Continue when you are ready." in said
    assert any(line.startswith("Press Next for the next step,") for line in said)
    assert not any(line.startswith("You can say") for line in said)
