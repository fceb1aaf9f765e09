"""From watchdog's thread to the asyncio loop: file system changes, batched, delivered thread-safely.

The handler runs on watchdog's thread and only appends to a list; one `call_soon_threadsafe` per
batch wakes the loop, so a writer that makes thousands of modify events costs the loop little.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from watchdog.events import (
    DirCreatedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from upscaler_gui.core import log

ChangeKind = Literal["file", "gone", "dir"]

# Only what can mean an arrival or a departure: opens and reads (ours too) never wake us.
EVENT_FILTER: list[type[FileSystemEvent]] = [
    FileCreatedEvent,
    FileModifiedEvent,
    FileClosedEvent,
    FileMovedEvent,
    FileDeletedEvent,
    DirCreatedEvent,
    DirMovedEvent,
]


@dataclass(frozen=True)
class Change:
    kind: ChangeKind  # file: created, written or moved in; gone: deleted or moved out; dir: a new folder
    path: Path


class EventBridge(FileSystemEventHandler):
    """A watchdog handler that hands batches of `Change`s to `deliver` on the loop's thread."""

    def __init__(self, loop: asyncio.AbstractEventLoop, deliver: Callable[[list[Change]], None]) -> None:
        self._loop, self._deliver = loop, deliver
        self._lock = threading.Lock()
        self._batch: list[Change] = []
        self._scheduled = False

    # --- watchdog's thread ---------------------------------------------------------------------------

    def on_created(self, event: FileSystemEvent) -> None:
        self._push("dir" if event.is_directory else "file", event.src_path)

    def on_modified(self, event: FileSystemEvent) -> None:
        if not event.is_directory:
            self._push("file", event.src_path)

    def on_closed(self, event: FileSystemEvent) -> None:
        self._push("file", event.src_path)

    def on_deleted(self, event: FileSystemEvent) -> None:
        self._push("gone", event.src_path)

    def on_moved(self, event: FileSystemEvent) -> None:
        """A rename `x.part` -> `x.png` is the arrival of x.png (and x.part leaving)."""
        self._push("gone", event.src_path)
        if event.dest_path:
            self._push("dir" if event.is_directory else "file", event.dest_path)

    def _push(self, kind: ChangeKind, raw: bytes | str) -> None:
        with self._lock:
            self._batch.append(Change(kind, Path(os.fsdecode(raw))))
            if self._scheduled:
                return
            self._scheduled = True
        with contextlib.suppress(RuntimeError):  # the loop closed while the observer was stopping
            self._loop.call_soon_threadsafe(self._flush)

    # --- the loop's thread ----------------------------------------------------------------------------

    def _flush(self) -> None:
        with self._lock:
            batch, self._batch, self._scheduled = self._batch, [], False
        self._deliver(batch)


def make_observer(poll: bool, poll_interval_s: float) -> BaseObserver:
    observer: BaseObserver = PollingObserver(timeout=poll_interval_s) if poll else Observer()
    observer.daemon = True  # never keeps the process alive
    return observer


def start_observer(
    folder: Path, recursive: bool, handler: EventBridge, *, poll: bool, poll_interval_s: float
) -> BaseObserver:
    """Watch `folder`; falls back to polling when the OS refuses more watches (inotify limits). Blocks."""
    observer = make_observer(poll, poll_interval_s)
    observer.schedule(handler, str(folder), recursive=recursive, event_filter=EVENT_FILTER)
    try:
        observer.start()
    except OSError as exc:
        if poll:
            raise
        log.watch.warning(
            "the system refused to watch %s (%s); polling every %.0f s instead",
            folder,
            exc.strerror or exc,
            poll_interval_s,
        )
        return start_observer(folder, recursive, handler, poll=True, poll_interval_s=poll_interval_s)
    return observer


def stop_observer(observer: BaseObserver, timeout_s: float) -> None:
    """Stop and wait for watchdog's threads (blocks: call from a worker thread)."""
    observer.stop()
    observer.join(timeout_s)
