"""Hardening, property tests: no bytes in the settings file or the profile make
`plan starter`, `today` or `settings` raise; each ends with an exit status and,
when it fails, a message."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facecoach._cli.main import main
from facecoach._paths import places
from facecoach._person.profile import profile_path

COMMANDS = (["plan", "starter"], ["today"], ["settings"])

_json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
_keys = st.sampled_from(
    [
        "voice",
        "rate",
        "volume",
        "output_device",
        "input_device",
        "tts",
        "primer",
        "tick_seconds",
        "side",
        "stage",
        "onset",
        "asked",
        "schedule",
        "days",
        "routine",
    ]
)
_plausible = st.dictionaries(_keys, _json_values, max_size=6).map(
    lambda d: json.dumps(d, allow_nan=True).encode("utf-8")
)
CONTENTS = st.one_of(
    st.binary(max_size=300),
    _plausible,
    _json_values.map(lambda v: json.dumps(v, allow_nan=True).encode("utf-8")),
)


def _run_with(which: str, content: bytes, capsys: pytest.CaptureFixture[str]) -> None:
    folder = Path(tempfile.mkdtemp(prefix="facecoach-prop-"))
    try:
        where = places(folder)
        target = where.config_file if which == "settings" else profile_path(where)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        for command in COMMANDS:
            status = main(["--data-dir", str(folder), *command])  # nothing else may escape
            captured = capsys.readouterr()
            assert isinstance(status, int)
            if status != 0:
                assert captured.err.strip(), f"{command}: exit {status} without a word"
                assert "Traceback" not in captured.err
    finally:
        shutil.rmtree(folder, ignore_errors=True)


_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@_SETTINGS
@given(content=CONTENTS)
def test_no_settings_file_makes_a_command_raise(
    content: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    _run_with("settings", content, capsys)


@_SETTINGS
@given(content=CONTENTS)
def test_no_profile_makes_a_command_raise(
    content: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    _run_with("profile", content, capsys)
