"""pyttsx3 (espeak-ng on Linux) as a ``Speaker``, in its own worker process.

pyttsx3 has faults this adapter designs around (each is tested):
- its first ``runAndWait`` in a process may return before the file exists,
  so the worker waits until the WAV is there and complete;
- several ``save_to_file`` calls queued before one ``runAndWait`` write only
  the last file, so there is exactly one render per ``runAndWait``;
- an engine is not re-entrant across threads, and it prints to stdout, so it
  lives in a worker process of its own and renders one line at a time.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
import wave
import weakref
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

from .._core.plan import DEFAULT_SPEECH_RATE
from .samples import Sound, read_wav
from .speech import CachedSpeaker, SpeechCache, TtsUnavailable, VoiceInfo

__all__ = ["Pyttsx3Speaker", "render_with_engine", "wait_for_wav"]


def wait_for_wav(path: Path, timeout: float, *, poll: float = 0.01) -> bool:
    """Wait until ``path`` is a complete WAV file with audio; False on timeout.

    Complete means the header's frame count matches the file size and the
    size has stopped changing.
    """
    deadline = time.monotonic() + timeout
    last = -1
    while time.monotonic() < deadline:
        try:
            size = path.stat().st_size
            with wave.open(str(path), "rb") as f:
                expected = f.getnframes() * f.getsampwidth() * f.getnchannels()
            complete = f.getnframes() > 0 and size >= expected + 44
        except (OSError, EOFError, wave.Error):
            complete, size = False, -1
        if complete and size == last:
            return True
        last = size
        time.sleep(poll)
    return False


def render_with_engine(
    engine: Any,
    text: str,
    path: Path,
    *,
    properties: Mapping[str, object] | None = None,
    waits: tuple[float, ...] = (0.25, 1.0, 5.0),
) -> int:
    """Render one line with a pyttsx3 engine into ``path``; returns the attempts used.

    One ``save_to_file`` per ``runAndWait``. pyttsx3's espeak driver writes
    the file before its loop ends, so a file still missing a moment after
    ``runAndWait`` returns means the render was cancelled (its stop flag,
    left over from the line before, cancels the new one: seen in about one
    render in twelve): ask again, waiting longer each time. ``properties``
    (voice, rate) are set before every attempt: a cancelled run drops the
    queued settings with it, and the retry came out at the default rate.
    """
    path.unlink(missing_ok=True)
    for attempt, wait in enumerate(waits, start=1):
        for name, value in (properties or {}).items():
            engine.setProperty(name, value)
        engine.save_to_file(text, str(path))
        engine.runAndWait()
        if wait_for_wav(path, wait):
            return attempt
    raise RuntimeError(f"pyttsx3 wrote no audio for {text!r}")


def _worker_main() -> None:  # pragma: no cover - runs in the worker process, tested through it
    """Serve render requests, one JSON object per line, on the original stdout."""
    protocol = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    os.dup2(2, 1)  # pyttsx3 prints "Audio saved to ..." on stdout
    sys.stdout = sys.stderr
    import pyttsx3

    engine = pyttsx3.init()
    for line in sys.stdin:
        request = json.loads(line)
        try:
            if request["op"] == "voices":
                voices = [
                    {"id": v.id, "name": v.name, "languages": [str(x) for x in v.languages or []]}
                    for v in engine.getProperty("voices")
                ]
                reply: dict[str, Any] = {"ok": True, "voices": voices}
            else:
                settings: dict[str, object] = {"rate": int(request["rate"])}
                if request.get("voice"):
                    settings["voice"] = request["voice"]
                attempts = render_with_engine(
                    engine, request["text"], Path(request["path"]), properties=settings
                )
                reply = {"ok": True, "attempts": attempts}
        except Exception as error:  # every failure goes back as a message
            reply = {"ok": False, "error": f"{type(error).__name__}: {error}"}
        protocol.write(json.dumps(reply) + "\n")


class Pyttsx3Speaker(CachedSpeaker):
    """pyttsx3 (espeak-ng on Linux) in its own worker process."""

    engine = "pyttsx3"

    def __init__(
        self,
        *,
        voice: str | None = None,
        rate: int = DEFAULT_SPEECH_RATE,
        cache: SpeechCache | None = None,
        timeout: float = 30.0,
    ) -> None:
        super().__init__(voice=voice, rate=rate, cache=cache)
        self.timeout = timeout
        self._proc: subprocess.Popen[str] | None = None
        self._voice_id: str | None = None
        self._closed = False
        self.retries = 0
        """Renders the engine had to be asked for again (it returned without audio)."""
        self._scratch: Path | None = None
        """A private folder for the engine's files, apart from the cache (see ``scratch``)."""

    def voices(self) -> list[VoiceInfo]:
        """The voices espeak-ng offers through pyttsx3."""
        with self._lock:
            reply = self._ask({"op": "voices"})
        return [VoiceInfo(v["id"], v["name"], tuple(v["languages"])) for v in reply["voices"]]

    def scratch(self) -> Path:
        """Where the engine writes each line before it is read back: a private folder
        in memory (``/dev/shm``) when there is one, else in the temporary folder.

        Never the speech cache's folder, so a full or read-only cache cannot stop
        the speaking. Removed on ``close``.
        """
        if self._scratch is None:
            shm = Path("/dev/shm")
            usable = shm.is_dir() and os.access(shm, os.W_OK | os.X_OK)
            try:
                made = tempfile.mkdtemp(prefix="facecoach-tts-", dir=shm if usable else None)
            except OSError:
                made = tempfile.mkdtemp(prefix="facecoach-tts-")
            self._scratch = Path(made)
            weakref.finalize(self, shutil.rmtree, made, True)  # a speaker never closed
        return self._scratch

    def _synthesise(self, text: str) -> Sound:
        if self._closed:
            raise TtsUnavailable("the pyttsx3 speaker was closed")
        try:
            path = self.scratch() / f"line-{self.engine_calls}.wav"
        except OSError as error:
            raise TtsUnavailable(
                f"no folder to render speech in ({error.strerror or error}); free some disk space"
            ) from None
        try:
            voice = self._engine_voice()
            reply = self._ask(
                {
                    "op": "render",
                    "text": text,
                    "voice": voice,
                    "rate": self.rate,
                    "path": str(path),
                }
            )
            self.retries += int(reply.get("attempts", 1)) - 1
            return read_wav(path)
        finally:
            path.unlink(missing_ok=True)

    def _engine_voice(self) -> str | None:
        """The engine's id for ``self.voice`` (an id, or part of a name or id)."""
        if not self.voice:
            return None
        if self._voice_id is None:
            voices = self._ask({"op": "voices"})["voices"]
            wanted = self.voice.lower()
            exact = [v["id"] for v in voices if wanted in (v["id"].lower(), v["name"].lower())]
            near = [
                v["id"] for v in voices if wanted in v["id"].lower() or wanted in v["name"].lower()
            ]
            found = exact or near
            if not found:
                raise TtsUnavailable(
                    f"no pyttsx3 voice '{self.voice}'; 'facecoach voices' lists them"
                )
            self._voice_id = found[0]
        return self._voice_id

    def _ask(self, request: dict[str, Any]) -> dict[str, Any]:
        proc = self._worker()
        assert proc.stdin is not None and proc.stdout is not None
        try:
            proc.stdin.write(json.dumps(request) + "\n")
            proc.stdin.flush()
            line = _read_line(proc.stdout, self.timeout)
        except (OSError, TimeoutError) as error:
            self._kill()
            raise TtsUnavailable(f"the pyttsx3 worker failed: {error}") from None
        if not line:
            self._kill()
            raise TtsUnavailable(
                "pyttsx3 could not start; is espeak-ng installed? (sudo apt-get install espeak-ng)"
            )
        reply: dict[str, Any] = json.loads(line)
        if not reply.get("ok"):
            raise TtsUnavailable(f"pyttsx3: {reply.get('error')}")
        return reply

    def _worker(self) -> subprocess.Popen[str]:
        if self._closed:
            raise TtsUnavailable("the pyttsx3 speaker was closed")
        if self._proc is None or self._proc.poll() is not None:
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "facecoach._sound.tts_pyttsx3", "--worker"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
                encoding="utf-8",
            )
        return self._proc

    def _kill(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()

    def close(self) -> None:
        """End the worker process (after the line it may be rendering). Safe to call twice.

        Rendering a line after this is a ``TtsUnavailable``.
        """
        with self._lock:
            self._closed = True
            proc, self._proc = self._proc, None
            scratch, self._scratch = self._scratch, None
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
        if proc is None:
            return
        try:
            if proc.stdin is not None:
                proc.stdin.close()
            proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            proc.kill()
            proc.wait()


def _read_line(stream: IO[str], timeout: float) -> str:
    ready, _, _ = select.select([stream], [], [], timeout)
    if not ready:
        raise TimeoutError(f"no answer in {timeout:g} s")
    return stream.readline()


if __name__ == "__main__" and "--worker" in sys.argv:
    _worker_main()
