"""The Profile page's "Your plan": a served therapist's file becomes the plan as
``profile --routine`` makes it, and the rotation comes back."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from facecoach._cli.main import main
from facecoach._paths import places
from facecoach._person.own_routine import copy_path, person_library
from facecoach._person.profile import load_profile
from facecoach._web.app import make_app
from facecoach._web.security import cookie_name
from web_support import ROUTINE, TOKEN, settings_for

ORIGIN = {"origin": "http://127.0.0.1:8123"}


@pytest.fixture
def signed_in(tmp_path: Path) -> Iterator[TestClient]:
    web = make_app(settings_for(tmp_path))
    with TestClient(web.asgi, base_url="http://127.0.0.1:8123", follow_redirects=False) as c:
        c.cookies.set(cookie_name(8123), TOKEN)
        yield c


def test_a_served_file_becomes_the_plan_and_the_rotation_comes_back(
    signed_in: TestClient, tmp_path: Path
) -> None:
    where = places(tmp_path / "data")
    page = signed_in.get("/profile").text
    assert "Your plan" in page and "The built-in rotation" in page
    assert 'value="rotation" aria-describedby="plan-1" checked' in page
    assert "Short test routine" in page and "a copy is kept" in page
    chosen = {"side": "left", "stage": "long-standing", "plan": "test-short"}
    assert signed_in.post("/profile", data=chosen, headers=ORIGIN).status_code == 303
    profile = load_profile(where)
    assert profile.routine == "test-short"
    assert profile.routine_file == str((tmp_path / "short.yaml").resolve())
    assert copy_path(where).read_text(encoding="utf-8") == ROUTINE
    today = signed_in.get("/").text
    assert "Short test routine" in today and "Your plan" in today
    assert 'value="test-short"' in signed_in.get("/profile").text

    back = {"plan": "rotation"}
    assert signed_in.post("/profile", data=back, headers=ORIGIN).status_code == 303
    assert load_profile(where).routine is None and not copy_path(where).exists()


def test_a_built_in_routine_and_an_unknown_one(signed_in: TestClient, tmp_path: Path) -> None:
    where = places(tmp_path / "data")
    assert signed_in.post("/profile", data={"plan": "daily"}, headers=ORIGIN).status_code == 303
    assert load_profile(where).routine == "daily" and load_profile(where).routine_file is None
    wrong = signed_in.post("/profile", data={"plan": "no-such"}, headers=ORIGIN)
    assert wrong.status_code == 400 and "Your plan is unchanged" in wrong.text
    assert load_profile(where).routine == "daily"


def test_the_served_original_edited_later_does_not_change_the_plan(
    signed_in: TestClient, tmp_path: Path
) -> None:
    chosen = {"side": "left", "stage": "long-standing", "plan": "test-short"}
    assert signed_in.post("/profile", data=chosen, headers=ORIGIN).status_code == 303
    original = tmp_path / "short.yaml"
    original.write_text(ROUTINE.replace("reps: 2", "reps: 9"), encoding="utf-8")
    where = places(tmp_path / "data")
    # what the pages and sessions read: the served files and the plan's copy
    mine = person_library(where, load_profile(where), [str(original)])
    assert mine.exercises["test-cheek-lift"].reps == 2  # the copy, not the edit
    today = signed_in.get("/").text
    assert "Short test routine" in today and "could not be read" not in today


def test_the_history_page_has_a_table_per_exercise(signed_in: TestClient, tmp_path: Path) -> None:
    home = str(tmp_path / "data")
    assert main(["--data-dir", home, "profile", "--stage", "long-standing"]) == 0
    tight = ["--command", "30:too tight"]
    assert main(["--data-dir", home, "run", "starter", "--simulate", "--record", *tight]) == 0
    page = signed_in.get("/history").text
    table = page.split('id="exercises-h"')[1].split("</table>")[0]
    assert "Forehead smoothing" in table and "forehead-smooth" not in table
    assert "as written" in table and "%)" in table  # one exercise eased, the rest not
