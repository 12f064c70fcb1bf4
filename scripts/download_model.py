"""Download the small Vosk model for a language: same as ``facecoach model download``.

    .venv/bin/python scripts/download_model.py [LANG] [--data-dir DIR]

Fetches the pinned archive (English: vosk-model-small-en-us-0.15), checks its
size and SHA-256, and unpacks it atomically into the user data directory
(or DIR), where facecoach finds it.
"""

from __future__ import annotations

import sys

from facecoach._cli.main import main


def run(argv: list[str]) -> int:
    """``[LANG] [--data-dir DIR]`` -> ``facecoach [--data-dir DIR] model download [LANG]``."""
    front: list[str] = []
    rest = list(argv)
    if "--data-dir" in rest:
        at = rest.index("--data-dir")
        front = rest[at : at + 2]
        del rest[at : at + 2]
    return main([*front, "model", "download", *rest])


if __name__ == "__main__":
    raise SystemExit(run(sys.argv[1:]))
