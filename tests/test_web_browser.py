"""The web app in a real browser (Debian's Chromium, headless, driven by Playwright).

One walk through, as a person would: Today, Profile, start a short routine,
"Too tight", pause and resume, stop, History, Routines, and teaching the voice
(a fake microphone) until Stop; an accessibility check (axe-core)
on every page; screenshots at desktop and phone sizes in the test's temp dir.
Sound is text mode, so no sound card is needed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from facecoach._web.take_input import TakeInput
from web_support import OpenMic, ScriptedTakes, served, settings_for

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1366, "height": 650}
PHONE = {"width": 390, "height": 844}

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's chromium is not installed (apt-get install chromium)"
)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        try:
            chromium = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        except Exception as error:  # a broken browser install is a reason, not a failure
            pytest.skip(f"chromium did not start: {error}")
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def axe_script(tmp_path_factory: pytest.TempPathFactory) -> Path | None:
    """axe-core from npm into a temp dir (None, with the reason kept, when it cannot be had)."""
    given = os.environ.get("FACECOACH_AXE")
    if given and Path(given).is_file():
        return Path(given)
    npm = shutil.which("npm")
    if npm is None:
        return None
    folder = tmp_path_factory.mktemp("axe")
    env = {**os.environ, "HOME": str(folder), "npm_config_cache": str(folder / "cache")}
    try:
        subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", "--silent", "--prefix", str(folder),
             "axe-core@4"],
            check=True, capture_output=True, timeout=120, env=env,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return None
    script = folder / "node_modules" / "axe-core" / "axe.min.js"
    return script if script.is_file() else None


def check_accessibility(page: Any, axe: Path | None, name: str, found: dict[str, Any]) -> None:
    """No serious or critical axe-core findings on this page."""
    if axe is None:
        return
    page.add_script_tag(path=str(axe))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    found[name] = bad


def go(page: Any, name: str) -> None:
    """Follow a link of the page menu."""
    page.get_by_role("navigation").get_by_role("link", name=name, exact=True).click()


def shoot(page: Any, folder: Path, name: str) -> None:
    for size, label in ((DESKTOP, "1366x650"), (PHONE, "390x844")):
        page.set_viewport_size(size)
        page.screenshot(path=str(folder / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def assert_in_reach(page: Any, pause: str) -> None:
    """Too tight, Pause (or Continue) and Stop are wholly in the window at a laptop's and a
    phone's size, with the page scrolled to its top and to its bottom."""
    expect = sync_api.expect
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        for end in ("0", "document.documentElement.scrollHeight"):
            page.evaluate(f"() => window.scrollTo(0, {end})")
            for name in ("Too tight", pause, "Stop"):
                button = page.locator(".dock").get_by_role("button", name=name, exact=True)
                expect(button).to_be_in_viewport(ratio=1)
    page.set_viewport_size(DESKTOP)


def assert_labels_readable(page: Any, picture: Any) -> None:
    """At a phone's size the picture's side labels are whole and at least 12 px high."""
    page.set_viewport_size(PHONE)
    picture.scroll_into_view_if_needed()
    frame = picture.bounding_box()
    assert frame is not None and frame["width"] >= 250, frame  # above the words, not beside
    for label in ("Your right", "Your left"):
        box = picture.locator("text.side", has_text=label).bounding_box()
        assert box is not None and box["height"] >= 12, (label, box)
        assert frame["x"] <= box["x"] and box["x"] + box["width"] <= frame["x"] + frame["width"]
    page.set_viewport_size(DESKTOP)


def test_a_session_from_the_browser(browser: Any, tmp_path: Path, axe_script: Path | None) -> None:
    expect = sync_api.expect
    shots = tmp_path / "screenshots"
    shots.mkdir()
    findings: dict[str, Any] = {}

    def take_input() -> TakeInput:  # a microphone that hears nothing until Stop
        return TakeInput(ScriptedTakes([]), OpenMic)

    settings = replace(settings_for(tmp_path), enrolment=take_input, enrolment_off="")
    with served(settings) as (server, link):
        context = browser.new_context(viewport=DESKTOP, bypass_csp=True)
        context.set_default_timeout(15_000)
        page = context.new_page()

        # Today, first visit by the printed link: the token becomes a cookie
        page.goto(link)
        assert "token" not in page.url
        expect(page.get_by_role("heading", name="Today")).to_be_visible()
        expect(page.get_by_text("Please set your stage first")).to_be_visible()
        shoot(page, shots, "today-unset")
        check_accessibility(page, axe_script, "today", findings)

        # Profile: side and stage, through the form
        go(page, "Profile")
        page.get_by_label("My left side").check()
        page.get_by_label("Movement has recently started to return").check()
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_text("Saved.")).to_be_visible()
        shoot(page, shots, "profile")
        check_accessibility(page, axe_script, "profile", findings)

        # Start the short test routine
        go(page, "Today")
        expect(page.get_by_text("Today is a session day")).to_be_visible()
        expect(page.get_by_text("Voice commands are off, so during a session")).to_be_visible()
        page.get_by_text("Start a different routine").click()
        page.get_by_label("Routine").select_option("test-short")
        page.get_by_role("button", name="Start this routine").click()
        expect(page).to_have_url(f"{link.split('/?')[0]}/session")
        expect(page.locator("#status")).to_contain_text("Session running")
        expect(page.locator("#saying")).not_to_be_empty()
        assert_in_reach(page, "Pause")
        # no microphone in this test: the page names the buttons, not the words to say
        expect(page.locator("#hint-buttons")).to_be_visible()
        expect(page.locator("#hint-voice")).to_be_hidden()
        expect(page.locator("#now-pic svg[role=img]").first).to_be_visible()

        # Too tight: heard at once, and the ease-off line is shown
        page.get_by_role("button", name="Too tight").click()
        expect(page.locator("#heard")).to_have_text("too tight (button on the screen)")
        expect(page.locator("#saying")).to_contain_text("Ease off now")

        # Pause and resume
        page.get_by_role("button", name="Pause").click()
        expect(page.locator("#status")).to_contain_text("Paused")
        expect(page.locator("#pause")).to_have_text("Continue")
        expect(page.locator("#status")).to_have_text("Paused. Press Continue to go on.")
        assert_in_reach(page, "Continue")
        shoot(page, shots, "session-paused")
        check_accessibility(page, axe_script, "session", findings)
        page.locator("#pause").click()
        expect(page.locator("#status")).to_contain_text("Session running")
        expect(page.locator("#pause")).to_have_text("Pause")

        # Closing the page does not stop the session
        page.close()
        assert server.web.runner.active
        page = context.new_page()
        page.goto(link.split("?")[0] + "session")
        expect(page.locator("#status")).to_contain_text("Session running")
        page.get_by_role("button", name="Next").click()
        expect(page.locator("#heard")).to_have_text("next (button on the screen)")
        expect(page.locator("#timer-kind")).to_have_text("Hold", timeout=30_000)  # first hold
        expect(page.locator("#timer")).to_be_visible()
        expect(page.locator("#rep")).to_have_text("Round 1 of 2")
        picture = page.locator("#now-pic figure:visible")
        expect(picture).to_have_attribute("data-exercise", "test-cheek-lift")
        expect(picture.locator("figcaption")).to_contain_text("left cheekbone")
        assert_in_reach(page, "Pause")
        shoot(page, shots, "session-hold")

        # Stop, then find the session in History
        page.get_by_role("button", name="Stop").click()
        expect(page.locator("#finished")).to_contain_text("Session stopped")
        # a clear end: every button disabled, the words of a running session gone, a way back
        for name in ("Too tight", "Pause", "Stop", "Next"):
            expect(page.get_by_role("button", name=name, exact=True)).to_be_disabled()
        expect(page.get_by_role("heading", name="The session has ended")).to_be_visible()
        expect(page.locator("#coming")).to_be_hidden()
        expect(page.get_by_text("The session goes on if you close this page")).to_be_hidden()
        expect(page.locator("#now-pic figure:visible")).to_have_count(0)
        expect(page.get_by_role("link", name="Back to Today")).to_be_visible()
        shoot(page, shots, "session-ended")
        check_accessibility(page, axe_script, "session-ended", findings)
        go(page, "History")
        row = page.get_by_role("row").filter(has_text="Short test routine")
        expect(row).to_contain_text("stopped")
        expect(row).to_contain_text("1")  # one "too tight"
        shoot(page, shots, "history")
        check_accessibility(page, axe_script, "history", findings)

        go(page, "Routines")
        page.get_by_text("Show the exercises of Short test routine").click()
        section = page.get_by_role("region", name="Short test routine")
        expect(section.locator("svg[role=img]")).to_be_visible()
        assert_labels_readable(page, section.locator("svg[role=img]").first)
        shoot(page, shots, "routines")
        check_accessibility(page, axe_script, "routines", findings)

        # Your voice: taught hands-free, the phrase to say shown as it changes; Stop.
        # The stopped session's thread may still be closing its speech engine
        # (seconds on a loaded machine); until then teaching is refused.
        deadline = time.monotonic() + 30
        while server.web.runner.active and time.monotonic() < deadline:
            time.sleep(0.1)
        go(page, "Your voice")
        expect(page.get_by_role("heading", name="Your voice", level=1)).to_be_visible()
        expect(page.get_by_text("has not learnt your voice yet")).to_be_visible()
        page.get_by_role("button", name="Teach facecoach my voice").click()
        expect(page.locator("#enrol-phrase")).to_have_text("next")
        expect(page.locator("#enrol-count")).to_contain_text("take 1 of 2")
        shoot(page, shots, "voice-learning")
        check_accessibility(page, axe_script, "voice", findings)
        page.get_by_role("button", name="Stop").click()
        expect(page.locator("#enrol-status")).to_have_text("Stopped. Nothing new was kept.")
        expect(page.get_by_role("button", name="Teach facecoach my voice")).to_be_visible()
        context.close()
    (tmp_path / "axe.json").write_text(json.dumps(findings, indent=1), encoding="utf-8")
    if axe_script is None:
        pytest.skip("axe-core could not be had from npm; the session walk passed")
    assert not any(findings.values()), findings
