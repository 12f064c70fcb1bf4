"""The other path, for comparison: the same measures with MediaPipe's Python face mesh.

    python scripts/bench_progress_python.py [--frames N]

Needs ``mediapipe==0.10.21`` (the last release whose wheel carries the face
models), which declares numpy<2 and protobuf<5 and so cannot join facecoach's
lock (protobuf 7, numpy 2): run it from a separate virtual environment, with
mediapipe installed --no-deps beside protobuf 4.25.x, numpy, opencv, matplotlib,
scikit-image, pyyaml and platformdirs, and PYTHONPATH=src:scripts. Prints the
same response, symmetric-face and time figures as bench_progress.py.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # the test faces

import progress_faces as faces
from facecoach._person.progress import POINTS, CheckResult, Frame, summarise

WARPS = (0, 2, 4, 8)
KEYS = {"brow_rest": "brow", "mouth_rest": "mouth"}


def gap(result: CheckResult, key: str) -> float:
    m = result.measure(key)
    return float("nan") if m is None else m.gap


class PythonMesh:
    """MediaPipe's face mesh (refined landmarks, video mode) on still images."""

    def __init__(self) -> None:
        import mediapipe as mp  # a separate environment only: see the docstring

        self.mesh = mp.solutions.face_mesh.FaceMesh(
            static_image_mode=False, max_num_faces=1, refine_landmarks=True
        )
        self.times: list[float] = []

    def frame(self, image: faces.Image, mirrored: bool) -> Frame | None:
        seen = image[:, ::-1].copy() if mirrored else image
        started = time.perf_counter()
        found = self.mesh.process(seen)
        self.times.append((time.perf_counter() - started) * 1000)
        if not found.multi_face_landmarks:
            return None
        marks = found.multi_face_landmarks[0].landmark
        points = {n: (marks[n].x, marks[n].y, marks[n].z) for n in POINTS}
        return Frame(points, image.shape[1], image.shape[0], mirrored)


def check(mesh: PythonMesh, image: faces.Image, frames: int, seed: int) -> CheckResult:
    got = []
    for i in range(frames):
        view = faces.camera_view(image, noise=3.0, seed=seed * 1000 + i)
        frame = mesh.frame(np.ascontiguousarray(view), mirrored=i >= frames // 2)
        if frame is not None:
            got.append(frame)
    return summarise({"rest": got})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=16)
    args = parser.parse_args()
    mesh = PythonMesh()
    base = faces.astronaut()
    zero = check(mesh, base, args.frames, 0)
    for side in ("left", "right"):
        for key, label in KEYS.items():
            values = [gap(zero, key)]
            for pct in WARPS[1:]:
                values.append(gap(check(mesh, faces.warp(base, side, pct), args.frames, pct), key))
            change = [v - values[0] for v in values]
            print(
                f"  {side:5s} {label:5s} "
                + " ".join(f"{p}%: {c:+6.2f}" for p, c in zip(WARPS, change, strict=True))
            )
    result = check(mesh, faces.symmetric(base), args.frames, 7)
    print("  symmetric: " + "  ".join(f"{m.key} {m.gap:+.2f}" for m in result.measures))
    times = mesh.times[1:]
    med = statistics.median(times)
    print(f"  time per frame: median {med:.1f} ms, {1000 / med:.0f} frames/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
