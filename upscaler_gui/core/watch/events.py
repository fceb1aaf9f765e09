"""What a watch tells its listeners, as plain callbacks (the window adapts them to Qt signals)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from upscaler_gui.core.engine import Hook, PauseReason
from upscaler_gui.core.jobs import Job


@dataclass
class WatchEvents:
    file_did_arrive: Hook[[Path]] = field(default_factory=Hook)  # settled, an image, handed to the engine
    file_was_ignored: Hook[[Path, str]] = field(default_factory=Hook)  # not an image, unreadable, ours
    file_did_finish: Hook[[Path, Job]] = field(default_factory=Hook)  # its job ended (any end state)
    file_was_moved: Hook[[Path, Path]] = field(default_factory=Hook)  # original -> processed folder
    did_pause: Hook[[PauseReason]] = field(default_factory=Hook)  # the engine paused: files are held
    did_resume: Hook[[]] = field(default_factory=Hook)
    folder_did_fail: Hook[[str]] = field(default_factory=Hook)  # the folder cannot be read (gone, unmounted)
