"""Shared test set-up: no test ever touches the real home directory or writes
into the working tree."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis.configuration import set_hypothesis_home_dir

FIXTURES = Path(__file__).parent / "fixtures"

# Hypothesis keeps its examples and caches in ./.hypothesis unless told
# otherwise: a temporary folder instead, gone when the run ends.
_HYPOTHESIS_HOME = tempfile.mkdtemp(prefix="facecoach-hypothesis-")
set_hypothesis_home_dir(_HYPOTHESIS_HOME)
atexit.register(shutil.rmtree, _HYPOTHESIS_HOME, ignore_errors=True)


# Modules whose tests assert what a model hears. `make check` runs them a second
# time with the other OpenBLAS kernel choice (see the Makefile), since machines
# of this kind differ in it and a verdict on an edge would flip between them.
MODEL_TEST_MODULES = frozenset(
    {
        "test_voice_whisper",
        "test_voice_whisper_ko",
        "test_voice_real",
        "test_voice_sphinx",
        "test_voice_vosk",
        "test_voice_silero",
        "test_voice_commands",
        "test_voice_barge_in",
    }
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.module is not None and item.module.__name__ in MODEL_TEST_MODULES:
            item.add_marker(pytest.mark.model)


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Point HOME and FACECOACH_HOME at temporary directories for every test,
    and run it in an empty temporary working directory (so whatever it, or a
    program it starts, writes to the current directory, such as the pyttsx3
    speaker's scratch folder, lands there)."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("FACECOACH_HOME", str(home / "facecoach"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    return home


@pytest.fixture
def fake_bin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty folder as the whole PATH (the fakes use absolute paths to real tools)."""
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", str(folder))
    return folder


@pytest.fixture
def sample_file() -> Path:
    """The core tests' small exercise and routine file."""
    return FIXTURES / "core" / "sample.yaml"
