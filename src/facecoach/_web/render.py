"""The Jinja2 templates, read from the package (no files outside it, no CDN)."""

from __future__ import annotations

from functools import cache

import jinja2

__all__ = ["environment", "seconds_text"]


def seconds_text(seconds: float) -> str:
    """``5 seconds``, ``1 minute 30 seconds``: time in words, for people."""
    whole = round(seconds)
    minutes, rest = divmod(whole, 60)
    parts = []
    if minutes:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    if rest or not minutes:
        parts.append(f"{rest} second{'s' if rest != 1 else ''}")
    return " ".join(parts)


@cache
def environment() -> jinja2.Environment:
    """The one template environment: autoescaped, strict about missing values."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("facecoach._web", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["seconds"] = seconds_text
    return env
