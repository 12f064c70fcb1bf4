"""The microphone half of the headset check, shared by ``facecoach check`` and the web app."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from starlette.testclient import TestClient

from facecoach._core.commands import Command
from facecoach._core.ports import HeardCommand
from facecoach._voice.headset import QUIET_DBFS, HearingCheck, hear_one, level_dbfs
from facecoach._voice.mic import AudioBlock, MemorySource
from facecoach._voice.recognizer import ScriptedListener
from facecoach._voice.wavfile import MicError
from facecoach._web.app import make_app
from facecoach._web.security import cookie_name
from web_support import TOKEN, settings_for

RATE = 16_000


def _speech(seconds: float, dbfs: float) -> np.ndarray:
    """Noise at about ``dbfs`` RMS: enough to stand for a voice on the meter."""
    rng = np.random.default_rng(1)
    rms = 32768 * 10 ** (dbfs / 20)
    return np.clip(rng.normal(0, rms, int(seconds * RATE)), -32768, 32767).astype(np.int16)


def test_level_is_rms_in_dbfs_with_a_floor_for_silence() -> None:
    assert level_dbfs(np.zeros(1600, dtype=np.int16)) == -90.0
    assert level_dbfs(_speech(0.5, -20.0)) == pytest.approx(-20.0, abs=0.5)


def test_a_command_heard_says_voice_works_and_the_level() -> None:
    source = MemorySource(_speech(2.0, -25.0))
    listener = ScriptedListener([(Command.NEXT, "next", 0.5, 0.9)])
    result = hear_one(listener, source, seconds=5.0)
    assert result.heard is not None and result.heard.command is Command.NEXT
    assert result.loudest_dbfs == pytest.approx(-25.0, abs=1.0)
    assert "Heard 'next': voice commands work" in result.words()


def test_speech_that_is_not_the_command_asks_to_try_again() -> None:
    source = MemorySource(_speech(2.0, -25.0))
    listener = ScriptedListener([(None, "nest", 0.5, 0.9)])
    result = hear_one(listener, source, seconds=1.0)
    assert result.heard is None and result.rejected == "not a command"
    assert "heard speech, but not 'next' (not a command)" in result.words()


def test_a_silent_microphone_is_named_as_muted_or_unplugged() -> None:
    result = hear_one(ScriptedListener([]), MemorySource(np.zeros(RATE, np.int16)), 0.5)
    assert result.heard is None and result.loudest_dbfs < QUIET_DBFS
    assert "heard nothing" in result.words() and "muted" in result.words()


class _Unplugged:
    description = "microphone: USB headset"

    def blocks(self) -> Iterator[AudioBlock]:
        raise MicError("the microphone went away (was the headset unplugged?)")
        yield  # a generator, like a real source

    def close(self) -> None:
        pass


def test_a_microphone_that_fails_is_an_error_in_words_not_a_traceback() -> None:
    result = hear_one(ScriptedListener([]), _Unplugged(), seconds=2.0)
    assert result.error is not None and "unplugged" in result.error
    assert result.words().startswith("The microphone could not be used")


# -- the web app's headset check ------------------------------------------------


@pytest.fixture
def web(tmp_path: Path) -> Iterator[tuple[TestClient, list[str]]]:
    asked: list[str] = []

    def hearing() -> HearingCheck:
        asked.append("next")
        return HearingCheck(HeardCommand(Command.NEXT, "next", 0.0, "voice"), -24.0)

    settings = settings_for(tmp_path)
    from dataclasses import replace

    app = make_app(replace(settings, hearing=hearing))
    with TestClient(app.asgi, base_url="http://127.0.0.1:8123") as client:
        client.cookies.set(cookie_name(8123), TOKEN)
        yield client, asked


def test_with_voice_on_the_page_asks_for_next_and_says_what_was_heard(
    web: tuple[TestClient, list[str]],
) -> None:
    client, asked = web
    page = client.get("/").text
    assert "Check sound and microphone" in page and 'say "next"' in page
    answer = client.post("/check", headers={"origin": "http://127.0.0.1:8123"}).text
    assert asked == ["next"]
    assert "Heard &#39;next&#39;: voice commands work with this headset." in answer


def test_without_voice_the_check_only_plays_a_line(tmp_path: Path) -> None:
    app = make_app(settings_for(tmp_path))
    with TestClient(app.asgi, base_url="http://127.0.0.1:8123") as client:
        client.cookies.set(cookie_name(8123), TOKEN)
        assert "Play a test line" in client.get("/").text
        answer = client.post("/check", headers={"origin": "http://127.0.0.1:8123"}).text
        assert "Sound is off (text mode)" in answer and "microphone" not in answer.lower()


def test_a_microphone_that_cannot_be_used_is_said_in_the_page_s_own_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from dataclasses import replace

    def hearing() -> HearingCheck:
        problem = "cannot open the microphone (default): no microphone found; use --mic-file WAV"
        return HearingCheck(None, -90.0, error=problem)

    app = make_app(replace(settings_for(tmp_path), hearing=hearing))
    with TestClient(app.asgi, base_url="http://127.0.0.1:8123") as client:
        client.cookies.set(cookie_name(8123), TOKEN)
        answer = client.post("/check", headers={"origin": "http://127.0.0.1:8123"}).text
    assert "The microphone could not be used, so voice commands are off" in answer
    assert "--mic-file" not in answer  # a terminal option means nothing on the page
    assert "--mic-file" in capsys.readouterr().err  # the details go to the terminal
