"""Benchmark of the progress check's measures, with the page's face model in headless Chromium.

    python scripts/bench_progress.py [--model DIR] [--frames N]

On the astronaut portrait (public domain; see tests/progress_faces.py), in good and in
dim light: the response of the resting brow and mouth-corner measures to one
side warped down by 0, 2, 4 and 8 % of the face height (the warped side should
read lower, more with more warp), a perfectly symmetric face (the portrait's
one half mirrored onto the other: within +-0.5 % of the eye distance after
mirror averaging?), the repeatability of a whole check (two checks of the same
face with fresh camera noise), and the time per frame. --model is a folder with
the face model's files (default: the data folder's, as scripts/get_face_mesh.py
installs them).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # the test faces

import progress_faces as faces
from facecoach._paths import places
from facecoach._person.progress import EXPRESSIONS, CheckResult, summarise
from facecoach._web.progress_assets import face_mesh_folder, face_mesh_problem

WARPS = (0, 2, 4, 8)
KEYS = {"brow_rest": "brow", "mouth_rest": "mouth"}


def check(
    mesh: faces.BrowserMesh, image: faces.Image, frames: int, seed: int, gain: float
) -> CheckResult:
    """A resting check: half the frames as seen, half mirrored, with camera noise."""
    got = []
    for i in range(frames):
        view = faces.camera_view(image, noise=3.0, seed=seed * 1000 + i)
        view = np.clip(view.astype(np.float64) * gain, 0, 255).astype(np.uint8)
        frame = mesh.frame(view, mirrored=i >= frames // 2)
        if frame is not None:
            got.append(frame)
    return summarise({"rest": got})


def gap(result: CheckResult, key: str) -> float:
    m = result.measure(key)
    return float("nan") if m is None else m.gap


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="folder with the face model's files")
    parser.add_argument("--frames", type=int, default=16, help="frames per check (default 16)")
    args = parser.parse_args()
    model = args.model or face_mesh_folder(places())
    if args.model is None and face_mesh_problem(places()):
        print(face_mesh_problem(places()), "Run scripts/get_face_mesh.py first.", file=sys.stderr)
        return 1
    base = faces.astronaut()
    lights = {"good light": 1.0, "dim light": 0.55}
    ok_monotonic = ok_sign = 0
    series = 0
    with tempfile.TemporaryDirectory() as scratch, faces.browser_mesh(model, Path(scratch)) as mesh:
        print(f"model set-up {mesh.load_seconds:.1f} s")  # type: ignore[attr-defined]
        print("\nresponse (left minus right, % of eye distance, change from the unwarped face)")
        for light, gain in lights.items():
            zero = check(mesh, base, args.frames, 0, gain)
            for side in ("left", "right"):
                sign = -1 if side == "left" else 1
                warped = [zero] + [
                    check(mesh, faces.warp(base, side, pct), args.frames, pct, gain)
                    for pct in WARPS[1:]
                ]
                for key, label in KEYS.items():
                    values = [gap(result, key) for result in warped]
                    change = [v - values[0] for v in values]
                    monotonic = 0 < sign * change[1] < sign * change[2]
                    signed = all(sign * c > 0 for c in change[1:])
                    series += 1
                    ok_monotonic += monotonic
                    ok_sign += signed
                    print(
                        f"  {light:10s} {side:5s} {label:5s} "
                        + " ".join(f"{p}%: {c:+6.2f}" for p, c in zip(WARPS, change, strict=True))
                        + f"  monotonic 0-2-4: {'yes' if monotonic else 'NO'}"
                        + f"  sign: {'yes' if signed else 'NO'}"
                    )
        print(f"  monotonic 0-2-4 on {ok_monotonic} of {series} series; sign right on {ok_sign}")

        print("\nsymmetric face (goal: every measure within +-0.5 % of the eye distance)")
        sym = faces.symmetric(base)
        for light, gain in lights.items():
            result = check(mesh, sym, args.frames, 7, gain)
            print(
                f"  {light:10s} "
                + "  ".join(f"{m.key} {m.gap:+.2f} (+-{m.spread:.2f})" for m in result.measures)
            )

        print("\nrepeatability: two whole checks of the same face, fresh noise (goal <= 0.5)")
        for light, gain in lights.items():
            first = check(mesh, faces.warp(base, "left", 4), args.frames, 11, gain)
            second = check(mesh, faces.warp(base, "left", 4), args.frames, 12, gain)
            diffs = {m.key: abs(m.gap - gap(second, m.key)) for m in first.measures}
            print(f"  {light:10s} " + "  ".join(f"{k} {v:.2f}" for k, v in diffs.items()))

        times = mesh.times[1:]
        med = statistics.median(times)
        p90 = sorted(times)[int(0.9 * (len(times) - 1))]
        print(
            f"\ntime per frame in headless Chromium (software WebGL): median {med:.0f} ms, "
            f"p90 {p90:.0f} ms, {1000 / med:.1f} frames/s ({len(times)} frames)"
        )
        print(f"expressions per check: {len(EXPRESSIONS)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
