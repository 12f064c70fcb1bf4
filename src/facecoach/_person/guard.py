"""The history's guards: its errors, copies of a damaged file, and the session lock."""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import shutil
from pathlib import Path

__all__ = ["CorruptDatabase", "SessionBusy", "SessionLock", "StoreProblem", "keep_copy"]


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


def keep_copy(path: Path) -> Path | None:
    """Copy a damaged database (and its WAL) aside, once per distinct content."""
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    except OSError:
        return None
    copy = path.with_name(f"{path.name}.damaged-{digest}")
    try:
        if not copy.exists():
            shutil.copy2(path, copy)
            wal = path.with_name(path.name + "-wal")
            if wal.exists():
                shutil.copy2(wal, copy.with_name(copy.name + "-wal"))
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
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
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
        if self._fd is not None or not self.path.exists():
            return False
        fd = os.open(self.path, os.O_RDONLY)
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
            return self.path.read_text(encoding="utf-8").strip()
        except OSError:
            return ""

    def release(self) -> None:
        """Let the next session start."""
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> SessionLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
