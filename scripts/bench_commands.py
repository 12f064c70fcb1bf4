"""Benchmark of spoken commands: recall, false accepts, latency, speed, memory.

Builds labelled recordings from synthesised speech (scripts/voice_corpus.py):
every phrase of the pack in several voices, speeds and noise levels, placed
between distractor speech (whole sentences and short everyday phrases), and
the coach's own lines. Runs ``facecoach listen --file X --json`` on each
recording in a child process (so its CPU time and peak memory are measured
alone) and prints:

- recall per command and overall,
- false accepts per minute of distractor speech (sentences, short phrases),
- false accepts on the coach's own lines in half-duplex (speech gate on) and,
  for information, with barge-in (gate off),
- latency: ``emitted`` minus the true end of the phrase, p50 / p95,
- real-time factor (child CPU seconds / audio seconds) and peak RSS.

Two splits: "tune" (the voices the defaults were chosen on) and "held-out"
(other voices, speeds and a louder noise floor). Judge on held-out.

    .venv/bin/python scripts/bench_commands.py [--split tune|held-out|both] [--lang en]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import voice_corpus as corpus
from facecoach._langpack import load_pack
from facecoach._mic import AudioBlock, MemorySource
from facecoach._ports import HeardCommand
from facecoach._recognizer import RATE
from facecoach._voice import VoiceCommands, make_recognizer

SENTENCES = {
    "tune": (
        "I went to the shop this morning and bought some bread",
        "the weather is supposed to get better later in the week",
        "can you tell me what time the train leaves tomorrow",
        "we should paint the kitchen before the summer starts",
        "the children played football in the park all afternoon",
        "there is a meeting at ten about the budget",
        "the bus was late again so I walked to the station",
        "could you pass me the newspaper from the kitchen table",
    ),
    "held-out": (
        "my sister called last night to talk about her new job",
        "he left his keys on the table next to the door",
        "please remember to water the plants while I am away",
        "that film was much longer than I expected it to be",
        "she takes the dog for a walk every evening",
        "our neighbour is building a fence between the gardens",
        "you can go back to sleep if you are still tired",
        "I need to stop at the bank on the way home",
        # Added later, unseen by any tuning, for more minutes of chatter to
        # count false accepts on.
        "the doctor said my face is getting a little stronger",
        "we are going to visit my brother at the weekend",
        "can you turn the radio down a bit please",
        "I forgot to buy milk when I was at the shop",
    ),
}
SHORT = {
    "tune": (
        "okay",
        "thank you",
        "hello there",
        "good morning",
        "yes please",
        "not really",
        "all right",
        "I see",
        "oh dear",
        "maybe later",
        "coffee",
        "come here",
        # More everyday phrases, so the thresholds are chosen on enough chatter.
        "just a minute",
        "come in",
        "good luck",
        "not yet",
        "hang on",
        "me too",
        "of course",
        "I know",
        "right now",
        "see you later",
        "take care",
        "never mind",
        "oh really",
        "how are you",
        "the kettle",
        "lovely",
        "perfect",
        "tonight",
        "my phone",
        "the post",
        "let me see",
        "exactly",
        "oh my",
        "in a bit",
        "sit down",
        "kind of",
        "the doctor",
        "pass the salt",
        "open it",
        "it's cold",
        "good idea",
        "fair enough",
        "hi",
        "yes",
        "no",
        "why not",
        "what time is it",
        "be careful",
        "that's odd",
        "my turn",
        "cheers",
        "lots of love",
        "ten past",
        "tea please",
        "whatever",
        "hmm okay",
    ),
    "held-out": (
        "over there",
        "see you soon",
        "no thanks",
        "that's fine",
        "sounds good",
        "well done",
        "good night",
        "bless you",
        "excuse me",
        "lunch is ready",
        "hold on a second",
        "the best one",
        "my neck",
        "text me",
        "nice",
        # Added later, unseen by any tuning (see above).
        "shut the door",
        "good grief",
        "bit chilly today",
        "where are my glasses",
        "put the kettle on",
        "I'm tired",
        "ring me later",
        "the cat's hungry",
        "nearly there",
        "what a day",
        "look at that",
        "hurry up",
        "no problem",
        "all done",
        "love you",
        "it's raining",
        "which one",
        "smells nice",
        "too hot",
        "back soon",
    ),
}


SENTENCES_KO = {
    "tune": (
        "오늘 날씨가 정말 좋네요",
        "저녁에 뭐 먹을까",
        "내일 회사에 가야 해요",
        "어제 시장에서 사과를 샀어요",
        "동생이 다음 달에 결혼해요",
        "주말에는 집에서 쉬고 싶어요",
        "이 책은 정말 재미있어요",
        "아이들이 공원에서 놀고 있어요",
    ),
    "held-out": (
        "주말에 친구를 만나기로 했어요",
        "커피 한 잔 마실래요",
        "버스가 조금 늦게 왔어요",
        "할머니 댁에 가려면 기차를 타야 해요",
        "오늘 저녁은 김치찌개를 먹을 거예요",
        "병원 예약을 내일로 바꿨어요",
        "창문 좀 닫아 주실래요",
        "요즘 운동을 조금씩 하고 있어요",
    ),
}
SHORT_KO = {
    "tune": (
        "안녕하세요",
        "고마워요",
        "괜찮아요",
        "좋아요",
        "밥 먹었어요",
        "어서 오세요",
        "배고파요",
        "진짜요",
        "알았어",
        "그렇구나",
        "재미있네요",
        "피곤해요",
        "비가 와요",
        "어디 가요",
        "맛있겠다",
        "보고 싶어",
        "잘 지냈어요",
        "축하해요",
    ),
    "held-out": (
        "네 알겠어요",
        "아니요",
        "잘 자요",
        "맛있어요",
        "수고하셨습니다",
        "괜찮아",
        "몰라요",
        "왜요",
        "너무 좋아요",
        "일어났어요",
        "전화 왔어요",
        "늦었어요",
        "조심해",
        "춥다",
        "물 좀 줘",
        "어머나",
        "그래요",
        "미안해요",
    ),
}


@dataclass(frozen=True)
class Voice:
    """One way of saying things."""

    name: str
    say: Callable[[str], np.ndarray]
    noise_dbfs: float = -50.0


def voices(split: str, lang: str = "en") -> list[Voice]:
    """The voices of a split (English tune: nine, held-out: four; Korean: four and two)."""
    if lang == "ko":  # only espeak-ng speaks Korean here
        if split == "tune":
            return [
                Voice("espeak ko 160", lambda t: corpus.espeak_say(t, "ko", 160)),
                Voice("espeak ko 150 lo", lambda t: corpus.espeak_say(t, "ko", 150, 35)),
                Voice("espeak ko 170 hi", lambda t: corpus.espeak_say(t, "ko", 170, 65)),
                Voice("espeak ko 140 -45dB", lambda t: corpus.espeak_say(t, "ko", 140), -45.0),
            ]
        return [
            Voice("espeak ko 130", lambda t: corpus.espeak_say(t, "ko", 130)),
            Voice("espeak ko 190 -40dB", lambda t: corpus.espeak_say(t, "ko", 190, 60), -40.0),
        ]
    if split == "tune":
        return [
            Voice("piper", lambda t: corpus.piper_say(t)),
            Voice("espeak en-us 160", lambda t: corpus.espeak_say(t, "en-us", 160)),
            # More accents, pitches and noise floors to choose thresholds on;
            # none is a held-out voice.
            Voice("espeak rp 165", lambda t: corpus.espeak_say(t, "en-gb-x-rp", 165)),
            Voice("espeak scot 150", lambda t: corpus.espeak_say(t, "en-gb-scotland", 150, 40)),
            Voice(
                "espeak nyc 175 -44dB",
                lambda t: corpus.espeak_say(t, "en-us-nyc", 175, 35),
                -44.0,
            ),
            Voice("espeak 029 155", lambda t: corpus.espeak_say(t, "en-029", 155, 60)),
            Voice(
                "espeak us f 150 -45dB", lambda t: corpus.espeak_say(t, "en-us+f3", 150, 60), -45.0
            ),
            Voice("piper 0.95 -45dB", lambda t: corpus.piper_say(t, length_scale=0.95), -45.0),
            Voice("piper 1.1", lambda t: corpus.piper_say(t, length_scale=1.1)),
        ]
    return [
        Voice("piper fast", lambda t: corpus.piper_say(t, length_scale=0.85)),
        Voice("piper slow -40dB", lambda t: corpus.piper_say(t, length_scale=1.2), -40.0),
        Voice("espeak en-gb 140", lambda t: corpus.espeak_say(t, "en-gb", 140)),
        Voice("espeak en-us 190 hi", lambda t: corpus.espeak_say(t, "en-us", 190, 70), -40.0),
    ]


def build(split: str, lang: str, seed: int) -> list[tuple[str, corpus.Track]]:
    """One track per voice: every phrase, with distractors between them."""
    pack = load_pack(lang)
    rng = np.random.default_rng(seed)
    tracks = []
    sentences = (SENTENCES_KO if lang == "ko" else SENTENCES)[split]
    short = (SHORT_KO if lang == "ko" else SHORT)[split]
    for voice in voices(split, lang):
        items = [(c.value, p, voice.say(p)) for p, c in pack.phrases]
        items += [("", s, voice.say(s)) for s in sentences]
        items += [("", s, voice.say(s)) for s in short]
        order = rng.permutation(len(items))
        track = corpus.layout([items[i] for i in order], rng, noise_dbfs=voice.noise_dbfs)
        tracks.append((voice.name, track))
    return tracks


def coach_track(seed: int) -> corpus.Track:
    """The coach's own lines (the starter routine's), in the coach's espeak voice."""
    from facecoach._export import spoken_lines
    from facecoach._loader import builtin_library
    from facecoach._plan import compile_plan

    library = builtin_library()
    plan = compile_plan(library.routines["starter"], library)
    lines = spoken_lines(plan)
    clips = [("coach", t, corpus.espeak_say(t, "en-us", 175)) for t in lines]
    return corpus.layout(clips, np.random.default_rng(seed), gap=(0.4, 1.0))


def cue_track(seed: int) -> np.ndarray:
    """Every cue of the live loop, five times over, with the noise floor."""
    from facecoach._cues import cue_path
    from facecoach._mic import read_wav

    rng = np.random.default_rng(seed)
    names = ("hold_start", "hold_end", "tick", "rest", "exercise_done", "session_done")
    parts = [np.zeros(RATE // 2)]
    for _ in range(5):
        for name in names:
            parts += [read_wav(cue_path(name)).astype(np.float64), np.zeros(int(0.6 * RATE))]
    audio = np.concatenate(parts)
    audio += corpus.noise(audio.size, -50.0, rng)
    return np.asarray(np.clip(audio, -32768, 32767), dtype=np.int16)


# The child runs `facecoach listen` and then reports its own peak RSS from
# /proc (VmHWM): getrusage would count the parent's memory copied at fork.
_CHILD = """
import sys
from facecoach._cli import main
status = main(sys.argv[1:])
peak = [l for l in open('/proc/self/status') if l.startswith('VmHWM:')]
print('PEAK_KB', peak[0].split()[1] if peak else 0, file=sys.stderr)
sys.exit(status)
"""

PEAKS_KB: list[int] = []


def listen(path: Path, engine: str, lang: str) -> tuple[list[dict[str, object]], float]:
    """Run ``facecoach listen --json`` on ``path``; (objects, child CPU seconds)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    argv = ["listen", "--file", str(path), "--json", "--engine", engine, "--lang", lang]
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, *argv], capture_output=True, text=True, check=True
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    PEAKS_KB.extend(
        int(line.split()[1]) for line in out.stderr.splitlines() if line.startswith("PEAK_KB")
    )
    return [json.loads(line) for line in out.stdout.splitlines() if line.strip()], cpu


def score(track: corpus.Track, found: list[dict[str, object]]) -> dict[str, object]:
    """Match JSON decisions to the truth."""
    said = [p for p in track.placed if p.label and p.label != "coach"]
    hits: dict[int, dict[str, object]] = {}
    false_sentence = false_short = false_coach = 0
    wrong_command = 0
    details: list[str] = []
    for obj in found:
        start, end = float(obj["start"]), float(obj["end"])  # type: ignore[arg-type]
        overlap = [p for p in track.placed if p.start - 0.3 < end and start < p.end + 0.3]
        if not overlap:
            false_short += 1
            continue
        p = overlap[0]
        if p.label != obj["command"]:
            details.append(f"{obj['command']} <- {p.text!r}")
        if p.label == "coach":
            false_coach += 1
        elif p.label == "":
            if len(p.text.split()) > 3:
                false_sentence += 1
            else:
                false_short += 1
        elif p.label == obj["command"]:
            hits[track.placed.index(p)] = obj
        else:
            wrong_command += 1
    latencies = [
        float(obj["emitted"]) - track.placed[i].end  # type: ignore[arg-type]
        for i, obj in hits.items()
    ]
    return {
        "said": said,
        "hit": {track.placed[i].text + "|" + track.placed[i].label for i in hits},
        "hits": len(hits),
        "false_sentence": false_sentence,
        "false_short": false_short,
        "false_coach": false_coach,
        "wrong_command": wrong_command,
        "latencies": latencies,
        "details": details,
    }


def distractor_minutes(track: corpus.Track, short: bool) -> float:
    spans = [p for p in track.placed if p.label == "" and (len(p.text.split()) <= 3) == short]
    return sum(p.end - p.start for p in spans) / 60


def half_duplex_on_coach(track: corpus.Track, lang: str, guard: float) -> tuple[int, int]:
    """False accepts on the coach's lines with the speech gate, and without it."""
    spans = [(p.start, p.end + guard) for p in track.placed]

    def gate(start: float, end: float) -> bool:
        return any(start < e and end > s for s, e in spans)

    counts = []
    for gated in (True, False):
        recognizer = make_recognizer(lang, _places(), "auto")
        heard: list[HeardCommand] = []
        voice = VoiceCommands(
            MemorySource(np.zeros(0, dtype=np.int16)),
            recognizer,
            lambda: 0.0,
            gate=gate if gated else None,
        )
        samples = track.samples
        for at in range(0, samples.size, 1600):
            block = samples[at : at + 1600]
            voice.process(AudioBlock(block, captured=(at + block.size) / RATE), heard.append)
        voice.finish(heard.append)
        counts.append(len(heard))
    return counts[0], counts[1]


def _places():  # type: ignore[no-untyped-def]
    from facecoach._paths import places

    return places(tempfile.mkdtemp(prefix="bench-home-"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("tune", "held-out", "both"), default="both")
    parser.add_argument("--lang", default="en")
    parser.add_argument("--engine", default="auto", choices=("auto", "vosk", "pocketsphinx"))
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--guard", type=float, default=0.3)
    args = parser.parse_args()
    pack = load_pack(args.lang)
    splits = ("tune", "held-out") if args.split == "both" else (args.split,)
    workdir = Path(tempfile.mkdtemp(prefix="bench-commands-"))
    for split in splits:
        t0 = time.monotonic()
        tracks = build(split, args.lang, args.seed)
        print(f"\n== split {split}: {len(tracks)} voices, built in {time.monotonic() - t0:.0f} s")
        per_command: dict[str, list[int]] = {c.value: [0, 0] for _, c in pack.phrases}
        totals = {"hits": 0, "said": 0, "fs": 0, "fsh": 0, "wrong": 0}
        latencies: list[float] = []
        falses: list[str] = []
        audio = cpu = 0.0
        minutes_sentence = minutes_short = 0.0
        for name, track in tracks:
            path = workdir / f"{split}-{name.replace(' ', '_')}.wav"
            corpus.save_wav(path, track.samples)
            found, used = listen(path, args.engine, args.lang)
            audio += track.seconds
            cpu += used
            result = score(track, found)
            for p in result["said"]:  # type: ignore[attr-defined]
                per_command[p.label][1] += 1
                if p.text + "|" + p.label in result["hit"]:  # type: ignore[operator]
                    per_command[p.label][0] += 1
            totals["hits"] += result["hits"]  # type: ignore[operator]
            totals["said"] += len(result["said"])  # type: ignore[arg-type]
            totals["fs"] += result["false_sentence"]  # type: ignore[operator]
            totals["fsh"] += result["false_short"]  # type: ignore[operator]
            totals["wrong"] += result["wrong_command"]  # type: ignore[operator]
            latencies += result["latencies"]  # type: ignore[arg-type]
            falses += result["details"]  # type: ignore[arg-type]
            minutes_sentence += distractor_minutes(track, short=False)
            minutes_short += distractor_minutes(track, short=True)
            print(
                f"  {name:<22} recall {result['hits']:>2}/{len(result['said'])}"  # type: ignore[arg-type]
                f"  false: sentences {result['false_sentence']}, short {result['false_short']},"
                f" wrong command {result['wrong_command']}"
            )
        print("  recall per command:")
        for command, (hit, said) in per_command.items():
            print(f"    {command:<10} {hit:>3}/{said:<3} {100 * hit / max(1, said):5.1f} %")
        recall = 100 * totals["hits"] / max(1, totals["said"])
        print(
            f"  recall overall: {totals['hits']}/{totals['said']} = {recall:.1f} % (goal >= 98 %)"
        )
        minutes = minutes_sentence + minutes_short
        false_all = totals["fs"] + totals["fsh"]
        print(
            f"  false accepts: {false_all} in {minutes:.2f} min of distractor speech = "
            f"{false_all / max(minutes, 1e-9):.2f}/min (goal <= 0.5); sentences "
            f"{totals['fs']} in {minutes_sentence:.2f} min, short phrases {totals['fsh']} in "
            f"{minutes_short:.2f} min; wrong command for a command {totals['wrong']}"
        )
        if falses:
            print(f"  false accepts (command <- what was said): {'; '.join(falses)}")
        if latencies:
            ordered = sorted(latencies)
            p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
            print(
                "  latency (emitted - end of phrase): "
                f"p50 {1000 * statistics.median(ordered):.0f} ms, "
                f"p95 {1000 * p95:.0f} ms (goal p95 <= 400 ms)"
            )
        print(
            f"  real-time factor: {cpu / audio:.3f} (child CPU {cpu:.1f} s / audio {audio:.0f} s;"
            " includes start-up and model load; goal <= 0.1)"
        )
    peak = max(PEAKS_KB, default=0) / 1024
    print(f"\npeak RSS of `facecoach listen`: {peak:.0f} MB (goal <= 300 MB with PocketSphinx)")
    cues = cue_track(args.seed)
    recognizer = make_recognizer(args.lang, _places(), args.engine)
    decisions = []
    for at in range(0, cues.size, 1600):
        decisions += recognizer.feed(cues[at : at + 1600])
    decisions += recognizer.flush()
    cue_false = sum(1 for d in decisions if d.command is not None)
    print(f"cues (every cue 5 times, {cues.size / RATE:.0f} s): false accepts {cue_false} (goal 0)")
    if args.lang == "en":
        coach = coach_track(args.seed)
        gated, open_mic = half_duplex_on_coach(coach, args.lang, args.guard)
        print(
            f"coach's own lines ({len(coach.placed)} lines, {coach.seconds / 60:.1f} min): "
            f"false accepts half-duplex {gated} (goal 0); with barge-in {open_mic}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
