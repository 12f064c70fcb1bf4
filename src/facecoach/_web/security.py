"""Who may talk to the local web app: this machine, with the token, from its own pages.

An ASGI middleware in front of every route:

- the Host header must name this machine (127.0.0.1 or localhost) at the
  app's own port, which defeats DNS rebinding;
- the secret token must come with the request, in the ``token`` query
  parameter (the printed link) or in the cookie set on the first visit:
  none is 401, a wrong one 403;
- a request that changes anything must be a POST whose Origin (or, without
  one, Referer) is this app itself;
- a WebSocket is refused before it opens (the app has none).

A header that cannot be parsed is a refusal, never an error.
"""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import parse_qs, quote, urlencode, urlsplit

from starlette.requests import cookie_parser

from .asgi import ASGIApp, Receive, Scope, Send, send_page

__all__ = ["LOCAL_HOSTS", "AccessCheck", "cookie_name", "new_token"]

LOCAL_HOSTS = ("127.0.0.1", "localhost")
_SAFE = ("GET", "HEAD")
_POLICY_VIOLATION = 1008
"""The WebSocket close code for "not allowed" (servers answer the upgrade with 403)."""


def new_token() -> str:
    """A fresh secret for one start of the app."""
    return secrets.token_urlsafe(24)


def cookie_name(port: int) -> str:
    """The token's cookie; one per port, since cookies do not tell ports apart."""
    return f"facecoach_token_{port}"


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}


def _port_number(text: str) -> int | None:
    """``text`` as a TCP port, or None when it is not one (``evil``, ``99999``, ``٣``)."""
    if not (text.isascii() and text.isdigit() and len(text) <= 5):
        return None
    port = int(text)
    return port if 0 < port < 65536 else None


class AccessCheck:
    """The middleware that lets in only this computer, with the token, from the
    app's own pages. ``port`` is where the app listens (for the cookie, Host and Origin)."""

    def __init__(self, app: ASGIApp, *, token: str, port: int) -> None:
        self.app = app
        self.token = token
        self.port = port

    def _port_ok(self, port: int | None) -> bool:
        if self.port == 0:  # not bound yet: any port of this machine
            return port is not None
        return port == self.port

    def _host_ok(self, value: str) -> bool:
        name, colon, port = value.partition(":")
        if name.lower() not in LOCAL_HOSTS:
            return False
        return self._port_ok(_port_number(port) if colon else 80)

    def _origin_ok(self, headers: dict[str, str]) -> bool:
        origin = headers.get("origin") or headers.get("referer")
        if not origin or origin == "null":
            return False
        try:
            parts = urlsplit(origin)
            port = parts.port
        except ValueError:  # a broken IPv6 literal, a port that is not a number
            return False
        return (
            parts.scheme == "http"
            and parts.username is None
            and parts.hostname in LOCAL_HOSTS
            and self._port_ok(port or 80)
        )

    def _token_ok(self, given: str) -> bool:
        return hmac.compare_digest(given.encode(), self.token.encode())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, receive, send)
            return
        if scope["type"] != "http":
            await send({"type": "websocket.close", "code": _POLICY_VIOLATION})
            return
        headers = _headers(scope)
        if not self._host_ok(headers.get("host", "")):
            await send_page(
                send,
                421,
                "Wrong address",
                "facecoach answers only at http://127.0.0.1 on this computer.",
            )
            return
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        from_link = query.get("token", [""])[0]
        given = from_link or cookie_parser(headers.get("cookie", "")).get(
            cookie_name(self.port), ""
        )
        given = given or headers.get("x-facecoach-token", "")
        if not given:
            await send_page(
                send,
                401,
                "Please open the link facecoach gave you",
                "This page needs the secret link that <code>facecoach serve</code> printed "
                "when it started (it ends in ?token=...). Open that link once in this "
                "browser; after that, bookmarks work.",
            )
            return
        if not self._token_ok(given):
            await send_page(
                send,
                403,
                "This link is out of date",
                "facecoach makes a new secret link each time it starts. Open the link it "
                "printed most recently.",
            )
            return
        method = scope["method"]
        if method not in _SAFE and (method != "POST" or not self._origin_ok(headers)):
            await send_page(
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
        # quoted, and one leading slash: never a header break, never another site (//host)
        target = "/" + quote(scope["path"].lstrip("/"))
        target += f"?{urlencode(rest, doseq=True)}" if rest else ""
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
                    (b"content-length", b"0"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": b""})
