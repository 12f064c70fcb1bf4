"""Hardening: what the terminal prints, signals, audio files and the reminder's unit.

Classes: control characters and terminal escapes in routine files are refused
at load with file:line:field; square brackets are text, never rich markup, in
validate, plan, routines and the live view; a voice is remembered only once
lines were said in it; Ctrl-C during export and SIGHUP during a live run end
the way the README says; audio files with absurd headers or NaN samples are a
message at once; a data folder name cannot inject lines into a systemd unit.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import struct
import subprocess
import sys
import warnings
import wave
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console

from facecoach._cli.main import main
from facecoach._core.yamlfields import control_character
from fake_tools import fake_tool

FIXTURE = [HealthCheck.function_scoped_fixture]  # each example writes its own files
FACECOACH = [sys.executable, "-m", "facecoach"]

ROUTINE = """exercises:
  - id: {id}
    name: {name}
    area: forehead
    kind: massage
    side: both
    reps: 1
    min_hold: 3
    setup: Rest your fingertips on your forehead.
    steps:
      - say: {say}
        hold: 6
routines:
  - id: mine
    name: {name}
    exercises: [{id}]
"""


def cli(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        status = main(list(argv))
    return status, out.getvalue()


def routine_file(
    folder: Path, *, id: str = "ex-a", name: str = "Fine", say: str = "Slide."
) -> Path:
    path = folder / "mine.yaml"
    path.write_text(ROUTINE.format(id=id, name=name, say=say), encoding="utf-8")
    return path


def quoted(text: str) -> str:
    """``text`` as a double-quoted YAML scalar (escapes for every control character)."""
    return json.dumps(text)


# ------------------------------------------------------------ control characters

CONTROLS = [chr(c) for c in range(0x20) if chr(c) not in "\t\n"] + [
    chr(0x7F),
    *(chr(c) for c in range(0x80, 0xA0)),
    "\u202e",
    "\u2066",
    "\u200f",
    "\u2028",
]


@settings(max_examples=60, deadline=None, suppress_health_check=FIXTURE)
@given(
    char=st.sampled_from(CONTROLS),
    field=st.sampled_from(["name", "say"]),
    before=st.text(alphabet="abc ", max_size=5),
)
def test_a_control_character_is_refused_with_file_line_and_field(
    tmp_path: Path, char: str, field: str, before: str
) -> None:
    text = quoted(f"Slide {before}{char}now")
    path = routine_file(tmp_path, **{field: text})
    status, out = cli("validate", str(path))
    assert status == 1, out
    assert f"{path}:" in out and "control character" in out and f"{field} holds" in out
    # the message itself is safe to print
    assert all(control_character(line) is None for line in out.splitlines())


@pytest.mark.parametrize(
    "escape", ["\x1b]0;owned\x07", "\x1b[2J", "\x1b[31m", "\x9b2J", "\x1bP+q\x1b\\"]
)
def test_ansi_escapes_never_reach_the_terminal(tmp_path: Path, escape: str) -> None:
    path = routine_file(tmp_path, name=quoted(f"Nice {escape}name"))
    for command in (
        ("validate", str(path)),
        ("plan", str(path)),
        ("routines", "--file", str(path)),
    ):
        status, out = cli("--data-dir", str(tmp_path / "home"), *command)
        assert status == 1 and "\x1b" not in out and "\x9b" not in out, out


def test_an_id_with_a_newline_and_a_long_name_are_refused(tmp_path: Path) -> None:
    status, out = cli("validate", str(routine_file(tmp_path, id=quoted("ex\nb"))))
    assert status == 1 and "U+000A" in out
    long_name = " ".join(["word"] * 300)
    status, out = cli("validate", str(routine_file(tmp_path, name=long_name)))
    assert status == 1 and "300 words" in out and "at most 10 words" in out


def test_a_line_folded_over_several_lines_is_one_spoken_line(tmp_path: Path) -> None:
    path = tmp_path / "folded.yaml"
    path.write_text(
        ROUTINE.format(id="ex-a", name="Fine", say="|\n          Slide out\n          slowly.")
    )
    status, out = cli("--data-dir", str(tmp_path / "home"), "plan", str(path), "--json")
    assert status == 0, out
    assert "Slide out slowly." in out


# ------------------------------------------------------------ square brackets

BRACKETED = st.text(alphabet="ab [/]=#@", max_size=24).map(lambda s: "[" + s)
"""Text with at least one square bracket (prefixed with a word where it is used)."""


@settings(max_examples=30, deadline=None, suppress_health_check=FIXTURE)
@given(name=BRACKETED, say=BRACKETED)
def test_square_brackets_are_printed_as_written(tmp_path: Path, name: str, say: str) -> None:
    path = routine_file(tmp_path, name=quoted("N " + name), say=quoted("S " + say))
    home = str(tmp_path / "home")
    assert cli("validate", str(path))[0] == 0
    status, out = cli("--data-dir", home, "plan", str(path))
    assert status == 0, out
    flat = "".join(out.split())
    assert "".join(("S " + say).split()) in flat
    status, out = cli("--data-dir", home, "routines", "--file", str(path))
    assert status == 0 and "".join(("N " + name).split()) in "".join(out.split()), out


@pytest.mark.parametrize("text", ["Let go [/] now.", "[gently]", "[v2]", "[bold]x[/bold]", "[/"])
def test_the_live_view_prints_brackets_as_text(text: str) -> None:
    from facecoach._core.events import Speak
    from facecoach._core.loader import builtin_library
    from facecoach._core.plan import compile_plan
    from facecoach._core.session import Session
    from facecoach._live.terminal_view import LiveState, RichView, render

    library = builtin_library()
    plan = compile_plan(library.routines["starter"], library)
    session = Session(plan)
    session.start(0.0)
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=200, highlight=False)
    view = RichView(LiveState(plan, session, output=text), console, text_mode=True)
    view.effect(0.0, Speak(text, "step"))
    view.message(text)
    view.refresh(0.5)
    view.close()
    shown = buffer.getvalue()
    assert shown.count(text) >= 2, shown
    Console(file=io.StringIO(), width=200).print(render(view.state, 1.0))


def _signal_once_speaking(argv: list[str], env: dict[str, str], signum: int) -> tuple[int, str]:
    """Start ``facecoach ARGV``, send ``signum`` once the coach has said its first
    line, and return the exit status and what it printed on stderr."""
    live = subprocess.Popen(
        [*FACECOACH, *argv],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert live.stdout is not None
    seen = ""
    while "coach:" not in seen:
        line = live.stdout.readline()
        if not line:
            break
        seen += line
    live.send_signal(signum)
    _, err = live.communicate(timeout=60)
    return live.returncode, err


def test_a_voice_that_cannot_speak_is_not_remembered(tmp_path: Path) -> None:
    env = {**os.environ, "FACECOACH_HOME": str(tmp_path / "fc"), "HOME": str(tmp_path)}
    subprocess.run([*FACECOACH, "profile", "--stage", "recent"], env=env, check=True, timeout=120)
    argv = ["run", "starter", "--voice", "[/]", "--output", "[/]", "--text-only", "--no-voice"]
    returncode, err = _signal_once_speaking(argv, env, signal.SIGTERM)
    assert returncode == 143, err
    assert "Traceback" not in err and "MarkupError" not in err
    config = tmp_path / "fc" / "config" / "config.json"
    saved = json.loads(config.read_text()) if config.exists() else {}
    assert "voice" not in saved


def test_speech_choices_wait_for_the_end_of_a_run(tmp_path: Path) -> None:
    from facecoach._core.commands import Command
    from facecoach._core.loader import builtin_library
    from facecoach._core.plan import compile_plan
    from facecoach._live.wiring import run_live
    from facecoach._sound.settings import SoundOptions
    from sound_fixtures import ScriptedSource

    plan = compile_plan(builtin_library().routines["starter"], builtin_library())
    plan = plan.__class__(**{**plan.__dict__, "name": "Mine [/] [bold]"})
    options = SoundOptions(
        tts="fake", voice="[/]", text_only=True, keyboard=False, data_dir=str(tmp_path)
    )
    order: list[Any] = []
    stop = ScriptedSource([(0.0, Command.STOP), (0.01, Command.STOP)])
    console = Console(file=io.StringIO(), force_terminal=True)
    status = run_live(
        plan,
        options,
        command_sources=[stop],
        console=console,
        on_started=lambda chosen: order.append(("started", chosen)),
        on_ended=lambda spoke: order.append(("ended", spoke)),
    )
    assert status == 0
    assert order == [("started", False), ("ended", True)]


# ------------------------------------------------------------ signals


def test_ctrl_c_during_export_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("soundfile")
    from facecoach._live import export as export_module
    from facecoach._sound.speech import FakeSpeaker

    monkeypatch.setattr("facecoach._cli.export.speaker_for", lambda *a, **k: FakeSpeaker())
    blocks = {"n": 0}
    real = export_module._Writer.__call__

    def interrupted(self: Any, block: Any) -> None:
        real(self, block)
        blocks["n"] += 1
        if blocks["n"] == 5:  # the scratch file is there and half written
            assert list(tmp_path.glob(".part-*"))
            raise KeyboardInterrupt

    monkeypatch.setattr(export_module._Writer, "__call__", interrupted)
    out = tmp_path / "today.wav"
    out.write_bytes(b"the old export")
    status, text = cli("--data-dir", str(tmp_path / "home"), "export", "starter", "-o", str(out))
    assert status == 130, text
    assert "Wrote" not in text
    assert out.read_bytes() == b"the old export"
    assert [p.name for p in tmp_path.iterdir() if p.name != "home"] == ["today.wav"]


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="no SIGHUP on this system")
def test_sighup_mid_session_keeps_the_session_as_stopped(tmp_path: Path) -> None:
    env = {**os.environ, "FACECOACH_HOME": str(tmp_path / "fc"), "HOME": str(tmp_path)}
    subprocess.run([*FACECOACH, "profile", "--stage", "recent"], env=env, check=True, timeout=120)
    argv = ["run", "starter", "--text-only", "--no-voice"]
    returncode, err = _signal_once_speaking(argv, env, signal.SIGHUP)
    assert returncode == 129, err
    history = subprocess.run(
        [*FACECOACH, "history", "--json"], env=env, capture_output=True, text=True, timeout=120
    )
    (session,) = json.loads(history.stdout)
    assert session["status"] == "stop"


# ------------------------------------------------------------ audio files


def wav_with_header(path: Path, rate: int, channels: int = 1, frames: int = 4000) -> Path:
    with wave.open(str(path), "wb") as f:
        f.setnchannels(1)
        f.setsampwidth(2)
        f.setframerate(16000)
        f.writeframes(b"\0\0" * frames)
    data = bytearray(path.read_bytes())
    data[22:24] = struct.pack("<H", channels)
    data[24:28] = struct.pack("<I", rate)
    data[28:32] = struct.pack("<I", (rate * 2 * channels) & 0xFFFFFFFF)
    data[32:34] = struct.pack("<H", (2 * channels) & 0xFFFF)
    path.write_bytes(bytes(data))
    return path


@settings(max_examples=40, deadline=None, suppress_health_check=FIXTURE)
@given(
    rate=st.one_of(
        st.integers(min_value=0, max_value=3999),
        st.integers(min_value=768_001, max_value=2**32 - 1),
    )
)
def test_an_absurd_sample_rate_is_refused_at_once(tmp_path: Path, rate: int) -> None:
    from facecoach._voice.wavfile import MicError, check_audio_file

    path = wav_with_header(tmp_path / "odd.wav", rate)
    with pytest.raises(MicError, match=r"odd\.wav"):
        check_audio_file(path)


def test_a_header_with_thousands_of_channels_is_refused(tmp_path: Path) -> None:
    from facecoach._voice.wavfile import MicError, check_audio_file

    with pytest.raises(MicError, match="channels"):
        check_audio_file(wav_with_header(tmp_path / "many.wav", 16000, channels=4000, frames=8000))


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), float("-inf")])
def test_nan_or_infinite_samples_are_a_message_not_a_warning(tmp_path: Path, bad: float) -> None:
    np = pytest.importorskip("numpy")
    soundfile = pytest.importorskip("soundfile")
    from facecoach._voice.mic import WavSource
    from facecoach._voice.wavfile import MicError

    samples = np.zeros(20000, dtype="float32")
    samples[12345] = bad
    path = tmp_path / "float.wav"
    soundfile.write(str(path), samples, 16000, subtype="FLOAT")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(MicError, match="not numbers"):
            list(WavSource(path).blocks())


@pytest.mark.parametrize(
    "kind", ["text", "empty", "zero-rate", "one-hz", "nan", "fifo", "folder", "missing"]
)
def test_run_refuses_a_mic_file_that_is_no_audio_at_start(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "mic.wav"
    if kind == "text":
        path.write_text("hello, this is not sound\n")
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "zero-rate":
        wav_with_header(path, 0)
    elif kind == "one-hz":
        wav_with_header(path, 1, frames=65000)
    elif kind == "nan":
        np = pytest.importorskip("numpy")
        soundfile = pytest.importorskip("soundfile")
        samples = np.zeros(16000, dtype="float32")
        samples[100] = np.nan
        soundfile.write(str(path), samples, 16000, subtype="FLOAT")
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "folder":
        path.mkdir()
    home = tmp_path / "home"
    assert cli("--data-dir", str(home), "profile", "--stage", "recent")[0] == 0
    status, out = cli("--data-dir", str(home), "run", "starter", "--mic-file", str(path))
    assert status == 2 and "--mic-file" in out and "mic.wav" in out, out
    assert not (home / "facecoach.sqlite3").exists()  # no session was started


@pytest.mark.parametrize("seconds", ["nan", "-1", "inf", "0", "1e9"])
def test_enroll_refuses_senseless_seconds(seconds: str) -> None:
    status, out = cli("enroll", "--seconds", seconds, "--quiet")
    assert status == 2 and "--seconds" in out


# ------------------------------------------------------------ the reminder's unit


def systemd_words(line: str) -> list[str]:
    """Split an ExecStart= value the way systemd does (quotes, C escapes, %% and $$)."""
    words: list[str] = []
    i = 0
    while i < len(line):
        if line[i] == " ":
            i += 1
            continue
        word = ""
        if line[i] == '"':
            i += 1
            while line[i] != '"':
                if line[i] == "\\":
                    word += {"n": "\n", "t": "\t"}.get(line[i + 1], line[i + 1])
                    i += 2
                else:
                    word += line[i]
                    i += 1
            i += 1
        else:
            while i < len(line) and line[i] != " ":
                word += line[i]
                i += 1
        words.append(word.replace("%%", "%").replace("$$", "$"))
    return words


@settings(max_examples=200, deadline=None)
@given(word=st.text(alphabet=st.characters(min_codepoint=0x20, exclude_characters="\x7f")))
def test_a_unit_word_reads_back_as_itself_on_one_line(word: str) -> None:
    from facecoach._person.remind_timer import systemd_word

    written = systemd_word(word)
    assert "\n" not in written
    assert systemd_words(written) == [word] or word == ""


@settings(max_examples=40, deadline=None)
@given(char=st.sampled_from([chr(c) for c in range(0x20)] + ["\x7f"]))
def test_a_control_character_in_a_unit_word_is_refused(char: str) -> None:
    from facecoach._person.remind_timer import UnsafeCommand, systemd_word

    with pytest.raises(UnsafeCommand):
        systemd_word(f"/data{char}ExecStartPost=/bin/evil")


def test_a_data_folder_with_a_newline_cannot_inject_unit_lines(
    fake_bin: Path, tmp_path: Path
) -> None:
    from facecoach._person.remind_timer import units_dir

    fake_tool(fake_bin, "systemctl", "exit 0")
    home = tmp_path / "data\nExecStartPost=/bin/touch /tmp/owned"
    status, out = cli("--data-dir", str(home), "remind", "--install")
    assert status == 2 and "control character" in out
    assert not (units_dir() / "facecoach-remind.service").exists()


def test_the_unit_names_the_data_folder_from_facecoach_home(
    fake_bin: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from facecoach._person.remind_timer import units_dir

    fake_tool(fake_bin, "systemctl", "exit 0")
    home = tmp_path / "my data $HOME 100%"
    monkeypatch.setenv("FACECOACH_HOME", str(home))
    status, out = cli("remind", "--install")
    assert status == 0, out
    service = (units_dir() / "facecoach-remind.service").read_text()
    (line,) = [x for x in service.splitlines() if x.startswith("ExecStart=")]
    words = systemd_words(line.removeprefix("ExecStart="))
    assert words[words.index("--data-dir") + 1] == str(home.resolve())
    assert cli("remind", "--uninstall")[0] == 0


def test_a_failing_systemctl_leaves_no_unit_behind(fake_bin: Path, tmp_path: Path) -> None:
    from facecoach._person.remind_timer import units_dir

    fake_tool(fake_bin, "systemctl", 'case "$*" in *enable*) echo "no bus" >&2; exit 1;; esac')
    config = Path(os.environ["XDG_CONFIG_HOME"])
    before = sorted(config.rglob("*")) if config.exists() else []
    status, out = cli("remind", "--install")
    assert status == 1 and "no bus" in out
    assert not (units_dir() / "facecoach-remind.timer").exists()
    assert (sorted(config.rglob("*")) if config.exists() else []) == before
