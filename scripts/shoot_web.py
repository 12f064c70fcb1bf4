#!/usr/bin/env python3
"""Screenshots of every page of the web app, at a laptop and a phone size, and the
printed sheet as PDF pages, for a person to look at.

    python scripts/shoot_web.py [OUT_FOLDER]

Serves the app in this process on a throw-away data folder (text-mode sound, no
microphone), drives Debian's Chromium through Playwright as a person would
(profile, Routines, a session with Next, Pause, Too tight and Stop, History, Progress,
Your voice), and writes PNGs into OUT_FOLDER (default: a new temp folder, never the
tree): ``NAME-1366x650.png`` and ``NAME-390x844.png`` are the whole page, and
``NAME-...-view.png`` only what is in the window. The sheets are printed with
Chromium's ``page.pdf`` on A4 and turned into ``sheet-ROUTINE-N.png`` by pdftoppm.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

from facecoach._live.wiring import SoundOptions
from facecoach._paths import places
from facecoach._web.app import ServeSettings
from facecoach._web.serve import start_in_thread

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
SIZES = {"1366x650": {"width": 1366, "height": 650}, "390x844": {"width": 390, "height": 844}}
SHEETS = ("starter", "daily")


def shoot(page: Any, out: Path, name: str, *, window: bool = False) -> None:
    """The whole page at each size; with ``window``, also only what the window shows."""
    for label, size in SIZES.items():
        page.set_viewport_size(size)
        page.wait_for_timeout(150)
        page.screenshot(path=str(out / f"{name}-{label}.png"), full_page=True)
        if window:
            page.screenshot(path=str(out / f"{name}-{label}-view.png"))
    page.set_viewport_size(SIZES["1366x650"])


def print_sheets(page: Any, base: str, out: Path) -> None:
    """Each sheet as an A4 PDF, then one PNG per page."""
    for routine in SHEETS:
        page.goto(f"{base}/sheet/{routine}")
        shoot(page, out, f"sheet-{routine}-screen")
        pdf = out / f"sheet-{routine}.pdf"
        page.pdf(path=str(pdf), format="A4", print_background=True)
        if shutil.which("pdftoppm"):
            subprocess.run(
                ["pdftoppm", "-r", "70", "-png", str(pdf), str(out / f"sheet-{routine}")],
                check=True,
            )


def walk(page: Any, link: str, out: Path) -> None:
    base = link.split("/?")[0]
    page.goto(link)
    shoot(page, out, "today-unset")

    page.goto(f"{base}/profile")
    page.get_by_label("My left side").check()
    page.get_by_label("Movement has recently started to return").check()
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved.").wait_for()
    shoot(page, out, "profile")

    page.goto(f"{base}/routines")
    page.locator("summary").first.click()  # one routine's exercises (all would be very long)
    shoot(page, out, "routines")
    print_sheets(page, base, out)

    page.goto(f"{base}/")
    shoot(page, out, "today")
    page.get_by_role("button", name="Start today's session").click()
    page.wait_for_url(f"{base}/session")
    page.wait_for_function("document.getElementById('saying').textContent.length > 0")
    shoot(page, out, "session-start", window=True)
    for _ in range(6):  # on to the first hold
        if (
            page.locator("#timer-kind").text_content() == "Hold"
            and page.locator("#timer").is_visible()
        ):
            break
        page.get_by_role("button", name="Next").click()
        page.wait_for_timeout(1500)
    shoot(page, out, "session-hold", window=True)
    page.locator("#pause").click()
    page.wait_for_function("document.getElementById('live').dataset.state === 'paused'")
    shoot(page, out, "session-paused", window=True)
    page.locator("#pause").click()
    page.get_by_role("button", name="Too tight").click()
    page.wait_for_timeout(800)
    page.get_by_role("button", name="Stop").click()
    page.wait_for_function("document.getElementById('live').dataset.state === 'finished'")
    shoot(page, out, "session-stopped", window=True)

    time.sleep(2)  # the stopped session's thread closes its speech engine
    page.goto(f"{base}/history")
    shoot(page, out, "history")
    page.goto(f"{base}/progress")
    shoot(page, out, "progress")
    page.goto(f"{base}/voice")
    shoot(page, out, "voice")
    page.goto(f"{base}/session")
    shoot(page, out, "session-idle")


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else Path(tempfile.mkdtemp(prefix="facecoach-shots-"))
    out.mkdir(parents=True, exist_ok=True)
    home = Path(tempfile.mkdtemp(prefix="facecoach-shots-data-"))
    settings = ServeSettings(
        where=places(home / "data"),
        sound=SoundOptions(text_only=True, keyboard=False, data_dir=str(home / "data")),
        token="shots-token-0123456789",
        port=0,
        today=lambda: date(2026, 12, 4),
        quiet=True,
    )
    server, thread, link = start_in_thread(settings)
    deadline = time.monotonic() + 20
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
            context = browser.new_context(viewport=SIZES["1366x650"], bypass_csp=True)
            context.set_default_timeout(30_000)
            walk(context.new_page(), link, out)
            browser.close()
    finally:
        server.should_exit = True
        thread.join(timeout=20)
        shutil.rmtree(home, ignore_errors=True)
    print(f"screenshots in {out}:")
    for png in sorted(out.glob("*.png")):
        print(f"  {png.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
