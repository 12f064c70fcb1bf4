"""The web app on a real uvicorn on 127.0.0.1: what one connection may hold.

A request head that trickles in is cut off; a huge body is refused by its length
before it is read, and one without a length is cut off at the limit; a WebSocket
upgrade and a client leaving mid-body leave no traceback in the log.
"""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from facecoach._web.limits import BODY_LIMIT
from web_support import TOKEN, served, settings_for

TRICKLERS = 40


@pytest.fixture
def address(tmp_path: Path) -> Iterator[tuple[str, int]]:
    with served(settings_for(tmp_path), head_seconds=0.5) as (_server, link):
        parts = urlsplit(link)
        assert parts.hostname is not None and parts.port is not None
        yield parts.hostname, parts.port


def _connect(address: tuple[str, int]) -> socket.socket:
    sock = socket.create_connection(address, timeout=20)
    return sock


def _head(address: tuple[str, int], method: str, path: str, extra: str = "") -> bytes:
    host, port = address
    return (
        f"{method} {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
        f"Cookie: facecoach_token_{port}={TOKEN}\r\nOrigin: http://{host}:{port}\r\n{extra}\r\n"
    ).encode()


def _answer(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection (or 20 s pass)."""
    got = b""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            chunk = sock.recv(65536)
        except (ConnectionResetError, TimeoutError):
            break
        if not chunk:
            break
        got += chunk
    return got


def _closed(sock: socket.socket) -> bool:
    """The server has closed its side (a read gives end of file or a reset)."""
    sock.setblocking(False)
    try:
        return sock.recv(65536) == b""
    except BlockingIOError:
        return False
    except ConnectionResetError:
        return True
    finally:
        sock.setblocking(True)


def test_connections_trickling_their_heads_are_closed(address: tuple[str, int]) -> None:
    socks = [_connect(address) for _ in range(TRICKLERS)]
    try:
        head = _head(address, "GET", "/")
        deadline = time.monotonic() + 30
        sent = 0
        while time.monotonic() < deadline and not all(_closed(s) for s in socks):
            for sock in socks:
                with contextlib.suppress(OSError):  # closed already: counted below
                    sock.send(head[sent % (len(head) - 4) : sent % (len(head) - 4) + 1])
            sent += 1
            time.sleep(0.05)
        open_now = [s for s in socks if not _closed(s)]
        assert not open_now, f"{len(open_now)} of {TRICKLERS} trickling connections still open"
    finally:
        for sock in socks:
            sock.close()


def test_a_kept_alive_connection_must_send_its_next_head_in_time(
    address: tuple[str, int],
) -> None:
    with _connect(address) as sock:
        sock.sendall(_head(address, "GET", "/voice/status"))
        first = sock.recv(65536)
        assert first.startswith(b"HTTP/1.1 200")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not _closed(sock):
            try:
                sock.send(b"G")
            except OSError:
                break
            time.sleep(0.05)
        assert _closed(sock)


def test_a_huge_body_is_refused_by_its_length_unread(address: tuple[str, int]) -> None:
    with _connect(address) as sock:
        sock.sendall(
            _head(
                address,
                "POST",
                "/profile",
                "Content-Length: 209715200\r\nContent-Type: application/x-www-form-urlencoded\r\n",
            )
        )
        answer = _answer(sock)  # not one byte of the body was sent
    assert answer.startswith(b"HTTP/1.1 413"), answer[:80]
    assert b"x-content-type-options: nosniff" in answer.lower()


def test_a_huge_body_without_a_length_is_cut_off_at_the_limit(address: tuple[str, int]) -> None:
    sent = 0
    with _connect(address) as sock:
        sock.sendall(_head(address, "POST", "/profile", "Transfer-Encoding: chunked\r\n"))
        chunk = b"%x\r\n%s\r\n" % (65536, b"a" * 65536)
        try:
            for _ in range(200 * 16):  # 200 MB, if it were all taken
                sock.sendall(chunk)
                sent += len(chunk)
        except OSError:
            pass  # the server closed the connection
        answer = _answer(sock)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:80]
    assert sent < 50 * 1024 * 1024, f"{sent} bytes were taken before the refusal"


def test_a_websocket_upgrade_is_refused_without_a_trace(
    address: tuple[str, int], capfd: pytest.CaptureFixture[str]
) -> None:
    upgrade = (
        "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    )
    for path in ("/", f"/?token={TOKEN}", "/events"):
        with _connect(address) as sock:
            sock.sendall(_head(address, "GET", path, upgrade))
            answer = _answer(sock)
        assert answer.startswith(b"HTTP/1.1 403"), answer[:80]
    _still_serving(address)
    err = capfd.readouterr().err
    assert "Traceback" not in err and "Exception" not in err, err


def test_a_client_leaving_mid_body_leaves_no_trace(
    address: tuple[str, int], capfd: pytest.CaptureFixture[str]
) -> None:
    for length in (100, BODY_LIMIT):
        with _connect(address) as sock:
            sock.sendall(_head(address, "POST", "/profile", f"Content-Length: {length}\r\n"))
            sock.sendall(b"stage=re")
    for _ in range(3):
        _still_serving(address)
    err = capfd.readouterr().err
    assert "Traceback" not in err and "ClientDisconnect" not in err, err


def _still_serving(address: tuple[str, int]) -> None:
    with _connect(address) as sock:
        sock.sendall(_head(address, "GET", "/voice/status", "Connection: close\r\n"))
        assert _answer(sock).startswith(b"HTTP/1.1 200")


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 64,  # a TLS hello
        b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n",
        b"GET / HTTP/1.1\r\nX-Big: " + b"b" * 70_000 + b"\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n",
        b"GET / HTTP/9.9\r\n\r\n",
        b"\r\n\r\n\r\n",
    ],
)
def test_requests_that_are_not_http_are_refused_without_a_trace(
    address: tuple[str, int], capfd: pytest.CaptureFixture[str], request_bytes: bytes
) -> None:
    with _connect(address) as sock:
        with contextlib.suppress(OSError):  # the server may close before it is all sent
            sock.sendall(request_bytes)
        answer = _answer(sock)
    assert answer == b"" or answer.startswith(b"HTTP/1.1 4"), answer[:80]
    _still_serving(address)
    err = capfd.readouterr().err
    assert "Traceback" not in err, err
