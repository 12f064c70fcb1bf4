"""The core commands as a person runs them: exit codes and output."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from facecoach._cli.main import build_parser, main
from facecoach._cli.options import sound_options
from facecoach._live.export_tags import SAFETY_OPENING
from facecoach._paths import places
from facecoach._sound.speech_files import line_seconds


def test_validate_good_file(sample_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(sample_file)]) == 0
    assert "1 file valid" in capsys.readouterr().out


def test_validate_bad_files_one_line_each(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "exercises:\n  - id: x\n    name: X\n    area: lips\n    kind: stretch\n"
        "    steps:\n      - say: hi\n        hold: five\n",
        encoding="utf-8",
    )
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    assert main(["validate", str(bad), str(binary)]) == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines == [
        f"{bad}:4: exercise 'x': area: unknown value 'lips'; expected one of forehead | eyes | "
        "nose | cheeks | mouth | chin | neck",
        f"{bad}:8: exercise 'x', step 1: hold must be a number of seconds from 1 to 60, "
        "got text 'five'",
        f"{binary}:1: not UTF-8 text (byte 0x89); save it as UTF-8",
    ]


def test_plan_json_shape(sample_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", str(sample_file), "--side", "right", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["routine"] == "sample"
    assert data["steps"][0]["frame"] == "opening"
    opening = data["steps"][0]["seconds"]
    assert data["steps"][1] == {
        "kind": "say",
        "exercise": "brow-press",
        "seconds": pytest.approx(2.625),
        "text": "Rest two fingertips above your right eyebrow.",
        "offset": pytest.approx(opening),
    }
    assert data["steps"][2] == {
        "kind": "ready",
        "exercise": "brow-press",
        "seconds": 3.0,
        "text": "Rest two fingertips above your right eyebrow.",
        "offset": pytest.approx(opening + 2.625),
    }
    assert data["total_seconds"] == pytest.approx(
        sum(s["seconds"] for s in data["steps"]), abs=0.01
    )


def test_plan_text_has_a_table_and_total(
    sample_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["plan", str(sample_file)]) == 0
    out = capsys.readouterr().out
    assert "hold 8 s" in out and "Total:" in out and "brow-press" in out


def test_file_with_several_routines_needs_routine_option(
    tmp_path: Path, sample_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    two = tmp_path / "two.yaml"
    two.write_text(
        sample_file.read_text() + "  - id: other\n    name: Other\n    exercises:\n"
        "      - brow-press\n",
        encoding="utf-8",
    )
    assert main(["plan", str(two)]) == 2
    assert "choose one with --routine (sample, other)" in capsys.readouterr().err
    assert main(["plan", str(two), "--routine", "other", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["routine"] == "other"


def test_unknown_routine_is_a_clear_message(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "no-such-routine"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("facecoach: no routine or file named 'no-such-routine'")
    assert "Traceback" not in err


def test_run_simulate_json_lines(sample_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "run",
            str(sample_file),
            "--simulate",
            "--json",
            "--command",
            "12.5:too tight",
            "--command",
            "30:pause",
            "--command",
            "40:resume",
        ]
    )
    assert code == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert all({"t", "event"} <= set(line) for line in lines)
    kinds = {line["event"] for line in lines}
    assert {"say", "cue", "hold", "hold_end", "rest", "heard", "paused", "resumed", "end"} <= kinds
    heard = [line for line in lines if line["event"] == "heard"]
    assert [(h["t"], h["command"]) for h in heard] == [
        (12.5, "too tight"),
        (30, "pause"),
        (40, "resume"),
    ]
    assert all("exercise" in h and "seconds" in h for h in lines if h["event"] == "hold")
    assert lines[-1]["event"] == "end"


def test_run_rejects_a_bad_command(sample_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(sample_file), "--simulate", "--command", "soon:next"]) == 2
    assert "is not a number of seconds" in capsys.readouterr().err


def test_python_dash_m_runs(sample_file: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "facecoach", "validate", str(sample_file)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_live_run_is_wired_to_sound_voice_and_history(tmp_path: Path) -> None:
    """`run` without --simulate: text mode, keyboard off, SIGTERM stops it (143), recorded."""
    import os
    import signal
    import time

    env = {**os.environ, "FACECOACH_HOME": str(tmp_path / "fc"), "HOME": str(tmp_path)}
    base = [sys.executable, "-m", "facecoach"]
    subprocess.run(
        [*base, "profile", "--side", "left", "--stage", "recent"],
        env=env,
        check=True,
        capture_output=True,
    )
    live = subprocess.Popen(
        [*base, "run", "starter", "--text-only", "--no-voice"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    assert live.stdout is not None
    first = live.stdout.readline()  # the output line: the session is up
    while "coach:" not in first and time.monotonic() < deadline:
        first = live.stdout.readline()
    live.send_signal(signal.SIGTERM)
    out, err = live.communicate(timeout=30)
    assert live.returncode == 143, err
    assert "stopped: " in out
    history = subprocess.run(
        [*base, "history", "--json"], env=env, check=True, capture_output=True, text=True
    ).stdout
    assert '"stop"' in history and "starter" in history


def test_every_command_parses_on_its_own_and_in_the_full_parser() -> None:
    from facecoach._cli.main import _AREAS, build_parser

    full = build_parser()
    choices = full._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    every = {command for commands in _AREAS.values() for command in commands}
    assert set(choices) == every
    for command in every:
        alone = build_parser([command])
        assert command in alone._subparsers._group_actions[0].choices  # type: ignore[union-attr]


def test_plan_agrees_with_the_exported_audio_once_rendered(
    tmp_path: Path, sample_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """After `export` renders every line, `plan --json` times each line exactly."""
    import wave

    data_dir = str(tmp_path / "fc")
    assert main(["--data-dir", data_dir, "plan", str(sample_file), "--json"]) == 0
    estimated = json.loads(capsys.readouterr().out)["total_seconds"]
    out = tmp_path / "session.wav"
    assert main(["--data-dir", data_dir, "export", str(sample_file), "-o", str(out)]) == 0
    capsys.readouterr()
    with wave.open(str(out)) as wav:
        audio_seconds = wav.getnframes() / wav.getframerate()
    assert main(["--data-dir", data_dir, "plan", str(sample_file), "--json"]) == 0
    planned = json.loads(capsys.readouterr().out)
    rendered = planned["total_seconds"]
    assert rendered != estimated  # the estimates were replaced
    # The recording says the safety words with its opening line; the live
    # session does not, so the plan's opening line is timed alone.
    opening = next(s for s in planned["steps"] if s.get("frame") == "opening")
    args = build_parser(["plan"]).parse_args(["--data-dir", data_dir, "plan", str(sample_file)])
    options = sound_options(args)
    said = line_seconds(places(data_dir).cache / "speech", options.tts, options.voice, options.rate)
    recorded = rendered - opening["seconds"] + said(f"{SAFETY_OPENING} {opening['text']}")
    assert abs(recorded - audio_seconds) <= 0.5


def test_live_run_listens_on_the_saved_microphone(tmp_path: Path) -> None:
    """The input device remembered in the config file is the one voice opens."""
    import os
    import signal

    home = tmp_path / "fc"
    (home / "config").mkdir(parents=True)
    (home / "config" / "config.json").write_text('{"input_device": "usb headset"}')
    env = {**os.environ, "FACECOACH_HOME": str(home), "HOME": str(tmp_path)}
    base = [sys.executable, "-m", "facecoach"]
    subprocess.run(
        [*base, "profile", "--stage", "recent"], env=env, check=True, capture_output=True
    )
    live = subprocess.Popen(
        [*base, "run", "starter", "--text-only"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert live.stdout is not None
    seen = []
    for line in live.stdout:
        seen.append(line)
        if line.startswith("Output:"):
            break
    live.send_signal(signal.SIGTERM)
    live.communicate(timeout=30)
    voice = next(line for line in seen if line.startswith("Voice commands"))
    assert "microphone: usb headset" in voice


def test_plan_without_a_routine_shows_today_s(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = str(tmp_path / "fc")
    assert main(["--data-dir", home, "profile", "--stage", "recent"]) == 0
    capsys.readouterr()
    assert main(["--data-dir", home, "plan", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["routine"] == "starter"  # a first session's
    assert main(["--data-dir", home, "profile", "--stage", "not-yet"]) == 0
    capsys.readouterr()
    assert main(["--data-dir", home, "plan"]) == 2
    err = capsys.readouterr().err
    assert "no routine today" in err and "facecoach plan starter" in err


def test_plan_shows_whole_seconds_where_a_person_reads_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "fc"
    assert main(["--data-dir", str(home), "profile", "--stage", "recent"]) == 0
    for at in ("17", "31"):  # twice "too tight" in forehead smoothing: 6 s * 0.5625 = 3.375 s
        assert main(["--data-dir", str(home), "run", "starter", "--simulate", "--record",
                     "--command", f"{at}:too tight"]) == 0  # fmt: skip
    capsys.readouterr()
    assert main(["--data-dir", str(home), "plan", "starter"]) == 0
    out = capsys.readouterr().out
    assert "hold 3 s (written 6 s)" in out and "3.375" not in out
    total = [line for line in out.splitlines() if line.startswith("Total:")]
    assert total and "." not in total[0]


def test_routines_takes_a_file_as_plan_does_and_keeps_ids_whole(
    sample_file: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    assert main(["routines", str(sample_file)]) == 0
    plain = capsys.readouterr().out
    assert main(["routines", "--file", str(sample_file)]) == 0
    assert capsys.readouterr().out == plain
    assert "sample" in plain and "brow-press" in plain
    assert "rotation-forehead-eyes" in plain  # the longest built-in id, not cut at 80 columns
    routines = plain.split("Exercises")[0]
    assert "about " in routines and not re.search(r"\d\.\d", routines)  # whole minutes
