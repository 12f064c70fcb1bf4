"""facecoach: an offline, hands-free, voice-guided coach for facial palsy home exercise."""

from __future__ import annotations

from ._commands import Command

__all__ = ["Command"]
__version__ = "0.1.0"
