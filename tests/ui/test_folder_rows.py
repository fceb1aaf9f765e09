"""The window's folder rows on their own: the output row keeps its setting, the watch row asks to start
or stop watching and shows what the watcher does."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from upscaler_gui.core import settings as settings_store
from upscaler_gui.core.settings import Settings
from upscaler_gui.ui.bridge.watching import WatchController
from upscaler_gui.ui.window.folder_rows import OutputFolderRow, WatchFolderRow


def _pick(row: OutputFolderRow | WatchFolderRow, folder: Path) -> None:
    """The user picks `folder` in the dialog the row opened (open(), so the click returned at once)."""
    picker = row.findChild(QFileDialog)
    assert picker is not None and picker.isVisible()
    assert picker.fileMode() == QFileDialog.FileMode.Directory
    picker.selectFile(str(folder))
    picker.accept()


def test_a_chosen_output_folder_is_shown_saved_and_announced(qtbot: QtBot, tmp_path: Path) -> None:
    settings = Settings(output_dir=str(tmp_path / "old"))
    row = OutputFolderRow(settings)
    qtbot.addWidget(row)
    assert row.folder_label.text() == str(tmp_path / "old")
    chosen = tmp_path / "results"
    chosen.mkdir()
    with qtbot.waitSignal(row.folder_chosen) as announced:
        row.choose()
        _pick(row, chosen)
    assert announced.args == [str(chosen)]
    assert row.folder_label.text() == str(chosen)
    assert settings_store.load().output_dir == str(chosen)  # kept for the next start


def test_the_watch_box_starts_on_the_folder_chosen_before(qtbot: QtBot, tmp_path: Path) -> None:
    settings = Settings(watch_dir=str(tmp_path))
    row = WatchFolderRow(settings, WatchController(settings))
    qtbot.addWidget(row)
    assert row.folder_label.text() == str(tmp_path) and not row.watch_box.isChecked()
    with qtbot.waitSignal(row.start_requested) as asked:
        row.watch_box.click()
    assert asked.args == [str(tmp_path)]
    assert row.findChild(QFileDialog) is None  # no question: the folder is known


def test_the_watch_box_without_a_folder_asks_for_one_first(qtbot: QtBot, tmp_path: Path) -> None:
    settings = Settings(watch_dir="")
    row = WatchFolderRow(settings, WatchController(settings))
    qtbot.addWidget(row)
    assert row.folder_label.text() == "(none chosen)"
    row.watch_box.click()
    assert not row.watch_box.isChecked()  # not watching until a folder is chosen and watched
    with qtbot.waitSignal(row.start_requested) as asked:
        _pick(row, tmp_path)
    assert asked.args == [str(tmp_path)]


def test_the_watch_row_follows_the_watcher(qtbot: QtBot, tmp_path: Path) -> None:
    settings = Settings(watch_dir=str(tmp_path))
    watch = WatchController(settings)
    row = WatchFolderRow(settings, watch)
    qtbot.addWidget(row)
    row.watch_box.setChecked(True)  # the user's click, before the watcher answered
    watch.changed.emit(False, "This folder cannot be watched")  # it could not start
    assert not row.watch_box.isChecked()
