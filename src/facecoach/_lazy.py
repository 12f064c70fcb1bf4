"""Fronts that load their names on first use.

A package front re-exports its modules' names; importing one module of a
package must not import all the others (numpy, audio libraries, engines).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_names"]


def lazy_names(package: str, homes: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``package``: each name imported from its home module.

    ``homes`` maps a name to the module (relative to ``package``) that defines
    it. The value is kept in the package's namespace after the first use.
    """

    def load(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{home}"), name)
        setattr(importlib.import_module(package), name, value)
        return value

    return load
