"""The kept progress checks: measures only, in one private file of the data folder.

``progress-checks.json`` holds a list of checks (date and time, the affected
side from the profile, each measure's left and right values and spread, frames
per expression). No image and no landmark is ever written here. The file is
replaced whole (a reader or a crash sees the old list or the new one) and is
private to the user (0600, in a 0700 folder).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from .._paths import PlaceProblem, read_regular, write_text_atomic
from .progress import MEASURES, CheckResult, Measure

if TYPE_CHECKING:
    from pathlib import Path

    from .._paths import Places

__all__ = [
    "CHECK_EVERY_DAYS",
    "KEPT_LIMIT",
    "KeptCheck",
    "ProgressFileProblem",
    "check_due",
    "delete_check",
    "forget_checks",
    "keep_check",
    "load_checks",
    "progress_file",
]

KEPT_LIMIT = 2000
"""At most this many checks are kept (years of weekly checks); the oldest go first."""
_LIMIT_BYTES = 8 * 1024 * 1024
CHECK_EVERY_DAYS = 7
"""A check is suggested once this many days have passed since the last one."""


class ProgressFileProblem(ValueError):
    """The kept checks cannot be read; the message names the file and what is wrong."""


@dataclass(frozen=True)
class KeptCheck:
    """One kept check."""

    when: datetime
    """Local date and time of the check (its name: no two checks share one)."""
    side: str
    """The affected side from the profile at the time ("left", "right", "both" or "")."""
    measures: tuple[Measure, ...]
    frames: dict[str, int]

    @property
    def key(self) -> str:
        """The check's name in forms and links."""
        return self.when.isoformat(timespec="seconds")

    def to_json(self) -> dict[str, Any]:
        """The check as a plain dict for the file and the page."""
        return {
            "when": self.key,
            "side": self.side,
            "frames": dict(self.frames),
            "measures": [
                {"key": m.key, "left": m.left, "right": m.right, "spread": m.spread}
                for m in self.measures
            ],
        }


def progress_file(where: Places) -> Path:
    """The file that keeps the checks."""
    return where.data / "progress-checks.json"


def _number(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ProgressFileProblem(f"{where}: expected a number, not {value!r}")
    return float(value)


def _check_of(item: object, path: Path, index: int) -> KeptCheck:
    where = f"{path}: check {index + 1}"
    if not isinstance(item, dict):
        raise ProgressFileProblem(f"{where}: expected an object")
    try:
        when = datetime.fromisoformat(str(item["when"]))
        side = str(item.get("side", ""))
        frames = {str(k): int(v) for k, v in dict(item.get("frames", {})).items()}
        measures = []
        for m in item["measures"]:
            key = str(m["key"])
            if key not in MEASURES:
                continue  # a measure of a later version: kept in the file, not shown
            measures.append(
                Measure(
                    key,
                    _number(m["left"], f"{where}, {key}, left"),
                    _number(m["right"], f"{where}, {key}, right"),
                    _number(m["spread"], f"{where}, {key}, spread"),
                )
            )
    except (KeyError, TypeError, ValueError) as error:
        if isinstance(error, ProgressFileProblem):
            raise
        raise ProgressFileProblem(f"{where}: {error!s} is missing or wrong") from None
    return KeptCheck(when, side, tuple(measures), frames)


def load_checks(where: Places) -> list[KeptCheck]:
    """The kept checks, oldest first (none when nothing was kept yet)."""
    path = progress_file(where)
    try:
        text = read_regular(path, limit=_LIMIT_BYTES, what="checks file").decode("utf-8")
    except FileNotFoundError:
        return []
    except PlaceProblem as error:
        raise ProgressFileProblem(str(error.strerror)) from None
    except UnicodeDecodeError:
        raise ProgressFileProblem(f"{path}: not a facecoach checks file (not UTF-8)") from None
    except OSError as error:
        raise ProgressFileProblem(f"{path} cannot be read: {error.strerror or error}") from None
    try:
        items = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ProgressFileProblem(f"{path}: not a facecoach checks file ({error})") from None
    if not isinstance(items, list):
        raise ProgressFileProblem(f"{path}: expected a list of checks")
    checks = [_check_of(item, path, i) for i, item in enumerate(items)]
    return sorted(checks, key=lambda c: c.when)


def _write(where: Places, checks: list[KeptCheck]) -> None:
    text = json.dumps([c.to_json() for c in checks[-KEPT_LIMIT:]], indent=1) + "\n"
    try:
        write_text_atomic(progress_file(where), text)
    except PlaceProblem:
        raise
    except OSError as error:
        raise PlaceProblem(
            error.errno or 0, f"cannot write {progress_file(where)}: {error.strerror or error}"
        ) from None


def keep_check(where: Places, result: CheckResult, when: datetime, side: str) -> KeptCheck:
    """Add a check's measures to the kept ones and return it as kept."""
    checks = load_checks(where)
    # Two checks within one second are one check sent twice: the later wins.
    kept = KeptCheck(when.replace(microsecond=0), side, result.measures, dict(result.frames))
    checks = [c for c in checks if c.when != kept.when] + [kept]
    _write(where, sorted(checks, key=lambda c: c.when))
    return kept


def delete_check(where: Places, key: str) -> bool:
    """Delete the check named ``key``; False when there is none."""
    checks = load_checks(where)
    left = [c for c in checks if c.key != key]
    if len(left) == len(checks):
        return False
    _write(where, left)
    return True


def forget_checks(where: Places) -> bool:
    """Delete every kept check (the file itself); False when there was none."""
    path = progress_file(where)
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    except OSError as error:
        raise PlaceProblem(
            error.errno or 0, f"cannot delete {path}: {error.strerror or error}"
        ) from None
    return True


def check_due(where: Places, day: date) -> str:
    """A sentence suggesting a progress check when one is due on ``day`` ("" when not,
    or when the kept checks cannot be read: the Progress page says why)."""
    try:
        checks = load_checks(where)
    except ProgressFileProblem:
        return ""
    if not checks:
        return "No progress check yet: a minute in front of the camera, once a week."
    days = (day - checks[-1].when.date()).days
    if days < CHECK_EVERY_DAYS:
        return ""
    return f"A progress check is due: the last one was {days} days ago."
