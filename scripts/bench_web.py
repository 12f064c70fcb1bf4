#!/usr/bin/env python3
"""Figures for the web app: page load time, button-to-effect time, the app's memory.

Runs ``facecoach serve --no-browser --text-only`` on a throw-away data folder,
drives it with Debian's Chromium through Playwright, and prints what it measured.
A button's time runs from the click in the page to the session's answer shown in
the page: the POST, the live loop, the session, and the event stream back.
"""

from __future__ import annotations

import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
PAGES = ["/", "/session", "/history", "/profile", "/routines"]
PRESS = """async (name) => {
  const heard = document.getElementById("heard");
  const before = heard.textContent;
  const button = [...document.querySelectorAll(".dock button")].find(b => b.textContent === name);
  const t0 = performance.now();
  const changed = new Promise(resolve => {
    const seen = new MutationObserver(() => {
      if (heard.textContent !== before) { seen.disconnect(); resolve(); }
    });
    seen.observe(heard, {childList: true, characterData: true, subtree: true});
  });
  button.click();
  await changed;
  return performance.now() - t0;
}"""


def memory_kb(pid: int) -> dict[str, int]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0])
    return fields


def main() -> int:
    home = Path(tempfile.mkdtemp(prefix="facecoach-bench-web-"))
    env = {**os.environ, "FACECOACH_HOME": str(home)}
    python = [sys.executable, "-m", "facecoach"]
    subprocess.run([*python, "profile", "--side", "left", "--stage", "long-standing"],
                   env=env, check=True, capture_output=True)  # fmt: skip
    server = subprocess.Popen([*python, "serve", "--no-browser", "--text-only"], env=env,
                              stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert server.stdout is not None
        link = re.search(r"http://\S+", server.stdout.readline())
        assert link, "no link printed"
        base = link.group(0).split("/?")[0]
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
            page = browser.new_context(bypass_csp=True).new_page()  # Playwright evaluates scripts
            page.goto(link.group(0))
            idle = memory_kb(server.pid)
            print("page load (navigation start to load event, median of 5 after a first visit):")
            for path in PAGES:
                times = []
                for _ in range(6):
                    page.goto(base + path)
                    times.append(page.evaluate(
                        "performance.getEntriesByType('navigation')[0].loadEventEnd"))  # fmt: skip
                print(f"  {path:<10} {statistics.median(times[1:]):6.0f} ms")
            page.goto(base + "/")
            page.get_by_role("button", name="Start today's session").click()
            page.wait_for_selector("#remote")
            page.wait_for_function("document.getElementById('saying').textContent.length > 0")
            presses = []
            for k in range(20):
                name = "Pause" if k % 2 == 0 else "Continue"
                # the heard line can change before the button turns: wait for its word
                page.wait_for_function(f"document.getElementById('pause').textContent === '{name}'")
                presses.append(page.evaluate(PRESS, name))
            presses.sort()
            print(f"button to effect shown (Pause/Continue, {len(presses)} presses): median "
                  f"{statistics.median(presses):.0f} ms, max {presses[-1]:.0f} ms")  # fmt: skip
            running = memory_kb(server.pid)
            page.get_by_role("button", name="Stop").click()
            page.wait_for_selector("text=Session stopped")
            browser.close()
        peak = memory_kb(server.pid)["VmHWM"] / 1024
        print(f"app memory (RSS): idle {idle['VmRSS'] / 1024:.0f} MB, in a session "
              f"{running['VmRSS'] / 1024:.0f} MB, peak {peak:.0f} MB")  # fmt: skip
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
