"""The progress report and the history command."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest

from facecoach._cli import main


def _cli(home: Path, *args: str) -> int:
    return main(["--data-dir", str(home), *args])


PNG = b"\x89PNG\r\n\x1a\n"


def _images(page: str) -> list[bytes]:
    return [
        base64.b64decode(m) for m in re.findall(r"data:image/png;base64,([A-Za-z0-9+/=]+)", page)
    ]


def test_report_of_recorded_sessions(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "fc"
    assert _cli(home, "profile", "--stage", "recent", "--side", "right") == 0
    assert _cli(home, "run", "starter", "--simulate", "--record", "--command", "30:too tight") == 0
    assert _cli(home, "run", "--simulate", "--record") == 0
    out = tmp_path / "report.html"
    capsys.readouterr()
    assert _cli(home, "report", "-o", str(out)) == 0
    assert "2 sessions" in capsys.readouterr().out
    page = out.read_text(encoding="utf-8")
    images = _images(page)
    assert len(images) == 4 and all(i.startswith(PNG) and len(i) > 5000 for i in images)
    # self-contained: nothing fetched from elsewhere
    assert "http://" not in page and "https://" not in page and "<script" not in page
    for text in ("Sessions per week", "Minutes per face area", "Too tight", "Hold factors"):
        assert text in page
    assert page.count("<tr") == 3  # header and two sessions
    assert "starter" in page and "(simulated)" in page and "stage: recent" in page


def test_report_with_no_history(tmp_path: Path) -> None:
    out = tmp_path / "empty.html"
    assert _cli(tmp_path / "fc", "report", "-o", str(out), "--date", "2026-11-24") == 0
    page = out.read_text(encoding="utf-8")
    assert "No sessions yet" in page and len(_images(page)) == 4


def test_report_to_a_place_it_cannot_write(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _cli(tmp_path / "fc", "report", "-o", str(tmp_path / "no" / "such" / "r.html")) == 2
    assert "cannot write" in capsys.readouterr().err


def test_history_shows_each_session(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "fc"
    assert _cli(home, "history") == 0
    assert "No sessions yet" in capsys.readouterr().out
    assert _cli(home, "run", "starter", "--simulate", "--record", "--command", "40:stop") == 0
    assert _cli(home, "run", "starter", "--simulate", "--record", "--command", "30:too tight") == 0
    capsys.readouterr()
    assert _cli(home, "history", "--json") == 0
    first, second = json.loads(capsys.readouterr().out)
    assert first["status"] == "stop" and first["completed_steps"] < first["planned_steps"]
    assert second["status"] == "done" and second["too_tight"] == 1
    assert second["completed_steps"] == second["planned_steps"]
    assert 3 < second["minutes"] < 7 and second["simulated"]
    assert _cli(home, "history", "--limit", "1") == 0
    text = capsys.readouterr().out
    assert "starter" in text and "done (simulated)" in text and "stop" not in text
