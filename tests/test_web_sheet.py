"""The printed sheet a therapist hands out: who and when at the top, a notes box, every
exercise with its picture and a plain repeat line, and a log to tick; printed to PDF by
Chromium, its first page is filled."""

from __future__ import annotations

import shutil
import stat
import subprocess
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from facecoach._cli.main import main
from facecoach._core.loader import builtin_library
from facecoach._web.sheet import log_weeks, render_sheet, repeat_note, sheet_blocks, times_words

DAY = date(2026, 12, 4)  # a Friday


class Collect(HTMLParser):
    """Text of the page, and the classes of every element."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.classes: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for key, value in attrs:
            if key == "class" and value:
                self.classes.extend(value.split())

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parsed(page: str) -> Collect:
    found = Collect()
    found.feed(page)
    return found


def starter_sheet(name: str = "Alex Morgan", side: str | None = "left") -> str:
    library = builtin_library()
    return render_sheet(
        library.routines["starter"], library, person_side=side, day=DAY, minutes=6, name=name
    )


def test_the_top_says_who_which_side_and_when_with_a_box_for_notes() -> None:
    found = parsed(starter_sheet())
    text = " ".join(" ".join(found.text).split())
    assert "Name Alex Morgan" in text
    assert "Side of the palsy left" in text
    assert "Date 4 December 2026" in text
    assert "Notes from your therapist" in text and "notes" in found.classes


def test_without_a_name_or_side_there_are_lines_to_write_on() -> None:
    found = parsed(starter_sheet(name="  ", side=None))
    text = " ".join(" ".join(found.text).split())
    assert "Name Side of the palsy Date 4 December 2026" in text
    assert found.classes.count("field") == 3


def test_each_exercise_says_which_steps_to_repeat_in_words() -> None:
    page = starter_sheet()
    assert "Lines 2 to 3" not in page and "times in all" not in page
    assert page.count("Repeat steps 2\u20133 three times.") == 3  # eye closing, brow, pucker
    assert page.count("Repeat steps 2\u20133 two times.") == 2
    assert times_words(1) == "once" and times_words(12) == "12 times"


def test_a_single_repeated_step_and_an_exercise_done_once() -> None:
    library = builtin_library()
    routine = library.routines["starter"]
    block = sheet_blocks(routine, library, person_side="left")[0]
    one_line = type(block)(**{**block.__dict__, "lines": block.lines[:1], "reps": 4})
    assert repeat_note(one_line) == "Repeat step 2 four times."
    no_setup = type(block)(**{**block.__dict__, "setup": "", "reps": 2})
    assert repeat_note(no_setup) == "Repeat steps 1\u20132 two times."
    assert repeat_note(type(block)(**{**block.__dict__, "reps": 1})) == ""


def test_the_log_has_a_box_for_every_day_from_today_for_six_weeks() -> None:
    weeks = log_weeks(DAY, 6)
    assert [w.monday for w in weeks][:2] == [date(2026, 11, 30), date(2026, 12, 7)]
    assert all(w.monday.weekday() == 0 for w in weeks)
    past = [d for w in weeks for d, before in w.days if before]
    assert past == [date(2026, 11, 30), date(2026, 12, 1), date(2026, 12, 2), date(2026, 12, 3)]
    page = starter_sheet()
    assert page.count('class="box"') == 6 * 7 - 4
    assert "Tick a box on each day" in page


def test_sheet_command_takes_a_name_and_writes_a_private_file(tmp_path: Path) -> None:
    out = tmp_path / "starter.html"
    assert main(["sheet", "starter", "--side", "right", "--name", "Sam Lee", "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "Sam Lee" in page and "right cheek" in page
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # it names the person


CHROMIUM = Path("/usr/bin/chromium")


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_printed_to_pdf_the_first_page_is_filled(tmp_path: Path) -> None:
    """Chromium's print of the sheet: page 1 carries the top and several exercises, and
    the log is on the last page (no page left mostly empty before it)."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    pdf = tmp_path / "starter.pdf"
    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
    with sync_api.sync_playwright() as p:
        try:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=args)
        except Exception as error:  # a broken browser install is a reason, not a failure
            pytest.skip(f"chromium did not start: {error}")
        page = browser.new_page()
        page.set_content(starter_sheet())
        page.pdf(path=str(pdf), format="A4", print_background=True)
        browser.close()
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = text.split("\f")
    pages = [p for p in pages if p.strip()]
    assert len(pages) == 2, len(pages)
    first = pages[0]
    assert "Alex Morgan" in first and "Notes from your therapist" in first
    for heading in ("1. Forehead smoothing", "2. Soft eye closing", "3. Brow lift"):
        assert heading in first, heading
    assert "Your log" in pages[-1]
