"""The main window's geometry, its splitter and the queue's column widths, kept in the settings between runs.

Qt's saved states are bytes; the settings file holds them as base64 text.
"""

from __future__ import annotations

import base64

from PySide6.QtCore import QByteArray
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


def _b64(data: QByteArray) -> str:
    return base64.b64encode(bytes(data.data())).decode("ascii")


def _unb64(text: str) -> QByteArray:
    return QByteArray(base64.b64decode(text)) if text else QByteArray()
