"""The package's public names are exactly its ``__all__`` (as httpx checks its own)."""

from __future__ import annotations

import subprocess
import sys

import facecoach


def test_all_names_exist_and_are_public() -> None:
    for name in facecoach.__all__:
        assert getattr(facecoach, name) is not None, name
        assert not name.startswith("_")
    assert len(set(facecoach.__all__)) == len(facecoach.__all__)


def test_every_public_attribute_is_listed() -> None:
    public = {
        name
        for name, value in vars(facecoach).items()
        if not name.startswith("_")
        and name != "annotations"  # from __future__
        and not getattr(value, "__name__", "").startswith("facecoach.")
    }
    assert public <= set(facecoach.__all__)


def test_unknown_names_are_attribute_errors() -> None:
    assert not hasattr(facecoach, "NoSuchThing")


def test_importing_the_package_does_not_load_audio_libraries() -> None:
    code = (
        "import sys, facecoach\n"
        "print(sorted(m for m in ('numpy', 'sounddevice') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
