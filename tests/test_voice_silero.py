"""The Silero VAD segmenter on real synthesised speech: streaming, merged and quiet commands."""

from __future__ import annotations

import numpy as np
import pytest

from voice_support import corpus, load_pack, needs_espeak, needs_piper

pytest.importorskip("onnxruntime")
pytest.importorskip("faster_whisper")

from facecoach._voice.silero import (
    FRAME,
    SileroSegmenter,
    SileroVad,
    VadSettings,
    silero_model_path,
)


def feed_all(segmenter: SileroSegmenter, samples: np.ndarray, block: int = 320) -> list:  # type: ignore[type-arg]
    out = []
    for at in range(0, samples.size, block):
        out += segmenter.feed(samples[at : at + block])
    return out + segmenter.flush()


def track(clips: list[tuple[str, str, np.ndarray]], gap: tuple[float, float], gain_db: float = 0.0):  # type: ignore[no-untyped-def,type-arg]
    return corpus.layout(clips, np.random.default_rng(3), gap=gap, gain_db=gain_db)


def test_the_model_ships_with_faster_whisper() -> None:
    path = silero_model_path()
    assert path is not None and path.name == "silero_vad_v6.onnx"


@needs_espeak
def test_streaming_gives_the_probabilities_of_one_whole_pass() -> None:
    from faster_whisper.vad import SileroVADModel

    audio = track([("", "", corpus.espeak_say("the weather is nice today"))], (0.5, 0.5)).samples
    usable = audio[: audio.size // FRAME * FRAME]
    whole = SileroVADModel(str(silero_model_path()))(usable.astype(np.float32) / 32768).reshape(-1)
    vad = SileroVad()
    streamed = [
        vad(usable[at : at + FRAME].astype(np.float32) / 32768)
        for at in range(0, usable.size, FRAME)
    ]
    assert np.allclose(streamed, whole, atol=1e-3)
    assert max(streamed) > 0.9 and min(streamed) < 0.1


@needs_espeak
@needs_piper
def test_commands_said_close_together_are_separate_segments() -> None:
    says = [
        ("next", corpus.piper_say("next", noise_scale=0.0, noise_w=0.0)),
        ("too tight", corpus.espeak_say("too tight")),
        ("repeat", corpus.piper_say("repeat", noise_scale=0.0, noise_w=0.0)),
        ("go on", corpus.espeak_say("go on")),
    ]
    spoken = track([(t, t, clip) for t, clip in says], gap=(0.35, 0.45))
    segments = feed_all(SileroSegmenter(), spoken.samples)
    assert len(segments) == len(spoken.placed)
    for segment, placed in zip(segments, spoken.placed, strict=True):
        assert segment.start <= placed.start + 0.1
        assert abs(segment.end - placed.end) < 0.15
        assert not segment.too_long


@needs_piper
def test_a_quiet_command_is_found_whole() -> None:
    clip = corpus.piper_say("too tight", noise_scale=0.0, noise_w=0.0)
    spoken = track([("too tight", "too tight", clip)], gap=(1.0, 1.0), gain_db=-26.0)
    segments = feed_all(SileroSegmenter(), spoken.samples)
    assert len(segments) == 1
    placed = spoken.placed[0]
    assert segments[0].start <= placed.start + 0.1 and segments[0].end >= placed.end - 0.1


@needs_espeak
def test_the_lead_in_never_reaches_into_the_previous_segment() -> None:
    first, second = corpus.espeak_say("next"), corpus.espeak_say("repeat")
    spoken = track([("", "next", first), ("", "repeat", second)], gap=(0.3, 0.3))
    segments = feed_all(SileroSegmenter(VadSettings(preroll=0.4)), spoken.samples)
    assert len(segments) == 2
    lead_in = segments[1].start - (spoken.placed[0].end + 0.0)
    kept = len(segments[1].audio) // 2 / 16_000 - (segments[1].end - segments[1].start) - 0.2
    # The second segment keeps no more than the gap since the first one ended.
    assert kept <= (segments[1].start - segments[0].end) + 0.04
    assert lead_in > 0


@needs_espeak
def test_long_speech_is_marked_too_long_and_ends_on_time() -> None:
    sentence = corpus.espeak_say("I went to the shop this morning and bought some bread and milk")
    spoken = track([("", "", sentence)], gap=(1.0, 1.0))
    segments = feed_all(SileroSegmenter(), spoken.samples, block=320)
    assert segments and segments[0].too_long
    # Confirmed 0.2 s after the end of speech, within a frame and a block.
    confirm = segments[-1].emitted - segments[-1].end
    assert 0.2 <= confirm <= 0.2 + (FRAME + 320) / 16_000


def test_silence_and_noise_make_no_segment() -> None:
    rng = np.random.default_rng(1)
    quiet = np.zeros(16_000 * 3, dtype=np.int16)
    noisy = np.clip(rng.normal(0, 30, 16_000 * 3), -32768, 32767).astype(np.int16)
    assert feed_all(SileroSegmenter(), quiet) == []
    assert feed_all(SileroSegmenter(), noisy) == []


@needs_espeak
def test_a_segment_is_offered_early_with_the_audio_it_ends_with() -> None:
    spoken = track([("", "next", corpus.espeak_say("next"))], gap=(1.0, 1.0))
    segmenter = SileroSegmenter()
    events = []
    for at in range(0, spoken.samples.size, 320):
        events += segmenter.events(spoken.samples[at : at + 320])
    kinds = [kind for kind, _ in events]
    assert kinds == ["early", "end"]
    early, end = events[0][1], events[1][1]
    # the same speech; the early offer (96 ms of silence) holds less of the 0.1 s tail
    assert early.end == end.end and end.audio.startswith(early.audio)
    assert len(end.audio) - len(early.audio) <= 2 * int(0.1 * 16_000)
    assert end.emitted - early.emitted >= 0.1 - 0.04


def test_command_segmenter_picks_silero_or_the_energy_endpointer() -> None:
    from facecoach._voice.segmenter import Segmenter
    from facecoach._voice.silero import SileroSegmenter, command_segmenter, have_silero

    assert isinstance(command_segmenter("energy", 0.2, 0.9, 1.8), Segmenter)
    auto = command_segmenter("auto", 0.2, 0.9, 1.8)
    assert isinstance(auto, SileroSegmenter if have_silero() else Segmenter)
    if have_silero():
        silero = command_segmenter("silero", 0.2, 0.9, 1.8)
        assert isinstance(silero, SileroSegmenter) and silero.settings.max_seconds == 1.8


@needs_piper
def test_pocketsphinx_hears_commands_through_the_silero_segmenter() -> None:
    from facecoach._voice.silero import have_silero
    from facecoach._voice.sphinx import SphinxRecognizer, SphinxSettings
    from voice_support import en_track, matched, run_recognizer

    if not have_silero():
        pytest.skip("onnxruntime or the Silero model is not installed")
    track = en_track("piper")
    recognizer = SphinxRecognizer(load_pack("en"), SphinxSettings(segmenter="silero"))
    right, wrong = matched(track, run_recognizer(recognizer, track.samples))
    assert right >= len([p for p in track.placed if p.label]) * 3 // 4
    assert not wrong


class _LoudnessVad:
    """Stands in for the model: the loudest sample of the frame, as a probability;
    ``blind`` hears nothing. Keeps every frame it was given."""

    def __init__(self, blind: bool = False) -> None:
        self.blind = blind
        self.frames: list[np.ndarray] = []  # type: ignore[type-arg]

    def reset(self) -> None:
        self.frames = []

    def __call__(self, frame: np.ndarray) -> float:  # type: ignore[type-arg]
        self.frames.append(frame.copy())
        return 0.0 if self.blind else float(np.abs(frame).max())


def _burst(level: float, start: int, length: int, total: int = 16_000) -> np.ndarray:  # type: ignore[type-arg]
    samples = np.zeros(total, dtype=np.int16)
    samples[start : start + length] = int(level * 32767)
    return samples


def test_two_offsets_each_judge_a_gapless_stream_half_a_frame_apart() -> None:
    first, second = _LoudnessVad(), _LoudnessVad()
    samples = np.arange(16_000, dtype=np.int16)
    feed_all(SileroSegmenter(VadSettings(offsets=2), vads=[first, second]), samples, block=333)
    heard = np.concatenate(first.frames) * 32768.0
    later = np.concatenate(second.frames) * 32768.0
    assert np.array_equal(heard, samples[: heard.size])
    assert np.array_equal(later, samples[FRAME // 2 : FRAME // 2 + later.size])
    # every whole frame of each stream is judged
    assert heard.size > samples.size - FRAME and FRAME // 2 + later.size > samples.size - FRAME


def test_speech_only_the_second_offset_hears_still_makes_a_segment() -> None:
    samples = _burst(0.9, 8_000, 2_400)
    two = SileroSegmenter(VadSettings(offsets=2), vads=[_LoudnessVad(blind=True), _LoudnessVad()])
    first_only = SileroSegmenter(VadSettings(offsets=1), vads=[_LoudnessVad(blind=True)])
    both, one = feed_all(two, samples), feed_all(first_only, samples)
    assert one == [] and len(both) == 1
    assert both[0].start <= 8_000 / 16_000 <= both[0].end


def test_a_segment_goes_on_below_its_start_threshold_until_the_end_threshold() -> None:
    # Opened by a frame at 0.9, kept open by 0.18 (between end 0.15 and start 0.2):
    # one segment to the end of the quieter part; 0.18 alone opens none.
    samples = _burst(0.9, 4_000, 1_600) + _burst(0.18, 5_600, 4_800)
    settings = VadSettings(start_threshold=0.2, end_threshold=0.15)
    (segment,) = feed_all(SileroSegmenter(settings, vads=[_LoudnessVad()]), samples)
    assert segment.end >= 10_000 / 16_000
    quiet = _burst(0.18, 4_000, 4_800)
    assert feed_all(SileroSegmenter(settings, vads=[_LoudnessVad()]), quiet) == []


def test_blocks_of_any_size_give_the_same_segments_with_two_offsets() -> None:
    samples = _burst(0.9, 3_000, 3_000, 32_000) + _burst(0.5, 20_000, 900, 32_000)

    def segments(block: int) -> list:  # type: ignore[type-arg]
        segmenter = SileroSegmenter(VadSettings(offsets=2), vads=[_LoudnessVad(), _LoudnessVad()])
        # when the end is seen depends on the block it comes in; nothing else may
        return [(s.start, s.end, s.audio) for s in feed_all(segmenter, samples, block=block)]

    assert len(segments(320)) == 2
    assert segments(320) == segments(77) == segments(4_096)
