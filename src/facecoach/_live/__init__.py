"""A live run: the real-time loop, the terminal view, the keyboard, the wiring
of a session to real adapters, and export to audio files.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_names

if TYPE_CHECKING:
    from .export import (
        FORMATS,
        ExportProblem,
        ExportResult,
        check_target,
        export_session,
        prerender,
        spoken_lines,
    )
    from .export_tags import (
        ARTIST,
        SAFETY_OPENING,
        Chapter,
        Tags,
        can_tag,
        tag_file,
        with_safety_opening,
    )
    from .keys import (
        KEYS,
        KeyboardSource,
        key_help,
    )
    from .loop import (
        HELD_UP_SECONDS,
        LiveLoop,
        LiveOptions,
    )
    from .paced import (
        PacedSession,
    )
    from .view import (
        LiveState,
        PlainView,
        RichView,
        clock_text,
        make_view,
        render,
    )
    from .views import (
        NullView,
        View,
    )
    from .wiring import (
        TEXT_MODE,
        SoundOptions,
        cached_speech_seconds,
        make_output,
        run_live,
        speak_line,
        speaker_for,
    )

# Loaded on first use: importing one module of this package must not pull in
# numpy, audio libraries or engines for all the others.
_HOME = {
    "ARTIST": "export_tags",
    "Chapter": "export_tags",
    "ExportProblem": "export",
    "ExportResult": "export",
    "FORMATS": "export",
    "HELD_UP_SECONDS": "loop",
    "KEYS": "keys",
    "KeyboardSource": "keys",
    "LiveLoop": "loop",
    "LiveOptions": "loop",
    "LiveState": "view",
    "NullView": "views",
    "PacedSession": "paced",
    "PlainView": "view",
    "RichView": "view",
    "SAFETY_OPENING": "export_tags",
    "SoundOptions": "wiring",
    "TEXT_MODE": "wiring",
    "Tags": "export_tags",
    "View": "views",
    "cached_speech_seconds": "wiring",
    "can_tag": "export_tags",
    "check_target": "export",
    "clock_text": "view",
    "export_session": "export",
    "key_help": "keys",
    "make_output": "wiring",
    "make_view": "view",
    "prerender": "export",
    "render": "view",
    "run_live": "wiring",
    "speak_line": "wiring",
    "speaker_for": "wiring",
    "spoken_lines": "export",
    "tag_file": "export_tags",
    "with_safety_opening": "export_tags",
}

__getattr__ = lazy_names(__name__, _HOME)

__all__ = [
    "ARTIST",
    "FORMATS",
    "HELD_UP_SECONDS",
    "KEYS",
    "SAFETY_OPENING",
    "TEXT_MODE",
    "Chapter",
    "ExportProblem",
    "ExportResult",
    "KeyboardSource",
    "LiveLoop",
    "LiveOptions",
    "LiveState",
    "NullView",
    "PacedSession",
    "PlainView",
    "RichView",
    "SoundOptions",
    "Tags",
    "View",
    "cached_speech_seconds",
    "can_tag",
    "check_target",
    "clock_text",
    "export_session",
    "key_help",
    "make_output",
    "make_view",
    "prerender",
    "render",
    "run_live",
    "speak_line",
    "speaker_for",
    "spoken_lines",
    "tag_file",
    "with_safety_opening",
]
