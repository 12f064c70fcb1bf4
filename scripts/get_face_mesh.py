"""Install the progress check's face model: MediaPipe Face Mesh for the browser, from npm.

    python scripts/get_face_mesh.py [--data-dir DIR] [--from TARBALL]

Runs ``npm pack`` for the pinned release (or takes a tarball already at hand),
checks the tarball against the registry's integrity value and every file
against its pinned size and SHA-256, then copies the files the page loads into
``<data folder>/models/face-mesh`` (private: 0700 folder, 0600 files). The
files are Apache-2.0, by the MediaPipe authors.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from facecoach._paths import places, private_dir, write_bytes_private
from facecoach._web.progress_assets import (
    FACE_MESH_FILES,
    FACE_MESH_INTEGRITY,
    FACE_MESH_PACKAGE,
    face_mesh_folder,
    face_mesh_problem,
)


def npm_pack(into: Path) -> Path:
    """The pinned release's tarball, fetched by npm into ``into``."""
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("npm is not installed: install Node.js and npm, or pass --from TARBALL")
    env = {**os.environ, "npm_config_cache": str(into / "cache")}
    done = subprocess.run(
        [npm, "pack", "--silent", FACE_MESH_PACKAGE],
        cwd=into, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"npm pack {FACE_MESH_PACKAGE} failed: {done.stderr.strip()[-400:]}")
    return into / done.stdout.strip().splitlines()[-1]


def install(tarball: Path, folder: Path) -> None:
    """Check ``tarball`` and copy the page's files from it into ``folder``."""
    data = tarball.read_bytes()
    integrity = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    if integrity != FACE_MESH_INTEGRITY:
        raise SystemExit(f"{tarball} is not {FACE_MESH_PACKAGE} (its integrity differs)")
    private_dir(folder, "face model folder")
    with tarfile.open(tarball, "r:gz") as tar:
        for name, (size, digest) in FACE_MESH_FILES.items():
            member = tar.extractfile(f"package/{name}")
            if member is None:
                raise SystemExit(f"{tarball} has no {name}")
            body = member.read()
            if len(body) != size or hashlib.sha256(body).hexdigest() != digest:
                raise SystemExit(f"{tarball}: {name} is not the expected file")
            write_bytes_private(folder / name, body)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", help="facecoach's data folder (default: the usual one)")
    parser.add_argument("--from", dest="tarball", help="a tarball of the release already at hand")
    args = parser.parse_args(argv)
    where = places(args.data_dir)
    with tempfile.TemporaryDirectory() as scratch:
        tarball = Path(args.tarball) if args.tarball else npm_pack(Path(scratch))
        install(tarball, face_mesh_folder(where))
    problem = face_mesh_problem(where)
    if problem:
        print(problem, file=sys.stderr)
        return 1
    print(f"The face model is installed in {face_mesh_folder(where)}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
