"""The history's guards: its errors, copies of a damaged file, and the session lock."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
from pathlib import Path

from .._paths import (
    PRIVATE_FILE,
    PlaceProblem,
    open_private,
    private_dir,
    read_regular,
    write_bytes_private,
)

try:  # not on Windows: there the lock is the file's existence check below
    import fcntl
except ImportError:  # pragma: no cover - exercised by the import test with fcntl hidden
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "CorruptDatabase",
    "SessionBusy",
    "SessionLock",
    "StoreProblem",
    "check_place",
    "keep_copy",
    "make_private",
    "quick_check",
    "readonly_uri",
]


class StoreProblem(Exception):
    """The history cannot be used; the message says why and what to do."""


class CorruptDatabase(StoreProblem):
    """The history file is damaged. A copy was kept at ``copy``."""

    def __init__(self, path: Path, copy: Path | None, detail: str) -> None:
        kept = f"A copy is kept at {copy}. " if copy else ""
        super().__init__(
            f"the history database {path} is damaged ({detail}). {kept}facecoach has not "
            f"changed it. Restore a backup over it, or move it away to start a new history."
        )
        self.path = path
        self.copy = copy


class SessionBusy(StoreProblem):
    """Another facecoach session is running on the same data."""


def _read_as_found(path: Path) -> bytes | None:
    """The bytes of ``path`` as they are, never through a symbolic link; None if absent."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    with os.fdopen(fd, "rb") as f:
        return f.read()


def keep_copy(path: Path, tag: str = "damaged") -> Path | None:
    """Copy a damaged database (and its WAL) aside byte for byte, once per distinct content.

    The copy is private (0600), made with ``O_EXCL``: never over another file,
    never through a symbolic link at its name. Returns where it is, or None.
    """
    data = _read_as_found(path)
    if data is None:
        return None
    wal = _read_as_found(path.with_name(path.name + "-wal"))
    digest = hashlib.sha256(data + (wal or b"")).hexdigest()[:12]
    copy = path.with_name(f"{path.name}.{tag}-{digest}")
    if os.path.lexists(copy):
        return copy if not copy.is_symlink() and _read_as_found(copy) == data else None
    try:
        write_bytes_private(copy, data, exclusive=True)
        if wal is not None:
            write_bytes_private(copy.with_name(copy.name + "-wal"), wal, exclusive=True)
    except OSError:
        return None
    return copy


class SessionLock:
    """One session at a time on the same data: an exclusive lock on a file.

    The operating system drops the lock when the process ends, even by kill -9,
    so a crash never leaves a stale lock behind.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self, note: str = "") -> None:
        """Take the lock or raise ``SessionBusy`` saying who holds it."""
        try:
            private_dir(self.path.parent)
            fd = open_private(self.path, os.O_RDWR | os.O_CREAT)
        except PlaceProblem as error:
            raise StoreProblem(f"cannot take the session lock: {error.strerror}") from None
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            os.close(fd)
            if error.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise StoreProblem(f"cannot lock {self.path}: {error.strerror}") from None
            holder = self.holder()
            raise SessionBusy(
                "another facecoach session is already running on this data"
                + (f" ({holder})" if holder else "")
                + ". Finish or stop it first (one session at a time keeps the history right)."
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"pid {os.getpid()}{', ' + note if note else ''}\n".encode())
        self._fd = fd

    def held_elsewhere(self) -> bool:
        """True when another process holds the lock now."""
        if self._fd is not None or fcntl is None or not self.path.is_file():
            return False
        try:
            fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            return True
        finally:
            os.close(fd)
        return False

    def holder(self) -> str:
        """What the holder wrote into the lock file (its pid and session)."""
        try:
            text = read_regular(self.path, limit=4096, what="session lock")
        except OSError:
            return ""
        return text.decode("utf-8", errors="replace").strip()

    def release(self) -> None:
        """Let the next session start."""
        if self._fd is not None:
            if fcntl is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> SessionLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


_SIDE_FILES = ("-wal", "-shm")


def check_place(path: Path, readonly: bool) -> None:
    """Refuse, with a message naming it, a history path facecoach must not use.

    The data folder must be a folder (writable unless ``readonly``); the
    database and its -wal/-shm must not be symbolic links or folders.
    """
    folder = path.parent
    if readonly:
        if os.path.lexists(folder) and not folder.is_dir():
            raise StoreProblem(f"the data folder {folder} is a file, not a folder")
    else:
        try:
            private_dir(folder)
        except PlaceProblem as error:
            raise StoreProblem(str(error)) from None
    for name in (path, *(path.with_name(path.name + s) for s in _SIDE_FILES)):
        if name.is_symlink():
            raise StoreProblem(
                f"{name} is a symbolic link; facecoach keeps the history only in a real file"
            )
        if name.is_dir():
            raise StoreProblem(f"{name} is a folder, where the history database should be")


def quick_check(path: Path) -> None:
    """``PRAGMA quick_check`` on a read-only connection, before anything is written.

    A damaged file is copied aside (as found, with its WAL) and ``CorruptDatabase``
    raised; the file itself is left as it was.
    """
    import sqlite3

    detail = ""
    try:
        conn = sqlite3.connect(readonly_uri(path), uri=True)
    except sqlite3.Error:
        return  # cannot even open it read-only: the read-write open says why
    try:
        rows = conn.execute("PRAGMA quick_check").fetchall()
        if [tuple(r) for r in rows] != [("ok",)]:
            detail = "; ".join(str(r[0]) for r in rows[:3])
    except sqlite3.DatabaseError as error:
        code = getattr(error, "sqlite_errorcode", None)
        text = str(error)
        if code in (11, 26) or "malformed" in text or "not a database" in text:
            detail = text
    finally:
        conn.close()
    if detail:
        raise CorruptDatabase(path, keep_copy(path), detail)


def readonly_uri(path: Path) -> str:
    """An SQLite URI that opens ``path`` without writing anything.

    In a folder facecoach cannot write, SQLite could not make the WAL's
    shared-memory file, so the file is opened as immutable there.
    """
    from urllib.parse import quote

    uri = f"file:{quote(str(path.absolute()))}?mode=ro"
    return uri if os.access(path.parent, os.W_OK) else uri + "&immutable=1"


def make_private(path: Path) -> None:
    """The database and its -wal/-shm readable by the owner alone (0600)."""
    for name in (path, *(path.with_name(path.name + s) for s in _SIDE_FILES)):
        if name.is_file() and not name.is_symlink():
            with contextlib.suppress(OSError):
                os.chmod(name, PRIVATE_FILE)
