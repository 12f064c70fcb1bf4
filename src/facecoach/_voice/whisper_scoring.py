"""Whisper as a phrase scorer: how well each command phrase explains a segment.

Written for tiny.en (English); a multilingual model is told the language
(``language=``). Free decoding of a half-second command by Whisper tiny.en is unreliable (it
loops: "Repeat. Repeat. Repeat."), so the phrases are scored instead, with
CTranslate2 directly:

1. The encoder runs on a 5 s window (500 mel frames, the segment padded with
   silence) instead of Whisper's 30 s: about ten times faster on two cores,
   and the forced scores are better.
2. A short greedy pass gives the free transcript, its log-probability up to
   the first end of sentence, and the distribution of the first token.
3. The few phrases whose first token is likeliest (each in the casing that
   scores higher), the safety phrases always, and a few common short words
   that are not commands ("none of these") are scored in one batched call as
   forced prefixes. Each is followed by one forced dummy token, so the call
   also returns the chance that the utterance ends right after the phrase
   (end of text, full stop, question or exclamation mark). A phrase's score is the sum of its token
   log-probabilities plus that ending log-probability, in nats.

Step 3 is skipped when the first token of every command phrase is unlikely
(``gate``): most everyday speech stops there, which saves most of its cost.

The accept rule (``AcceptRule``) then compares the best command phrase with
the free transcript, a floor and the best non-command word, and checks from
the same forced pass that no longer word begins with it ("helpful" is not
"help").
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from .recognizer import Samples
from .whisper_rules import AcceptRule, Scored, Verdict, accept, near_word

__all__ = [
    "NONE_WORDS",
    "AcceptRule",
    "PhraseScorer",
    "Scored",
    "Verdict",
    "accept",
    "near_word",
]

WINDOW_FRAMES = 500
"""Mel frames (10 ms each) the encoder sees: 5 s."""
ENDINGS = (".", "!", "?")
"""Tokens that end an utterance as well as end-of-text. Not the comma: "Back,
soon." would let "back soon" end after "back"."""

LONGER_FROM = 4
"""Letters a phrase's last word needs for longer words that begin with it to
count (``Scored.longer``): short ones begin unrelated words ("on": "once")."""

NONE_WORDS = (
    "up", "go", "backward", "house", "follow", "released", "relax", "ready", "okay",
    "yes", "no", "right", "left", "down", "off", "on", "one", "two", "three", "four",
    "hello", "thanks", "oh", "hmm", "wow", "forward", "learn", "happy", "good", "fine",
    "yeah", "sure", "what", "why", "how", "now", "top", "step", "hope", "just", "test",
    "text", "nice", "tea", "uh", "ah", "hi", "well", "bed", "dog", "cat", "tree",
    "tonight", "too hot", "too high", "too long", "too bad", "finished",
    "same again", "too tired", "go home", "previously", "helpful",
)  # fmt: skip
"""Common short words that are not commands, scored alongside the phrases so
that a person talking to themselves has somewhere to go but a command. The
"too" phrases and the last few are near-misses of the pack's phrases
("tonight" for "too tight", "same again" for "say again", "helpful" for
"help"); four "too" phrases is as many as fit among the ``none_candidates``,
which are picked by their first token, and all four share it."""


def _log_softmax(row: Any) -> npt.NDArray[np.float64]:
    values = np.asarray(row, dtype=np.float64)
    top = float(values.max())
    return values - (top + math.log(float(np.exp(values - top).sum())))


def _capitalised(text: str) -> str:
    words = [("I" if w == "i" else w) for w in text.split()]
    return " ".join([words[0][:1].upper() + words[0][1:], *words[1:]])


class PhraseScorer:
    """Scores command phrases against speech with a CTranslate2 Whisper model."""

    def __init__(
        self,
        model_dir: Path,
        phrases: Iterable[tuple[str, str]],
        always: Iterable[str] = (),
        none_words: Iterable[str] = NONE_WORDS,
        candidates: int = 3,
        none_candidates: int = 5,
        free_tokens: int = 6,
        threads: int = 2,
        gate: tuple[float, float] | None = None,
        language: str | None = None,
    ) -> None:
        """``phrases``: (phrase, command name); ``always``: commands whose
        phrases are scored every time (the safety word). ``gate``: (log-probability,
        log-probability for the ``always`` phrases) that some phrase's first
        token must reach in the free pass for any phrase to be scored.
        ``language``: for a multilingual model, the language to transcribe
        ("ko"); None for an English-only one such as tiny.en."""
        import ctranslate2  # type: ignore[import-untyped,unused-ignore]
        import tokenizers
        from faster_whisper.feature_extractor import FeatureExtractor  # type: ignore[import-untyped,unused-ignore]

        self._model: Any = ctranslate2.models.Whisper(
            str(model_dir),
            device="cpu",
            compute_type="int8",
            intra_threads=threads,
            inter_threads=1,
        )
        self.multilingual = bool(self._model.is_multilingual)
        """The model hears many languages (it is told which)."""
        if language and not self._model.is_multilingual:
            raise ValueError(f"it hears English only, and {language!r} needs a multilingual one")
        if not language and self._model.is_multilingual:
            language = "en"  # a multilingual model given for English (--model)
        self._tokenizer: Any = tokenizers.Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self._features: Any = FeatureExtractor(feature_size=int(self._model.n_mels))
        task = (
            [self._special(f"<|{language}|>"), self._special("<|transcribe|>")] if language else []
        )
        self._start = [
            self._special("<|startoftranscript|>"),
            *task,
            self._special("<|notimestamps|>"),
        ]
        eot = self._special("<|endoftext|>")
        self._ends = sorted({eot, *(self._ids(e)[0] for e in ENDINGS)})
        self._dummy = self._ids(".")[0]
        vocab = self._tokenizer.get_vocab()
        self._words = {
            i: t[1:].lower() for t, i in vocab.items() if t.startswith("\u0120") and t[1:].isalpha()
        }
        # Pieces that carry on the word before them ("stop" + "ping"): no
        # leading space, lower-case letters only.
        self._pieces = np.array(
            sorted(i for t, i in vocab.items() if t.isalpha() and t.islower()), dtype=np.int64
        )
        self._longer: dict[int, tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]] = {}
        fixed = set(always)
        table = [(c, p, self._variants(p)) for p, c in phrases]
        self._fixed = [t for t in table if t[0] in fixed]
        self._others = [t for t in table if t[0] not in fixed]
        known = {p for _, p, _ in table}
        self._none = [("", w, self._variants(w)) for w in none_words if w not in known]
        self._candidates = candidates
        self._none_candidates = none_candidates
        self._free_tokens = free_tokens
        self._gate = gate

    def _special(self, token: str) -> int:
        found = self._tokenizer.token_to_id(token)
        if found is None:
            raise ValueError(f"the Whisper tokenizer has no {token}")
        return int(found)

    def _ids(self, text: str) -> list[int]:
        return [int(i) for i in self._tokenizer.encode(text, add_special_tokens=False).ids]

    def _variants(self, phrase: str) -> list[list[int]]:
        upper = self._ids(" " + _capitalised(phrase))
        lower = self._ids(" " + phrase.replace(" i ", " I "))
        return [upper] if lower == upper else [upper, lower]

    def _encode(self, audio: Samples) -> npt.NDArray[np.float32]:
        import ctranslate2  # type: ignore[import-untyped,unused-ignore]

        size = WINDOW_FRAMES * 160
        window = np.zeros(size, dtype=np.float32)
        clip = np.asarray(audio, dtype=np.float32)[:size] / 32768.0
        window[: clip.size] = clip
        mel = self._features(window)[:, :WINDOW_FRAMES]
        features = ctranslate2.StorageView.from_array(
            np.ascontiguousarray(mel[np.newaxis], dtype=np.float32)
        )
        return np.asarray(self._model.encode(features, to_cpu=True), dtype=np.float32)

    def _end(self, row: npt.NDArray[np.float64]) -> float:
        return self._logsumexp(row[self._ends])

    def _extensions(self, token: int) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """(whole-word tokens that are ``token``'s word in any casing, those
        that begin with it, less a final e, and are longer), both empty when
        ``token`` is not a whole word of ``LONGER_FROM`` letters or more."""
        if token not in self._longer:
            word = self._words.get(token, "")
            same: list[int] = []
            longer: list[int] = []
            if len(word) >= LONGER_FROM:
                # A final e is dropped before a suffix: "continue", "continuing".
                stem = word[:-1] if word.endswith("e") else word
                same = [i for i, w in self._words.items() if w == word]
                longer = [
                    i
                    for i, w in self._words.items()
                    if len(w) > len(word) and w.startswith(stem) and w != word
                ]
            self._longer[token] = (
                np.array(sorted(same), dtype=np.int64),
                np.array(sorted(longer), dtype=np.int64),
            )
        return self._longer[token]

    @staticmethod
    def _logsumexp(values: npt.NDArray[np.float64]) -> float:
        top = float(values.max())
        return top + math.log(float(np.exp(values - top).sum()))

    def _free(self, encoded: npt.NDArray[np.float32]) -> tuple[str, float, npt.NDArray[np.float64]]:
        import ctranslate2  # type: ignore[import-untyped,unused-ignore]

        result = self._model.generate(
            ctranslate2.StorageView.from_array(encoded),
            [self._start],
            beam_size=1,
            max_length=self._free_tokens + len(self._start),
            return_logits_vocab=True,
        )[0]
        ids = [int(i) for i in result.sequences_ids[0]]
        rows = [_log_softmax(r) for r in result.logits[0]]
        total, words = 0.0, []
        for step, token in enumerate(ids):
            if token in self._ends:
                total += self._end(rows[step])
                break
            total += float(rows[step][token])
            words.append(token)
        else:
            # A step that chose end-of-text is not returned: it ended there
            # (about certainly), or it ran out of steps (score it as ending).
            if len(rows) > len(ids):
                total += self._end(rows[len(ids)])
        return str(self._tokenizer.decode(words)).strip(), total, rows[0]

    @staticmethod
    def _pick(
        table: Sequence[tuple[str, str, list[list[int]]]],
        first: npt.NDArray[np.float64],
        count: int,
    ) -> list[tuple[str, str, list[int]]]:
        ranked = []
        for command, text, variants in table:
            ids = max(variants, key=lambda v: float(first[v[0]]))
            ranked.append((float(first[ids[0]]), command, text, ids))
        ranked.sort(key=lambda r: -r[0])
        return [(command, text, ids) for _, command, text, ids in ranked[:count]]

    @staticmethod
    def _likeliest(
        table: Sequence[tuple[str, str, list[list[int]]]], first: npt.NDArray[np.float64]
    ) -> float:
        return max((float(first[v[0]]) for _, _, vs in table for v in vs), default=-math.inf)

    def score(self, audio: Samples, gated: bool = True) -> tuple[str, float, list[Scored]]:
        """(free transcript, its score, the scored phrases) for one segment;
        ``gated=False`` scores the phrases whatever the gate says."""
        import ctranslate2  # type: ignore[import-untyped,unused-ignore]

        encoded = self._encode(audio)
        free_text, free_score, first = self._free(encoded)
        if (
            gated
            and self._gate is not None
            and not (
                self._likeliest(self._others, first) >= self._gate[0]
                or self._likeliest(self._fixed, first) >= self._gate[1]
            )
        ):
            return free_text, free_score, []
        chosen = (
            self._pick(self._fixed, first, len(self._fixed))
            + self._pick(self._others, first, self._candidates)
            + self._pick(self._none, first, self._none_candidates)
        )
        prompts = [[*self._start, *ids, self._dummy] for _, _, ids in chosen]
        longest = max(len(p) for p in prompts)
        results = self._model.generate(
            ctranslate2.StorageView.from_array(np.repeat(encoded, len(prompts), axis=0)),
            prompts,
            beam_size=1,
            # Found by experiment: below this the longest prompt's rows are cut
            # (how CTranslate2 counts the start tokens is not documented). At
            # least ``longest``: a multilingual model has four start tokens, and
            # twice a short phrase would be fewer.
            max_length=max(2 * (longest - len(self._start)), longest),
            return_logits_vocab=True,
            suppress_blank=False,
        )
        scored = []
        for (command, text, ids), result in zip(chosen, results, strict=True):
            rows = result.logits[0]
            if len(rows) <= len(ids):
                raise RuntimeError(f"CTranslate2 returned {len(rows)} steps for {text!r}")
            steps = [_log_softmax(rows[i]) for i in range(len(ids))]
            tokens = sum(float(step[t]) for step, t in zip(steps, ids, strict=True))
            after = _log_softmax(rows[len(ids)])
            end = self._end(after)
            same, extensions = self._extensions(ids[-1])
            longer = (
                self._logsumexp(steps[-1][extensions]) - self._logsumexp(steps[-1][same])
                if extensions.size
                else -math.inf
            )
            piece = self._logsumexp(after[self._pieces]) - end
            scored.append(Scored(text, command, tokens + end, tokens, end, longer, piece))
        return free_text, free_score, scored
