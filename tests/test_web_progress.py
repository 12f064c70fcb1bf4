"""The Progress page and its routes without a browser: what is kept (measures only,
private), deleting, bad posts, the app's security rules, and the page without the
face model."""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from facecoach._paths import places
from facecoach._person.progress import POINTS, CheckResult, Measure
from facecoach._person.progress_photos import photos_folder, photos_of
from facecoach._person.progress_store import (
    KeptCheck,
    ProgressFileProblem,
    check_due,
    delete_check,
    forget_checks,
    keep_check,
    load_checks,
    progress_file,
)
from facecoach._web.app import make_app
from facecoach._web.progress_assets import FACE_MESH_FILES, face_mesh_folder, face_mesh_problem
from facecoach._web.progress_page import measure_words
from facecoach._web.progress_plot import difference_words, progress_plots
from facecoach._web.security import cookie_name
from test_person_progress import PERSON_LEFT_BROW, face, flipped, frame, lowered
from web_support import TOKEN, settings_for

ORIGIN = {"origin": "http://127.0.0.1:8123"}


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    web = make_app(settings_for(tmp_path))
    with TestClient(web.asgi, base_url="http://127.0.0.1:8123", follow_redirects=False) as c:
        c.cookies.set(cookie_name(8123), TOKEN)
        yield c


def _posted(pts: dict[int, tuple[float, float]], mirrored: bool) -> dict[str, object]:
    f = frame(flipped(pts) if mirrored else pts, mirrored=mirrored)
    return {
        "mirrored": mirrored,
        "width": f.width,
        "height": f.height,
        "points": [[n, *f.points[n]] for n in POINTS],
    }


def _check_body(brow_drop: float = 4.0) -> dict[str, object]:
    rest = lowered(face(), PERSON_LEFT_BROW, brow_drop)
    return {"expressions": {"rest": [_posted(rest, i % 2 == 1) for i in range(8)]}}


def test_the_page_says_in_one_sentence_why_there_is_no_check(client: TestClient) -> None:
    page = client.get("/progress")
    assert page.status_code == 200
    assert "face model files, which are not installed" in page.text
    assert "progress-start" not in page.text
    csp = page.headers["content-security-policy"]
    assert "script-src 'self' 'wasm-unsafe-eval' 'unsafe-eval';" in csp
    assert "http" not in csp  # no outside source of any kind
    assert client.get("/progress/model/face_mesh.js").status_code == 404
    assert client.get("/progress/model/..%2Fprofile.yaml").status_code == 404


def test_a_posted_check_keeps_measures_only_privately(client: TestClient, tmp_path: Path) -> None:
    client.post("/profile", data={"side": "left"}, headers=ORIGIN)
    reply = client.post("/progress/check", json=_check_body(), headers=ORIGIN)
    assert reply.status_code == 200, reply.text
    sentences = reply.json()["sentences"]
    brow_words = next(s for s in sentences if s.startswith("Brow height at rest"))
    assert "your left side (the affected one) sits lower by 4.2" in brow_words
    assert all("about even" in s for s in sentences if not s.startswith("Brow height"))
    where = places(tmp_path / "data")
    path = progress_file(where)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    kept = json.loads(path.read_text())
    assert set(kept[0]) == {"when", "side", "frames", "measures"}  # no landmark, no image
    assert kept[0]["side"] == "left"
    brow = next(m for m in kept[0]["measures"] if m["key"] == "brow_rest")
    assert brow["left"] - brow["right"] == pytest.approx(-4 * 100 / 95)
    page = client.get("/progress")
    assert "Symmetry over the weeks" in page.text and "<svg" in page.text
    assert "affected (left) side minus your right side" in page.text
    history = client.get("/history")
    assert history.status_code == 200 and "Symmetry over the weeks" in history.text


def test_bad_posts_are_refused_with_a_reason(client: TestClient) -> None:
    cases = [
        b"not json",
        json.dumps({"expressions": {"frown": []}}).encode(),
        json.dumps({"expressions": {"rest": [{"points": [[9999, 0, 0, 0]]}]}}).encode(),
        json.dumps({"expressions": {"rest": [{"points": [[33, "x", 0, 0]]}]}}).encode(),
    ]
    for body in cases:
        reply = client.post("/progress/check", content=body, headers=ORIGIN)
        assert reply.status_code == 400, body
        assert reply.json()["error"].startswith("The check was not understood")
    empty = client.post("/progress/check", json={"expressions": {"rest": []}}, headers=ORIGIN)
    assert empty.status_code == 422
    assert "not seen clearly enough" in empty.json()["error"]


def test_changes_need_this_apps_own_origin(client: TestClient) -> None:
    assert client.post("/progress/check", json=_check_body()).status_code == 403
    other = {"origin": "http://evil.example"}
    assert client.post("/progress/forget", headers=other).status_code == 403
    client.cookies.clear()
    assert client.get("/progress").status_code == 401


def test_delete_one_check_and_forget_them_all(client: TestClient, tmp_path: Path) -> None:
    where = places(tmp_path / "data")
    result = CheckResult((Measure("brow_rest", 30.0, 32.0, 0.3),), {"rest": 8}, {})
    first = keep_check(where, result, datetime(2026, 11, 2, 10, 0), "left")
    keep_check(where, result, datetime(2026, 11, 9, 10, 0), "left")
    reply = client.post("/progress/delete", data={"check": first.key}, headers=ORIGIN)
    assert reply.status_code == 303
    assert [c.key for c in load_checks(where)] == ["2026-11-09T10:00:00"]
    assert (
        client.post("/progress/delete", data={"check": "nope"}, headers=ORIGIN).status_code == 404
    )
    assert client.post("/progress/forget", headers=ORIGIN).status_code == 303
    assert not progress_file(where).exists()
    assert forget_checks(where) is False
    assert delete_check(where, first.key) is False


def test_a_damaged_checks_file_is_named_not_a_traceback(client: TestClient, tmp_path: Path) -> None:
    where = places(tmp_path / "data")
    progress_file(where).parent.mkdir(parents=True, exist_ok=True)
    progress_file(where).write_text(
        '[{"when": "2026-11-02T10:00:00", "measures": [{"key": "brow_rest"}]}]'
    )
    with pytest.raises(ProgressFileProblem, match="check 1"):
        load_checks(where)
    page = client.get("/progress")
    assert page.status_code == 200 and "progress-checks.json" in page.text


def test_model_files_are_served_only_when_all_match(tmp_path: Path) -> None:
    where = places(tmp_path)
    folder = face_mesh_folder(where)
    folder.mkdir(parents=True)
    for name, (size, _digest) in FACE_MESH_FILES.items():
        (folder / name).write_bytes(b"\0" * size)
    assert "not the expected ones" in face_mesh_problem(where)
    (folder / "face_mesh.js").unlink()
    assert "not installed" in face_mesh_problem(where)


def test_a_check_is_suggested_weekly(tmp_path: Path) -> None:
    where = places(tmp_path)
    assert check_due(where, date(2026, 11, 30)).startswith("No progress check yet")
    result = CheckResult((Measure("brow_rest", 30.0, 32.0, 0.3),), {"rest": 8}, {})
    keep_check(where, result, datetime(2026, 11, 25, 10, 0), "left")
    assert check_due(where, date(2026, 11, 30)) == ""
    assert (
        check_due(where, date(2026, 12, 4))
        == "A progress check is due: the last one was 9 days ago."
    )


def test_today_suggests_no_check_without_the_face_model(client: TestClient) -> None:
    today = client.get("/")
    assert today.status_code == 200
    assert "Progress check" not in today.text


def test_each_measure_is_said_in_its_own_words() -> None:
    eye = measure_words(Measure("eye_rest", 14.0, 16.0, 0.2), "right")
    assert eye == (
        "Eye opening at rest: your left side (not the affected one) is less open by 2.0 "
        "(a check varies by about 0.2)."
    )
    smile = measure_words(Measure("smile", 20.0, 12.0, 0.5), "")
    assert smile == (
        "Mouth corner movement in a smile (left 20.0, right 12.0): your right side moves less "
        "by 8.0 (a check varies by about 0.5)."
    )
    even = measure_words(Measure("brow_lift", 10.0, 10.8, 0.5), "left")
    assert "about even on both sides" in even


def test_charts_name_the_side_and_mark_sessions_and_too_tight() -> None:
    checks = [
        KeptCheck(
            datetime(2026, 11, d, 9, 0), "right", (Measure("mouth_rest", -90.0, -95.0, 0.4),), {}
        )
        for d in (2, 9, 16)
    ]
    sessions = [date(2026, 11, d) for d in (3, 4, 6, 10)]
    plots = progress_plots(checks, "right", sessions, [date(2026, 11, 4)])
    assert [title for title, _svg in plots] == ["Mouth corner height at rest"]
    svg = str(plots[0][1])
    assert svg.count("<circle") == 3 and svg.count("<title>too tight</title>") == 1
    assert svg.count('stroke="#555"') == 4  # one tick per session
    assert "affected (right) side minus your left side" in difference_words("right")
    assert progress_plots([], "right", sessions, []) == []


def _jpeg(size: tuple[int, int] = (64, 48)) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (120, 90, 80)).save(out, "JPEG", quality=85)
    return out.getvalue()


def test_photos_are_kept_only_when_sent_and_deleted_on_request(
    client: TestClient, tmp_path: Path
) -> None:
    where = places(tmp_path / "data")
    key = client.post("/progress/check", json=_check_body(), headers=ORIGIN).json()["when"]
    assert not photos_folder(where).exists()  # nothing but measures unless asked
    jpeg = _jpeg()
    url = f"/progress/photo?check={key}&expression=rest"
    sent = client.post(url, content=jpeg, headers={**ORIGIN, "content-type": "image/jpeg"})
    assert sent.status_code == 204, sent.text
    path = photos_folder(where) / key.replace(":", "-") / "rest.jpg"
    assert path.read_bytes() == jpeg
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert photos_of(where, key) == ["rest"]
    shown = client.get(f"/progress/photo/{key}/rest")
    assert shown.status_code == 200 and shown.content == jpeg
    assert shown.headers["content-type"] == "image/jpeg"
    assert f'src="/progress/photo/{key}/rest"' in client.get("/progress").text

    refused = {
        url: b"not a jpeg",
        f"/progress/photo?check={key}&expression=frown": jpeg,
    }
    for where_to, body in refused.items():
        assert client.post(where_to, content=body, headers=ORIGIN).status_code == 400
    for check in ("2020-01-01T00:00:00", "../../profile", ""):
        bad = f"/progress/photo?check={check}&expression=rest"
        assert client.post(bad, content=jpeg, headers=ORIGIN).status_code == 404
    assert client.post(url, content=jpeg).status_code == 403  # not from the app's page
    huge = b"\xff\xd8\xff" + b"\0" * 500_000 + b"\xff\xd9"
    assert client.post(url, content=huge, headers=ORIGIN).status_code == 413
    assert client.get("/progress/photo/..%2F..%2Fprofile/rest").status_code == 404

    gone = client.post("/progress/delete-photos", data={"check": key}, headers=ORIGIN)
    assert gone.status_code == 303 and not path.exists()
    assert [c.key for c in load_checks(where)] == [key]  # the measures stay
    client.post(url, content=jpeg, headers=ORIGIN)
    client.post("/progress/delete", data={"check": key}, headers=ORIGIN)
    assert not path.parent.exists()
    key = client.post("/progress/check", json=_check_body(), headers=ORIGIN).json()["when"]
    client.post(f"/progress/photo?check={key}&expression=smile", content=jpeg, headers=ORIGIN)
    assert client.post("/progress/forget", headers=ORIGIN).status_code == 303
    assert not photos_folder(where).exists()
