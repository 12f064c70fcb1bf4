"""The safety gate: no exercise before movement returns; a live run needs the stage."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from facecoach._cli.main import main
from facecoach._person.gate import REFUSED, Refusal, check_gate


def test_gate_rules() -> None:
    for live in (True, False):
        with pytest.raises(Refusal, match="profile --stage recent"):
            check_gate("not-yet", live=live)
    with pytest.raises(Refusal, match="profile --stage"):
        check_gate(None, live=True)
    check_gate(None, live=False)
    for stage in ("recent", "long-standing", "after-care"):
        check_gate(stage, live=True)
        check_gate(stage, live=False)


def _cli(home: Path, *args: str) -> int:
    return main(["--data-dir", str(home), *args])


@pytest.mark.parametrize(
    "run",
    [
        ["run", "starter", "--simulate"],
        ["run", "starter", "--simulate", "--record"],
        ["run", "--simulate"],
        ["run", "starter"],
        ["run"],
    ],
)
def test_not_yet_refuses_every_session(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], run: list[str]
) -> None:
    home = tmp_path / "fc"
    assert _cli(home, "profile", "--stage", "not-yet") == 0
    capsys.readouterr()
    assert _cli(home, *run) == REFUSED == 3
    out, err = capsys.readouterr()
    assert out == ""
    assert "movement" in err and "facecoach profile --stage recent" in err
    assert "eye does not close" in err and "doctor" in err  # what matters at this stage
    assert "Traceback" not in err
    assert not (home / "facecoach.sqlite3").exists()


def test_changing_the_stage_lifts_it(tmp_path: Path) -> None:
    home = tmp_path / "fc"
    assert _cli(home, "profile", "--stage", "not-yet") == 0
    assert _cli(home, "run", "starter", "--simulate") == 3
    assert _cli(home, "profile", "--stage", "recent") == 0
    assert _cli(home, "run", "starter", "--simulate") == 0


def test_unset_stage_lets_a_simulation_through_but_not_a_live_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "fc"
    assert _cli(home, "run", "starter", "--simulate") == 0
    capsys.readouterr()
    assert _cli(home, "run", "starter") == 3
    err = capsys.readouterr().err
    assert "facecoach profile --stage" in err and "--simulate" in err


def test_the_refusal_from_a_real_process(tmp_path: Path) -> None:
    home = tmp_path / "fc"
    assert _cli(home, "profile", "--stage", "not-yet") == 0
    proc = subprocess.run(
        [sys.executable, "-m", "facecoach", "--data-dir", str(home), "run", "--simulate"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert proc.returncode == 3
    assert proc.stderr.startswith("facecoach: ") and "Traceback" not in proc.stderr


def test_today_explains_the_wait(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "fc"
    assert _cli(home, "profile", "--stage", "not-yet") == 0
    capsys.readouterr()
    assert _cli(home, "today") == 0
    out = capsys.readouterr().out
    assert "no session" in out and "movement" in out.lower()
    # besides waiting: protecting an eye that does not close, and seeing a clinician
    assert "eye does not close" in out and "drops by day" in out
    assert "red eye" in out and "facial therapist" in out
