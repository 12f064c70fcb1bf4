"""Hardening: a speech model asked for by path that cannot be used is an error naming it."""

from __future__ import annotations

from pathlib import Path

import pytest

from facecoach._paths import places
from facecoach._voice.source import VoiceError, make_recognizer


@pytest.mark.parametrize("kind", ["missing", "empty folder", "file", "/dev/null"])
def test_a_model_path_that_is_not_a_model_is_an_error(tmp_path: Path, kind: str) -> None:
    if kind == "missing":
        model = tmp_path / "nowhere"
    elif kind == "empty folder":
        model = tmp_path / "empty"
        model.mkdir()
    elif kind == "file":
        model = tmp_path / "model.zip"
        model.write_bytes(b"PK\x03\x04 not unpacked")
    else:
        model = Path("/dev/null")
    with pytest.raises(VoiceError) as caught:
        make_recognizer("en", places(tmp_path / "fc"), "auto", str(model))
    assert str(model) in str(caught.value)


def test_the_model_from_the_environment_is_checked_too(tmp_path: Path) -> None:
    env = {"FACECOACH_MODEL": str(tmp_path / "gone")}
    with pytest.raises(VoiceError, match="gone"):
        make_recognizer("en", places(tmp_path / "fc"), "auto", None, environ=env)
