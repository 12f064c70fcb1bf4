"""Export: each format read back, loudness near -16 LUFS, refusals before any work,
chapters, and memory that does not grow with the routine."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import textwrap
from itertools import pairwise
from pathlib import Path

import numpy as np
import pyloudnorm
import pytest
import soundfile

from facecoach._cli.main import main
from facecoach._core.plan import Plan
from facecoach._live.export import ExportProblem, check_target, export_session, spoken_lines
from facecoach._live.export_tags import SAFETY_OPENING, Tags, tag_file, with_safety_opening
from facecoach._sound.loudness import CEILING_DB, LoudnessMeter, soft_limit
from facecoach._sound.speech import FakeSpeaker
from sound_fixtures import MINI_YAML, mini_plan

TARGET = -16.0


@pytest.mark.parametrize("suffix", [".wav", ".flac", ".ogg", ".mp3"])
def test_each_format_reads_back_at_the_plans_length_and_the_target_loudness(
    tmp_path: Path, suffix: str
) -> None:
    out = tmp_path / f"session{suffix}"
    result = export_session(mini_plan(), FakeSpeaker(), out)
    info = soundfile.info(str(out))
    assert info.format == {".wav": "WAV", ".flac": "FLAC", ".ogg": "OGG", ".mp3": "MP3"}[suffix]
    samples, rate = soundfile.read(str(out), dtype="float64")
    assert abs(len(samples) / rate - result.plan_seconds) <= 0.5
    loudness = pyloudnorm.Meter(rate).integrated_loudness(samples)
    assert abs(loudness - TARGET) <= 1.0, loudness
    assert np.max(np.abs(samples)) < 1.0  # nothing clipped
    assert result.files == (out,) and not list(tmp_path.glob(".part-*"))


def test_the_meter_agrees_with_pyloudnorm() -> None:
    rng = np.random.default_rng(3)
    rate = 22050
    gate = np.sin(np.arange(rate * 12) / rate * 3.0) > 0  # speech-like: sound, then pauses
    x = (rng.standard_normal(rate * 12) * 0.05 * gate).astype(np.float32)
    meter = LoudnessMeter(rate)
    for start in range(0, len(x), 4321):  # blocks of any size
        meter.add(x[start : start + 4321])
    expected = pyloudnorm.Meter(rate).integrated_loudness(x.astype(np.float64))
    assert meter.integrated == pytest.approx(expected, abs=0.01)
    assert meter.peak == pytest.approx(float(np.max(np.abs(x))))
    assert LoudnessMeter(rate).integrated == -math.inf  # nothing measured


def test_the_limiter_never_passes_the_ceiling_and_leaves_quiet_samples_alone() -> None:
    x = np.linspace(-3.0, 3.0, 10001, dtype=np.float32)
    y = soft_limit(x)
    assert np.max(np.abs(y)) < 10 ** (CEILING_DB / 20)
    quiet = np.abs(x) < 0.4
    assert np.array_equal(y[quiet], x[quiet])
    assert np.all(np.diff(y) >= 0)  # still rises with its input: no folding


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("session.aac", "'.aac' is not a format facecoach writes"),
        ("session", "no extension is not a format facecoach writes"),
        ("missing/session.mp3", "does not exist"),
        ("afile.txt/session.mp3", "does not exist"),
    ],
)
def test_a_target_that_cannot_be_written_is_refused_before_any_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, why: str
) -> None:
    (tmp_path / "afile.txt").write_text("not a folder")
    with pytest.raises(ExportProblem, match=why):
        check_target(tmp_path / name)
    data = tmp_path / "data"
    status = main(["--data-dir", str(data), "export", str(MINI_YAML), "-o", str(tmp_path / name)])
    err = capsys.readouterr().err
    assert status == 2 and err.count("\n") == 1 and why in err
    assert not (data / "cache").exists()  # no line was rendered
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile.txt"]


def test_a_folder_is_not_a_file(tmp_path: Path) -> None:
    (tmp_path / "x.mp3").mkdir()
    with pytest.raises(ExportProblem, match="is a folder"):
        check_target(tmp_path / "x.mp3")


def test_chapters_are_one_numbered_file_per_exercise(tmp_path: Path) -> None:
    plan = mini_plan()
    result = export_session(plan, FakeSpeaker(), tmp_path / "mini.flac", chapters=True)
    folder = tmp_path / "mini"
    assert result.path == folder
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["01-brow-lift.flac", "02-brow-lift.flac"]
    total = sum(soundfile.info(str(folder / n)).duration for n in names)
    assert abs(total - result.plan_seconds) <= 0.5
    # the first chapter ends with the rest that names the next exercise
    first = soundfile.info(str(folder / names[0])).duration
    between = next(s for s in result.plan.steps if s.between)
    assert first == pytest.approx(between.offset + between.seconds, abs=0.05)


def test_the_export_command_uses_the_profile_side_and_says_the_loudness(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = str(tmp_path / "d")
    assert main(["--data-dir", data, "profile", "--side", "right", "--stage", "recent"]) == 0
    capsys.readouterr()
    out = tmp_path / "mini.ogg"
    status = main(
        ["--data-dir", data, "export", str(MINI_YAML), "-o", str(out), "--tts", "pyttsx3"]
    )
    text = capsys.readouterr().out
    assert status == 0 and f"Wrote {out}" in text and "LUFS" in text and "right" in text
    assert soundfile.info(str(out)).format == "OGG"


LONG_ROUTINE = """\
exercises:
  - id: press
    name: Press
    area: cheeks
    kind: resistance
    reps: 30
    setup: Rest two fingertips on your cheek.
    steps:
      - say: Press into your fingers, lightly.
        hold: 10
      - say: Let go, and breathe.
        rest: 10
routines:
  - id: long
    name: Long
    rest_between: 10
    exercises: [{items}]
"""

MEASURE = textwrap.dedent(
    """
    import json, sys
    from facecoach._core.plan import compile_plan
    from facecoach._core.loader import load_library
    from facecoach._live.export import export_session
    from facecoach._sound.speech import FakeSpeaker
    library = load_library([sys.argv[1]])
    plan = compile_plan(library.routines["long"], library)
    result = export_session(plan, FakeSpeaker(), sys.argv[2])
    # VmHWM is this process's own high-water mark (ru_maxrss may carry the parent's over exec)
    status = open("/proc/self/status").read().split("VmHWM:")[1]
    peak_kb = int(status.split()[0])
    print(json.dumps({"seconds": result.seconds, "peak_mb": peak_kb / 1024}))
    """
)


def _peak(tmp_path: Path, exercises: int) -> dict[str, float]:
    routine = tmp_path / f"long-{exercises}.yaml"
    routine.write_text(LONG_ROUTINE.format(items=", ".join(["press"] * exercises)))
    done = subprocess.run(
        # WAV: the quickest writer; every format goes through the same blocks
        [sys.executable, "-c", MEASURE, str(routine), str(tmp_path / f"long-{exercises}.wav")],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


@pytest.mark.slow
def test_memory_does_not_grow_with_the_length_of_the_routine(tmp_path: Path) -> None:
    short = _peak(tmp_path, 1)  # about 10 minutes
    long = _peak(tmp_path, 3)  # about 30 minutes
    assert long["seconds"] > 2.5 * short["seconds"]
    assert long["peak_mb"] < short["peak_mb"] + 25, (short, long)


# ------------------------------------------------------------ safety opening, tags, chapters


def test_the_recording_opens_with_the_safety_words(tmp_path: Path) -> None:
    speaker = FakeSpeaker()
    result = export_session(mini_plan(), speaker, tmp_path / "s.wav")
    first = result.plan.steps[0]
    assert first.frame == "opening" and first.text.startswith(SAFETY_OPENING)
    assert "pause the player" in SAFETY_OPENING and "never harder" in SAFETY_OPENING
    assert sum(1 for s in result.plan.steps if SAFETY_OPENING in s.text) == 1


def test_with_safety_opening_adds_a_line_to_a_plan_without_frames() -> None:
    plan = mini_plan()
    bare = Plan(plan.routine, plan.name, tuple(s for s in plan.steps if not s.frame))
    opened = with_safety_opening(bare).with_speech_seconds(lambda text: 2.0)
    assert opened.steps[0].text == SAFETY_OPENING and opened.steps[1].offset == 2.0


@pytest.mark.parametrize("suffix", [".flac", ".ogg", ".mp3", ".wav"])
def test_the_file_is_tagged_with_a_chapter_per_exercise(tmp_path: Path, suffix: str) -> None:
    mutagen = pytest.importorskip("mutagen", reason="tags are written with mutagen")
    plan = mini_plan()
    out = tmp_path / f"s{suffix}"
    names = {"brow-lift": "Brow lift against the fingers"}
    result = export_session(plan, FakeSpeaker(), out, names=names)
    soundfile.read(str(out))  # still whole audio after tagging
    tagged = mutagen.File(out)
    exercises = [s for s in result.plan.steps if s.is_setup]
    if suffix in (".flac", ".ogg"):
        tags = {k.lower(): v for k, v in tagged.tags.items()}
        assert tags["title"] == [f"facecoach: {plan.name}"] and tags["artist"] == ["facecoach"]
        assert tags["chapter001"] == ["00:00:00.000"]
        assert tags["chapter001name"] == ["Before you start"]
        assert tags["chapter002name"] == tags["chapter003name"] == [names["brow-lift"]]
        hours, minutes, seconds = tags["chapter002"][0].split(":")
        start = int(hours) * 3600 + int(minutes) * 60 + float(seconds)
        assert start == pytest.approx(exercises[0].offset, abs=0.002)
        assert "chapter004" not in tags
    else:
        id3 = tagged.tags
        assert str(id3["TIT2"]) == f"facecoach: {plan.name}" and str(id3["TPE1"]) == "facecoach"
        chapters = sorted(id3.getall("CHAP"), key=lambda c: c.start_time)
        assert [str(c.sub_frames["TIT2"]) for c in chapters] == [
            "Before you start",
            names["brow-lift"],
            names["brow-lift"],
        ]
        assert chapters[1].start_time == round(exercises[0].offset * 1000)
        assert all(a.end_time == b.start_time for a, b in pairwise(chapters))
        assert chapters[-1].end_time == pytest.approx(result.seconds * 1000, abs=1)
        (toc,) = id3.getall("CTOC")
        assert toc.child_element_ids == [c.element_id for c in chapters]


def test_chapter_files_are_tagged_by_exercise(tmp_path: Path) -> None:
    mutagen = pytest.importorskip("mutagen", reason="tags are written with mutagen")
    export_session(mini_plan(), FakeSpeaker(), tmp_path / "mini.ogg", chapters=True)
    titles = [mutagen.File(p).tags["title"] for p in sorted((tmp_path / "mini").iterdir())]
    assert titles == [["01 brow-lift"], ["02 brow-lift"]]  # ids when no names are given


def test_export_tells_how_far_each_stage_has_come(tmp_path: Path) -> None:
    calls: list[tuple[str, float, float]] = []
    result = export_session(
        mini_plan(), FakeSpeaker(), tmp_path / "s.wav", progress=lambda *c: calls.append(c)
    )
    stages = [stage for stage, _, _ in calls]
    assert stages == sorted(stages, key=["lines", "measure", "write"].index)  # in order
    for stage in ("lines", "measure", "write"):
        mine = [(done, total) for s, done, total in calls if s == stage]
        assert [done for done, _ in mine] == sorted(done for done, _ in mine)  # only forward
        assert mine[-1][0] == mine[-1][1]  # and to the end
    assert calls[-1][2] == pytest.approx(result.plan_seconds)


def test_the_terminal_bars_say_what_is_being_made(tmp_path: Path) -> None:
    import io

    from rich.console import Console

    from facecoach._cli.export import ProgressBars

    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=100)
    out = tmp_path / "walk.ogg"
    with ProgressBars(out, console=console) as bars:
        result = export_session(mini_plan(), FakeSpeaker(), out, progress=bars)
    shown = screen.getvalue()
    lines = len(spoken_lines(result.plan))
    minutes, seconds = divmod(round(result.plan_seconds), 60)
    assert "Making the spoken lines" in shown and f"{lines} of {lines} lines" in shown
    assert "Measuring the loudness" in shown and "Writing walk.ogg" in shown
    assert f"{minutes}:{seconds:02d} of {minutes}:{seconds:02d}" in shown


def test_a_file_mutagen_cannot_read_is_left_as_it_is(tmp_path: Path) -> None:
    pytest.importorskip("mutagen", reason="tags are written with mutagen")
    junk = tmp_path / "not-audio.mp3"
    junk.write_bytes(b"\x00" * 64)
    assert not tag_file(junk, Tags("x"))
    assert junk.read_bytes() == b"\x00" * 64
