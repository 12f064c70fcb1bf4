"""The progress report's plots (matplotlib, Agg), each returned as a PNG in base64.

Sessions per week against the stage's target, minutes per face area, "too
tight" per week by exercise, and each eased exercise's holds over time. A
line is drawn only between sessions that did its exercise, and breaks where
weeks went by without it, so nothing is drawn where there is no data. Lines
that would lie on one another are told apart by marker, dash and legend.
"""

from __future__ import annotations

import base64
import io
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from .._core.routine import AREAS
from .schedule import frequency

if TYPE_CHECKING:
    from .report_data import ReportData, TightEvent

__all__ = ["GAP_DAYS", "broken_line", "factor_series", "factor_used", "plots", "weeks_of"]

_WEEKS_SHOWN = 52
_MAX_LINES = 7
_COLOURS = ["#2f6f8f", "#c0703a", "#5b8c4a", "#8a5a9e", "#b8465f", "#4d4d4d", "#d4a72c"]
_MARKERS = ["o", "s", "^", "D", "v", "P", "X"]
_DASHES = ["-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1)), (0, (1, 2))]
GAP_DAYS = 21
"""A hold line breaks when its exercise was not done for longer than this."""


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weeks_of(data: ReportData) -> list[date]:
    """The Mondays of the weeks the weekly plots show."""
    if not data.sessions:
        return [_monday(data.day)]
    first = _monday(date.fromisoformat(data.sessions[0].day))
    last = _monday(max(data.day, date.fromisoformat(data.sessions[-1].day)))
    weeks = []
    # at least a couple of months, so that a few sessions do not fill the picture
    week = min(max(first, last - timedelta(weeks=_WEEKS_SHOWN - 1)), last - timedelta(weeks=7))
    while week <= last:
        weeks.append(week)
        week += timedelta(weeks=1)
    return weeks


def _png(fig: Any) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _figure(height: float = 3.2) -> Any:
    from matplotlib.figure import Figure  # Agg canvas, no global pyplot state

    fig = Figure(figsize=(9, height))
    return fig, fig.add_subplot()


def _whole_steps(axis: Any) -> None:
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True))  # counts are whole: no 0.5 ticks


def _sessions_per_week(data: ReportData) -> str:
    weeks = weeks_of(data)
    counted = Counter(_monday(date.fromisoformat(s.day)) for s in data.sessions if s.counts)
    fig, ax = _figure()
    xs = list(range(len(weeks)))
    p = data.profile
    if p.stage:
        lows, heights = [], []
        for week in weeks:
            freq = frequency(p.stage, p.stage_since, p.upkeep, week + timedelta(days=6))
            low, high = (freq.low, freq.high) if freq else (0.0, 0.0)
            # a target of exactly N still shows, as a thin band around N
            lows.append(low if high > low else low - 0.08)
            heights.append(high - low if high > low else 0.16)
        ax.bar(
            xs,
            heights,
            1.0,
            bottom=lows,
            color=_COLOURS[1],
            alpha=0.4,
            zorder=1,
            label=f"target ({p.stage})",
        )
    ax.bar(
        xs, [counted.get(w, 0) for w in weeks], 0.6, color=_COLOURS[0], zorder=2, label="sessions"
    )
    _week_ticks(ax, weeks)
    _whole_steps(ax.yaxis)
    ax.set_ylabel("sessions")
    ax.set_ylim(0, max(7.5, max(counted.values(), default=0) + 0.5))
    ax.set_title("Sessions per week" + ("" if p.stage else " (stage not set: no target)"))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, frameon=False)
    return _png(fig)


def _week_ticks(ax: Any, weeks: Sequence[date]) -> None:
    step = max(1, len(weeks) // 12)
    ticks = list(range(0, len(weeks), step))
    ax.set_xticks(ticks)
    ax.set_xticklabels([weeks[i].strftime("%d %b\n%Y") for i in ticks], fontsize=8)
    ax.set_xlim(-0.6, len(weeks) - 0.4)


def _minutes_per_area(data: ReportData) -> str:
    minutes: dict[str, float] = defaultdict(float)
    recent: dict[str, float] = defaultdict(float)
    since = data.day - timedelta(days=28)
    simulated = {s.id for s in data.sessions if s.simulated}
    for e in data.exercises:
        if e.session_id in simulated:  # practice time is real practice only
            continue
        area = e.area or data.areas.get(e.exercise, "other")
        minutes[area] += e.seconds / 60
        if date.fromisoformat(e.day) > since:
            recent[area] += e.seconds / 60
    names = [a for a in AREAS if a in minutes] + sorted(set(minutes) - set(AREAS))
    from matplotlib.figure import Figure

    if not any(minutes.values()):  # no real practice yet: say so, not an empty axis
        fig, ax = _figure(1.2)
        ax.set_axis_off()
        ax.text(0.5, 0.5, "No real sessions yet (simulated ones are not practice).", ha="center")
        return _png(fig)

    fig = Figure(figsize=(9, 2.8))
    left, right = fig.subplots(1, 2, sharey=True)
    ys = list(range(len(names)))
    for ax, values, colour, title in (
        (left, minutes, _COLOURS[0], "all sessions"),
        (right, recent, _COLOURS[2], "last 4 weeks"),
    ):
        ax.barh(ys, [values.get(a, 0.0) for a in names], 0.6, color=colour)
        ax.set_title(f"Minutes per face area: {title}", fontsize=10)
        ax.set_xlabel("minutes")
    left.set_yticks(ys)
    left.set_yticklabels(names)
    left.invert_yaxis()
    return _png(fig)


def _too_tight(data: ReportData) -> str:
    """ "Too tight" per week, stacked by the exercise it came on."""
    weeks = weeks_of(data)
    index = {w: i for i, w in enumerate(weeks)}
    by_exercise: dict[str, Counter[int]] = defaultdict(Counter)
    for event in data.tight:
        slot = index.get(_monday(event.day))
        if slot is not None:
            by_exercise[event.exercise][slot] += 1
    order = sorted(by_exercise, key=lambda e: -sum(by_exercise[e].values()))
    shown, rest = order[: _MAX_LINES - 1], order[_MAX_LINES - 1 :]
    if len(rest) == 1:
        shown, rest = order, []
    fig, ax = _figure(2.8)
    bottom = [0] * len(weeks)
    groups = [(data.name(e), [by_exercise[e]]) for e in shown]
    if rest:
        groups.append((f"{len(rest)} other exercises", [by_exercise[e] for e in rest]))
    for i, (label, counters) in enumerate(groups):
        heights = [sum(c[k] for c in counters) for k in range(len(weeks))]
        ax.bar(
            range(len(weeks)),
            heights,
            0.7,
            bottom=bottom,
            color=_COLOURS[i % len(_COLOURS)],
            hatch=["", "//", "..", "xx", "\\\\", "--", "oo"][i % 7],
            edgecolor="white",
            label=label,
        )
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    _week_ticks(ax, weeks)
    _whole_steps(ax.yaxis)
    ax.set_ylabel('"too tight"')
    ax.set_ylim(0, max(3, max(bottom, default=0) + 1))
    ax.set_title('"Too tight" heard per week, by exercise')
    if groups:
        ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False, fontsize=8)
    else:
        ax.text(
            0.5,
            0.5,
            'No "too tight" in this period.',
            ha="center",
            va="center",
            transform=ax.transAxes,
        )
    return _png(fig)


def factor_used(data: ReportData) -> dict[tuple[int, str], float]:
    """The hold factor each session used for each exercise it did (1.0 = as written)."""
    changed: dict[int, dict[str, float]] = defaultdict(dict)
    for session, exercise, factor in data.factors:
        changed[session][exercise] = factor
    current: dict[str, float] = {}
    used: dict[tuple[int, str], float] = {}
    for e in data.exercises:  # oldest session first
        used[(e.session_id, e.exercise)] = current.get(e.exercise, 1.0)
        if e.exercise in changed.get(e.session_id, {}):
            current[e.exercise] = changed[e.session_id][e.exercise]
    return used


def factor_series(data: ReportData) -> dict[str, list[tuple[date, float]]]:
    """Each eased exercise's factor in every session that did it: (day, factor used then).

    Only exercises whose factor ever changed, and only sessions that did them
    (so a line never claims a value for weeks with no data).
    """
    eased = {exercise for _, exercise, _ in data.factors}
    used = factor_used(data)
    series: dict[str, list[tuple[date, float]]] = defaultdict(list)
    for e in data.exercises:
        if e.exercise in eased and (e.steps > 0 or e.too_tight > 0):
            day = date.fromisoformat(e.day)
            series[e.exercise].append((day, used[(e.session_id, e.exercise)]))
    return dict(series)


def broken_line(points: Sequence[tuple[date, float]]) -> tuple[list[date], list[float]]:
    """The points with a gap (NaN) where the exercise was not done for ``GAP_DAYS``."""
    xs: list[date] = []
    ys: list[float] = []
    for day, factor in points:
        if xs and (day - xs[-1]).days > GAP_DAYS:
            xs.append(xs[-1] + timedelta(days=1))
            ys.append(float("nan"))
        xs.append(day)
        ys.append(factor * 100)
    return xs, ys


_DENSE = 30
"""Above this many sessions in view, a line marks only where its hold changes."""


def _marks(ys: Sequence[float]) -> list[int] | None:
    """Every point of a short line; of a long one, the first, the last and each change."""
    if len(ys) <= _DENSE:
        return None
    keep = [0, len(ys) - 1]
    keep += [i for i in range(1, len(ys)) if ys[i] != ys[i - 1]]  # NaN != NaN: breaks too
    return sorted({i for i in keep if ys[i] == ys[i]})  # never a NaN itself


def _factors(data: ReportData) -> str:
    start = weeks_of(data)[0]
    series = {
        exercise: [(d, f) for d, f in points if d >= start]
        for exercise, points in factor_series(data).items()
    }
    series = {e: p for e, p in series.items() if p}

    # the most eased exercises: more lines would hide each other
    def lowest(item: tuple[str, list[tuple[date, float]]]) -> float:
        return min(f for _, f in item[1])

    picked = sorted(sorted(series.items()), key=lowest)[:_MAX_LINES]
    fig, ax = _figure(3.4)
    for i, (exercise, points) in enumerate(picked):
        xs, ys = broken_line(points)
        ax.plot(
            xs,
            ys,
            color=_COLOURS[i % len(_COLOURS)],
            linestyle=_DASHES[i % len(_DASHES)],
            marker=_MARKERS[i % len(_MARKERS)],
            markersize=7 - (i % 3),
            markerfacecolor="white" if i % 2 else _COLOURS[i % len(_COLOURS)],
            linewidth=1.6,
            drawstyle="steps-post",
            markevery=_marks(ys),
            label=data.name(exercise),
        )
    shown = {exercise for exercise, _ in picked}
    tight = [e for e in data.tight if e.exercise in shown and e.day >= start]
    used = factor_used(data)

    def eased(event: TightEvent) -> float:
        # the session eases the holds it began with, never below the floor
        written = data.written.get(event.exercise)
        floor = min(1.0, written.min_hold / max(written.holds)) if written and written.holds else 0
        return max(floor, used.get((event.session, event.exercise), 1.0) * event.factor) * 100

    if tight:
        ax.scatter(
            [e.day for e in tight],
            [eased(e) for e in tight],
            marker="x",
            color="#222222",
            s=36,
            zorder=5,
            label='"too tight": the hold eased to, that session',
        )
    if not picked:
        ax.text(
            0.5,
            0.5,
            'No "too tight" in this period: every hold as written.',
            ha="center",
            va="center",
            transform=ax.transAxes,
        )
    else:
        ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False, fontsize=8)
    # room for the lines: from a whole step below the shortest hold (the floor is seldom low)
    lowest_shown = min((f for _, points in picked for _, f in points), default=1.0)
    lowest_tight = min((eased(e) / 100 for e in tight), default=1.0)
    bottom = max(0, int(min(lowest_shown, lowest_tight) * 10) * 10 - 10)
    ax.set_ylim(bottom, 105)
    ax.set_ylabel("hold, % of written")
    more = len(series) - len(picked)
    note = f"; {more} more exercises eased" if more > 0 else ""
    ax.set_title(f"Holds in each session that did the exercise (100 % = as written{note})")
    from matplotlib.dates import DateFormatter

    ax.set_xlim(start, data.day + timedelta(days=1))
    # matplotlib's stubs leave this constructor untyped
    ax.xaxis.set_major_formatter(DateFormatter("%d %b\n%Y"))  # type: ignore[no-untyped-call]
    ax.tick_params(axis="x", labelsize=8)
    return _png(fig)


def plots(data: ReportData) -> list[tuple[str, str]]:
    """The report's plots: (title, PNG as base64), also shown by the web app."""
    return [
        ("Sessions per week", _sessions_per_week(data)),
        ("Minutes per face area", _minutes_per_area(data)),
        ("Too tight", _too_tight(data)),
        ("Hold factors", _factors(data)),
    ]
