"""The main window's two folder rows: where results go, and the folder to watch.

Each row shows its folder from the settings and a button to choose another, with a dialog opened with
open() (never blocking). The output row keeps its own setting; the watch row only asks, through signals:
watching is started and stopped by the controller, whose `changed` signal the row follows.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QFileDialog, QHBoxLayout, QLabel, QPushButton, QWidget

from upscaler_gui.core import settings as settings_store
from upscaler_gui.core.settings import Settings
from upscaler_gui.ui.bridge.output import folder_path
from upscaler_gui.ui.bridge.watching import WatchController
from upscaler_gui.ui.shell import desktop


def _folder_label(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _folder_dialog(parent: QWidget, title: str, start: str) -> QFileDialog:
    dialog = QFileDialog(parent, title, start)
    dialog.setFileMode(QFileDialog.FileMode.Directory)
    dialog.setOption(QFileDialog.Option.ShowDirsOnly)
    return dialog


class OutputFolderRow(QWidget):
    """ "Results go to: <folder> [Change…] [Open folder]"; a chosen folder is saved in the settings."""

    folder_chosen = Signal(str)  # saved already

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._settings = settings
        self.demo = False  # the demo runs: its results go to <folder>/demo, shown here
        self.folder_label = _folder_label(self)
        change = QPushButton(self.tr("Change…"), self)
        change.clicked.connect(self.choose)
        open_button = QPushButton(self.tr("Open folder"), self)
        open_button.clicked.connect(
            lambda: desktop.open_path(ensure_output_folder(self._settings, self.demo))
        )
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel(self.tr("Results go to:"), self))
        row.addWidget(self.folder_label, 1)
        row.addWidget(change)
        row.addWidget(open_button)
        self.refresh()

    def refresh(self) -> None:
        """Show the folder in the settings (the Settings dialog may have changed it)."""
        self.folder_label.setText(str(folder_path(self._settings, demo=self.demo)))

    def choose(self) -> None:
        title = self.tr("Choose the output folder")
        dialog = _folder_dialog(self, title, str(folder_path(self._settings)))
        dialog.fileSelected.connect(self._set_folder)
        dialog.open()

    def _set_folder(self, folder: str) -> None:
        self._settings.output_dir = folder
        settings_store.save(self._settings)
        self.refresh()
        self.folder_chosen.emit(folder)


def ensure_output_folder(settings: Settings, demo: bool = False) -> Path:
    folder = folder_path(settings, demo=demo)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class WatchFolderRow(QWidget):
    """ "[x] Watch a folder: <folder> [Choose…]"; the box is on while the watcher runs."""

    start_requested = Signal(str)  # the folder to watch
    stop_requested = Signal()

    def __init__(self, settings: Settings, watch: WatchController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._settings, self._watch = settings, watch
        self.watch_box = QCheckBox(self.tr("Watch a folder:"), self)
        self.watch_box.setToolTip(self.tr("Images saved or copied into this folder are upscaled once each"))
        self.watch_box.clicked.connect(self.toggle)
        self.folder_label = _folder_label(self)
        choose = QPushButton(self.tr("Choose…"), self)
        choose.clicked.connect(self.choose)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.watch_box)
        row.addWidget(self.folder_label, 1)
        row.addWidget(choose)
        watch.changed.connect(lambda *_: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        self.folder_label.setText(self._settings.watch_dir or self.tr("(none chosen)"))
        self.watch_box.setChecked(self._watch.watching)

    def toggle(self) -> None:
        """The box (or the tray's "Stop watching"): stop, start on the folder chosen before, or choose one."""
        if self._watch.watching:
            self.stop_requested.emit()
        elif self._settings.watch_dir:
            self.start_requested.emit(self._settings.watch_dir)
        else:
            self.watch_box.setChecked(False)
            self.choose()

    def choose(self) -> None:
        start = self._settings.watch_dir or str(Path.home())
        dialog = _folder_dialog(self, self.tr("Choose a folder to watch"), start)
        dialog.fileSelected.connect(self.start_requested.emit)
        dialog.open()
