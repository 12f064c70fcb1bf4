"""The voice-command benchmark's splits (tests/data/splits/*.yaml) and their loader."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

import voice_corpus as corpus
from bench_splits import ENGINE_OPTIONS, STATUSES, SplitError, load_split, split_names
from facecoach._voice.langpack import load_pack, normalise

NAMES = split_names()


def test_every_split_file_is_found() -> None:
    assert {"tune", "held-out", "fresh", "fresh6"} <= set(NAMES)
    assert len(NAMES) == len(list((Path(__file__).parent / "data" / "splits").iterdir()))


@pytest.mark.parametrize("name", NAMES)
def test_a_split_reads_whole(name: str) -> None:
    split = load_split(name)
    assert split.name == name and split.status in STATUSES and split.about
    assert split.part("en").voices
    for lang, part in split.languages.items():
        assert part.voices and part.sentences and part.short, lang
        for texts in (part.sentences, part.short):
            assert len(set(texts)) == len(texts), f"{name} {lang}: a phrase said twice"


def test_chatter_never_says_a_command_phrase() -> None:
    # A distractor that is a phrase of the pack would be scored as a false accept.
    for name in NAMES:
        for lang, part in load_split(name).languages.items():
            phrases = {p for p, _ in load_pack(lang).phrases}
            said = {normalise(t) for t in part.sentences + part.short}
            assert not said & phrases, (name, lang, said & phrases)


def test_engine_options_are_the_speech_makers_arguments() -> None:
    makers = {"espeak": corpus.espeak_say, "piper": corpus.piper_say}
    assert set(makers) == set(ENGINE_OPTIONS)
    for engine, options in ENGINE_OPTIONS.items():
        assert set(options) <= set(inspect.signature(makers[engine]).parameters), engine


def test_the_tune_split_shares_no_voice_with_the_others() -> None:
    def sound(split: str) -> set[tuple[object, ...]]:
        return {
            (v.engine, tuple(sorted(v.options.items())), v.noise_dbfs, v.reverb, v.gain_db)
            for part in load_split(split).languages.values()
            for v in part.voices
        }

    tune = sound("tune")
    for name in NAMES:
        if name != "tune":
            assert not tune & sound(name), name


def test_a_missing_language_or_split_says_which() -> None:
    with pytest.raises(SplitError, match=r"split 'fresh' has no 'ko' part \(it has en\)"):
        load_split("fresh").part("ko")
    with pytest.raises(SplitError, match=r"nope\.yaml: cannot read it .*splits: fresh, "):
        load_split("nope")


GOOD = """\
written: 2026-12-01
status: held out
about: A test split.
en:
  voices:
    - name: slow
      espeak: {speed: 120}
      noise_dbfs: -45
  sentences:
    - the kettle has boiled at last
  short:
    - oh dear
"""


def test_a_well_formed_file_reads(tmp_path: Path) -> None:
    (tmp_path / "mine.yaml").write_text(GOOD)
    split = load_split("mine", tmp_path)
    voice = split.part("en").voices[0]
    assert (voice.engine, dict(voice.options), voice.noise_dbfs) == ("espeak", {"speed": 120}, -45)
    assert split.written.isoformat() == "2026-12-01" and split.status == "held out"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("status: held out", "status: secret"), r"'status' must be one of tune, seen, held out"),
        (("written: 2026-12-01", "written: soon"), r"'written' must be a date"),
        (("written: 2026-12-01\n", ""), r"mine\.yaml: missing written"),
        (("- oh dear", "- no"), r"en\.short\[0\]: must be text \(quote yes, no"),
        (("{speed: 120}", "{speed: fast}"), r"voices\[0\]\.espeak\.speed: must be int"),
        (("{speed: 120}", "{rate: 120}"), r"unknown option 'rate' \(known: voice, speed, pitch\)"),
        (
            ("      espeak:", "      piper: {}\n      espeak:"),
            r"voices\[0\]: give exactly one engine",
        ),
        (("noise_dbfs: -45", "echo: 1"), r"voices\[0\]: unknown field 'echo'"),
        (("  short:", "  shorts:"), r"en: missing short"),
        (("en:\n", "en: [\n"), r"not valid YAML"),
    ],
)
def test_a_bad_file_names_the_file_and_field(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    assert change[0] in GOOD
    (tmp_path / "mine.yaml").write_text(GOOD.replace(*change))
    with pytest.raises(SplitError, match=message) as caught:
        load_split("mine", tmp_path)
    assert str(tmp_path / "mine.yaml") in str(caught.value)
