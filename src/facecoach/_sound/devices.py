"""Sound devices: list them, choose one by index or part of its name, remember it.

The choice is kept in the config file (``Places.config_file``) by name, since
device numbers change when things are plugged in. Other keys in that file
belong to other parts of facecoach and are left as they are.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from .._paths import PlaceProblem, read_regular, write_text_atomic

__all__ = [
    "DeviceInfo",
    "DeviceProblem",
    "choose_device",
    "forget_config",
    "list_devices",
    "load_config",
    "quiet_alsa_messages",
    "save_config",
]

Direction = Literal["output", "input"]


class DeviceProblem(Exception):
    """A device cannot be chosen or the config cannot be read; says why."""


@dataclass(frozen=True)
class DeviceInfo:
    """One device as PortAudio sees it."""

    index: int
    name: str
    hostapi: str
    inputs: int
    outputs: int
    default_rate: float
    default_input: bool = False
    default_output: bool = False

    def has(self, direction: Direction) -> bool:
        """True if the device can play (output) or record (input)."""
        return (self.outputs if direction == "output" else self.inputs) > 0

    def label(self) -> str:
        """How the device is shown to the person."""
        return f"{self.name} (device {self.index})"


_ALSA_QUIET: list[object] = []
"""The installed no-op ALSA error handler, kept alive for as long as the process."""


def quiet_alsa_messages() -> bool:
    """Stop ALSA's library from printing into the terminal (and so into the live panel).

    ALSA reports underruns and probing of absent devices straight to stderr
    from C; facecoach says what matters in its own words. True once installed
    (False where there is no ALSA, such as macOS or Windows).
    """
    if _ALSA_QUIET:
        return True
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("asound") or "libasound.so.2"
    try:
        alsa = ctypes.CDLL(name)
    except OSError:
        return False
    # void handler(const char *file, int line, const char *function, int err, const char *fmt, ...)
    handler_type = ctypes.CFUNCTYPE(
        None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p
    )
    handler = handler_type(lambda *args: None)
    alsa.snd_lib_error_set_handler(handler)
    _ALSA_QUIET.append(handler)
    return True


def list_devices(module: Any = None) -> list[DeviceInfo]:
    """Every device PortAudio knows; empty when there is no sound system at all.

    ``module`` stands in for ``sounddevice`` (tests).
    """
    if module is None:
        quiet_alsa_messages()
    try:
        sd = module if module is not None else importlib.import_module("sounddevice")
        raw = sd.query_devices()
        apis = [api["name"] for api in sd.query_hostapis()]
        default_in, default_out = _defaults(sd)
    except (OSError, ImportError):
        return []
    except Exception as error:  # PortAudioError is not importable without PortAudio
        if type(error).__name__ == "PortAudioError":
            return []
        raise
    devices = []
    for index, dev in enumerate(raw):
        devices.append(
            DeviceInfo(
                index=index,
                name=str(dev["name"]),
                hostapi=apis[dev["hostapi"]] if 0 <= dev["hostapi"] < len(apis) else "",
                inputs=int(dev["max_input_channels"]),
                outputs=int(dev["max_output_channels"]),
                default_rate=float(dev["default_samplerate"]),
                default_input=index == default_in,
                default_output=index == default_out,
            )
        )
    return devices


def _defaults(sd: Any) -> tuple[int, int]:
    pair = sd.default.device
    try:
        return int(pair[0]), int(pair[1])
    except (TypeError, IndexError, ValueError):
        return -1, -1


def choose_device(
    spec: str | None, direction: Direction, devices: Sequence[DeviceInfo]
) -> DeviceInfo | None:
    """The device ``spec`` names (an index or part of a name), or the default.

    Returns None when ``spec`` is None and there is no default device. Raises
    ``DeviceProblem`` when ``spec`` matches no device, or several.
    """
    usable = [d for d in devices if d.has(direction)]
    if spec is None or not spec.strip():
        for device in usable:
            if device.default_input if direction == "input" else device.default_output:
                return device
        return usable[0] if usable else None
    spec = spec.strip()
    if not usable:
        raise DeviceProblem(f"no {direction} devices found, so '{spec}' cannot be used")
    if spec.isdigit():
        for device in usable:
            if device.index == int(spec):
                return device
        raise DeviceProblem(
            f"no {direction} device number {spec}; {direction} devices: {_names(usable)}"
        )
    wanted = spec.lower()
    exact = [d for d in usable if d.name.lower() == wanted]
    if exact:
        return exact[0]
    matches = [d for d in usable if wanted in d.name.lower()]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise DeviceProblem(
            f"no {direction} device matches '{spec}'; {direction} devices: {_names(usable)}"
        )
    raise DeviceProblem(
        f"'{spec}' matches several {direction} devices ({_names(matches)}); give the number"
    )


def _names(devices: Sequence[DeviceInfo]) -> str:
    return ", ".join(d.label() for d in devices)


_MAX_CONFIG_BYTES = 1_000_000
"""A settings file is a few lines; anything this big is not one."""


def load_config(path: Path) -> dict[str, Any]:
    """The settings in ``path`` (empty when there is no file yet)."""
    try:
        text = read_regular(path, limit=_MAX_CONFIG_BYTES, what="settings file").decode("utf-8")
    except FileNotFoundError:
        return {}
    except UnicodeDecodeError:
        raise DeviceProblem(
            f"{path}: the settings file is not UTF-8 text; fix or delete it "
            "(facecoach settings --reset)"
        ) from None
    except PlaceProblem as error:
        raise DeviceProblem(str(error.strerror)) from None
    except OSError as error:
        raise DeviceProblem(f"{path}: cannot read the settings: {error.strerror}") from None
    try:
        # Infinity and NaN are not JSON; Python would otherwise accept them.
        data = json.loads(text, parse_constant=_no_constant, parse_int=_small_int)
    except RecursionError:
        raise DeviceProblem(f"{path}: the settings file is nested too deeply") from None
    except (json.JSONDecodeError, ValueError) as error:
        raise DeviceProblem(
            f"{path}:{getattr(error, 'lineno', 1)}: the settings file is not valid JSON "
            f"({getattr(error, 'msg', error)}); "
            "fix or delete it"
        ) from None
    if not isinstance(data, dict):
        raise DeviceProblem(f"{path}: the settings file must hold a JSON object")
    return data


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number JSON allows")


def _small_int(text: str) -> int:
    if len(text.lstrip("-")) > _MAX_DIGITS:
        raise ValueError(f"a number of {len(text)} digits is far too big for any setting")
    return int(text)


_MAX_DIGITS = 18


def save_config(path: Path, updates: Mapping[str, Any]) -> dict[str, Any]:
    """Merge ``updates`` into the settings file (written atomically); returns the result."""
    data = load_config(path)
    data.update(updates)
    _write_config(path, data)
    return data


def forget_config(path: Path, keys: Sequence[str]) -> list[str]:
    """Remove ``keys`` (all of them when empty) from the settings file; returns those removed.

    A damaged file is replaced by one that keeps nothing.
    """
    try:
        data = load_config(path)
    except DeviceProblem:
        data = {}
    gone = [k for k in (keys or list(data)) if k in data]
    _write_config(path, {k: v for k, v in data.items() if k not in gone})
    return gone


def _write_config(path: Path, data: Mapping[str, Any]) -> None:
    write_text_atomic(path, json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
