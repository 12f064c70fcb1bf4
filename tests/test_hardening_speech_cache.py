"""Hardening: a speech cache that cannot be written (full disk, a file where its folder
should be) never stops the speaking: lines are spoken without being kept and the
reason is said once, about the disk, not about the engine. What facecoach keeps
there is private (0600 files, 0700 folders)."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from facecoach._sound.samples import Sound
from facecoach._sound.speech import FakeSpeaker, SpeechCache

LINES = ["Lift your brow.", "Hold it gently.", "Rest.", "Lift your brow."]


def _full_disk(path: Path, sound: Sound) -> None:
    raise OSError(errno.ENOSPC, "No space left on device", str(path))


def test_a_cache_that_cannot_write_speaks_every_line_and_says_why_once(tmp_path: Path) -> None:
    told: list[str] = []
    cache = SpeechCache(tmp_path / "speech", on_problem=told.append, writer=_full_disk)
    speaker = FakeSpeaker(cache=cache)
    sounds = [speaker.render(line) for line in LINES]
    assert all(s.seconds > 0 for s in sounds)
    assert speaker.engine_calls == len(LINES)  # nothing came from the cache
    assert len(told) == 1
    assert "No space left on device" in told[0] and str(tmp_path / "speech") in told[0]
    assert "without keeping" in told[0] and "pyttsx3" not in told[0].replace(str(tmp_path), "")
    assert cache.problem == told[0]


def test_a_cache_folder_that_cannot_be_made_is_said_once_by_name(tmp_path: Path) -> None:
    (tmp_path / "cache").write_text("a file where the cache folder should be")
    told: list[str] = []
    speaker = FakeSpeaker(cache=SpeechCache(tmp_path / "cache" / "speech", on_problem=told.append))
    for line in LINES:
        assert speaker.render(line).seconds > 0
    assert len(told) == 1 and str(tmp_path / "cache") in told[0]


def test_cached_lines_are_private_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        speaker = FakeSpeaker(cache=SpeechCache(tmp_path / "speech"))
        speaker.render(LINES[0])
    finally:
        os.umask(old)
    (wav,) = (tmp_path / "speech").rglob("*.wav")
    assert stat.S_IMODE(wav.stat().st_mode) == 0o600
    for folder in (tmp_path / "speech", wav.parent):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    again = FakeSpeaker(cache=SpeechCache(tmp_path / "speech"))
    again.render(LINES[0])
    assert again.engine_calls == 0  # read back from the cache


@pytest.fixture
def tiny_full_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 KiB tmpfs, filled to the last byte (root only; skipped elsewhere)."""
    mount = tmp_path / f"disk-{uuid.uuid4().hex[:8]}"
    mount.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("needs root and mount(8) for a tiny tmpfs")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k,mode=0700", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        fd = os.open(mount / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            while os.write(fd, b"\0" * 4096):
                pass
        except OSError as error:
            assert error.errno == errno.ENOSPC
        finally:
            os.close(fd)
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False, capture_output=True)


def test_pyttsx3_speaks_on_a_full_disk_and_says_why_once(tiny_full_disk: Path) -> None:
    """The engine's scratch files live apart from the cache, so a full cache disk does
    not make every line wait for the engine and fail with a message about pyttsx3."""
    pytest.importorskip("pyttsx3")
    from facecoach._sound.speech import TtsUnavailable
    from facecoach._sound.tts import make_speaker

    told: list[str] = []
    speaker = make_speaker(
        "pyttsx3", cache_dir=tiny_full_disk / "speech", on_cache_problem=told.append
    )
    try:
        try:
            sounds = [speaker.render(line) for line in LINES[:2]]
        except TtsUnavailable as error:
            if "espeak" in str(error):
                pytest.skip(f"no speech engine here: {error}")
            raise
    finally:
        speaker.close()
    assert all(s.seconds > 0.2 for s in sounds)
    assert len(told) == 1
    assert "No space left on device" in told[0]
    assert "pyttsx3" not in told[0].replace(str(tiny_full_disk), "")
    assert not list(tiny_full_disk.rglob("*.wav"))


def test_a_live_run_with_an_unusable_cache_goes_on_and_says_so_once(tmp_path: Path) -> None:
    home = tmp_path / "fc"
    env = {**os.environ, "FACECOACH_HOME": str(home), "HOME": str(tmp_path)}
    base = [sys.executable, "-m", "facecoach"]
    subprocess.run(
        [*base, "profile", "--side", "left", "--stage", "recent"],
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    (home / "cache").write_text("not a folder")  # the speech cache cannot be made
    live = subprocess.Popen(
        [*base, "run", "starter", "--text-only", "--no-voice"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert live.stdout is not None
    seen: list[str] = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = live.stdout.readline()
        if not line:
            break
        seen.append(line)
        if sum("coach:" in s for s in seen) >= 3:
            break
    live.send_signal(signal.SIGTERM)
    rest, _ = live.communicate(timeout=60)
    text = "".join(seen) + rest
    said = [s for s in text.splitlines() if "without keeping" in s]
    assert len(said) == 1, text
    assert str(home / "cache") in said[0]
    assert "pyttsx3" not in said[0].replace(str(tmp_path), "")
    assert sum("coach:" in s for s in text.splitlines()) >= 3
    assert "Speech failed" not in text
