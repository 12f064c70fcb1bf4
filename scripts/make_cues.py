#!/usr/bin/env python3
"""Make the cue WAV files (the one source of truth is facecoach/_sound/cues.py).

Writes src/facecoach/cues/*.wav, which are committed and shipped with the
package. Run it again after changing a recipe or CUE_SECONDS:

    .venv/bin/python scripts/make_cues.py
"""

from __future__ import annotations

import argparse
from pathlib import Path

from facecoach._sound.cues import write_cues
from facecoach._sound.samples import read_wav

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out",
        type=Path,
        default=ROOT / "src" / "facecoach" / "cues",
        help="where to write the files (default: the package's cues folder)",
    )
    args = parser.parse_args()
    for path in write_cues(args.out):
        sound = read_wav(path)
        print(
            f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: "
            f"{sound.seconds:.3f} s, {path.stat().st_size} bytes"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
