"""The Today, Profile and History pages say what the person will run, what was
saved and what was done, in the words the rest of the app uses."""

from __future__ import annotations

from pathlib import Path

from starlette.testclient import TestClient

from facecoach._cli.main import main
from facecoach._core.loader import load_library
from facecoach._core.plan import compile_plan
from facecoach._paths import places
from facecoach._person.history import person_plan, today_for
from facecoach._person.profile import load_profile
from facecoach._web.app import make_app
from facecoach._web.security import cookie_name
from web_support import TOKEN, settings_for


def test_today_s_minutes_are_those_of_the_adapted_plan(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    data = str(tmp_path / "data")
    assert main(["--data-dir", data, "profile", "--side", "left", "--stage", "recent"]) == 0
    # "too tight" in every hold of three runs of the first routine
    run = ["--data-dir", data, "run", "starter", "--simulate", "--record"]
    for at in range(15, 330, 12):
        run += ["--command", f"{at}:too tight"]
    for _ in range(3):
        assert main(run) == 0

    where = places(tmp_path / "data")
    library = load_library(list(settings.files))
    decision = today_for(where, load_profile(where), library, settings.today())
    assert decision.routine is not None
    routine = library.routines[decision.routine]
    personal = person_plan(where, None, library)
    assert any(f < 1.0 for f in personal.hold_factors.values()), "the run shortened a hold"
    adapted = compile_plan(routine, library, personal=personal).total_seconds / 60
    written = compile_plan(routine, library).total_seconds / 60

    web = make_app(settings)
    with TestClient(web.asgi, base_url="http://127.0.0.1:8123") as client:
        client.cookies.set(cookie_name(8123), TOKEN)
        page = client.get("/").text
    assert f"about {adapted:.0f} minutes" in page
    assert f"{adapted:.0f}" != f"{written:.0f}", "the holds are short enough to tell apart"
    assert f"about {written:.0f} minutes" not in page


def test_a_saved_profile_is_said_as_done_not_as_a_warning(tmp_path: Path) -> None:
    web = make_app(settings_for(tmp_path))
    with TestClient(web.asgi, base_url="http://127.0.0.1:8123") as client:
        client.cookies.set(cookie_name(8123), TOKEN)
        page = client.post(
            "/profile",
            data={"side": "left", "stage": "recent"},
            headers={"origin": "http://127.0.0.1:8123"},
        ).text
    assert '<div class="done" role="status"><p>Saved.</p></div>' in page
    assert 'class="notice"' not in page


def test_history_names_each_session_s_routine(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    data = str(tmp_path / "data")
    assert main(["--data-dir", data, "run", "starter", "--simulate", "--record"]) == 0
    web = make_app(settings)
    with TestClient(web.asgi, base_url="http://127.0.0.1:8123") as client:
        client.cookies.set(cookie_name(8123), TOKEN)
        page = client.get("/history").text
    assert "<td>Starter, gentle first steps</td>" in page
