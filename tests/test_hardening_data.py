"""Hardening: the data folder and the history under faults.

Classes: a data folder that is not writable, a file, or has a folder at the
lock path is a clear message; read-only commands never write; a damaged
database is checked before the first write and kept aside byte for byte;
a 0-byte one is said and kept aside; a full disk loses nothing once space
comes back; a refused start leaves no session row; everything written about
the person is 0600 in 0700 folders whatever the umask; no symbolic link in
the data folder is followed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import os
import shutil
import sqlite3
import sys
import tempfile
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest

from facecoach._cli.main import main
from facecoach._core.events import EndRecord, StepRecord
from facecoach._paths import PlaceProblem, open_private, places, private_dir
from facecoach._person.history import lock_path
from facecoach._person.recorder import Recorder, SessionStart
from facecoach._person.store import CorruptDatabase, Store, StoreProblem
from facecoach._person.store_safety import SessionLock

NOBODY = 65534


def cli(*argv: str) -> tuple[int, str]:
    """Run the command line in this process; exit status and everything printed."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        status = main(list(argv))
    return status, out.getvalue()


def record_one(home: Path) -> None:
    status, text = cli("--data-dir", str(home), "run", "starter", "--simulate", "--record")
    assert status == 0, text


def as_nobody(body: Callable[[], tuple[int, str]]) -> tuple[int, str]:
    """Run ``body`` in a forked child that has dropped root for ``nobody``."""
    if os.geteuid() != 0 or not hasattr(os, "fork"):
        pytest.skip("needs root to drop to another user")
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 99
        try:
            os.close(read_end)
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            code, text = body()
        except BaseException as exc:
            text = f"child failed: {type(exc).__name__}: {exc}"
        os.write(write_end, f"{code}\n{text}".encode())
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        raw = pipe.read().decode()
    os.waitpid(pid, 0)
    code, _, text = raw.partition("\n")
    return int(code), text


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A folder outside root's private temporary tree that ``nobody`` can reach."""
    folder = Path(tempfile.mkdtemp(prefix="facecoach-nobody-", dir="/tmp"))
    os.chmod(folder, 0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_a_data_folder_that_is_not_writable_is_said(shared_dir: Path) -> None:
    home = shared_dir / "data"
    record_one(home)  # also loads every module the child needs
    for command in ("history", "today"):  # and those of the read-only commands
        cli("--data-dir", str(home), command)
    shutil.chown(shared_dir, NOBODY, NOBODY)
    for path in [home, *home.iterdir()]:
        shutil.chown(path, NOBODY, NOBODY)
    os.chmod(home, 0o500)
    status, text = as_nobody(
        lambda: cli("--data-dir", str(home), "run", "starter", "--simulate", "--record")
    )
    assert status == 1, text  # a file that cannot be written, not "a session is running" (3)
    assert f"{home} is not writable" in text and "Traceback" not in text
    # read-only commands still work in a read-only folder: they open the history read-only
    for command in ("history", "today"):
        status, text = as_nobody(lambda c=command: cli("--data-dir", str(home), c))
        assert status == 0, text
        assert "readonly" not in text
    status, text = as_nobody(lambda: cli("--data-dir", str(home), "history"))
    assert "starter" in text


def test_the_data_folder_as_a_file_is_said_everywhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    data.write_text("not a folder")
    monkeypatch.setenv("FACECOACH_HOME", str(data))
    status, text = cli("history")
    assert status == 1 and f"the data folder {data} is a file" in text
    assert "No sessions" not in text
    status, text = cli("run", "starter", "--simulate", "--record")
    assert status != 0 and str(data) in text and "Traceback" not in text


def test_a_folder_at_the_lock_path_is_said(tmp_path: Path) -> None:
    home = tmp_path / "data"
    lock_path(places(home)).mkdir(parents=True)
    status, text = cli("--data-dir", str(home), "run", "starter", "--simulate", "--record")
    assert status != 0
    assert "facecoach.lock is a folder" in text and "Traceback" not in text


def damage(path: Path) -> None:
    """Keep the header, overwrite pages 2 and 3 (the tables' pages)."""
    size = int.from_bytes(path.read_bytes()[16:18], "big") or 65536
    with path.open("r+b") as f:
        f.seek(size)
        f.write(b"\xa5" * (2 * size))


def test_a_damaged_history_is_checked_before_any_write_and_kept_byte_for_byte(
    tmp_path: Path,
) -> None:
    home = tmp_path / "data"
    record_one(home)
    database = places(home).database
    damage(database)
    wal = database.with_name(database.name + "-wal")
    wal.write_bytes(b"some wal bytes")
    found, found_wal = database.read_bytes(), wal.read_bytes()
    status, text = cli("--data-dir", str(home), "run", "starter", "--simulate", "--record")
    assert status == 1 and "is damaged" in text and "has not changed it" in text
    assert database.read_bytes() == found  # nothing written before the check
    (copy,) = home.glob("facecoach.sqlite3.damaged-*[!l]")
    assert copy.read_bytes() == found
    assert copy.with_name(copy.name + "-wal").read_bytes() == found_wal
    assert oct(copy.stat().st_mode & 0o777) == oct(0o600)


def test_an_empty_history_file_is_said_and_kept_aside(tmp_path: Path) -> None:
    home = tmp_path / "data"
    home.mkdir()
    database = places(home).database
    database.write_bytes(b"")
    status, text = cli("--data-dir", str(home), "history")
    assert status == 1 and "is empty (0 bytes)" in text
    status, text = cli("--data-dir", str(home), "run", "starter", "--simulate", "--record")
    assert status == 0
    assert "was empty (0 bytes); it is kept at" in text
    (kept,) = home.glob("facecoach.sqlite3.empty-*")
    assert kept.read_bytes() == b""
    assert "starter" in cli("--data-dir", str(home), "history")[1]


def end(steps: int) -> EndRecord:
    """The end entry (its planned count is the same here)."""
    values: list[object] = ["done", steps, steps]
    return EndRecord(*values[: len(dataclasses.fields(EndRecord))])  # type: ignore[arg-type]


def start(routine: str = "starter") -> SessionStart:
    return SessionStart("2025-01-01", "2025-01-01T10:00:00", routine, True, 3, 30.0)


def step(index: int) -> StepRecord:
    return StepRecord(index, "hold", "brow-lift", 5.0, 5.0, True)


def test_a_start_that_never_happens_leaves_no_session_row(tmp_path: Path) -> None:
    with Store.open(tmp_path / "h.sqlite3") as store:
        Recorder(store, start(), {})  # made, then the live start was refused
        assert store.sessions() == []


def test_a_full_disk_keeps_entries_in_memory_and_catches_up(tmp_path: Path) -> None:
    """SQLite's own "database or disk is full", by capping the file's pages."""
    said: list[str] = []
    with Store.open(tmp_path / "h.sqlite3") as store:
        record = Recorder(store, start(), {"brow-lift": "forehead"}, say=said.append)
        record(step(0))
        full = store.conn.execute("PRAGMA page_count").fetchone()[0]
        store.conn.execute(f"PRAGMA max_page_count = {full}")
        blob = "x" * 3000
        for index in range(1, 40):
            record(StepRecord(index, "hold", "brow-lift" + blob, 5.0, 5.0, True))
        assert len(record.unsaved) > 0
        assert len(said) == 1 and "Could not save the session history" in said[0]
        store.conn.execute("PRAGMA max_page_count = 1073741823")  # space comes back
        record(end(40))
        assert record.unsaved == []
        assert len(said) == 2 and "caught up" in said[1]
        (row,) = store.sessions()
        assert row.status == "done"
        assert len(store.steps_of(row.id)) == 40


def test_a_full_disk_on_a_real_small_file_system(tmp_path: Path) -> None:
    mount = tmp_path / "small"
    mount.mkdir()
    if os.geteuid() != 0 or os.system(f"mount -t tmpfs -o size=2m tmpfs {mount}") != 0:
        pytest.skip("cannot mount a small tmpfs here")
    try:
        said: list[str] = []
        filler = mount / "filler"
        with Store.open(mount / "h.sqlite3") as store:
            record = Recorder(store, start(), {}, say=said.append)
            record(step(0))
            with contextlib.suppress(OSError), filler.open("wb") as f:
                while True:
                    f.write(b"\0" * 4096)
                    f.flush()
            blob = "y" * 200
            for index in range(1, 30):
                record(StepRecord(index, "hold", "e" + blob, 5.0, 5.0, True))
            assert record.unsaved and len(said) == 1
            filler.unlink()
            record(end(30))
            assert record.unsaved == [] and "caught up" in said[-1]
            (row,) = store.sessions()
            assert len(store.steps_of(row.id)) == 30
    finally:
        os.system(f"umount {mount}")


def test_everything_about_the_person_is_private_whatever_the_umask(tmp_path: Path) -> None:
    home = tmp_path / "deep" / "data"
    old = os.umask(0)
    try:
        record_one(home)
        with Store.open(places(home).database) as store:
            store.conn.execute("SELECT 1").fetchall()
            side = [
                places(home).database.with_name("facecoach.sqlite3" + s) for s in ("-wal", "-shm")
            ]
            files = [places(home).database, lock_path(places(home)), *filter(Path.exists, side)]
            for path in files:
                assert oct(path.stat().st_mode & 0o777) == oct(0o600), path
        report = tmp_path / "report.html"
        assert cli("--data-dir", str(home), "report", "-o", str(report))[0] == 0
        assert oct(report.stat().st_mode & 0o777) == oct(0o600)
    finally:
        os.umask(old)
    for folder in (tmp_path / "deep", home):
        assert oct(folder.stat().st_mode & 0o777) == oct(0o700), folder


@pytest.mark.parametrize("name", ["facecoach.lock", "facecoach.sqlite3", "facecoach.sqlite3-wal"])
def test_a_symbolic_link_where_facecoach_writes_is_refused(tmp_path: Path, name: str) -> None:
    home = tmp_path / "data"
    home.mkdir()
    target = tmp_path / "precious.txt"
    target.write_text("keep me")
    (home / name).symlink_to(target)
    status, text = cli("--data-dir", str(home), "run", "starter", "--simulate", "--record")
    assert status != 0 and "symbolic link" in text and "Traceback" not in text
    assert target.read_text() == "keep me"


def test_open_private_never_follows_a_link_nor_writes_a_folder(tmp_path: Path) -> None:
    target = tmp_path / "target"
    target.write_text("keep")
    (tmp_path / "link").symlink_to(target)
    with pytest.raises(PlaceProblem, match="symbolic link"):
        open_private(tmp_path / "link")
    with pytest.raises(PlaceProblem, match="is a folder"):
        open_private(tmp_path)
    assert target.read_text() == "keep"
    with pytest.raises(PlaceProblem, match="is a file"):
        private_dir(target / "below")


def test_the_damaged_copy_name_as_a_link_is_not_followed(tmp_path: Path) -> None:
    home = tmp_path / "data"
    record_one(home)
    database = places(home).database
    damage(database)
    with pytest.raises(CorruptDatabase) as first:
        Store.open(database)
    copy = first.value.copy
    assert copy is not None
    copy.unlink()
    target = tmp_path / "precious.txt"
    target.write_text("keep me")
    copy.symlink_to(target)
    with pytest.raises(CorruptDatabase):
        Store.open(database)
    assert target.read_text() == "keep me"


@pytest.mark.parametrize("command", ["report"])
def test_a_missing_parent_folder_for_o_is_refused(tmp_path: Path, command: str) -> None:
    out = tmp_path / "missing" / "deeper" / "x.html"
    status, text = cli("--data-dir", str(tmp_path / "d"), command, "-o", str(out))
    assert status != 0 and f"the folder {out.parent} does not exist" in text
    assert not (tmp_path / "missing").exists()


def test_read_only_opening_writes_nothing(tmp_path: Path) -> None:
    home = tmp_path / "data"
    record_one(home)
    database = places(home).database
    before = database.read_bytes()
    with Store.open(database, readonly=True) as store:
        assert store.sessions()
        with pytest.raises(StoreProblem):
            store.begin_session(
                day="x",
                started="x",
                routine="x",
                simulated=True,
                planned_steps=0,
                planned_seconds=0,
            )
    assert database.read_bytes() == before
    assert SessionLock(lock_path(places(home))).held_elsewhere() is False
    assert date.today()  # keep the import honest
    assert isinstance(sqlite3.sqlite_version, str) and sys.version_info >= (3, 10)
