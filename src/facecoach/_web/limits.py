"""How much a request may send: the app's forms are small, so a body is at most 16 kB.

``BodyLimit`` refuses a longer body by its Content-Length before reading any
of it, stops reading one without a length at the limit, gives a slow sender
``BODY_SECONDS``, and hands the app the body it read. A client that goes
away mid-body gets no answer and leaves nothing in the log.
"""

from __future__ import annotations

from collections.abc import Mapping

import anyio

from .asgi import ASGIApp, Message, Receive, Scope, Send, send_page

__all__ = ["BODY_LIMIT", "BODY_SECONDS", "BodyLimit"]

BODY_LIMIT = 16_384
"""Bytes: the longest form a page sends is well under 1 kB."""
BODY_SECONDS = 10.0
"""How long a body may take to arrive."""

_NO_BODY = ("GET", "HEAD", "OPTIONS")


class BodyLimit:
    """The middleware; the app behind it sees whole bodies of at most ``limit`` bytes."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        limit: int = BODY_LIMIT,
        seconds: float = BODY_SECONDS,
        wider: Mapping[str, int] | None = None,
    ):
        self.app = app
        self.limit = limit
        self.seconds = seconds
        self.wider = dict(wider or {})
        """Exact paths that take more than ``limit`` (a posted progress check)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in _NO_BODY:
            await self.app(scope, receive, send)
            return
        limit = self.wider.get(scope["path"], self.limit)
        lengths = [v for k, v in scope["headers"] if k.lower() == b"content-length"]
        if lengths:
            text = lengths[0].decode("latin-1").strip()
            if len(set(lengths)) > 1 or not (text.isascii() and text.isdigit()):
                await send_page(
                    send,
                    400,
                    "Not understood",
                    "The request's length was not a number.",
                    close=True,
                )
                return
            if int(text) > limit:
                await _too_long(send)
                return
        body = bytearray()
        with anyio.move_on_after(self.seconds) as waited:
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return  # nobody is left to answer
                body += message.get("body", b"")
                if len(body) > limit:
                    await _too_long(send)
                    return
                if not message.get("more_body", False):
                    break
        if waited.cancelled_caught:
            await send_page(
                send,
                408,
                "Too slow",
                "The request did not arrive in time. Please try again.",
                close=True,
            )
            return
        await self.app(scope, _replay(bytes(body), receive), send)


async def _too_long(send: Send) -> None:
    await send_page(
        send,
        413,
        "Too much",
        "facecoach's pages never send this much; nothing was read.",
        close=True,
    )


def _replay(body: bytes, receive: Receive) -> Receive:
    """The body as one message, then the server's own messages (a disconnect, later)."""
    sent = False

    async def again() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return again
