"""Peak memory and time of ``facecoach listen --file`` on a long WAV file.

Makes a WAV of silence with a little noise every second (a sparse file: it
takes next to no disk) in a temporary folder, runs ``listen --file`` on it
in a child process and prints the child's peak resident memory.

    python scripts/bench_listen_file.py [--minutes 60] [--rate 48000] [--channels 2]
"""

from __future__ import annotations

import argparse
import os
import resource
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def sparse_wav(path: Path, seconds: int, rate: int, channels: int) -> int:
    """A 16-bit WAV whose data is a hole; returns its size in bytes."""
    size = seconds * rate * channels * 2
    header = b"RIFF" + struct.pack("<I", 36 + size) + b"WAVEfmt "
    header += struct.pack("<IHHIIHH", 16, 1, channels, rate, rate * channels * 2, channels * 2, 16)
    header += b"data" + struct.pack("<I", size)
    with path.open("wb") as f:
        f.write(header)
        f.truncate(len(header) + size)
    return len(header) + size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=int, default=60)
    parser.add_argument("--rate", type=int, default=48_000)
    parser.add_argument("--channels", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "long.wav"
        size = sparse_wav(path, args.minutes * 60, args.rate, args.channels)
        env = {**os.environ, "FACECOACH_HOME": str(Path(tmp) / "fc"), "HOME": tmp}
        began = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "facecoach", "listen", "--file", str(path), "--json"],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        took = time.perf_counter() - began
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(
        f"listen --file: {args.minutes} min of {args.rate} Hz, {args.channels} channel(s), "
        f"{size / 1e6:.0f} MB: exit {done.returncode}, {took:.1f} s, "
        f"peak memory {peak_kib / 1024:.0f} MB"
    )
    if done.returncode != 0:
        print(done.stderr[-2000:], file=sys.stderr)
    return done.returncode


if __name__ == "__main__":
    raise SystemExit(main())
