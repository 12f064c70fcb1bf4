"""Hardening: ``plan`` on a very long routine prints every step without rich's per-row cost."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

from facecoach._cli.core import TABLE_ROWS
from facecoach._cli.main import main


def big_file(path: Path, count: int) -> Path:
    lines = ["exercises:"]
    for i in range(count):
        lines += [
            f"  - id: ex-{i}",
            f"    name: Exercise {i}",
            "    area: cheeks",
            "    kind: movement",
            "    steps:",
            "      - say: Smile gently [to the side].",
            "        hold: 5",
        ]
    lines += ["routines:", "  - id: big", "    name: Big", "    exercises:"]
    lines += [f"      - ex-{i}" for i in range(count)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def plan_text(path: Path) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["plan", str(path)]) == 0
    return out.getvalue()


def test_a_long_plan_prints_plain_columns_with_every_step(tmp_path: Path) -> None:
    text = plan_text(big_file(tmp_path / "big.yaml", 200))
    lines = text.splitlines()
    assert lines[0] == "Big (big)" and lines[-1].startswith("Total: ")
    holds = [line for line in lines if "hold 5 s" in line]
    assert len(holds) == 200
    assert sum("say: Smile gently [to the side]." in line for line in lines) == 200
    assert "━" not in text  # no table frame
    assert len(lines) - 2 > TABLE_ROWS


def test_a_short_plan_keeps_the_table_and_shows_brackets_as_written(tmp_path: Path) -> None:
    text = plan_text(big_file(tmp_path / "small.yaml", 2))
    assert "what happens" in text
    assert "[to the side]" in text
