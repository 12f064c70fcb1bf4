"""Hostile requests to the web app, in process: headers that cannot be parsed, bodies that
are too long, malformed or cut off, and WebSockets. Each is a clear 4xx or no answer at
all, never a 500; the app behind the guard never sees them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import anyio
import pytest
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from facecoach._paths import places
from facecoach._person.profile import load_profile
from facecoach._web.app import make_app
from facecoach._web.asgi import Message, Scope
from facecoach._web.limits import BODY_LIMIT, BodyLimit
from facecoach._web.security import cookie_name
from web_support import TOKEN, settings_for

BASE = "http://127.0.0.1:8123"
ORIGIN = {"origin": BASE}


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    web = make_app(settings_for(tmp_path))
    with TestClient(web.asgi, base_url=BASE, follow_redirects=False) as c:
        c.cookies.set(cookie_name(8123), TOKEN)
        yield c


BAD_ORIGINS = [
    "http://127.0.0.1:abc",
    "http://127.0.0.1:99999",
    "http://127.0.0.1:65536",
    "http://127.0.0.1:-1",
    "http://127.0.0.1:0",
    "http://127.0.0.1:8123:8123",
    "http://127.0.0.1:\uff18\uff11\uff12\uff13",  # full-width digits
    "http://[::1",
    "http://[::1]:8123",
    "http://[zz::]:8123",
    "http://[",
    "http://]",
    "http://user@127.0.0.1:8123",
    "https://127.0.0.1:8123",
    "ftp://127.0.0.1:8123",
    "http://127.0.0.1.evil.example:8123",
    "http://localhost.:8123",
    "//127.0.0.1:8123",
    "127.0.0.1:8123",
    "http://127.0.0.1:8124",
    "http://127.0.0.1",
    "null",
    "",
    " ",
    "http://%31%32%37.0.0.1:8123",
]


@pytest.mark.parametrize("origin", BAD_ORIGINS)
@pytest.mark.parametrize("header", ["origin", "referer"])
def test_an_origin_that_cannot_be_read_is_403(
    client: TestClient, tmp_path: Path, origin: str, header: str
) -> None:
    response = client.post(
        "/profile", data={"stage": "recent"}, headers={header.encode(): origin.encode()}
    )
    assert response.status_code == 403, origin
    assert "Changes can only be made" in response.text
    assert load_profile(places(tmp_path / "data")).stage is None


BAD_HOSTS = [
    "localhost:evil",
    "127.0.0.1:evil",
    "localhost:",
    "127.0.0.1:99999",
    "127.0.0.1:0",
    "127.0.0.1:8124",
    "127.0.0.1",  # port 80, not this app's
    "localhost:8123:8123",
    "127.0.0.1:8123@evil.example",
    "[::1]:8123",
    "[::1",
    "127.0.0.1:\uff18\uff11\uff12\uff13",
    "evil.example",
    "127.0.0.1.evil.example:8123",
    "localhost.evil:8123",
    "",
    " 127.0.0.1:8123",
]


@pytest.mark.parametrize("host", BAD_HOSTS)
def test_a_host_that_is_not_this_app_is_refused(client: TestClient, host: str) -> None:
    response = client.get("/", headers={b"host": host.encode()})
    assert response.status_code == 421, host
    assert "Wrong address" in response.text


@pytest.mark.parametrize("host", ["127.0.0.1:8123", "localhost:8123", "LOCALHOST:8123"])
def test_this_apps_own_address_is_served(client: TestClient, host: str) -> None:
    assert client.get("/", headers={"host": host}).status_code == 200


MALFORMED = [
    b"\xff\xfe\x00\x01",
    b"%%%%%",
    b"=&=&=&",
    b"days=\x00",
    b"days=99999999999999999999999999999999",
    b"days=-1",
    b"days=\xd9\xa3",  # an Arabic-Indic three
    b"days=1e3",
    b"side=left&side=" + b"x" * 5000,
    b"stage=recent%00",
    b"upkeep=" + b"%ff" * 1000,
    b'{"stage": "recent"}',
    b"&" * 8000,
    b"days=" + b"9" * 5000,
    b"--boundary\r\nContent-Disposition: form-data; name=stage\r\n\r\nrecent\r\n--boundary--",
]


@pytest.mark.parametrize("body", MALFORMED)
def test_a_malformed_form_is_a_clear_answer(
    client: TestClient, tmp_path: Path, body: bytes
) -> None:
    for path in ("/profile", "/session/command", "/session/start", "/check", "/voice/forget"):
        response = client.post(path, content=body, headers=ORIGIN)
        assert response.status_code < 500, (path, response.text)
        assert "Traceback" not in response.text
    assert load_profile(places(tmp_path / "data")).stage is None


def test_a_body_over_the_limit_is_413_before_it_is_read(client: TestClient) -> None:
    response = client.post("/profile", content=b"a" * (BODY_LIMIT + 1), headers=ORIGIN)
    assert response.status_code == 413
    assert response.headers["connection"] == "close"

    def chunks() -> Iterator[bytes]:
        for _ in range(BODY_LIMIT // 1000 + 5):
            yield b"b" * 1000

    streamed = client.post("/profile", content=chunks(), headers=ORIGIN)  # chunked: no length
    assert streamed.status_code == 413


def _call(
    app: BodyLimit, headers: list[tuple[bytes, bytes]], messages: list[Message]
) -> list[Message]:
    """Run ``app`` on one POST with ``messages`` as what the client sends; what it answered."""
    sent: list[Message] = []
    scope: Scope = {"type": "http", "method": "POST", "path": "/", "headers": headers}

    async def receive() -> Message:
        if not messages:
            await anyio.sleep(3600)  # a client that never sends the rest
        return messages.pop(0)

    async def send(message: Message) -> None:
        sent.append(message)

    anyio.run(app, scope, receive, send)
    return sent


async def _never(scope: Scope, receive: object, send: object) -> None:
    raise AssertionError("the app behind the limit was reached")


@pytest.mark.parametrize(
    "length", [b"abc", b"-1", b"1e3", b"0x10", b" ", b"\xd9\xa3", b"99999999999999999999999"]
)
def test_a_length_that_is_not_a_number_or_too_big_is_refused_unread(length: bytes) -> None:
    sent = _call(BodyLimit(_never), [(b"content-length", length)], [])
    assert sent[0]["status"] in (400, 413)
    assert (b"connection", b"close") in sent[0]["headers"]
    two = _call(BodyLimit(_never), [(b"content-length", b"5"), (b"content-length", b"6")], [])
    assert two[0]["status"] == 400


def test_a_client_that_leaves_mid_body_gets_no_answer_and_no_error() -> None:
    messages: list[Message] = [
        {"type": "http.request", "body": b"stage=re", "more_body": True},
        {"type": "http.disconnect"},
    ]
    assert _call(BodyLimit(_never), [(b"content-length", b"100")], messages) == []


def test_a_body_that_trickles_in_too_slowly_is_408() -> None:
    messages: list[Message] = [{"type": "http.request", "body": b"st", "more_body": True}]
    sent = _call(BodyLimit(_never, seconds=0.05), [], messages)
    assert sent[0]["status"] == 408


def test_the_app_gets_the_whole_body_it_read() -> None:
    got: list[bytes] = []

    async def app(scope: Scope, receive: object, send: object) -> None:
        from starlette.requests import Request

        got.append(await Request(scope, receive).body())  # type: ignore[arg-type]

    parts: list[Message] = [
        {"type": "http.request", "body": b"stage=", "more_body": True},
        {"type": "http.request", "body": b"recent", "more_body": False},
    ]
    _call(BodyLimit(app), [], parts)
    assert got == [b"stage=recent"]


@pytest.mark.parametrize("path", ["/", "/events", "/ws", "/static/app.js"])
def test_a_websocket_is_refused_before_it_opens(tmp_path: Path, path: str) -> None:
    web = make_app(settings_for(tmp_path))
    with TestClient(web.asgi, base_url=BASE) as anyone:
        with pytest.raises(WebSocketDisconnect) as closed, anyone.websocket_connect(path):
            pass
        assert closed.value.code == 1008
        anyone.cookies.set(cookie_name(8123), TOKEN)
        with pytest.raises(WebSocketDisconnect), anyone.websocket_connect(f"{path}?token={TOKEN}"):
            pass


@pytest.mark.parametrize(
    "path",
    [
        "/%0d%0aSet-Cookie:%20x=1",
        "//evil.example/",
        "/%2f%2fevil.example",
        "/\u00e9t\u00e9",
    ],
)
def test_the_first_visit_redirect_stays_on_this_app(client: TestClient, path: str) -> None:
    response = client.get(f"{path}?token={TOKEN}")
    assert response.status_code == 303
    location = response.headers["location"]
    assert location.startswith("/") and not location.startswith("//")
    assert "\r" not in location and "\n" not in location
    assert response.headers.get_list("set-cookie") == [response.headers["set-cookie"]]
    assert response.headers["set-cookie"].startswith(cookie_name(8123))


PROGRESS_BODIES = [
    b"[" * 200_000,
    b"9" * 5000,
    b'{"expressions": {"rest": [{"points": [[' + b"9" * 400 + b", 1, 1, 1]]}]}}",
    b'{"expressions": {"rest": [{"points": [[1, 1e999, 1, 1]]}]}}',
    b'{"expressions": {"rest": "' + b"\\u0000" * 1000 + b'"}}',
    b"\xff\xfe",
    b"",
    b"null",
]


@pytest.mark.parametrize("body", PROGRESS_BODIES)
def test_a_hostile_progress_check_is_400_in_plain_words(client: TestClient, body: bytes) -> None:
    response = client.post(
        "/progress/check", content=body, headers={**ORIGIN, "content-type": "application/json"}
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error.startswith("The check was not understood")
    assert "sys." not in error and "Traceback" not in error


@pytest.mark.parametrize(
    "cookie",
    [
        '="; a',
        "facecoach_token_8123",
        "facecoach_token_8123=; facecoach_token_8123=" + TOKEN,
        "\x00\x01\x02",
        "a=" + "b" * 8000,
        ";;;;;;;;",
        'facecoach_token_8123="' + TOKEN,
        "facecoach_token_8123=\u00e9",
    ],
)
def test_a_cookie_that_cannot_be_read_is_no_token(tmp_path: Path, cookie: str) -> None:
    web = make_app(settings_for(tmp_path))
    with TestClient(web.asgi, base_url=BASE, follow_redirects=False) as anyone:
        response = anyone.get("/", headers={b"cookie": cookie.encode()})
    assert response.status_code in (200, 401, 403)
    assert "Traceback" not in response.text


@pytest.mark.parametrize("method", ["OPTIONS", "TRACE", "PATCH", "PROPFIND", "CONNECT"])
def test_other_methods_are_refused(client: TestClient, method: str) -> None:
    response = client.request(method, "/profile", headers=ORIGIN)
    assert response.status_code in (403, 405)


@pytest.mark.parametrize(
    "query",
    [
        "?saved=" + "x" * 5000,
        "?token=&token=" + TOKEN,
        "?%ff%fe=%00",
        "?forgotten=1&forgotten=0",
        "?done=" + "%" * 100,
        "?" + "&" * 5000,
    ],
)
def test_odd_queries_are_answered(client: TestClient, query: str) -> None:
    for path in ("/", "/profile", "/voice", "/progress", "/history"):
        response = client.get(path + query)
        assert response.status_code in (200, 303, 403), (path, query)
