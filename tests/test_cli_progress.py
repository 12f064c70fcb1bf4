"""``facecoach progress``: the kept camera checks listed, and deleted by the person."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from facecoach._cli.main import main
from facecoach._paths import places
from facecoach._person.progress import CheckResult, Measure
from facecoach._person.progress_photos import keep_photo, photos_folder, photos_of
from facecoach._person.progress_store import keep_check, load_checks
from test_cli_house import HEAVY, _imported

JPEG = b"\xff\xd8\xff\xe0" + b"\0" * 64 + b"\xff\xd9"


def _keep_two(home: Path) -> list[str]:
    where = places(home)
    result = CheckResult(
        (Measure("brow_rest", 30.0, 33.5, 0.4), Measure("smile", 20.0, 25.0, 0.6)), {}, {}
    )
    keys = []
    for day in (2, 9):
        kept = keep_check(where, result, datetime(2026, 11, day, 10, 0), "left")
        keys.append(kept.key)
    keep_photo(where, keys[1], "rest", JPEG)
    keep_photo(where, keys[1], "smile", JPEG)
    return keys


def test_the_checks_are_listed_with_their_photos(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--data-dir", str(tmp_path), "progress"]) == 0
    assert "No camera checks yet" in capsys.readouterr().out
    _keep_two(tmp_path)
    assert main(["--data-dir", str(tmp_path), "progress"]) == 0
    out = capsys.readouterr().out
    assert "2026-11-09T10:00:00, affected side left, 2 photos" in out
    assert "Brow height at rest" in out and "-3.5" in out
    assert "not a clinical grade" in out


def test_deleting_photos_a_check_and_everything(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = _keep_two(tmp_path)
    where = places(tmp_path)
    base = ["--data-dir", str(tmp_path), "progress"]
    assert main([*base, "--delete-photos", second]) == 0
    assert photos_of(where, second) == [] and len(load_checks(where)) == 2
    assert main([*base, "--delete-photos", second]) == 1
    assert main([*base, "--delete", first]) == 0
    assert [c.key for c in load_checks(where)] == [second]
    assert main([*base, "--delete", "../../profile"]) == 1
    assert "no check" in capsys.readouterr().err
    keep_photo(where, second, "rest", JPEG)
    assert main([*base, "--forget"]) == 0
    assert load_checks(where) == [] and not photos_folder(where).exists()
    assert main([*base, "--forget"]) == 0
    assert "Nothing was kept" in capsys.readouterr().out


def test_progress_imports_no_audio_or_engines(tmp_path: Path) -> None:
    assert not _imported(["progress"], tmp_path) & set(HEAVY)
