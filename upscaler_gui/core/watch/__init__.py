"""Watch-folder mode: drop images into a folder, find them upscaled, exactly once, across restarts.

Qt-free. A watchdog observer (inotify, or polling for network shares) hands events to the asyncio loop;
a per-file settle timer decides when a file has arrived; a ledger in the job store's database says
what was seen and what became of it; the engine (owned by the caller) does the work.
"""

from upscaler_gui.core.watch.ledger import LedgerEntry, Outcome
from upscaler_gui.core.watch.options import (
    DEFAULT_RESCAN_S,
    DEFAULT_RESUME_CHECK_S,
    DEFAULT_SETTLE_S,
    WatchEvents,
    WatchOptions,
)
from upscaler_gui.core.watch.watcher import FolderWatcher

__all__ = [
    "DEFAULT_RESCAN_S",
    "DEFAULT_RESUME_CHECK_S",
    "DEFAULT_SETTLE_S",
    "FolderWatcher",
    "LedgerEntry",
    "Outcome",
    "WatchEvents",
    "WatchOptions",
]
