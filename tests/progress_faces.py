"""Test faces for the progress check, and the face model run in headless Chromium.

The face: ``skimage.data.astronaut()``, the NASA portrait of astronaut Eileen
Collins (public domain, as a work of the US government), shipped in
scikit-image. Palsy is simulated by moving one brow and one mouth corner down
by a share of the face height with a smooth local warp. ``write_y4m`` makes a
fake camera file for Chromium; ``BrowserMesh`` runs the same face model as the
Progress page (the files of ``scripts/get_face_mesh.py``) on still images.
"""

from __future__ import annotations

import functools
import http.server
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from facecoach._person.progress import POINTS, Frame

Image = NDArray[np.uint8]

# Where the face model finds these points on the astronaut portrait (512 x 512):
# forehead top and chin (face height), each brow's middle and each mouth corner.
# "left" and "right" are the person's own sides (hers is on the image's right).
ASTRONAUT = {
    "top": (227.5, 72.4),
    "chin": (221.3, 175.5),
    "brow_right": (198.0, 86.7),
    "brow_left": (255.0, 89.8),
    "mouth_right": (201.8, 139.5),
    "mouth_left": (245.9, 142.2),
}
_CROP = (106, 6, 346, 186)  # x0, y0, x1, y1: 240 x 180 around the face, scaled to 640 x 480
WIDTH, HEIGHT = 640, 480


def astronaut() -> Image:
    """The portrait, RGB."""
    from skimage import data  # scikit-image: a test and benchmark dependency only

    return np.asarray(data.astronaut(), dtype=np.uint8)


def warp(image: Image, side: str, percent: float) -> Image:
    """The portrait with ``side``'s brow and mouth corner moved down by ``percent`` of
    the face height (0: unchanged)."""
    if percent == 0:
        return image.copy()
    from scipy.ndimage import map_coordinates

    face_h = ASTRONAUT["chin"][1] - ASTRONAUT["top"][1]
    rows, cols = np.mgrid[0 : image.shape[0], 0 : image.shape[1]].astype(np.float64)
    shift = np.zeros_like(rows)
    # The brow moves as a band (wide, not tall, so the eye below stays); the
    # mouth corner drags the lips' half and the cheek beside it.
    for part, across, tall in (("brow", 0.20, 0.07), ("mouth", 0.15, 0.15)):
        cx, cy = ASTRONAUT[f"{part}_{side}"]
        sx, sy = across * face_h, tall * face_h
        shift += np.exp(-((cols - cx) ** 2) / (2 * sx**2) - (rows - cy) ** 2 / (2 * sy**2))
    shift *= percent / 100 * face_h
    out = np.empty_like(image)
    for c in range(3):  # each output pixel takes the colour from above it: content moves down
        out[..., c] = map_coordinates(image[..., c], [rows - shift, cols], order=1, mode="nearest")
    return out


def symmetric(image: Image) -> Image:
    """A perfectly symmetric face: the portrait's image-left half mirrored about the
    face's midline."""
    mid = round((ASTRONAUT["top"][0] + ASTRONAUT["chin"][0]) / 2)
    out = image.copy()
    for k in range(1, min(mid, image.shape[1] - mid)):
        out[:, mid + k] = image[:, mid - k]
    return out


def camera_view(image: Image, noise: float = 0.0, seed: int = 0) -> Image:
    """The face cropped and scaled to a 640 x 480 camera frame, with sensor-like noise."""
    from PIL import Image as PILImage

    x0, y0, x1, y1 = _CROP
    crop = PILImage.fromarray(image[y0:y1, x0:x1]).resize((WIDTH, HEIGHT), PILImage.BILINEAR)
    frame = np.asarray(crop, dtype=np.float64)
    if noise:
        frame = frame + np.random.default_rng(seed).normal(0, noise, frame.shape)
    return np.clip(frame, 0, 255).astype(np.uint8)


def write_y4m(path: Path, frames: Sequence[Image], fps: int = 10) -> None:
    """A YUV4MPEG2 file (4:2:0, BT.601 full range) that Chromium can play as a camera."""
    h, w = frames[0].shape[:2]
    with path.open("wb") as f:
        f.write(f"YUV4MPEG2 W{w} H{h} F{fps}:1 Ip A1:1 C420jpeg\n".encode())
        for rgb in frames:
            r, g, b = (rgb[..., i].astype(np.float64) for i in range(3))
            y = 0.299 * r + 0.587 * g + 0.114 * b
            u = 128 - 0.168736 * r - 0.331264 * g + 0.5 * b
            v = 128 + 0.5 * r - 0.418688 * g - 0.081312 * b

            def half(p: NDArray[np.float64]) -> NDArray[np.float64]:
                return p.reshape(h // 2, 2, w // 2, 2).mean(axis=(1, 3))

            f.write(b"FRAME\n")
            for plane in (y, half(u), half(v)):
                f.write(np.clip(np.rint(plane), 0, 255).astype(np.uint8).tobytes())


_HARNESS = """<!doctype html><html><head><meta charset="utf-8"></head><body>
<script src="face_mesh.js"></script><script src="harness.js"></script></body></html>"""

_HARNESS_JS = """
window.meshReady = (async () => {
  const mesh = new FaceMesh({locateFile: (f) => f});
  mesh.setOptions({maxNumFaces: 1, refineLandmarks: true, selfieMode: false,
                   minDetectionConfidence: 0.5, minTrackingConfidence: 0.5});
  let latest = null;
  mesh.onResults((r) => { latest = (r.multiFaceLandmarks && r.multiFaceLandmarks[0]) || null; });
  await mesh.initialize();
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d');
  window.landmarks = async (w, h, b64, mirrored, points) => {
    const bytes = Uint8ClampedArray.from(atob(b64), (c) => c.charCodeAt(0));
    const bitmap = await createImageBitmap(new ImageData(bytes, w, h));
    canvas.width = w; canvas.height = h;
    ctx.setTransform(mirrored ? -1 : 1, 0, 0, 1, mirrored ? w : 0, 0);
    ctx.drawImage(bitmap, 0, 0);
    latest = null;
    const t0 = performance.now();
    await mesh.send({image: canvas});
    const ms = performance.now() - t0;
    const got = latest && points.map((n) => [n, latest[n].x, latest[n].y, latest[n].z]);
    return {ms, points: got || null};
  };
  return true;
})();
"""


@contextmanager
def _site(model: Path, folder: Path) -> Iterator[str]:
    for name in model.iterdir():
        (folder / name.name).write_bytes(name.read_bytes())
    (folder / "index.html").write_text(_HARNESS, encoding="utf-8")
    (folder / "harness.js").write_text(_HARNESS_JS, encoding="utf-8")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        extensions_map: ClassVar[dict[str, str]] = {
            **http.server.SimpleHTTPRequestHandler.extensions_map,
            ".wasm": "application/wasm",
        }

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/index.html"
    finally:
        server.shutdown()


CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--no-first-run"]


class BrowserMesh:
    """The page's face model in headless Chromium, fed still images."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.times: list[float] = []

    def frame(self, image: Image, mirrored: bool) -> Frame | None:
        """One image's landmarks as the page would send them (None: no face)."""
        import base64

        h, w = image.shape[:2]
        rgba = np.dstack([image, np.full((h, w), 255, np.uint8)])
        b64 = base64.b64encode(rgba.tobytes()).decode()
        got = self.page.evaluate(
            "([w, h, b, m, p]) => window.landmarks(w, h, b, m, p)",
            [w, h, b64, mirrored, list(POINTS)],
        )
        self.times.append(got["ms"])
        if got["points"] is None:
            return None
        points = {int(n): (float(x), float(y), float(z)) for n, x, y, z in got["points"]}
        return Frame(points, w, h, mirrored)


@contextmanager
def browser_mesh(
    model: Path, scratch: Path, chromium: str = "/usr/bin/chromium"
) -> Iterator[BrowserMesh]:
    """A ``BrowserMesh`` ready to use; the model's files from ``model``."""
    from playwright.sync_api import sync_playwright

    with _site(model, scratch) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(url)
            started = time.monotonic()
            page.wait_for_function("window.meshReady", timeout=120_000)
            page.evaluate("window.meshReady")
            mesh = BrowserMesh(page)
            mesh.load_seconds = time.monotonic() - started  # type: ignore[attr-defined]
            yield mesh
        finally:
            browser.close()
