"""The main window's geometry, its splitter and the queue's column widths, kept in the settings between runs;
and the window kept inside the screen it opens on.

Qt's saved states are bytes; the settings file holds them as base64 text. A geometry saved on another
screen (a larger monitor, or another scale: 2360 x 1440 saved where the screen is now 1280 x 720 logical
pixels at 2x) is brought inside the current screen's free area, frame and title bar included, each time
the window is shown.
"""

from __future__ import annotations

import base64

from PySide6.QtCore import QByteArray, QPoint, QRect
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QHeaderView, QSplitter, QWidget

from upscaler_gui.core import settings as settings_store
from upscaler_gui.core.settings import Settings


class SavedGeometry:
    def __init__(self, settings: Settings, window: QWidget, splitter: QSplitter, header: QHeaderView) -> None:
        self._settings, self._window, self._splitter, self._header = settings, window, splitter, header

    def restore(self) -> None:
        settings = self._settings
        if settings.ui_geometry:
            self._window.restoreGeometry(_unb64(settings.ui_geometry))
        if settings.ui_splitter:
            self._splitter.restoreState(_unb64(settings.ui_splitter))
        if settings.ui_header:
            self._header.restoreState(_unb64(settings.ui_header))

    def save(self) -> None:
        settings = self._settings
        settings.ui_geometry = _b64(self._window.saveGeometry())
        settings.ui_splitter = _b64(self._splitter.saveState())
        settings.ui_header = _b64(self._header.saveState())
        settings_store.save(settings)


def keep_on_screen(window: QWidget) -> None:
    """Shrink and move the window so that all of it, frame included, is inside its screen's free area."""
    if window.isMaximized() or window.isFullScreen():
        return
    frame, inner = window.frameGeometry(), window.geometry()
    screen = QGuiApplication.screenAt(frame.center()) or window.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return
    free = screen.availableGeometry()
    extra_w, extra_h = frame.width() - inner.width(), frame.height() - inner.height()
    width = min(inner.width(), free.width() - extra_w)
    height = min(inner.height(), free.height() - extra_h)
    if (width, height) != (inner.width(), inner.height()):
        window.resize(width, height)
    target = _inside(QRect(frame.x(), frame.y(), width + extra_w, height + extra_h), free)
    if target != frame.topLeft():
        window.move(target)  # move() places the frame's corner


def _inside(frame: QRect, free: QRect) -> QPoint:
    """Where `frame`'s corner goes so that it lies in `free` (the top left wins when it cannot fit)."""
    x = max(min(frame.x(), free.x() + free.width() - frame.width()), free.x())
    y = max(min(frame.y(), free.y() + free.height() - frame.height()), free.y())
    return QPoint(x, y)


def _b64(data: QByteArray) -> str:
    return base64.b64encode(bytes(data.data())).decode("ascii")


def _unb64(text: str) -> QByteArray:
    return QByteArray(base64.b64decode(text)) if text else QByteArray()
