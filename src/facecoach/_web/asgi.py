"""The ASGI shapes the app's own middleware speaks (no framework needed)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

__all__ = ["ASGIApp", "Message", "Receive", "Scope", "Send", "send_page"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_PAGE = (
    "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
    "<style>body{{font:1.3rem/1.5 sans-serif;max-width:38rem;margin:2rem auto;padding:0 1rem}}"
    "</style></head><body><main><h1>{title}</h1><p>{text}</p></main></body></html>"
)


async def send_page(send: Send, status: int, title: str, text: str, *, close: bool = False) -> None:
    """A small page in plain words, before the app is reached (``text`` is trusted HTML).

    ``close``: tell the client the connection ends here (its body was not read).
    """
    body = _PAGE.format(title=title, text=text).encode()
    headers = [
        (b"content-type", b"text/html; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
    ]
    if close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
