"""``facecoach sheet`` and ``facecoach serve`` from the command line."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from facecoach._cli.main import main


def test_sheet_writes_one_block_per_exercise(tmp_path: Path) -> None:
    out = tmp_path / "starter.html"
    assert main(["sheet", "starter", "--side", "left", "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert page.count("<svg") == 5
    assert "Starter" in page and "left eyebrow" in page and "hold 5 seconds" in page
    assert "@page" in page  # printable


def test_sheet_names_a_missing_routine(tmp_path: Path) -> None:
    assert main(["sheet", "no-such-routine", "-o", str(tmp_path / "x.html")]) == 2
    assert not (tmp_path / "x.html").exists()


def test_serve_prints_one_link_and_answers_only_with_its_token(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "facecoach", "serve", "--no-browser", "--text-only"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "FACECOACH_HOME": str(tmp_path / "data")},
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        found = re.search(r"http://127\.0\.0\.1:(\d+)/\?token=([\w-]+)", line)
        assert found, line
        link = found.group(0)
        with httpx.Client(follow_redirects=True, timeout=20) as client:
            response = client.get(link)  # the socket listens before the line is printed
            assert response.status_code == 200 and "Today" in response.text
            base = f"http://127.0.0.1:{found.group(1)}/"
            assert httpx.get(base, timeout=20).status_code == 401
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
