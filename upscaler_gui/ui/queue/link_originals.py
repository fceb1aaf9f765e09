"""The originals of the links in the queue, fetched once each off the Qt thread (core/link_original.py),
a few at a time: for the row's thumbnail and size, and the "before" of the compare view.

`get(url)` answers at once from what is known and asks for a fetch the first time; `ready(url)` says a
fetch ended (with a file or without). `original(url)` waits for it. The window gives the way to start
work (its WindowTasks), so quitting cancels what runs.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from PySide6.QtCore import QObject, Signal

from upscaler_gui.core import paths
from upscaler_gui.core.constants import LINK_ORIGINALS_AT_ONCE
from upscaler_gui.core.link_original import LinkOriginal, fetch_original

Spawn = Callable[[Coroutine[Any, Any, Any], str], None]


class LinkOriginals(QObject):
    ready = Signal(str)  # the link whose fetch ended

    def __init__(self, spawn: Spawn | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._spawn = spawn
        self._known: dict[str, LinkOriginal | None] = {}  # fetched: the copy, or None (no preview)
        self._waiting: dict[str, asyncio.Event] = {}
        self._at_once = asyncio.Semaphore(LINK_ORIGINALS_AT_ONCE)

    def get(self, url: str) -> LinkOriginal | None:
        """The original when it is here; else None, and a fetch is asked for (once per link)."""
        if url in self._known:
            return self._known[url]
        self._request(url)
        return None

    def fetched(self, url: str) -> bool:
        """Whether the fetch of `url` has ended (with a file or without)."""
        return url in self._known

    async def original(self, url: str) -> LinkOriginal | None:
        """The original, waiting for its fetch when one is under way or must start."""
        if url in self._known:
            return self._known[url]
        self._request(url)
        event = self._waiting.get(url)
        if event is not None:
            await event.wait()
        return self._known.get(url)

    def _request(self, url: str) -> None:
        if url in self._waiting or self._spawn is None:
            return
        self._waiting[url] = asyncio.Event()
        self._spawn(self._fetch(url), "Fetching a link's picture")

    async def _fetch(self, url: str) -> None:
        found: LinkOriginal | None = None
        try:
            async with self._at_once:
                found = await fetch_original(url, paths.cache_dir() / "link-originals")
        finally:  # cancelled at quit or not: whoever waits is let go
            self._known[url] = found
            self._waiting.pop(url).set()
            self.ready.emit(url)
