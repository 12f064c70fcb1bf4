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
    "PendingFile",
    "PlaceProblem",
    "Places",
    "open_private",
    "output_path",
    "places",
    "private_dir",
    "read_regular",
    "replace_file",
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
    a folder, a pipe or a device; facecoach never makes folders the person did
    not ask for. A symbolic link is fine: it is replaced, never written through.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        what = "is a file, not a folder" if os.path.lexists(folder) else "does not exist"
        raise PlaceProblem(errno.ENOENT, f"the folder {folder} {what}")
    if target.is_dir():
        raise PlaceProblem(errno.EISDIR, f"{target} is a folder")
    if os.path.lexists(target) and not (target.is_symlink() or target.is_file()):
        raise PlaceProblem(errno.EINVAL, f"{target} is not a regular file (a pipe or a device)")
    return target


def write_bytes_private(path: Path, data: bytes, exclusive: bool = False) -> None:
    """Write ``data`` to a private file (``open_private``); ``exclusive``: never over one."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if exclusive else os.O_TRUNC)
    fd = open_private(path, flags)
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to a file facecoach keeps about the person
    (``replace_file`` with the folder made private when missing)."""
    replace_file(path, text.encode("utf-8"), make_folder=True)


def read_regular(
    path: str | os.PathLike[str],
    *,
    limit: int,
    follow_links: bool = False,
    what: str = "file",
) -> bytes:
    """The bytes of a regular file, read without ever waiting on a pipe or device.

    ``FileNotFoundError`` passes through (callers often mean "not made yet");
    anything else that is not a readable regular file of at most ``limit``
    bytes is a ``PlaceProblem`` naming it. A symbolic link is refused unless
    ``follow_links`` (files the person names themselves, only ever read).
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | (0 if follow_links else _NOFOLLOW)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise PlaceProblem(
                errno.ELOOP, f"the {what} {path} is a symbolic link; facecoach does not follow it"
            ) from None
        raise PlaceProblem(
            exc.errno or errno.EIO, f"cannot read the {what} {path}: {exc.strerror or exc}"
        ) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise PlaceProblem(errno.EISDIR, f"the {what} {path} is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise PlaceProblem(
                errno.EINVAL, f"the {what} {path} is not a regular file (a pipe or a device)"
            )
        if info.st_size > limit:
            raise PlaceProblem(
                errno.EFBIG, f"the {what} {path} is {info.st_size:,} bytes; the limit is {limit:,}"
            )
        os.set_blocking(fd, True)
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except PlaceProblem:
        raise
    except OSError as exc:
        raise PlaceProblem(
            exc.errno or errno.EIO, f"cannot read the {what} {path}: {exc.strerror or exc}"
        ) from None
    finally:
        os.close(fd)
    if size > limit:  # it grew while being read
        raise PlaceProblem(errno.EFBIG, f"the {what} {path} is larger than {limit:,} bytes")
    return b"".join(chunks)


class PendingFile:
    """A new version of ``path`` written beside it, put in its place by ``commit``.

    Readers and a crash see the old file or the new one, never part of one. A
    symbolic link at ``path`` is replaced itself (its target is left alone);
    a folder, pipe or device there is refused before anything is written.
    ``abandon`` (also on any failure in ``commit``) removes the scratch file,
    so a full disk leaves the old file as it was and nothing beside it.
    """

    def __init__(self, path: Path, *, mode: int = PRIVATE_FILE, make_folder: bool = False) -> None:
        self.path = Path(path)
        self.mode = mode
        folder = self.path.parent if str(self.path.parent) else Path(".")
        if make_folder:
            private_dir(folder, "folder")
        else:
            try:
                output_path(self.path)
            except PlaceProblem as exc:
                raise PlaceProblem(exc.errno, f"cannot write {self.path}: {exc.strerror}") from None
        _refuse_special(self.path)
        try:
            # the real suffix last: tools that look at it (tagging) see the format
            fd, name = tempfile.mkstemp(
                prefix=f".part-{self.path.name}-", suffix=self.path.suffix, dir=folder
            )
        except OSError as exc:
            raise _cannot_write(self.path, exc) from None
        os.close(fd)
        self.temporary = Path(name)
        """Where the new content goes; write it by name or through ``open``."""

    def write(self, data: bytes) -> None:
        """Write all of ``data`` to the scratch file (replacing what it held)."""
        try:
            fd = os.open(self.temporary, os.O_WRONLY | os.O_TRUNC | _NOFOLLOW)
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
            finally:
                os.close(fd)
        except BaseException as exc:
            self.abandon()
            if isinstance(exc, OSError):
                raise _cannot_write(self.path, exc) from None
            raise

    def commit(self) -> None:
        """Flush the scratch file to disk and move it into place."""
        try:
            fd = os.open(self.temporary, os.O_RDONLY | _NOFOLLOW)
            try:
                os.fchmod(fd, self.mode)
                os.fsync(fd)
            finally:
                os.close(fd)
            _refuse_special(self.path)  # something may have appeared meanwhile
            os.replace(self.temporary, self.path)
        except BaseException as exc:
            self.abandon()
            if isinstance(exc, OSError) and not isinstance(exc, PlaceProblem):
                raise _cannot_write(self.path, exc) from None
            raise
        _sync_folder(self.temporary.parent)

    def abandon(self) -> None:
        """Remove the scratch file; the old file stays as it was."""
        self.temporary.unlink(missing_ok=True)


def replace_file(
    path: Path, data: bytes, *, mode: int = PRIVATE_FILE, make_folder: bool = False
) -> None:
    """Put ``data`` at ``path`` atomically (``PendingFile``), private unless ``mode`` says.

    ``make_folder``: a missing folder is made private (facecoach's own files);
    otherwise it must be there (a file the person asked for with ``-o``).
    Raises ``PlaceProblem`` naming the file.
    """
    pending = PendingFile(path, mode=mode, make_folder=make_folder)
    pending.write(data)
    pending.commit()


def _refuse_special(path: Path) -> None:
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise _cannot_write(path, exc) from None
    if stat.S_ISDIR(mode):
        raise PlaceProblem(errno.EISDIR, f"cannot write {path}: it is a folder")
    if not (stat.S_ISREG(mode) or stat.S_ISLNK(mode)):
        raise PlaceProblem(
            errno.EINVAL, f"cannot write {path}: it is not a regular file (a pipe or a device)"
        )


def _cannot_write(path: Path, exc: OSError) -> PlaceProblem:
    why = exc.strerror or str(exc)
    if exc.errno == errno.ENOSPC:
        why += ": the disk is full"
    return PlaceProblem(exc.errno or errno.EIO, f"cannot write {path}: {why}")


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (where folders can be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems refuse fsync on a folder; the rename is still atomic
    finally:
        os.close(fd)
