"""What one watch asks for, what it tells its listeners, and the numbers that tune watching (each with
where it comes from). The events are plain callbacks: the window adapts them to Qt signals."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from upscaler_gui.core.engine import Hook, PauseReason
from upscaler_gui.core.jobs import Job, OutputOptions

DEFAULT_SETTLE_S = 2.0  # issue 5: a file must hold still this long before it counts as arrived
DEFAULT_RESCAN_S = 60.0  # issue 5: a periodic rescan catches what the watcher missed
DEFAULT_RESUME_CHECK_S = 60.0  # choice: after a credits/key pause, ask KIE's balance this often
POLL_INTERVAL_S = 1.0  # choice: --poll snapshots the folder this often (watchdog's own default)
MAX_UNREADABLE_TRIES = 10  # choice: a file that cannot be opened is tried this many settle periods
STOP_TIMEOUT_S = 5.0  # choice: how long stop() waits for moves and ledger writes under way


@dataclass(frozen=True)
class WatchOptions:
    """One watched folder.

    `resume_check_s`: after the engine paused for credits or the key, ask KIE's balance this often and
    resume when it allows work again (None: only the user resumes). A user's own pause is never undone.
    """

    folder: Path
    output: OutputOptions
    recursive: bool = False
    settle_s: float = DEFAULT_SETTLE_S
    include_existing: bool = False
    poll: bool = False
    poll_interval_s: float = POLL_INTERVAL_S
    move_processed_dir: Path | None = None
    rescan_s: float | None = DEFAULT_RESCAN_S  # None or 0: no periodic rescan
    resume_check_s: float | None = DEFAULT_RESUME_CHECK_S

    def resolved(self) -> WatchOptions:
        """The same options with absolute, symlink-free folders (the ledger and the scope compare them)."""
        move = self.move_processed_dir
        return WatchOptions(
            folder=_resolve(self.folder),
            output=self.output,
            recursive=self.recursive,
            settle_s=self.settle_s,
            include_existing=self.include_existing,
            poll=self.poll,
            poll_interval_s=self.poll_interval_s,
            move_processed_dir=_resolve(move) if move is not None else None,
            rescan_s=self.rescan_s or None,
            resume_check_s=self.resume_check_s or None,
        )

    @property
    def owner(self) -> str:
        """The job owner the command line gives the engine for this folder."""
        return f"watch:{self.folder}"


def _resolve(path: Path) -> Path:
    return Path(os.path.expanduser(path)).resolve()


@dataclass
class WatchEvents:
    file_did_arrive: Hook[[Path]] = field(default_factory=Hook)  # settled, an image, handed to the engine
    file_was_ignored: Hook[[Path, str]] = field(default_factory=Hook)  # not an image, unreadable, ours
    file_did_finish: Hook[[Path, Job]] = field(default_factory=Hook)  # its job ended (any end state)
    file_was_moved: Hook[[Path, Path]] = field(default_factory=Hook)  # original -> processed folder
    did_pause: Hook[[PauseReason]] = field(default_factory=Hook)  # the engine paused: files are held
    did_resume: Hook[[]] = field(default_factory=Hook)
    folder_did_fail: Hook[[str]] = field(default_factory=Hook)  # the folder cannot be read (gone, unmounted)
