"""Where facecoach keeps its files, with every place overridable."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import platformdirs

__all__ = ["Places", "places", "write_text_atomic"]

_APP = "facecoach"


@dataclass(frozen=True)
class Places:
    """The directories one run uses."""

    data: Path
    """History database, downloaded models."""
    config: Path
    """config file (chosen devices, voice)."""
    cache: Path
    """Rendered speech."""

    @property
    def database(self) -> Path:
        """The history database file."""
        return self.data / "facecoach.sqlite3"

    @property
    def config_file(self) -> Path:
        """The settings file."""
        return self.config / "config.json"

    @property
    def models(self) -> Path:
        """Speech models downloaded by ``facecoach model download``."""
        return self.data / "models"


def places(data_dir: str | os.PathLike[str] | None = None) -> Places:
    """Resolve the directories for this run.

    ``data_dir`` (the ``--data-dir`` option) wins, then ``FACECOACH_HOME``;
    either puts data, config and cache under one directory, which is what
    tests use. Otherwise the platform's user directories. Nothing is created
    here.
    """
    root = data_dir if data_dir is not None else os.environ.get("FACECOACH_HOME")
    if root:
        base = Path(root).expanduser()
        return Places(data=base, config=base / "config", cache=base / "cache")
    return Places(
        data=Path(platformdirs.user_data_dir(_APP)),
        config=Path(platformdirs.user_config_dir(_APP)),
        cache=Path(platformdirs.user_cache_dir(_APP)),
    )


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` so a reader or a crash sees the old file
    or the new one, never half of one. Creates the parent directory."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
