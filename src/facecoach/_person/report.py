"""The progress report: one self-contained HTML file with plots (matplotlib, Agg).

Four plots, each an embedded PNG: sessions per week against the stage's
target, minutes per face area, "too tight" per week, and each exercise's
hold factor over time; then the table of sessions. Nothing is fetched from
anywhere: the file opens offline, and can be mailed to a therapist.
"""

from __future__ import annotations

import base64
import html
import io
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from .._core.frames import amount
from .._core.routine import AREAS, Library
from .._paths import Places, output_path, write_bytes_private
from .adapt import Outcome, floors_of, replay
from .history import reading
from .profile import Profile, describe
from .schedule import frequency
from .store import ExerciseSession, SessionRow

__all__ = ["ReportData", "gather", "plots", "render_html", "write_report"]

_WEEKS_SHOWN = 52
_TABLE_ROWS = 400
_MAX_LINES = 7
_COLOURS = ["#2f6f8f", "#c0703a", "#5b8c4a", "#8a5a9e", "#b8465f", "#4d4d4d", "#d4a72c"]


@dataclass(frozen=True)
class ReportData:
    """Everything the report shows, read once from the history."""

    day: date
    profile: Profile
    sessions: Sequence[SessionRow]
    exercises: Sequence[ExerciseSession]
    factors: Sequence[tuple[int, str, float]]
    """(session id, exercise, factor from then on), as adaptation replays the history."""
    areas: dict[str, str]
    """Exercise id -> face area, for exercises whose summary lacks one."""


def gather(where: Places, profile: Profile, library: Library, day: date) -> ReportData:
    """Read what the report needs (an empty report when there is no history yet)."""
    sessions: list[SessionRow] = []
    exercises: list[ExerciseSession] = []
    with reading(where) as store:
        if store is not None:
            sessions = store.sessions()
            exercises = store.exercise_sessions()
    outcomes = [
        Outcome(e.session_id, e.exercise, e.too_tight)
        for e in exercises
        if e.steps > 0 or e.too_tight > 0
    ]
    factors = replay(outcomes, floors_of(library))
    areas = {eid: ex.area.value for eid, ex in library.exercises.items()}
    return ReportData(day, profile, sessions, exercises, factors, areas)


def write_report(path: Path, data: ReportData) -> None:
    """Render the report and write it to ``path``: private (0600), never into a
    folder that is not there (``PlaceProblem`` naming it)."""
    write_bytes_private(output_path(path), render_html(data).encode("utf-8"))


# ------------------------------------------------------------ plots


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _weeks(data: ReportData) -> list[date]:
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


def _sessions_per_week(data: ReportData) -> str:
    weeks = _weeks(data)
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
    weeks = _weeks(data)
    per_week = Counter[date]()
    for s in data.sessions:
        per_week[_monday(date.fromisoformat(s.day))] += s.too_tight
    fig, ax = _figure(2.6)
    ax.bar(range(len(weeks)), [per_week.get(w, 0) for w in weeks], color=_COLOURS[4])
    _week_ticks(ax, weeks)
    ax.set_ylabel('"too tight"')
    ax.set_ylim(0, max(3, max(per_week.values(), default=0) + 1))
    ax.set_title('"Too tight" heard, per week')
    return _png(fig)


def _factors(data: ReportData) -> str:
    day_of = {s.id: date.fromisoformat(s.day) for s in data.sessions}
    start = _weeks(data)[0]
    series: dict[str, list[tuple[date, float]]] = defaultdict(list)
    for session, exercise, factor in data.factors:
        series[exercise].append((day_of.get(session, data.day), factor))
    # the window of the weekly plots; an exercise enters it at the factor it had then
    shown: dict[str, list[tuple[date, float]]] = {}
    for exercise, points in series.items():
        before = [f for d, f in points if d < start]
        inside = [(d, f) for d, f in points if d >= start]
        if inside:
            shown[exercise] = [(start, before[-1] if before else 1.0), *inside]

    # the most eased exercises: more lines would hide each other
    def lowest(item: tuple[str, list[tuple[date, float]]]) -> float:
        return min(f for _, f in item[1])

    picked = sorted(shown.items(), key=lowest)[:_MAX_LINES]
    fig, ax = _figure(3.0)
    for i, (exercise, points) in enumerate(sorted(picked)):
        xs = [d for d, _ in points] + [data.day]
        ys = [f for _, f in points] + [points[-1][1]]
        ax.step(xs, ys, where="post", color=_COLOURS[i % len(_COLOURS)], label=exercise)
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
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("hold factor")
    more = len(shown) - len(picked)
    note = f"; {more} more exercises changed" if more > 0 else ""
    ax.set_title(f"Hold factors over time (1.0 = as written{note})")
    from matplotlib.dates import DateFormatter

    ax.set_xlim(start, data.day + timedelta(days=1))
    # matplotlib's stubs leave this constructor untyped
    ax.xaxis.set_major_formatter(DateFormatter("%d %b\n%Y"))  # type: ignore[no-untyped-call]
    ax.tick_params(axis="x", labelsize=8)
    return _png(fig)


# ------------------------------------------------------------ page


_STYLE = """
body{font-family:system-ui,sans-serif;max-width:960px;margin:2em auto;padding:0 1em;
color:#222;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.2em} h2{font-size:1.2em;margin-top:1.6em}
.note{color:#555;font-size:.92em} img{max-width:100%;height:auto}
table{border-collapse:collapse;width:100%;font-size:.9em}
th,td{border-bottom:1px solid #ddd;padding:.25em .5em;text-align:left}
td.n,th.n{text-align:right} tr.sim td{color:#777}
"""


def plots(data: ReportData) -> list[tuple[str, str]]:
    """The report's plots: (title, PNG as base64), also shown by the web app."""
    return [
        ("Sessions per week", _sessions_per_week(data)),
        ("Minutes per face area", _minutes_per_area(data)),
        ("Too tight", _too_tight(data)),
        ("Hold factors", _factors(data)),
    ]


def render_html(data: ReportData) -> str:
    """The whole report as one HTML page (images embedded)."""
    e = html.escape
    counted = [s for s in data.sessions if s.counts]
    real = [s for s in data.sessions if not s.simulated]
    minutes = sum(s.seconds for s in real) / 60
    tight = sum(s.too_tight for s in real)
    simulated = len(data.sessions) - len(real)
    aside = f"; {amount(simulated, 'simulated session')} listed, never counted" if simulated else ""
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<title>facecoach progress report</title>",
        f"<style>{_STYLE}</style></head><body>",
        "<h1>facecoach progress report</h1>",
        f"<p class='note'>As of {e(data.day.isoformat())}. "
        + e("; ".join(describe(data.profile)))
        + ".</p>",
        f"<p>{amount(len(real), 'session')} ({len(counted)} finished or mostly done{aside}), "
        f"{amount(round(minutes), 'minute')} in all, "
        f"&ldquo;too tight&rdquo; {amount(tight, 'time')}.</p>",
        "<p class='note'>facecoach is a coaching aid, not a treatment. Show this report "
        "to your facial therapist.</p>",
    ]
    for title, png in plots(data):
        parts.append(f"<h2>{e(title)}</h2><img alt='{e(title)}' src='data:image/png;base64,{png}'>")
    parts.append(_table(data.sessions))
    parts.append("</body></html>")
    return "\n".join(parts)


def _table(sessions: Sequence[SessionRow]) -> str:
    e = html.escape
    rows = list(reversed(sessions))[:_TABLE_ROWS]
    head = (
        "<h2>Sessions</h2><table><tr><th>date</th><th>routine</th><th class='n'>minutes</th>"
        "<th class='n'>steps done</th><th class='n'>too tight</th><th>status</th></tr>"
    )
    body = [
        f"<tr{' class=sim' if s.simulated else ''}><td>{e(s.day)}</td><td>{e(s.routine)}</td>"
        f"<td class='n'>{s.seconds / 60:.1f}</td>"
        f"<td class='n'>{s.completed_steps}/{s.planned_steps}</td>"
        f"<td class='n'>{s.too_tight}</td>"
        f"<td>{e(s.status)}{' (simulated)' if s.simulated else ''}</td></tr>"
        for s in rows
    ]
    more = len(sessions) - len(rows)
    tail = f"<p class='note'>and {more} older sessions.</p>" if more > 0 else ""
    if not sessions:
        return "<h2>Sessions</h2><p>No sessions yet.</p>"
    return head + "".join(body) + "</table>" + tail
