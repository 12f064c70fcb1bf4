"""The progress checks as small SVG charts, beside the sessions and the "too tight" events.

One chart per measure: the difference between the sides at each check, with a
bar for how much a single check varies, over the weeks; under it a strip with a
tick for each session day and a mark for each day with a "too tight". Drawn
here as SVG text, so the page needs no plotting library and no script.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from markupsafe import Markup

from .._person.progress import MEASURES

if TYPE_CHECKING:
    from .._person.progress_store import KeptCheck

__all__ = ["difference_words", "progress_plots"]

_W, _H, _STRIP = 480, 170, 28
_LEFT, _RIGHT, _TOP = 56, 16, 12


def difference_words(side: str) -> str:
    """What the charts' values are, naming the affected side when there is one."""
    if side in ("left", "right"):
        other = "right" if side == "left" else "left"
        return (
            f"your affected ({side}) side minus your {other} side, in % of the distance "
            "between your eyes; below zero: the affected side is lower or moves less"
        )
    return (
        "your left side minus your right side, in % of the distance between your eyes; "
        "below zero: the left side is lower or moves less"
    )


def progress_plots(
    checks: Sequence[KeptCheck],
    side: str,
    session_days: Sequence[date],
    tight_days: Sequence[date],
) -> list[tuple[str, Markup]]:
    """(title, SVG) for each measure that some check has; none without checks."""
    if not checks:
        return []
    sign = -1.0 if side == "right" else 1.0  # affected minus other; left minus right otherwise
    days = [c.when.date() for c in checks] + list(session_days) + list(tight_days)
    first, last = min(days), max(days)
    span = max((last - first).days, 1)
    inner = _W - _LEFT - _RIGHT

    def x_of(day: date) -> float:
        if first == last:  # one day alone sits in the middle
            return _LEFT + inner / 2
        return _LEFT + inner * (day - first).days / span

    plots: list[tuple[str, Markup]] = []
    for key, name in MEASURES.items():
        points = [
            (c.when.date(), sign * m.gap, m.spread)
            for c in checks
            for m in c.measures
            if m.key == key
        ]
        if not points:
            continue
        reach = max(2.0, *(abs(v) + e for _d, v, e in points))
        plot_h = _H - _TOP - _STRIP - 20

        def y_of(value: float, reach: float = reach, plot_h: float = plot_h) -> float:
            return _TOP + plot_h / 2 - value / reach * plot_h / 2

        parts = [
            f'<svg viewBox="0 0 {_W} {_H}" width="100%" role="img" '
            f'aria-label="{name}: {len(points)} check{"s" if len(points) != 1 else ""}" '
            'class="progress-plot" xmlns="http://www.w3.org/2000/svg">',
            f'<line x1="{_LEFT}" x2="{_W - _RIGHT}" y1="{y_of(0):.1f}" y2="{y_of(0):.1f}" '
            'stroke="#888" stroke-dasharray="4 3"/>',
            f'<text x="{_LEFT - 6}" y="{y_of(reach) + 10:.1f}" text-anchor="end" '
            f'font-size="12">+{reach:.1f}</text>',
            f'<text x="{_LEFT - 6}" y="{y_of(0) + 4:.1f}" text-anchor="end" '
            'font-size="12">0</text>',
            f'<text x="{_LEFT - 6}" y="{y_of(-reach):.1f}" text-anchor="end" '
            f'font-size="12">-{reach:.1f}</text>',
        ]
        path = []
        for day, value, spread in points:
            x, y = x_of(day), y_of(value)
            parts.append(
                f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y_of(value + spread):.1f}" '
                f'y2="{y_of(value - spread):.1f}" stroke="#1a5fb4" stroke-width="2"/>'
            )
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="#1a5fb4"/>')
            path.append(f"{x:.1f},{y:.1f}")
        if len(path) > 1:
            parts.append(
                f'<polyline points="{" ".join(path)}" fill="none" stroke="#1a5fb4" '
                'stroke-opacity="0.5"/>'
            )
        strip = _H - _STRIP
        parts.append(
            f'<text x="{_LEFT - 6}" y="{strip + 12}" text-anchor="end" '
            'font-size="11">sessions</text>'
        )
        for day in session_days:
            x = x_of(day)
            parts.append(
                f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{strip + 2}" y2="{strip + 14}" '
                'stroke="#555"/>'
            )
        for day in tight_days:
            x = x_of(day)
            parts.append(
                f'<path d="M{x:.1f},{strip + 16} l-5,9 h10 z" fill="#c01c28">'
                "<title>too tight</title></path>"
            )
        parts.append(
            f'<text x="{_LEFT}" y="{_H - 1}" font-size="11">{first.isoformat()}</text>'
            f'<text x="{_W - _RIGHT}" y="{_H - 1}" text-anchor="end" font-size="11">'
            f"{last.isoformat()}</text></svg>"
        )
        plots.append((name, Markup("".join(parts))))
    return plots
