"""Choosing devices, remembering the choice, and listing real (virtual) devices."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest

from facecoach._sound.devices import (
    DeviceInfo,
    DeviceProblem,
    choose_device,
    list_devices,
    load_config,
    save_config,
)
from sound_fixtures import alsa_file_home, run_python

DEVICES = [
    DeviceInfo(0, "HDA Intel PCH: ALC3246 Analog", "ALSA", 2, 2, 48000, True, True),
    DeviceInfo(1, "Jabra Evolve2 65 Headset", "ALSA", 1, 2, 16000),
    DeviceInfo(2, "HDMI 0", "ALSA", 0, 8, 48000),
    DeviceInfo(3, "USB Microphone", "ALSA", 1, 0, 44100),
]


def test_choose_by_number_part_of_name_or_default() -> None:
    assert choose_device("1", "output", DEVICES) == DEVICES[1]
    assert choose_device("jabra", "output", DEVICES) == DEVICES[1]
    assert choose_device("hdmi 0", "output", DEVICES) == DEVICES[2]
    assert choose_device(None, "output", DEVICES) == DEVICES[0]
    assert choose_device("usb", "input", DEVICES) == DEVICES[3]
    assert choose_device(None, "input", []) is None


def test_bad_choices_say_what_there_is() -> None:
    with pytest.raises(DeviceProblem, match="no output device number 3; output devices: HDA"):
        choose_device("3", "output", DEVICES)
    with pytest.raises(DeviceProblem, match="no input device matches 'bose'"):
        choose_device("bose", "input", DEVICES)
    with pytest.raises(DeviceProblem, match="matches several output devices"):
        choose_device("a", "output", DEVICES)
    with pytest.raises(DeviceProblem, match="no output devices found"):
        choose_device("jabra", "output", [])


class FakeSd:
    class PortAudioError(Exception):
        pass

    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.default = type("D", (), {"device": [1, 0]})()

    def query_devices(self) -> list[dict[str, Any]]:
        if self.fail:
            raise FakeSd.PortAudioError("Error querying device -1")
        return [
            {"name": "speakers", "hostapi": 0, "max_input_channels": 0,
             "max_output_channels": 2, "default_samplerate": 48000.0},
            {"name": "mic", "hostapi": 0, "max_input_channels": 1,
             "max_output_channels": 0, "default_samplerate": 16000.0},
        ]  # fmt: skip

    def query_hostapis(self) -> list[dict[str, Any]]:
        return [{"name": "ALSA"}]


def test_list_devices_reads_portaudio_and_survives_its_absence() -> None:
    found = list_devices(FakeSd())
    assert [(d.name, d.default_output, d.default_input) for d in found] == [
        ("speakers", True, False),
        ("mic", False, True),
    ]
    assert list_devices(FakeSd(fail=True)) == []


def test_config_keeps_other_keys_and_writes_atomically(tmp_path: Path) -> None:
    path = tmp_path / "config" / "config.json"
    assert load_config(path) == {}
    path.parent.mkdir()
    path.write_text(json.dumps({"profile": {"side": "left"}}))
    save_config(path, {"output_device": "Jabra"})
    save_config(path, {"input_device": "USB"})
    assert load_config(path) == {
        "profile": {"side": "left"},
        "output_device": "Jabra",
        "input_device": "USB",
    }
    assert [p.name for p in path.parent.iterdir()] == ["config.json"]


def test_a_broken_config_file_is_one_clear_line(tmp_path: Path) -> None:
    path = tmp_path / "config.json"
    path.write_text('{\n  "output_device": "x",\n}\n')
    with pytest.raises(DeviceProblem, match=r"config.json:3: the settings file is not valid JSON"):
        load_config(path)
    path.write_text("[1, 2]")
    with pytest.raises(DeviceProblem, match="must hold a JSON object"):
        load_config(path)


def test_devices_on_the_virtual_alsa_device(tmp_path: Path) -> None:
    home, _ = alsa_file_home(tmp_path)
    code = textwrap.dedent(
        """
        import json
        from facecoach._sound.devices import list_devices, choose_device
        devices = list_devices()
        out = choose_device("nullfile", "output", devices)
        mic = choose_device(None, "input", devices)
        print(json.dumps([[d.name for d in devices], out.name, mic.name]))
        """
    )
    result = run_python(code, home)
    assert result.returncode == 0, result.stderr
    names, chosen, mic = json.loads(result.stdout)
    assert "nullfile" in names and "default" in names
    assert chosen == "nullfile" and mic in names


ALSA_PROBE = """
import ctypes, ctypes.util, sys
from facecoach._sound.devices import quiet_alsa_messages
alsa = ctypes.CDLL(ctypes.util.find_library("asound") or "libasound.so.2")
pcm = ctypes.c_void_p()
if sys.argv[1] == "quiet":
    assert quiet_alsa_messages()
alsa.snd_pcm_open(ctypes.byref(pcm), b"no-such-pcm", 0, 0)
"""


def test_alsa_messages_never_reach_the_terminal(tmp_path: Path) -> None:
    import ctypes.util
    import subprocess
    import sys

    if ctypes.util.find_library("asound") is None:
        pytest.skip("no ALSA library here")

    def stderr(mode: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", ALSA_PROBE, mode],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
            cwd=tmp_path,
        )
        return done.stderr

    assert "no-such-pcm" in stderr("loud")  # what the live panel used to get
    assert stderr("quiet") == ""
