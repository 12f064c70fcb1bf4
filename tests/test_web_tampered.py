"""The web app over saved data changed by hand: a profile, a history, a voice enrolment,
a settings file and routine files. Every page answers in its own words (never a trace),
and the terminal names the file."""

from __future__ import annotations

import contextlib
import io
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from facecoach._cli.main import main
from facecoach._paths import Places, places
from facecoach._person.profile import profile_path
from facecoach._voice.enroll import enrolment_path
from facecoach._web.app import make_app
from facecoach._web.security import cookie_name
from web_support import ROUTINE, TOKEN, settings_for

BASE = "http://127.0.0.1:8123"
ORIGIN = {"origin": BASE}
PAGES = ["/", "/history", "/profile", "/routines", "/sheet/starter", "/voice", "/session"]
BUTTONS = ["/check", "/session/start", "/profile"]
HUGE = "9" * 5000
LONG = "9" * 4000  # under Python's 4300-digit limit, far over a float's range
DEEP = "[" * 100_000 + "]" * 100_000


def _cli(*argv: str) -> None:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        status = main(list(argv))
    assert status == 0, out.getvalue()


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder with a profile and one recorded session, copied for each case."""
    home = tmp_path_factory.mktemp("recorded") / "data"
    _cli("--data-dir", str(home), "profile", "--side", "left", "--stage", "recent")
    _cli("--data-dir", str(home), "run", "starter", "--simulate", "--record")
    return home


def _profile(key: str, value: object) -> Callable[[Places], Path]:
    def change(where: Places) -> Path:
        path = profile_path(where)
        body = json.loads(path.read_text(encoding="utf-8"))
        body[key] = value
        path.write_text(json.dumps(body), encoding="utf-8")
        return path

    return change


def _profile_text(text: str) -> Callable[[Places], Path]:
    def change(where: Places) -> Path:
        profile_path(where).write_text(text, encoding="utf-8")
        return profile_path(where)

    return change


def _sql(statement: str) -> Callable[[Places], Path]:
    def change(where: Places) -> Path:
        with contextlib.closing(sqlite3.connect(where.database)) as db:
            db.execute(statement)
            db.commit()
        return where.database

    return change


def _enrolment(score: str = "0.9", takes: str | None = None) -> Callable[[Places], Path]:
    take = (
        '{"phrase": "next", "command": "next", "heard": "next", "text": "next", '
        f'"score": {score}, "free_score": 1, "none_score": null, "end": 1}}'
    )
    text = '{"version": 1, "lang": "en", "model": "tiny.en", "takes": %s}' % (
        takes if takes is not None else f"[{take}]"
    )

    def change(where: Places) -> Path:
        enrolment_path(where).write_text(text, encoding="utf-8")
        return enrolment_path(where)

    return change


CASES: dict[str, Callable[[Places], Path]] = {
    "stage_since 9999-12-31": _profile("stage_since", "9999-12-31"),
    "stage_since 0001-01-01": _profile("stage_since", "0001-01-01"),
    "after-care since 9999-12-31": lambda w: (
        _profile("stage", "after-care")(w),
        _profile("stage_since", "9999-12-31")(w),
    )[1],
    "stage_since not a date": _profile("stage_since", "soon"),
    "stage_since a number": _profile("stage_since", 20250101),
    "days huge": _profile("days", [10**30]),
    "days text": _profile("days", "every"),
    "profile huge integer": _profile_text('{"side": "left", "days": [' + HUGE + "]}"),
    "profile 100k nesting": _profile_text(DEEP),
    "profile not json": _profile_text("\x00\xff{"),
    "planned_steps 'abc'": _sql("UPDATE sessions SET planned_steps = 'abc'"),
    "completed_steps 'abc'": _sql("UPDATE sessions SET completed_steps = 'abc'"),
    "planned_seconds 'abc'": _sql("UPDATE sessions SET planned_seconds = 'abc'"),
    "day 2025-13-45": _sql("UPDATE sessions SET day = '2025-13-45'"),
    "day 9999-12-31": _sql("UPDATE sessions SET day = '9999-12-31', started = '9999-12-31T10:00'"),
    "day 0001-01-01": _sql("UPDATE sessions SET day = '0001-01-01', started = '0001-01-01T10:00'"),
    "started 'yesterday'": _sql("UPDATE sessions SET started = 'yesterday'"),
    "seconds 1e308": _sql("UPDATE session_exercises SET seconds = 1e308"),
    "steps as text": _sql("UPDATE session_exercises SET steps = 'x', holds = 'y'"),
    "too_tight factor 'abc'": _sql(
        "INSERT INTO too_tight SELECT id, 'brow-lift', 'abc' FROM sessions"
    ),
    "routine huge text": _sql("UPDATE sessions SET routine = '" + "<script>" * 5000 + "'"),
    "enrolment huge integer": _enrolment(HUGE),
    "enrolment long integer": _enrolment(LONG),
    "enrolment 100k nesting": _enrolment(takes=DEEP),
    "enrolment takes not a list": _enrolment(takes='{"a": 1}'),
}


def _pages(client: TestClient) -> dict[str, tuple[int, str]]:
    seen = {}
    for path in PAGES:
        response = client.get(path)
        seen[path] = (response.status_code, response.text)
    for path in BUTTONS:
        response = client.post(path, data={"stage": "recent"}, headers=ORIGIN)
        seen[f"POST {path}"] = (response.status_code, response.text)
    return seen


@pytest.fixture
def fresh(recorded: Path, tmp_path: Path) -> Iterator[tuple[Places, TestClient]]:
    import shutil

    settings = settings_for(tmp_path)
    shutil.copytree(recorded, settings.where.data, dirs_exist_ok=True)
    web = make_app(settings)
    with TestClient(web.asgi, base_url=BASE, follow_redirects=False) as client:
        client.cookies.set(cookie_name(8123), TOKEN)
        yield settings.where, client
        web.runner.stop()


@pytest.mark.parametrize("case", list(CASES))
def test_tampered_data_is_said_on_every_page_never_a_trace(
    fresh: tuple[Places, TestClient], case: str, capfd: pytest.CaptureFixture[str]
) -> None:
    where, client = fresh
    changed = CASES[case](where)
    seen = _pages(client)  # a fault would raise here (the client re-raises server errors)
    for path, (status, text) in seen.items():
        assert status in (200, 303, 400, 409, 500), (path, status)
        assert "Traceback" not in text and "Something went wrong" not in text, path
        if status == 500:
            assert 'class="notice"' in text, (path, text[:300])
    err = capfd.readouterr().err
    refused = [path for path, (status, _) in seen.items() if status == 500]
    said = [path for path, (_, text) in seen.items() if "could not be read" in text]
    if refused or said:
        assert (
            str(changed) in err
            or changed.name in err
            or any(changed.name in seen[p][1] or str(changed) in seen[p][1] for p in refused)
        ), err[:500]
    assert "Traceback" not in err


def test_the_enrolment_that_cannot_be_read_is_said_on_its_page(
    fresh: tuple[Places, TestClient], capfd: pytest.CaptureFixture[str]
) -> None:
    where, client = fresh
    _enrolment(takes=DEEP)(where)
    page = client.get("/voice").text
    assert "could not be read" in page and "teach your voice again" in page
    assert str(enrolment_path(where)) in capfd.readouterr().err


def test_a_history_row_with_text_for_a_number_names_the_database(
    fresh: tuple[Places, TestClient], capfd: pytest.CaptureFixture[str]
) -> None:
    where, client = fresh
    _sql("UPDATE sessions SET planned_steps = 'abc'")(where)
    response = client.get("/history")
    assert response.status_code == 500 and 'class="notice"' in response.text
    assert str(where.database) in response.text + capfd.readouterr().err


def test_a_settings_file_with_a_huge_integer_stops_serve_with_its_name(tmp_path: Path) -> None:
    where = places(tmp_path / "data")
    where.config_file.parent.mkdir(parents=True)
    for text in ('{"rate": ' + "9" * 400 + "}", '{"rate": ' + HUGE + "}", DEEP):
        where.config_file.write_text(text, encoding="utf-8")
        done = _serve_briefly(tmp_path, "--no-browser", "--text-only")
        assert done.returncode == 2, done.stderr
        assert str(where.config_file) in done.stderr and "Traceback" not in done.stderr


def _serve_briefly(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``facecoach serve`` that should refuse at once (a start would be cut off at 60 s)."""
    return subprocess.run(
        [sys.executable, "-m", "facecoach", "serve", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "FACECOACH_HOME": str(tmp_path / "data")},
    )


def test_serve_refuses_a_file_that_is_not_a_regular_file(tmp_path: Path) -> None:
    fifo = tmp_path / "routine.yaml"
    os.mkfifo(fifo)
    for given in (fifo, tmp_path, Path("/dev/zero"), tmp_path / "missing.yaml"):
        done = _serve_briefly(tmp_path, "--no-browser", "--text-only", "--file", str(given))
        assert done.returncode == 1, (given, done.stderr)  # as validate says a bad file
        assert str(given) in done.stderr and "Traceback" not in done.stderr


@pytest.fixture
def own_file(tmp_path: Path) -> Iterator[tuple[Path, TestClient, io.StringIO]]:
    settings = settings_for(tmp_path)
    web = make_app(settings)
    with TestClient(web.asgi, base_url=BASE, follow_redirects=False) as client:
        client.cookies.set(cookie_name(8123), TOKEN)
        yield Path(settings.files[0]), client, web.runner.log or io.StringIO()


@pytest.mark.parametrize(
    "breaking",
    ["junk", "bad field", "deleted", "pipe", "folder", "empty"],
)
def test_a_routine_file_broken_while_serving_keeps_the_last_good_copy(
    own_file: tuple[Path, TestClient, io.StringIO], breaking: str
) -> None:
    path, client, log = own_file
    assert "Short test routine" in client.get("/routines").text
    if breaking == "junk":
        path.write_bytes(b"\x00\xff: [unclosed\n")
    elif breaking == "bad field":
        path.write_text(ROUTINE.replace("hold: 40", "hold: forever"), encoding="utf-8")
    elif breaking == "empty":
        path.write_text("", encoding="utf-8")
    else:
        path.unlink()
        if breaking == "pipe":
            os.mkfifo(path)
        elif breaking == "folder":
            path.mkdir()
    for page in PAGES:
        response = client.get(page)
        assert response.status_code in (200, 500), page
        if page != "/sheet/starter":  # the printable sheet stands alone
            assert "A routine file could not be read" in response.text, page
            assert str(path) in response.text, page
    assert "Short test routine" in client.get("/routines").text  # the last good copy
    assert client.get("/sheet/test-short").status_code == 200
    assert str(path) in log.getvalue()
    # mended: the banner goes, the file is read again
    if path.is_dir():
        path.rmdir()
    elif path.exists():
        path.unlink()
    path.write_text(ROUTINE.replace("Short test routine", "Mended routine"), encoding="utf-8")
    page = client.get("/routines").text
    assert "A routine file could not be read" not in page and "Mended routine" in page
