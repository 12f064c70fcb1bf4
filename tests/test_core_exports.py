"""The package's public names are exactly its ``__all__`` (as httpx checks its own)."""

from __future__ import annotations

import facecoach


def test_all_names_exist_and_are_public() -> None:
    for name in facecoach.__all__:
        assert hasattr(facecoach, name), name
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
    assert public == set(facecoach.__all__)
