"""The main window's two folder rows: where results go, and the folder to watch.

Each row shows its folder and a button to choose another; the watch row's check box starts and stops
watching. Texts are translated in the window's context ("MainWindow").
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QCheckBox, QFileDialog, QHBoxLayout, QLabel, QPushButton

from upscaler_gui.core import settings as settings_store
from upscaler_gui.core.settings import Settings
from upscaler_gui.ui.bridge.output import folder_path
from upscaler_gui.ui.shell import desktop

if TYPE_CHECKING:
    from upscaler_gui.ui.window.main_window import MainWindow


translate = QCoreApplication.translate  # literal contexts below: lupdate reads them


# --- results -------------------------------------------------------------------------------------------


def output_row(window: MainWindow) -> tuple[QHBoxLayout, QLabel]:
    """The row, and the label that shows the output folder."""
    row = QHBoxLayout()
    row.addWidget(QLabel(translate("MainWindow", "Results go to:"), window))
    folder_label = QLabel(window)
    folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    change = QPushButton(translate("MainWindow", "Change…"), window)
    change.clicked.connect(window.choose_output_folder)
    open_button = QPushButton(translate("MainWindow", "Open folder"), window)
    open_button.clicked.connect(lambda: desktop.open_path(ensure_output_folder(window.settings)))
    row.addWidget(folder_label, 1)
    row.addWidget(change)
    row.addWidget(open_button)
    return row, folder_label


def choose_output_folder(window: MainWindow) -> None:
    dialog = QFileDialog(
        window, translate("MainWindow", "Choose the output folder"), str(folder_path(window.settings))
    )
    dialog.setFileMode(QFileDialog.FileMode.Directory)
    dialog.setOption(QFileDialog.Option.ShowDirsOnly)
    dialog.fileSelected.connect(lambda folder: _set_output_folder(window, folder))
    dialog.open()


def _set_output_folder(window: MainWindow, folder: str) -> None:
    window.settings.output_dir = folder
    settings_store.save(window.settings)
    window.refresh()


def ensure_output_folder(settings: Settings) -> Path:
    folder = folder_path(settings)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# --- watching ------------------------------------------------------------------------------------------


def watch_row(window: MainWindow) -> tuple[QHBoxLayout, QCheckBox, QLabel]:
    """The row, its check box (on while watching), and the label that shows the watched folder."""
    row = QHBoxLayout()
    watch_box = QCheckBox(translate("MainWindow", "Watch a folder:"), window)
    watch_box.setToolTip(
        translate("MainWindow", "Images saved or copied into this folder are upscaled once each")
    )
    watch_label = QLabel(window)
    watch_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    choose = QPushButton(translate("MainWindow", "Choose…"), window)
    choose.clicked.connect(window.choose_watch_folder)
    watch_box.clicked.connect(window.toggle_watching)
    row.addWidget(watch_box)
    row.addWidget(watch_label, 1)
    row.addWidget(choose)
    return row, watch_box, watch_label


def toggle_watching(window: MainWindow) -> None:
    watch = window.controller.watch
    if watch.watching:
        window.keeper.spawn(watch.stop(), "Stop watching")
    elif window.settings.watch_dir:
        window.keeper.spawn(window.controller.start_watching(window.settings.watch_dir), "Watching")
    else:
        window.watch_box.setChecked(False)
        window.choose_watch_folder()


def choose_watch_folder(window: MainWindow) -> None:
    start = window.settings.watch_dir or str(Path.home())
    dialog = QFileDialog(window, translate("MainWindow", "Choose a folder to watch"), start)
    dialog.setFileMode(QFileDialog.FileMode.Directory)
    dialog.setOption(QFileDialog.Option.ShowDirsOnly)
    dialog.fileSelected.connect(
        lambda folder: window.keeper.spawn(window.controller.start_watching(folder), "Watching")
    )
    dialog.open()


def show_watching(window: MainWindow, watching: bool, message: str) -> None:
    window.watch_box.setChecked(watching)
    window.status.showMessage(message, 10_000)
    window.refresh()
    window.watching_changed.emit(watching)
