"""Hardening: the commands that need no terminal or lock import where fcntl/termios do not exist."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HIDE = """
import sys
class Hide:
    def find_spec(self, name, path=None, target=None):
        if name in ("fcntl", "termios", "tty"):
            raise ImportError(f"no module named {name!r} here")
        return None
sys.meta_path.insert(0, Hide())
for name in ("fcntl", "termios", "tty"):
    sys.modules.pop(name, None)
from facecoach._cli.main import main
sys.exit(main(sys.argv[1:]))
"""


def facecoach_without_posix(tmp_path: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", HIDE, "--data-dir", str(tmp_path / "fc"), *argv],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_validate_plan_simulate_history_and_report_run_without_fcntl_and_termios(
    tmp_path: Path,
) -> None:
    for argv in (
        ("plan", "starter"),
        ("run", "starter", "--simulate", "--record"),
        ("history",),
        ("report", "-o", str(tmp_path / "r.html")),
    ):
        done = facecoach_without_posix(tmp_path, *argv)
        assert done.returncode == 0, (argv, done.stderr[-2000:])
        assert "Traceback" not in done.stderr
