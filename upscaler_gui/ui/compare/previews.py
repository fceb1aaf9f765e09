"""The compare view's images, and their zoomed-out copies made in a worker thread.

A zoomed-out view draws from a halved copy, so big results stay fast and unaliased. The copies are made
from QImage (any thread) and handed to the GUI thread through a queued signal, where they become pixmaps.
"""

from __future__ import annotations

from concurrent.futures import Future

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage, QPixmap

from upscaler_gui.ui.compare.loading import halvings, original_size
from upscaler_gui.ui.shell.background import background_executor


class Side:
    """One image: its pixmap, smaller copies for zoomed-out drawing, and the size its label gives."""

    def __init__(self, image: QImage) -> None:
        self.size = original_size(image)
        self.preview_scaled = self.size != image.size()
        self.has_alpha = image.hasAlphaChannel()
        self.levels = [QPixmap.fromImage(image)]

    def level_for(self, device_scale: float) -> QPixmap:
        """The smallest copy that still has at least one pixel per device pixel at `device_scale`.

        `device_scale` is device pixels per pixel of the full image; each level halves the image.
        """
        index = 0
        while index + 1 < len(self.levels) and device_scale * 2 ** (index + 1) <= 1.0:
            index += 1
        return self.levels[index]


class _PreviewBridge(QObject):
    """Carries halved copies from the worker thread to the GUI thread (a queued signal).

    One for the process, never deleted: a worker may still emit after the view that asked has gone.
    """

    ready = Signal(object, object)  # (token, (before levels, after levels))


_bridge: _PreviewBridge | None = None
_workers = background_executor(1, "compare-previews")


def preview_bridge() -> _PreviewBridge:
    global _bridge  # noqa: PLW0603 - created lazily, in the GUI thread, once a QApplication exists
    if _bridge is None:
        _bridge = _PreviewBridge()
    return _bridge


def submit_previews(token: object, before: QImage | None, after: QImage | None) -> Future[None]:
    """Halve both images in the worker; `preview_bridge().ready` brings the copies back with `token`."""
    return _workers.submit(_build_previews, token, before, after)


def _build_previews(token: object, before: QImage | None, after: QImage | None) -> None:
    levels = ([] if before is None else halvings(before), [] if after is None else halvings(after))
    preview_bridge().ready.emit(token, levels)
