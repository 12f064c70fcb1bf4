"""Hardening: `export -o` refuses a missing folder as `report -o` does (no folders made),
and the session file it writes about the person is private (0600)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from facecoach._cli.main import main


def test_a_missing_output_folder_is_refused_like_report_and_never_made(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = str(tmp_path / "fc")
    statuses = []
    for command, target in (
        ("report", tmp_path / "missing" / "dir" / "x.html"),
        ("export", tmp_path / "missing" / "dir" / "x.wav"),
    ):
        argv = ["--data-dir", data, command, *(["starter"] if command == "export" else [])]
        statuses.append(main([*argv, "-o", str(target)]))
        assert f"the folder {target.parent} does not exist" in capsys.readouterr().err
        assert not (tmp_path / "missing").exists()
    assert statuses[0] != 0 and statuses[0] == statuses[1]  # one rule, one exit status


def test_an_output_folder_that_is_a_file_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "file").write_text("")
    target = tmp_path / "file" / "x.wav"
    assert main(["--data-dir", str(tmp_path / "fc"), "export", "starter", "-o", str(target)]) == 2
    assert f"the folder {target.parent}" in capsys.readouterr().err


def test_the_exported_session_is_private_whatever_the_umask(
    tmp_path: Path, sample_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "session.wav"
    old = os.umask(0o022)
    try:
        status = main(
            ["--data-dir", str(tmp_path / "fc"), "export", str(sample_file), "-o", str(out)]
        )
    finally:
        os.umask(old)
    assert status == 0, capsys.readouterr().err
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    cached = list((tmp_path / "fc" / "cache" / "speech").rglob("*.wav"))
    assert cached and all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in cached)
