"""Where facecoach keeps its files, with every place overridable."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

import platformdirs

__all__ = [
    "PRIVATE_DIR",
    "PRIVATE_FILE",
    "PlaceProblem",
    "Places",
    "open_private",
    "output_path",
    "places",
    "private_dir",
    "write_bytes_private",
    "write_text_atomic",
]

PRIVATE_DIR = 0o700
"""Folders facecoach makes for what it keeps about the person."""
PRIVATE_FILE = 0o600
"""Files facecoach writes about the person: the owner alone reads them."""

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


class PlaceProblem(OSError):
    """A folder or file facecoach needs cannot be used; the message says which and why."""


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


def private_dir(path: Path, what: str = "data folder") -> Path:
    """Make sure ``path`` is a folder facecoach can write in, creating it (and its
    missing parents) private to the user (0700) whatever the umask.

    Raises ``PlaceProblem`` naming the folder: a file in the way, a symbolic
    link where facecoach writes, or a folder that is not writable.
    """
    missing: list[Path] = []
    probe = path
    while not os.path.lexists(probe) and probe.parent != probe:
        missing.append(probe)
        probe = probe.parent
    if os.path.lexists(probe) and not probe.is_dir():
        raise PlaceProblem(
            errno.ENOTDIR,
            f"the {what} {path} cannot be made: {probe} is a file, not a folder",
        )
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=PRIVATE_DIR)
        except FileExistsError:
            continue
        except OSError as exc:
            raise PlaceProblem(
                exc.errno or errno.EIO,
                f"cannot make the {what} {folder}: {exc.strerror or exc}",
            ) from None
        os.chmod(folder, PRIVATE_DIR)
    if path.is_symlink():
        raise PlaceProblem(
            errno.ELOOP, f"the {what} {path} is a symbolic link; facecoach does not write there"
        )
    if not os.access(path, os.W_OK | os.X_OK):
        raise PlaceProblem(
            errno.EACCES,
            f"the {what} {path} is not writable; fix its permissions or choose another "
            "with --data-dir or FACECOACH_HOME",
        )
    return path


def open_private(path: Path, flags: int = os.O_WRONLY | os.O_CREAT | os.O_TRUNC) -> int:
    """``os.open`` a file facecoach writes about the person: 0600 whatever the umask,
    never through a symbolic link, never a folder or a pipe. Returns the descriptor.

    Raises ``PlaceProblem`` naming the file.
    """
    try:
        fd = os.open(path, flags | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0), PRIVATE_FILE)
    except IsADirectoryError:
        raise PlaceProblem(errno.EISDIR, f"{path} is a folder, not a file") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP or (not _NOFOLLOW and Path(path).is_symlink()):
            raise PlaceProblem(
                errno.ELOOP, f"{path} is a symbolic link; facecoach does not write through one"
            ) from None
        raise PlaceProblem(
            exc.errno or errno.EIO, f"cannot write {path}: {exc.strerror or exc}"
        ) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise PlaceProblem(errno.EINVAL, f"{path} is not a regular file")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        if hasattr(os, "fchmod"):
            os.fchmod(fd, PRIVATE_FILE)
    except BaseException:
        os.close(fd)
        raise
    return fd


def output_path(path: Path) -> Path:
    """A file the person asked for (``-o``): its folder must already be there.

    Raises ``PlaceProblem`` naming the missing folder, or the path when it is
    a folder; facecoach never makes folders the person did not ask for.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        what = "is a file, not a folder" if os.path.lexists(folder) else "does not exist"
        raise PlaceProblem(errno.ENOENT, f"the folder {folder} {what}")
    if target.is_dir():
        raise PlaceProblem(errno.EISDIR, f"{target} is a folder")
    return target


def write_bytes_private(path: Path, data: bytes, exclusive: bool = False) -> None:
    """Write ``data`` to a private file (``open_private``); ``exclusive``: never over one."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if exclusive else os.O_TRUNC)
    fd = open_private(path, flags)
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` so a reader or a crash sees the old file
    or the new one, never half of one. Creates the parent directory (0700); the
    file is 0600 (mkstemp's mode, whatever the umask)."""
    if not path.parent.is_dir():
        private_dir(path.parent, "folder")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
