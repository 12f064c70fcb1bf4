"""Who may talk to the local web app: this machine, with the token, from its own pages.

An ASGI middleware in front of every route:

- the Host header must name this machine (127.0.0.1 or localhost), which
  defeats DNS rebinding;
- the secret token must come with the request, in the ``token`` query
  parameter (the printed link) or in the cookie set on the first visit:
  none is 401, a wrong one 403;
- a request that changes anything must be a POST whose Origin (or, without
  one, Referer) is this app itself.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

__all__ = ["LOCAL_HOSTS", "Guard", "cookie_name", "new_token"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

LOCAL_HOSTS = ("127.0.0.1", "localhost")
_SAFE = ("GET", "HEAD")


def new_token() -> str:
    """A fresh secret for one start of the app."""
    return secrets.token_urlsafe(24)


def cookie_name(port: int) -> str:
    """The token's cookie; one per port, since cookies do not tell ports apart."""
    return f"facecoach_token_{port}"


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}


def _host_name(value: str) -> str:
    if value.startswith("["):
        return value.split("]")[0] + "]"
    return value.rsplit(":", 1)[0] if ":" in value else value


_PAGE = (
    "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
    "<style>body{{font:1.3rem/1.5 sans-serif;max-width:38rem;margin:2rem auto;padding:0 1rem}}"
    "</style></head><body><main><h1>{title}</h1><p>{text}</p></main></body></html>"
)


async def _refuse(send: Send, status: int, title: str, text: str) -> None:
    body = _PAGE.format(title=title, text=text).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/html; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"cache-control", b"no-store"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class Guard:
    """The middleware. ``port`` is where the app listens (for the cookie and Origin)."""

    def __init__(self, app: ASGIApp, *, token: str, port: int) -> None:
        self.app = app
        self.token = token
        self.port = port

    def _origin_ok(self, headers: dict[str, str]) -> bool:
        origin = headers.get("origin") or headers.get("referer")
        if not origin or origin == "null":
            return False
        parts = urlsplit(origin)
        return (
            parts.scheme == "http"
            and parts.hostname in LOCAL_HOSTS
            and (parts.port or 80) == self.port
        )

    def _token_ok(self, given: str) -> bool:
        return hmac.compare_digest(given.encode(), self.token.encode())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, receive, send)
            return
        if scope["type"] != "http":
            await _refuse(send, 403, "Not allowed", "Only plain web pages are served here.")
            return
        headers = _headers(scope)
        if _host_name(headers.get("host", "")) not in LOCAL_HOSTS:
            await _refuse(
                send,
                421,
                "Wrong address",
                "facecoach answers only at http://127.0.0.1 on this computer.",
            )
            return
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        from_link = query.get("token", [""])[0]
        cookie = SimpleCookie(headers.get("cookie", ""))
        morsel = cookie.get(cookie_name(self.port))
        given = from_link or (morsel.value if morsel is not None else "")
        given = given or headers.get("x-facecoach-token", "")
        if not given:
            await _refuse(
                send,
                401,
                "Please open the link facecoach gave you",
                "This page needs the secret link that <code>facecoach serve</code> printed "
                "when it started (it ends in ?token=...). Open that link once in this "
                "browser; after that, bookmarks work.",
            )
            return
        if not self._token_ok(given):
            await _refuse(
                send,
                403,
                "This link is out of date",
                "facecoach makes a new secret link each time it starts. Open the link it "
                "printed most recently.",
            )
            return
        method = scope["method"]
        if method not in _SAFE and (method != "POST" or not self._origin_ok(headers)):
            await _refuse(
                send, 403, "Not allowed", "Changes can only be made from facecoach's own pages."
            )
            return
        if from_link and method in _SAFE:
            await self._keep_token(scope, send, query)
            return
        await self.app(scope, receive, send)

    async def _keep_token(self, scope: Scope, send: Send, query: dict[str, list[str]]) -> None:
        """First visit by the link: set the cookie and go to the same page without the token."""
        rest = {k: v for k, v in query.items() if k != "token"}
        target = scope["path"] + (f"?{urlencode(rest, doseq=True)}" if rest else "")
        cookie = (
            f"{cookie_name(self.port)}={self.token}; Path=/; HttpOnly; SameSite=Strict; "
            "Max-Age=31536000"
        )
        await send(
            {
                "type": "http.response.start",
                "status": 303,
                "headers": [
                    (b"location", target.encode()),
                    (b"set-cookie", cookie.encode()),
                    (b"cache-control", b"no-store"),
                    (b"content-length", b"0"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": b""})
