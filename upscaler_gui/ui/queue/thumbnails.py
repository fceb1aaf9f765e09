"""Thumbnails for the queue, read in worker threads and scaled while reading.

The view asks `get(path)` while painting: a hit returns at once, a miss schedules one load and returns
None, and `thumbnail_ready(path)` tells the model to repaint that row. Loads run in a small pool of its
own (two threads: enough to keep up with scrolling without starving the engine's hashing and checks).

`QImageReader.setScaledSize` lets the JPEG decoder skip most of the work (libjpeg decodes at 1/2, 1/4
or 1/8 scale), so a 20 MP photo costs a fraction of a full decode and little memory; QImageReader
releases the GIL while it decodes, so the Qt thread keeps running. Only QImage crosses threads:
QPixmap belongs to the GUI thread. The readers run at the priority of the window's other workers
(`background.lower_this_thread`), below the Qt thread's.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict

from PySide6.QtCore import QObject, QRunnable, QSize, Qt, QThreadPool, Signal, Slot
from PySide6.QtGui import QColor, QGuiApplication, QImage, QImageReader, QPainter, QPen

from upscaler_gui.core import log
from upscaler_gui.ui.shell.background import lower_this_thread
from upscaler_gui.ui.shell.pillow_image import read_with_pillow

MAX_PIXEL_RATIO = 2.0  # sharper than 2x is invisible at thumbnail size, and costs 2.25x the memory
POOL_THREADS = 2
CLOSE_WAIT_MS = 3000  # a read from a stalled network share must not hold the window's exit for long
_PRIORITY_WRAP = 2**30


def load_thumbnail(path: str, side: int) -> QImage:
    """The image at `path`, upright (EXIF) and fitted in `side` x `side` pixels; null when unreadable.

    Safe in any thread. The scaled size is set before reading, from the size in the file's header.
    """
    reader = QImageReader(path)
    reader.setDecideFormatFromContent(True)  # a JPEG saved as .png is still read
    reader.setAutoTransform(True)
    stored = reader.size()  # before the EXIF rotation, like the scaled size the reader takes
    if stored.isValid() and max(stored.width(), stored.height()) > side:
        reader.setScaledSize(fitted(stored, side))
    image = reader.read()
    if image.isNull():
        log.ui.debug("thumbnail: cannot read %s: %s", path, reader.errorString())
        pictured = read_with_pillow(path, side * side)  # a HEIC or AVIF: Qt has no decoder for it
        if pictured is None:
            return image
        image = pictured[0]
    if max(image.width(), image.height()) > side:  # a format whose header gave no size
        image = image.scaled(
            side, side, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
    return _for_pixmap(image)


def fitted(size: QSize, side: int) -> QSize:
    """`size` shrunk to fit in a `side` square, keeping its aspect (never below 1 px)."""
    scale = side / max(size.width(), size.height())
    return QSize(max(1, round(size.width() * scale)), max(1, round(size.height() * scale)))


def _for_pixmap(image: QImage) -> QImage:
    """In the format a raster QPixmap uses, so QPixmap.fromImage on the GUI thread does not convert."""
    wanted = (
        QImage.Format.Format_ARGB32_Premultiplied if image.hasAlphaChannel() else QImage.Format.Format_RGB32
    )
    return image if image.format() == wanted else image.convertToFormat(wanted)


def placeholder_image(side: int, ratio: float) -> QImage:
    """A small frame with a cross, for files that cannot be read; greys with alpha suit light and dark."""
    image = QImage(side, side, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    margin = side // 6
    with QPainter(image) as painter:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor(128, 128, 128, 170), max(1.0, side / 32)))
        painter.drawRect(margin, margin, side - 2 * margin, side - 2 * margin)
        painter.drawLine(margin, margin, side - margin, side - margin)
        painter.drawLine(margin, side - margin, side - margin, margin)
    image.setDevicePixelRatio(ratio)
    return image


class _Mail(QObject):
    """Lives in the GUI thread; a worker emits on it and the queued connection carries the result home."""

    arrived = Signal(str, QImage, int)  # key, image (null when unreadable), generation


class _Outbox:
    """What workers hold instead of the cache. Closed before the cache goes away, so a late worker
    finds it closed and drops its result instead of emitting on a deleted object."""

    def __init__(self, mail: _Mail) -> None:
        self._lock = threading.Lock()
        self._mail = mail
        self._open = True

    def send(self, key: str, image: QImage, generation: int) -> None:
        with self._lock:
            if self._open:
                self._mail.arrived.emit(key, image, generation)

    def close(self) -> None:
        with self._lock:  # waits for an emit in progress: after this, no worker touches _mail
            self._open = False


class _LoadThumbnail(QRunnable):
    def __init__(self, path: str, side: int, ratio: float, generation: int, outbox: _Outbox) -> None:
        super().__init__()
        self._path, self._side, self._ratio = path, side, ratio
        self._generation, self._outbox = generation, outbox

    def run(self) -> None:
        lower_this_thread()  # the pool's threads are Qt's: no initializer, and two syscalls cost ~2 us
        try:
            image = load_thumbnail(self._path, self._side)
        except Exception:  # a worker must always answer, or the key would stay pending for good
            log.ui.error("thumbnail: reading %s failed", self._path, exc_info=True)
            image = QImage()
        image.setDevicePixelRatio(self._ratio)
        self._outbox.send(self._path, image, self._generation)


def _shut(outbox: _Outbox, pool: QThreadPool) -> None:
    """Runs when the cache closes or is destroyed: no more results, no more queued reads."""
    outbox.close()
    pool.clear()


def _screen_ratio() -> float:
    app = QGuiApplication.instance()
    # The highest ratio of all screens: a thumbnail dragged to the sharper monitor stays sharp.
    return app.devicePixelRatio() if isinstance(app, QGuiApplication) else 1.0


class ThumbnailCache(QObject):
    """Path -> small upright QImage, loaded off the GUI thread, least recently used dropped first."""

    thumbnail_ready = Signal(str)  # the path whose thumbnail (or placeholder) just arrived

    def __init__(
        self,
        size: int = 64,
        max_items: int = 3000,
        parent: QObject | None = None,
        *,
        device_pixel_ratio: float | None = None,
    ) -> None:
        super().__init__(parent)
        self._ratio = min(MAX_PIXEL_RATIO, device_pixel_ratio or _screen_ratio())
        self._side = max(1, round(size * self._ratio))
        self._max_items = max(1, max_items)
        self._images: OrderedDict[str, QImage] = OrderedDict()
        self._pending: set[str] = set()
        self._generation = 0
        self._priority = 0
        self._closed = False
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(POOL_THREADS)
        mail = _Mail(self)
        mail.arrived.connect(self._arrived, Qt.ConnectionType.QueuedConnection)
        self._outbox = _Outbox(mail)
        self.placeholder = placeholder_image(max(8, self._side // 2), self._ratio)
        # Not a bound method: at `destroyed` the Python side of self may already be half gone.
        self.destroyed.connect(functools.partial(_shut, self._outbox, self._pool))

    def get(self, path: str) -> QImage | None:
        """The thumbnail, or None while it loads (then `thumbnail_ready(path)` is emitted once)."""
        image = self._images.get(path)
        if image is not None:
            self._images.move_to_end(path)
            return image
        if path and path not in self._pending and not self._closed:
            self._schedule(path)
        return None

    def forget(self, path: str) -> None:
        """Drop one thumbnail (its file changed, or was unreadable and may be readable now)."""
        self._images.pop(path, None)

    def clear(self) -> None:
        """Drop every thumbnail and every queued read; reads already running are ignored when done."""
        self._generation += 1
        self._pool.clear()
        self._pending.clear()
        self._images.clear()

    def close(self, wait_ms: int = CLOSE_WAIT_MS) -> bool:
        """Stop loading (the window is closing): drop queued reads, wait for running ones. True if done."""
        self._closed = True
        _shut(self._outbox, self._pool)
        self._pending.clear()
        return self._pool.waitForDone(wait_ms)

    def __len__(self) -> int:
        return len(self._images)

    @property
    def pixel_side(self) -> int:
        """The largest side of a thumbnail in device pixels (the logical size times the pixel ratio)."""
        return self._side

    def _schedule(self, path: str) -> None:
        self._pending.add(path)
        # Newest first: after a scroll, the rows now on screen load before the ones scrolled past.
        self._priority = (self._priority + 1) % _PRIORITY_WRAP
        task = _LoadThumbnail(path, self._side, self._ratio, self._generation, self._outbox)
        self._pool.start(task, self._priority)

    @Slot(str, QImage, int)
    def _arrived(self, key: str, image: QImage, generation: int) -> None:
        if generation != self._generation or self._closed:
            return  # read before clear() or close(): its row may be gone
        self._pending.discard(key)
        self._store(key, self.placeholder if image.isNull() else image)
        self.thumbnail_ready.emit(key)

    def _store(self, key: str, image: QImage) -> None:
        self._images[key] = image
        self._images.move_to_end(key)
        while len(self._images) > self._max_items:
            self._images.popitem(last=False)
