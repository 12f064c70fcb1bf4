"""The web app's "Your voice" page: a voice enrolment with no terminal and no keys.

The recogniser and microphone are fakes (``TakeInput``): a recogniser that
gives one scripted Whisper verdict per take through the engine's own
``on_verdict`` hook, and microphones made of silence. No sound card, no model.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from starlette.testclient import TestClient

from facecoach._core.commands import Command
from facecoach._paths import places
from facecoach._voice.enroll import Enrolment, Take, enrolment_prompts, load_enrolment
from facecoach._voice.langpack import load_pack
from facecoach._voice.settings import VoiceSettings
from facecoach._voice.whisper_rules import Scored, Verdict
from facecoach._web.app import WebApp, make_app
from facecoach._web.enrolment import EnrolmentRunner, EnrolmentStatus
from facecoach._web.security import cookie_name
from facecoach._web.settings import ServeSettings
from facecoach._web.take_input import (
    FROM_FILE,
    NOT_ENGLISH,
    OTHER_ENGINE,
    VOICE_OFF,
    EnrolmentUnavailable,
    TakeInput,
    whisper_take_input,
)
from web_support import TOKEN, OpenMic, ScriptedTakes, quiet_mic, settings_for

ORIGIN = {"origin": "http://127.0.0.1:8123"}
PROMPTS = enrolment_prompts(load_pack("en"))


def heard(phrase: str, score: float = -1.0) -> Verdict:
    """The verdict Whisper gives when it hears ``phrase`` clearly."""
    command = load_pack("en").command_for(phrase)
    assert command is not None, phrase
    best = Scored(phrase, command.value, score, score + 0.3, -0.3)
    none = Scored("too hot", "", -9.0, -8.7, -0.3)
    return Verdict(command.value, phrase, phrase, -0.5, "", best=best, best_none=none)


def client_for(settings: ServeSettings) -> tuple[TestClient, WebApp]:
    web = make_app(settings)
    client = TestClient(web.asgi, base_url="http://127.0.0.1:8123", follow_redirects=False)
    client.cookies.set(cookie_name(8123), TOKEN)
    return client, web


def with_take_input(tmp_path: Path, make: Callable[[], TakeInput]) -> ServeSettings:
    return replace(settings_for(tmp_path), enrolment=make, enrolment_off="")


def wait_until_done(web: WebApp) -> EnrolmentStatus:
    deadline = time.monotonic() + 30
    while web.enrolment.active and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not web.enrolment.active, "the enrolment did not end"
    return web.enrolment.status


def all_heard() -> list[Verdict | None]:
    """Every prompt heard twice, except 'repeat', heard as 'wait' (lips that do not close)."""
    script: list[Verdict | None] = []
    for phrase, _command in PROMPTS:
        said = heard("wait") if phrase == "repeat" else heard(phrase)
        script += [said, said]
    return script


def test_without_an_enrolment_the_page_offers_to_teach(tmp_path: Path) -> None:
    client, _web = client_for(
        with_take_input(tmp_path, lambda: TakeInput(ScriptedTakes([]), quiet_mic))
    )
    with client:
        page = client.get("/voice")
        assert page.status_code == 200
        text = page.text
        assert '<a href="/voice" aria-current="page">Your voice</a>' in text
        assert "has not learnt your voice yet" in text
        assert "Teach facecoach my voice" in text and 'action="/voice/start"' in text
        assert "Forget my voice" not in text and "Learning your voice" not in text
        assert client.get("/voice/status").json()["state"] == "idle"


def test_a_whole_enrolment_is_kept_and_its_report_shown(tmp_path: Path) -> None:
    script = all_heard()
    script.insert(0, None)  # 'next', take 1: nothing heard, then heard when asked once more
    script[3:4] = [None, None]  # 'repeat', take 1: nothing heard twice, so it is skipped
    recognizer = ScriptedTakes(script)
    client, web = client_for(with_take_input(tmp_path, lambda: TakeInput(recognizer, quiet_mic)))
    with client:
        started = client.post("/voice/start", headers=ORIGIN)
        assert started.status_code == 303 and started.headers["location"] == "/voice"
        status = wait_until_done(web)
        assert status.state == "saved", status
        assert status.words().startswith(f"Done: {2 * len(PROMPTS) - 1} takes kept.")
        kept = load_enrolment(places(tmp_path / "data"), "en")
        assert kept is not None and kept.model == "tiny.en"
        assert len(kept.takes) == 2 * len(PROMPTS) - 1  # 'repeat' once
        assert [t.phrase for t in kept.takes[:3]] == ["next", "next", "repeat"]
        assert kept.takes[2].heard == "pause" and not kept.takes[2].right_phrase
        page = client.get("/voice").text
        assert "Done:" in page and f"from {len(kept.takes)} takes" in page
        assert "Heard reliably: &#39;next&#39; (2/2)" in page
        assert "Not reliable: &#39;repeat&#39; (0/1)." in page
        suggested = "Instead of 'repeat', the coach will ask you to say 'say again'."
        assert suggested.replace("'", "&#39;") in page
        assert "Forget my voice" in page and "Teach facecoach my voice" in page
        assert "Traceback" not in page


def test_the_status_follows_the_takes_in_plain_words(tmp_path: Path) -> None:
    mics: list[OpenMic] = []

    def open_mic() -> OpenMic:
        mics.append(OpenMic())
        return mics[-1]

    said: list[str] = []
    runner = EnrolmentRunner(
        places(tmp_path),
        settings_for(tmp_path).sound,
        lambda: TakeInput(ScriptedTakes([]), open_mic),
        lock=threading.Lock(),
        session_active=lambda: False,
        speak=said.append,
        seconds=30.0,
    )
    runner.start()
    deadline = time.monotonic() + 10
    while not mics and time.monotonic() < deadline:
        time.sleep(0.01)
    assert mics and mics[0].opened.wait(10)
    status = runner.status.to_json()
    assert said == ["Say next."]
    assert status["state"] == "running" and status["phrase"] == "next"
    assert status["count"] == f"Phrase 1 of {len(PROMPTS)}, take 1 of 2"
    runner.stop()
    assert runner.status.state == "stopped" and not runner.active
    assert load_enrolment(places(tmp_path), "en") is None


def test_takes_are_described_without_scores(tmp_path: Path) -> None:
    from facecoach._web.enrolment import heard_words

    right = Take("next", "next", "next", "next", -1.2, -0.5, -9.0, -0.3)
    other = replace(right, phrase="repeat", command="repeat", text="wait", heard="pause")
    nothing = replace(right, heard="", text="")
    assert heard_words(right) == "Heard 'next'."
    assert heard_words(other) == "Heard 'wait' instead."
    assert heard_words(nothing) == "Something was heard, but not one of the phrases."


def test_a_second_run_and_a_session_are_refused_while_one_runs(tmp_path: Path) -> None:
    mic = OpenMic()
    client, web = client_for(
        with_take_input(tmp_path, lambda: TakeInput(ScriptedTakes([]), lambda: mic))
    )
    with client:
        assert client.post("/voice/start", headers=ORIGIN).status_code == 303
        assert mic.opened.wait(10)
        page = client.get("/voice").text
        assert "Learning your voice" in page and 'action="/voice/stop"' in page
        assert "Teach facecoach my voice" not in page
        again = client.post("/voice/start", headers=ORIGIN)
        assert again.status_code == 409
        assert "already learning your voice" in again.text
        client.post("/profile", data={"side": "left", "stage": "recent"}, headers=ORIGIN)
        session = client.post("/session/start", data={"routine": "test-short"}, headers=ORIGIN)
        assert session.status_code == 409 and "learning your voice" in session.text
        assert not web.runner.active
        check = client.post("/check", headers=ORIGIN)
        assert "the test line waits until that ends" in check.text
        forget = client.post("/voice/forget", headers=ORIGIN)
        assert forget.status_code == 409 and "stop that first" in forget.text
        assert client.post("/voice/stop", headers=ORIGIN).status_code == 303
        assert not web.enrolment.active


def test_no_enrolment_while_a_session_runs(tmp_path: Path) -> None:
    made: list[TakeInput] = []

    def take_input() -> TakeInput:
        made.append(TakeInput(ScriptedTakes([]), quiet_mic))
        return made[-1]

    client, web = client_for(with_take_input(tmp_path, take_input))
    with client:
        client.post("/profile", data={"side": "left", "stage": "recent"}, headers=ORIGIN)
        started = client.post("/session/start", data={"routine": "test-short"}, headers=ORIGIN)
        assert started.status_code == 303 and web.runner.active
        refused = client.post("/voice/start", headers=ORIGIN)
        assert refused.status_code == 409
        assert "A session is running. Your voice can be taught when it has ended." in refused.text
        assert not web.enrolment.active and not made
        deadline = time.monotonic() + 30
        while web.runner.latest.state == "starting" and time.monotonic() < deadline:
            time.sleep(0.01)  # stopped once its loop runs, the session ends at once
        web.runner.stop()


def test_stopping_keeps_nothing_and_the_old_voice_stays(tmp_path: Path) -> None:
    where = places(tmp_path / "data")
    from facecoach._voice.enroll import save_enrolment

    old = Enrolment("en", "tiny.en", (Take("next", "next", "next", "next", -1, -1, None, -1),))
    save_enrolment(where, old)
    mic = OpenMic()
    recognizer = ScriptedTakes([heard("next")])
    mics = iter([quiet_mic(), mic])
    client, web = client_for(
        with_take_input(tmp_path, lambda: TakeInput(recognizer, lambda: next(mics)))
    )
    with client:
        client.post("/voice/start", headers=ORIGIN)
        assert mic.opened.wait(10)  # the first take was heard; the second is being listened for
        assert web.enrolment.status.heard == "Heard 'next'."
        client.post("/voice/stop", headers=ORIGIN)
        assert web.enrolment.status.state == "stopped"
        assert load_enrolment(where, "en") == old
        page = client.get("/voice").text
        assert "Stopped. Nothing new was kept." in page and "from 1 take." in page


def test_forget(tmp_path: Path) -> None:
    where = places(tmp_path / "data")
    from facecoach._voice.enroll import save_enrolment

    take = Take("next", "next", "next", "next", -1.0, -0.5, None, -0.3)
    save_enrolment(where, Enrolment("en", "tiny.en", (take, take)))
    client, _web = client_for(settings_for(tmp_path))
    with client:
        assert "Forget my voice" in client.get("/voice").text
        gone = client.post("/voice/forget", headers=ORIGIN)
        assert gone.status_code == 303 and gone.headers["location"] == "/voice?forgotten=1"
        assert load_enrolment(where, "en") is None
        page = client.get("/voice?forgotten=1").text
        assert "Your voice was forgotten" in page and "has not learnt your voice yet" in page
        again = client.post("/voice/forget", headers=ORIGIN)
        assert "There was no saved voice to forget." in again.text


def test_an_unreadable_enrolment_is_said_not_thrown(tmp_path: Path) -> None:
    where = places(tmp_path / "data")
    where.config.mkdir(parents=True, exist_ok=True)
    (where.config / "voice-enrolment.json").write_text("{not json", encoding="utf-8")
    client, _web = client_for(settings_for(tmp_path))
    with client:
        page = client.get("/voice")
        assert page.status_code == 200
        assert "Your saved voice could not be read" in page.text and "Forget my voice" in page.text


def test_with_voice_off_the_page_says_so_and_offers_no_button(tmp_path: Path) -> None:
    client, web = client_for(settings_for(tmp_path))
    with client:
        page = client.get("/voice").text
        assert VOICE_OFF in page
        assert 'action="/voice/start"' not in page and "Teach facecoach my voice" not in page
        refused = client.post("/voice/start", headers=ORIGIN)
        assert refused.status_code == 409 and VOICE_OFF in refused.text
        assert not web.enrolment.active


def test_an_engine_that_cannot_start_is_said_in_words(tmp_path: Path) -> None:
    def broken() -> TakeInput:
        raise EnrolmentUnavailable("The microphone could not be used: no such device.")

    client, web = client_for(with_take_input(tmp_path, broken))
    with client:
        client.post("/voice/start", headers=ORIGIN)
        status = wait_until_done(web)
        assert status.state == "failed"
        page = client.get("/voice").text
        assert "The microphone could not be used: no such device." in page
        assert "Traceback" not in page


def test_the_serve_options_decide_whether_a_voice_can_be_taught(tmp_path: Path) -> None:
    where = places(tmp_path)
    assert whisper_take_input(None, where) == (None, VOICE_OFF)
    assert whisper_take_input(VoiceSettings(mic_file="x.wav"), where) == (None, FROM_FILE)
    assert whisper_take_input(VoiceSettings(engine="vosk"), where) == (None, OTHER_ENGINE)
    assert whisper_take_input(VoiceSettings(lang="ko"), where) == (None, NOT_ENGLISH)


def test_every_voice_route_is_behind_the_guard(tmp_path: Path) -> None:
    web = make_app(settings_for(tmp_path))
    with TestClient(web.asgi, base_url="http://127.0.0.1:8123", follow_redirects=False) as client:
        for path in ("/voice", "/voice/status"):
            assert client.get(path).status_code == 401, path
        client.cookies.set(cookie_name(8123), TOKEN)
        for path in ("/voice/start", "/voice/stop", "/voice/forget"):
            assert client.post(path).status_code == 403, path  # no Origin: not from our pages
            elsewhere = {"origin": "http://evil.example"}
            assert client.post(path, headers=elsewhere).status_code == 403, path
            assert client.get(path).status_code == 405, path


def test_the_commands_in_the_prompts_are_the_pack_s() -> None:
    assert ("next", Command.NEXT.value) in PROMPTS and ("say again", "repeat") in PROMPTS
