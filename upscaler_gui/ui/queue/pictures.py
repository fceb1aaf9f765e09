"""What each row shows of its picture: the thumbnail, and for a link the original fetched to show it.

A file's thumbnail is read from the file; a link's from the copy `LinkOriginals` fetched. Rows that share
a picture are told together when it arrives (`changed` with their job ids).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from upscaler_gui.core.jobs import Job
from upscaler_gui.core.link_original import LinkOriginal
from upscaler_gui.ui.queue.link_originals import LinkOriginals
from upscaler_gui.ui.queue.thumbnails import ThumbnailCache


def link_of(job: Job) -> str | None:
    return (job.source_url or job.given) if job.kind == "url" else None


class RowPictures(QObject):
    changed = Signal(object)  # set[int]: the jobs whose picture (or a link's size) just arrived

    def __init__(
        self, thumbnails: ThumbnailCache, links: LinkOriginals | None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._thumbnails, self._links = thumbnails, links
        self._by_key: dict[str, set[int]] = {}  # a thumbnail's path -> its jobs
        self._by_link: dict[str, set[int]] = {}  # a link -> its jobs
        thumbnails.thumbnail_ready.connect(lambda key: self.changed.emit(set(self._by_key.get(key, ()))))
        if links is not None:
            links.ready.connect(self._link_ready)

    def add(self, job: Job) -> None:
        link = link_of(job)
        if link is not None:
            self._by_link.setdefault(link, set()).add(job.id)
            original = self._links.get(link) if self._links is not None else None
            if original is not None:
                self._by_key.setdefault(str(original.path), set()).add(job.id)
        elif job.source_path:
            self._by_key.setdefault(job.source_path, set()).add(job.id)

    def remove(self, job: Job) -> None:
        for index in (self._by_key, self._by_link):
            for ids in index.values():
                ids.discard(job.id)

    def original(self, job: Job) -> LinkOriginal | None:
        """A link's original when fetched (asked for on the first look); None for files."""
        link = link_of(job)
        return self._links.get(link) if link is not None and self._links is not None else None

    def picture_path(self, job: Job) -> str | None:
        """The local file that shows the job's input: the file itself, or a link's fetched copy."""
        if job.kind != "url":
            return job.source_path
        original = self.original(job)
        return str(original.path) if original is not None else None

    def thumbnail(self, job: Job) -> QImage | None:
        """The cached thumbnail (the delegate draws a QImage as is: no second copy as a pixmap); the
        placeholder when there is no picture to show (a missing file, a link that gave none)."""
        path = self.picture_path(job)
        if path:
            return self._thumbnails.get(path)
        link = link_of(job)
        if link is not None and (self._links is None or not self._links.fetched(link)):
            return None  # still coming
        return self._thumbnails.placeholder

    def _link_ready(self, link: str) -> None:
        ids = self._by_link.get(link, set())
        original = self._links.get(link) if self._links is not None else None
        if original is not None:
            self._by_key.setdefault(str(original.path), set()).update(ids)
        self.changed.emit(set(ids))
