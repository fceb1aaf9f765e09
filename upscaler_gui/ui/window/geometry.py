"""The main window's geometry, splitter and column widths, kept in the settings between runs.

Qt's saved states are bytes; the settings file holds them as base64 text.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray

from upscaler_gui.core import settings as settings_store

if TYPE_CHECKING:
    from upscaler_gui.ui.window.main_window import MainWindow


def restore_state(window: MainWindow) -> None:
    settings = window.settings
    if settings.ui_geometry:
        window.restoreGeometry(_unb64(settings.ui_geometry))
    if settings.ui_splitter:
        window.splitter.restoreState(_unb64(settings.ui_splitter))
    if settings.ui_header:
        window.view.horizontalHeader().restoreState(_unb64(settings.ui_header))


def save_state(window: MainWindow) -> None:
    settings = window.settings
    settings.ui_geometry = _b64(window.saveGeometry())
    settings.ui_splitter = _b64(window.splitter.saveState())
    settings.ui_header = _b64(window.view.horizontalHeader().saveState())
    settings_store.save(settings)


def _b64(data: QByteArray) -> str:
    return base64.b64encode(bytes(data.data())).decode("ascii")


def _unb64(text: str) -> QByteArray:
    return QByteArray(base64.b64decode(text)) if text else QByteArray()
