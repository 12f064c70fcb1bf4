"""The face model of the progress check: MediaPipe Face Mesh for the browser, from npm.

The page runs the model itself (WebAssembly), so the camera image never leaves
it. Its files come from the npm package ``@mediapipe/face_mesh`` (Apache-2.0),
pinned to one release, and live in the data folder under ``models/face-mesh``;
``scripts/get_face_mesh.py`` puts them there. The app serves them from there,
by exact name, and only when every file has its pinned size and hash is the
check offered.

The package's newest release (0.4.1657299874) stops at start-up with a failed
check in its face detector ("options_.has_num_classes()"); the release before
it works, so that one is pinned.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from .._paths import Places

__all__ = [
    "FACE_MESH_FILES",
    "FACE_MESH_INTEGRITY",
    "FACE_MESH_PACKAGE",
    "face_mesh_folder",
    "face_mesh_problem",
    "media_type",
]

FACE_MESH_PACKAGE = "@mediapipe/face_mesh@0.4.1633559619"
"""The npm package and release the page runs."""
FACE_MESH_INTEGRITY = (
    "sha512-Vc8cdjxS5+O2gnjWH9KncYpUCVXT0h714KlWAsyqJvJbIgUJ"
    "BqpppbIx8yWcAzBDxm/5cYSuBI5p5ySIPxzcEg=="
)
"""The registry's integrity value of that release's tarball."""

FACE_MESH_FILES: dict[str, tuple[int, str]] = {
    "face_mesh.js": (64913, "5db8555ac80ca2ad7366fbb3ea53c0d0959609fc9abb7b8be37a74ec1ac4ba9c"),
    "face_mesh.binarypb": (
        939,
        "139546bf05aebb33e2611b6b945f3a1629c316ca924e33cec1547c85ddef9f53",
    ),
    "face_mesh_solution_packed_assets.data": (
        3986256,
        "dbe5905c582c0462cdaea17e7e6ecea92edaa8cccc515c5e2e7291f2cbb5fb99",
    ),
    "face_mesh_solution_packed_assets_loader.js": (
        8928,
        "e5de8685b299184813f7cec668e499023937ae521b70f60cd0fc4832930446e0",
    ),
    "face_mesh_solution_simd_wasm_bin.js": (
        330166,
        "ca291877afb9c13308cf6be42f23cd39f1adf0036bb63ecad2ce16073bcf07c7",
    ),
    "face_mesh_solution_simd_wasm_bin.wasm": (
        6161697,
        "fb9e9cfe8b83a914e40eab2efd3b0d92a61f82a7c968589f223ab2a7e331d314",
    ),
    "face_mesh_solution_wasm_bin.js": (
        330161,
        "0a532ae8450e7e5f2788cc92ad190210f721446d3fd9cb259fdda958e66102c1",
    ),
    "face_mesh_solution_wasm_bin.wasm": (
        6084312,
        "54522fa25c505bf094242f969b4e4919125eb0dadccb568f2af171bbd65865f9",
    ),
}
"""Each file the page may load: its size in bytes and SHA-256."""

_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".wasm": "application/wasm",
    ".data": "application/octet-stream",
    ".binarypb": "application/octet-stream",
}

# Hashing 17 MB on every page view would be slow: a folder is checked once per
# (name, size, modification time) of its files.
_checked: dict[tuple[tuple[str, int, int], ...], str] = {}


_NOT_THEM = (
    "The face model files on this computer are not the expected ones; please install them again."
)


def face_mesh_folder(where: Places) -> Path:
    """Where the face model's files are kept."""
    return where.models / "face-mesh"


def media_type(name: str) -> str:
    """The content type to serve one of the files with."""
    return _TYPES[name[name.rfind(".") :]]


def face_mesh_problem(where: Places) -> str:
    """Why the check cannot run here, in one plain sentence ("" when it can)."""
    folder = face_mesh_folder(where)
    missing = (
        "The progress check needs the face model files, which are not installed on this computer."
    )
    stamp: list[tuple[str, int, int]] = []
    for name, (size, _digest) in FACE_MESH_FILES.items():
        path = folder / name
        try:
            info = path.lstat()
        except OSError:
            return missing
        if path.is_symlink() or info.st_size != size:
            return _NOT_THEM
        stamp.append((name, info.st_size, info.st_mtime_ns))
    key = tuple(stamp)
    if key not in _checked:
        bad = [
            name
            for name, (_size, digest) in FACE_MESH_FILES.items()
            if hashlib.sha256((folder / name).read_bytes()).hexdigest() != digest
        ]
        _checked[key] = _NOT_THEM if bad else ""
    return _checked[key]
