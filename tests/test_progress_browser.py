"""The progress check end to end in Debian's Chromium with a fake camera.

The camera plays a Y4M file written here: the NASA portrait of astronaut
Eileen Collins (``skimage.data.astronaut()``, public domain as a work of the
US government), with her left brow and mouth corner warped down by 8 % of the
face height. The face model is the pinned npm release (fetched with npm, as
the accessibility test fetches axe-core; ``FACECOACH_FACE_MESH_TGZ`` names a
tarball already at hand). The person ticks "keep photos": one photo per
expression is kept, and no other image anywhere. Skips with the reason when
any of these is missing.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from facecoach._paths import places
from facecoach._person.progress_photos import photos_folder
from facecoach._person.progress_store import progress_file
from facecoach._web.progress_assets import FACE_MESH_PACKAGE, face_mesh_folder
from test_web_browser import axe_script, check_accessibility
from web_support import served, settings_for

GET_FACE_MESH = Path(__file__).resolve().parents[1] / "scripts" / "get_face_mesh.py"

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's chromium is not installed (apt-get install chromium)"
)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytest.importorskip("skimage", reason="scikit-image (the test face) is not installed")


@pytest.fixture(scope="module")
def face_mesh_tarball(tmp_path_factory: pytest.TempPathFactory) -> Path:
    given = os.environ.get("FACECOACH_FACE_MESH_TGZ")
    if given and Path(given).is_file():
        return Path(given)
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is not installed, and FACECOACH_FACE_MESH_TGZ names no tarball")
    folder = tmp_path_factory.mktemp("face-mesh")
    env = {**os.environ, "HOME": str(folder), "npm_config_cache": str(folder / "cache")}
    try:
        done = subprocess.run(
            [npm, "pack", "--silent", FACE_MESH_PACKAGE],
            cwd=folder, check=True, capture_output=True, text=True, timeout=300, env=env,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError) as error:
        pytest.skip(f"npm could not fetch {FACE_MESH_PACKAGE}: {error}")
    return folder / done.stdout.strip().splitlines()[-1]


@pytest.fixture
def camera_file(tmp_path: Path) -> Path:
    import progress_faces as faces

    drooped = faces.warp(faces.astronaut(), "left", 8)
    frames = [faces.camera_view(drooped, noise=2.0, seed=i) for i in range(12)]
    path = tmp_path / "camera.y4m"
    faces.write_y4m(path, frames, fps=10)
    return path


@pytest.fixture
def browser(camera_file: Path) -> Iterator[Any]:
    args = [
        "--no-sandbox",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={camera_file}",
    ]
    with sync_api.sync_playwright() as p:
        try:
            chromium = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=args)
        except Exception as error:  # a broken browser install is a reason, not a failure
            pytest.skip(f"chromium did not start: {error}")
        yield chromium
        chromium.close()


__all__ = ["axe_script"]  # the accessibility test's fixture, used here too


def test_a_check_with_the_camera_names_the_drooping_side(
    browser: Any, tmp_path: Path, face_mesh_tarball: Path, axe_script: Path | None
) -> None:
    settings = settings_for(tmp_path)
    where = places(tmp_path / "data")
    # Installed as a person would: the script, run on the tarball at hand.
    command = [sys.executable, str(GET_FACE_MESH), "--data-dir", str(where.data)]
    subprocess.run([*command, "--from", str(face_mesh_tarball)], check=True, timeout=120)
    with served(settings) as (_server, link):
        base = link.split("/?")[0]
        context = browser.new_context()
        context.grant_permissions(["camera"], origin=base)
        context.set_default_timeout(20_000)
        page = context.new_page()
        problems: list[str] = []
        page.on(
            "console", lambda m: "Content Security Policy" in m.text and problems.append(m.text)
        )
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.goto(link)
        saved = page.request.post(
            f"{base}/profile", form={"side": "left"}, headers={"origin": base}
        )
        assert saved.ok
        page.goto(f"{base}/progress")
        page.get_by_label("Also keep one photo of each expression").check()
        page.get_by_role("button", name="Start the check").click()
        page.wait_for_selector("#progress-check[data-done='yes']", timeout=240_000)
        result = page.locator("#progress-result").inner_text()
        assert "The check is kept" in result, page.locator("#progress-status").inner_text()
        mouth = next(line for line in result.splitlines() if line.startswith("Mouth corner height"))
        assert "your left side (the affected one) sits lower" in mouth
        assert problems == []

        kept = json.loads(progress_file(where).read_text())
        assert stat.S_IMODE(progress_file(where).stat().st_mode) == 0o600
        measures = {m["key"]: m for m in kept[0]["measures"]}
        assert measures["mouth_rest"]["left"] < measures["mouth_rest"]["right"]
        assert measures["brow_rest"]["left"] < measures["brow_rest"]["right"]
        assert set(kept[0]["frames"]) == {"rest", "brows", "eyes", "smile", "pucker"}
        # The photos asked for, one per expression, and no other image anywhere
        photos = photos_folder(where) / kept[0]["when"].replace(":", "-")
        assert sorted(p.name for p in photos.iterdir()) == sorted(
            f"{e}.jpg" for e in ("rest", "brows", "eyes", "smile", "pucker")
        )
        assert all(p.read_bytes()[:3] == b"\xff\xd8\xff" for p in photos.iterdir())
        written = {p for p in where.data.rglob("*") if p.is_file()}
        written -= set(face_mesh_folder(where).iterdir()) | set(photos.iterdir())
        assert not any(p.suffix in (".png", ".jpg", ".jpeg", ".webp", ".y4m") for p in written)
        assert page.locator(".progress-photos img").count() == 0  # shown after a reload
        page.goto(f"{base}/progress")
        assert page.locator(".progress-photos img").count() == 5

        if os.environ.get("FACECOACH_SHOTS"):  # for a person to look at the page
            page.screenshot(
                path=os.path.join(os.environ["FACECOACH_SHOTS"], "progress.png"), full_page=True
            )
        page.goto(f"{base}/history")
        assert page.locator("#progress-plots svg").count() >= 3
        assert "affected (left) side" in page.locator("#progress-plots").inner_text()
        if os.environ.get("FACECOACH_SHOTS"):
            page.screenshot(
                path=os.path.join(os.environ["FACECOACH_SHOTS"], "history.png"), full_page=True
            )
        context.close()

        # axe-core is added as an inline script: a second browser context lets it in
        checking = browser.new_context(bypass_csp=True)
        page = checking.new_page()
        page.goto(link)
        findings: dict[str, Any] = {}
        for name in ("history", "progress"):
            page.goto(f"{base}/{name}")
            check_accessibility(page, axe_script, name, findings)
        assert findings in ({}, {"history": [], "progress": []}), findings
        checking.close()
