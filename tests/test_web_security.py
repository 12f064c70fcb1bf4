"""The web app refuses strangers: no token, a wrong token, a foreign Host, a cross-origin
POST, a path outside its files; and it runs the same gate and profile as the command line."""

from __future__ import annotations

from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import httpx
import pytest
from starlette.testclient import TestClient

from facecoach._paths import places
from facecoach._person.profile import load_profile
from facecoach._web import session_page
from facecoach._web.app import make_app
from facecoach._web.headers import SECURITY_HEADERS
from facecoach._web.security import cookie_name
from web_support import TOKEN, settings_for

ORIGIN = {"origin": "http://127.0.0.1:8123"}
BASE = "http://127.0.0.1:8123"
STATIC = resources.files("facecoach._web") / "static"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    web = make_app(settings_for(tmp_path))
    with TestClient(web.asgi, base_url="http://127.0.0.1:8123", follow_redirects=False) as c:
        yield c


@pytest.fixture
def signed_in(client: TestClient) -> TestClient:
    client.cookies.set(cookie_name(8123), TOKEN)
    return client


def test_no_token_is_401_and_says_what_to_do(client: TestClient) -> None:
    for path in ("/", "/session", "/history", "/static/app.js", "/events"):
        response = client.get(path)
        assert response.status_code == 401, path
        assert "link" in response.text
    assert client.post("/session/start", headers=ORIGIN).status_code == 401


def test_a_wrong_token_is_403(client: TestClient) -> None:
    assert client.get("/?token=guess").status_code == 403
    client.cookies.set(cookie_name(8123), "old-token")
    assert client.get("/").status_code == 403
    assert client.get("/", headers={"x-facecoach-token": "nope"}).status_code == 403


def test_the_link_sets_a_cookie_and_drops_the_token_from_the_address(client: TestClient) -> None:
    response = client.get(f"/history?token={TOKEN}")
    assert response.status_code == 303
    assert response.headers["location"] == "/history"
    cookie = response.headers["set-cookie"]
    assert f"{cookie_name(8123)}={TOKEN}" in cookie
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    client.cookies.set(cookie_name(8123), TOKEN)
    assert client.get("/history").status_code == 200


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8123", "127.0.0.1.evil.example"])
def test_a_foreign_host_is_refused(signed_in: TestClient, host: str) -> None:
    response = signed_in.get("/", headers={"host": host})
    assert 400 <= response.status_code < 500
    assert signed_in.get("/", headers={"host": "localhost:8123"}).status_code == 200


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"origin": "http://evil.example"},
        {"origin": "http://127.0.0.1:9999"},
        {"origin": "null"},
        {"referer": "http://evil.example/page"},
    ],
)
def test_a_post_from_elsewhere_is_refused(
    signed_in: TestClient, tmp_path: Path, headers: dict[str, str]
) -> None:
    response = signed_in.post("/profile", data={"stage": "recent"}, headers=headers)
    assert response.status_code == 403
    assert load_profile(places(tmp_path / "data")).stage is None


def test_changes_need_a_post(signed_in: TestClient) -> None:
    for path in ("/session/start", "/session/command", "/check"):
        assert signed_in.get(path).status_code == 405
    assert signed_in.put("/profile", headers=ORIGIN).status_code == 403
    assert signed_in.delete("/profile", headers=ORIGIN).status_code == 403


@pytest.mark.parametrize(
    "path",
    [
        "/static/../pyproject.toml",
        "/static/%2e%2e/%2e%2e/pyproject.toml",
        "/static/..%2f..%2fapp.py",
        "/static/app.py",
        "/static/%2fetc%2fpasswd",
        "/static/....//....//etc/passwd",
        "/sheet/..%2f..%2fetc%2fpasswd",
        "/sheet/../../etc/passwd",
    ],
)
def test_paths_outside_the_app_are_refused(signed_in: TestClient, path: str) -> None:
    response = signed_in.get(path)
    assert response.status_code in (401, 404)
    assert "root:" not in response.text and "[project]" not in response.text
    assert "import" not in response.text


def _has_the_browser_rules(response: httpx.Response) -> None:
    for name, value in SECURITY_HEADERS.items():
        if name != "cache-control":
            assert response.headers.get(name) == value, (response.status_code, name)


def test_every_answer_carries_the_browser_rules(client: TestClient) -> None:
    refusals = [
        client.get("/"),  # 401
        client.get("/?token=guess"),  # 403
        client.get("/", headers={"host": "evil.example"}),  # 421
        client.get(f"/?token={TOKEN}"),  # 303 with the cookie
    ]
    assert [r.status_code for r in refusals] == [401, 403, 421, 303]
    client.cookies.set(cookie_name(8123), TOKEN)
    answers = [
        client.get("/"),
        client.get("/static/app.js"),
        client.get("/static/app.css"),
        client.get("/static/nothing.js"),
        client.get("/no-such-page"),
        client.get("/session/start"),  # 405
        client.post("/profile", headers={"origin": "http://evil.example"}),  # 403
        client.post("/profile", headers={**ORIGIN, "content-length": "99999"}),  # 413
        client.get("/voice/status"),
    ]
    assert [r.status_code for r in answers] == [200, 200, 200, 404, 404, 405, 403, 413, 200]
    for response in refusals + answers:
        _has_the_browser_rules(response)
        assert response.headers["cache-control"] == "no-store"


def test_static_files_are_served_with_their_types(signed_in: TestClient) -> None:
    script = signed_in.get("/static/app.js")
    assert "javascript" in script.headers["content-type"]
    assert script.content == (STATIC / "app.js").read_bytes()
    assert signed_in.get("/static/app.css").headers["content-type"].startswith("text/css")
    assert signed_in.post("/static/app.js", headers=ORIGIN).status_code == 405


def test_a_fault_in_the_app_is_a_page_in_plain_words_with_the_rules(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a fault in facecoach itself")

    monkeypatch.setattr(session_page, "page", broken)
    web = make_app(settings_for(tmp_path))
    with TestClient(web.asgi, base_url=BASE, raise_server_exceptions=False) as client:
        client.cookies.set(cookie_name(8123), TOKEN)
        response = client.get("/session")
    assert response.status_code == 500
    assert "Something went wrong" in response.text and "Traceback" not in response.text
    _has_the_browser_rules(response)


def test_pages_carry_a_strict_policy(signed_in: TestClient) -> None:
    response = signed_in.get("/")
    assert response.status_code == 200
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert response.headers["referrer-policy"] == "same-origin"
    assert response.headers["x-content-type-options"] == "nosniff"


def test_the_stage_gate_applies_as_on_the_command_line(signed_in: TestClient) -> None:
    response = signed_in.post("/session/start", data={"routine": "test-short"}, headers=ORIGIN)
    assert response.status_code == 409
    assert "needs to know where you are in recovery" in response.text
    response = signed_in.post("/profile", data={"side": "left", "stage": "not-yet"}, headers=ORIGIN)
    assert response.status_code == 303
    response = signed_in.post("/session/start", data={"routine": "test-short"}, headers=ORIGIN)
    assert response.status_code == 409
    assert "movement has not yet started to return" in response.text
    assert "No exercise for now" in signed_in.get("/").text


def test_the_profile_page_saves_like_the_command_line(
    signed_in: TestClient, tmp_path: Path
) -> None:
    response = signed_in.post(
        "/profile",
        data={"side": "right", "stage": "recent", "days": ["0", "3"], "upkeep": "monthly"},
        headers=ORIGIN,
    )
    assert response.status_code == 303
    profile = load_profile(places(tmp_path / "data"))
    assert (profile.side, profile.stage, profile.days, profile.upkeep) == (
        "right",
        "recent",
        (0, 3),
        "monthly",
    )
    assert profile.asked
    bad = signed_in.post("/profile", data={"stage": "sometimes"}, headers=ORIGIN)
    assert bad.status_code == 400


def test_routines_and_sheets_show_the_pictures(signed_in: TestClient) -> None:
    page = signed_in.get("/routines")
    assert page.status_code == 200
    assert page.text.count("<svg") >= 20
    sheet = signed_in.get("/sheet/test-short")
    assert sheet.status_code == 200
    assert "Test cheek lift" in sheet.text and "hold 40 seconds" in sheet.text
    assert signed_in.get("/sheet/nothing-here").status_code == 404


def test_the_pages_never_ask_for_a_terminal_command(signed_in: TestClient) -> None:
    # A stage that is not set is the commonest first sight: the page offers its
    # Profile page, where the command line would print a command to type.
    page = signed_in.get("/").text
    assert "set it in your profile" in page and 'href="/profile"' in page
    assert "facecoach profile" not in page and "--stage" not in page
    # nor when the safety gate refuses a start, with no stage or before movement returns
    for stage in (None, "not-yet"):
        if stage is not None:
            signed_in.post("/profile", data={"stage": stage}, headers=ORIGIN)
        refused = signed_in.post("/session/start", headers=ORIGIN)
        assert refused.status_code == 409
        assert "in your profile" in refused.text, stage
        assert "facecoach profile" not in refused.text and "--simulate" not in refused.text
