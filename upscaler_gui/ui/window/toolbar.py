"""Pieces of the main window's layout: its actions, the toolbar, and the queue beside the compare view."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QSizePolicy, QSplitter, QToolBar, QWidget

if TYPE_CHECKING:
    from upscaler_gui.ui.window.main_window import MainWindow


translate = QCoreApplication.translate  # literal contexts below: lupdate reads them


def make_action(
    parent: QWidget,
    text: str,
    slot: Callable[[], None],
    shortcut: QKeySequence | QKeySequence.StandardKey | None = None,
) -> QAction:
    action = QAction(text, parent)
    if shortcut is not None:
        action.setShortcut(shortcut)
    action.triggered.connect(slot)
    return action


def build_toolbar(window: MainWindow) -> QToolBar:
    """Add, then start/pause and clear, then (at the far end) settings; text only, not movable."""
    bar = QToolBar(translate("MainWindow", "Main"), window)
    bar.setObjectName("main-toolbar")
    bar.setMovable(False)
    bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    for action in (window.add_files_action, window.add_folder_action, window.add_link_action):
        bar.addAction(action)
    bar.addSeparator()
    bar.addAction(window.start_action)
    bar.addAction(window.clear_action)
    spacer = QWidget(bar)
    spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    bar.addWidget(spacer)
    bar.addAction(window.settings_action)
    return bar


def build_splitter(queue: QWidget, compare: QWidget, parent: QWidget) -> QSplitter:
    """The queue on the left, the compare view on the right, sharing new room 3 to 2."""
    splitter = QSplitter(Qt.Orientation.Horizontal, parent)
    splitter.addWidget(queue)
    splitter.addWidget(compare)
    splitter.setStretchFactor(0, 3)
    splitter.setStretchFactor(1, 2)
    splitter.setSizes([680, 480])
    return splitter
