"""The progress report: one self-contained HTML file with plots (matplotlib, Agg).

Four plots, each an embedded PNG (``report_plots``): sessions per week
against the stage's target, minutes per face area, "too tight" per week by
exercise, and each eased exercise's holds over time; then a table per
exercise a therapist can read (holds as written and as now adapted, sessions
done, "too tight" count and last date) and the table of sessions. Every
"too tight" comes from the history's own trail of them (one row each, with
the hold factor the session eased to). Nothing is fetched from anywhere: the
file opens offline, and can be mailed to a therapist.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .._core.frames import amount, minutes_text
from .._core.plan import adapted_hold
from .._core.routine import AREAS
from .._paths import replace_file
from .profile import describe
from .report_data import ReportData
from .report_plots import plots
from .store import SessionRow

__all__ = [
    "ExerciseLine",
    "exercise_lines",
    "exercise_table",
    "render_html",
    "write_report",
]

_TABLE_ROWS = 400


def write_report(path: Path, data: ReportData) -> None:
    """Render the report and put it at ``path`` atomically: private (0600), never
    into a folder that is not there (``PlaceProblem`` naming it)."""
    replace_file(path, render_html(data).encode("utf-8"))


# ------------------------------------------------------------ page


_STYLE = """
body{font-family:system-ui,sans-serif;max-width:960px;margin:2em auto;padding:0 1em;
color:#222;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.2em} h2{font-size:1.2em;margin-top:1.6em}
.note{color:#555;font-size:.92em} img{max-width:100%;height:auto}
table{border-collapse:collapse;width:100%;font-size:.9em}
th,td{border-bottom:1px solid #ddd;padding:.25em .5em;text-align:left}
td.n,th.n{text-align:right} tr.sim td{color:#777} td.d{white-space:nowrap}
caption{text-align:left;caption-side:top;padding-bottom:.4em}
"""


def render_html(data: ReportData) -> str:
    """The whole report as one HTML page (images embedded)."""
    e = html.escape
    counted = [s for s in data.sessions if s.counts]
    real = [s for s in data.sessions if not s.simulated]
    minutes = sum(s.seconds for s in real) / 60
    real_ids = {s.id for s in real}
    tight = sum(1 for t in data.tight if t.session in real_ids)
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
    parts.append(exercise_table(data))
    per_session = Counter(t.session for t in data.tight)
    parts.append(_table(data.sessions, per_session, data.routine_names))
    parts.append("</body></html>")
    return "\n".join(parts)


@dataclass(frozen=True)
class ExerciseLine:
    """One exercise's row of the therapist's table."""

    exercise: str
    name: str
    area: str
    written: tuple[float, ...]
    """The holds as the file writes them (empty when its file is not loaded)."""
    now: tuple[float, ...]
    """The holds the next session uses (after "too tight", never below the floor)."""
    factor: float
    sessions: int
    """Sessions that did at least one step of it."""
    last_done: str
    too_tight: int
    last_too_tight: str

    @property
    def written_text(self) -> str:
        """The written holds in words ("5, 8 s")."""
        return _seconds(self.written)

    @property
    def now_text(self) -> str:
        """The holds now in words: "as written", or the shortened holds and their percent."""
        if not self.written:
            return "not known"
        if self.factor >= 1.0:
            return "as written"
        return f"{_seconds(self.now)} ({self.factor * 100:.0f} %)"


def exercise_lines(data: ReportData) -> list[ExerciseLine]:
    """Every exercise the history has done or eased, in face order then by name."""
    factor: dict[str, float] = {}
    for _, exercise, value in data.factors:
        factor[exercise] = value
    sessions: Counter[str] = Counter()
    last_done: dict[str, str] = {}
    for e in data.exercises:
        if e.steps > 0:
            sessions[e.exercise] += 1
            last_done[e.exercise] = max(e.day, last_done.get(e.exercise, ""))
    tight: Counter[str] = Counter(t.exercise for t in data.tight)
    last_tight = {t.exercise: t.day.isoformat() for t in data.tight}
    lines = []
    for exercise in set(sessions) | set(tight):
        known = data.written.get(exercise)
        written = tuple(sorted(set(known.holds))) if known else ()
        f = factor.get(exercise, 1.0)
        now = tuple(adapted_hold(h, known.min_hold, f) for h in written) if known else ()
        area = data.areas.get(exercise, "")
        lines.append(
            ExerciseLine(
                exercise,
                data.name(exercise),
                area,
                written,
                now,
                f,
                sessions[exercise],
                last_done.get(exercise, ""),
                tight[exercise],
                last_tight.get(exercise, ""),
            )
        )
    order = {a: i for i, a in enumerate(AREAS)}
    return sorted(lines, key=lambda x: (order.get(x.area, len(order)), x.name))


def _seconds(values: Sequence[float]) -> str:
    if not values:
        return "not known (its file is not loaded)"
    words = [f"{v:.0f}" if abs(v - round(v)) < 0.05 else f"{v:.1f}" for v in values]
    return ", ".join(words) + " s"


def exercise_table(data: ReportData) -> str:
    """The table per exercise, for a therapist: holds written and adapted, "too tight"."""
    e = html.escape
    lines = exercise_lines(data)
    if not lines:
        return "<h2>Exercises</h2><p>No exercise done yet.</p>"
    head = (
        "<h2>Exercises</h2><table><caption class='note'>Holds now: what the next session "
        "uses, shortened after &ldquo;too tight&rdquo; and lengthened again slowly after "
        "sessions without it.</caption><tr><th scope='col'>exercise</th><th scope='col'>area"
        "</th><th scope='col'>holds as written</th><th scope='col'>holds now</th>"
        "<th scope='col' class='n'>sessions done</th><th scope='col'>last done</th>"
        "<th scope='col' class='n'>&ldquo;too tight&rdquo;</th>"
        "<th scope='col'>last &ldquo;too tight&rdquo;</th></tr>"
    )
    rows = []
    for line in lines:
        rows.append(
            f"<tr><th scope='row'>{e(line.name)}</th><td>{e(line.area)}</td>"
            f"<td>{e(line.written_text)}</td><td>{e(line.now_text)}</td>"
            f"<td class='n'>{line.sessions}</td><td class='d'>{e(line.last_done) or '&ndash;'}</td>"
            f"<td class='n'>{line.too_tight}</td>"
            f"<td class='d'>{e(line.last_too_tight) or '&ndash;'}</td>"
            "</tr>"
        )
    return head + "".join(rows) + "</table>"


def _table(
    sessions: Sequence[SessionRow], tight: Mapping[int, int], names: Mapping[str, str]
) -> str:
    e = html.escape
    rows = list(reversed(sessions))[:_TABLE_ROWS]
    head = (
        "<h2>Sessions</h2><table><tr><th>date</th><th>routine</th><th class='n'>minutes</th>"
        "<th class='n'>steps done</th><th class='n'>too tight</th><th>how it ended</th></tr>"
    )
    body = [
        f"<tr{' class=sim' if s.simulated else ''}><td>{e(s.day)}</td>"
        f"<td>{e(names.get(s.routine, s.routine))}</td>"
        f"<td class='n'>{minutes_text(s.seconds)}</td>"
        f"<td class='n'>{s.completed_steps}/{s.planned_steps}</td>"
        f"<td class='n'>{tight.get(s.id, 0)}</td>"
        f"<td>{e(s.ending)}{' (simulated)' if s.simulated else ''}</td>"
        "</tr>"
        for s in rows
    ]
    more = len(sessions) - len(rows)
    tail = f"<p class='note'>and {amount(more, 'older session')}.</p>" if more > 0 else ""
    if not sessions:
        return "<h2>Sessions</h2><p>No sessions yet.</p>"
    return head + "".join(body) + "</table>" + tail
