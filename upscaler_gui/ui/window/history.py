"""The spending history: every billed job (any run's: the window's and the command line's), the totals
per day, and "Open result". Read from the job store through the controller; it changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from upscaler_gui.core.history import History, HistoryRow, history
from upscaler_gui.core.settings import Settings
from upscaler_gui.ui.bridge.controller import EngineController
from upscaler_gui.ui.shell import desktop

Spawn = Callable[[Coroutine[Any, Any, Any], str], None]
translate = QCoreApplication.translate  # literal contexts below: lupdate reads them


def _table(parent: QWidget, name: str, headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers), parent)
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.setItem(r, c, QTableWidgetItem(value))


def _when(moment: float) -> str:
    return dt.datetime.fromtimestamp(moment).strftime("%Y-%m-%d %H:%M")


class HistoryDialog(QDialog):
    def __init__(self, record: History, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.record = record
        self.setWindowTitle(self.tr("Spending history"))
        self.resize(900, 520)
        layout = QVBoxLayout(self)
        self.total_label = QLabel(
            self.tr("Total: {jobs} jobs, {tasks} tasks, {credits:g} credits").format(
                jobs=len(record.rows), tasks=record.tasks, credits=record.credits
            ),
            self,
        )
        layout.addWidget(self.total_label)
        self.jobs = _table(self, "history-jobs", self._job_headers())
        _fill(self.jobs, [self._job_cells(row) for row in record.rows])
        layout.addWidget(self.jobs, 3)
        layout.addWidget(QLabel(self.tr("Per day"), self))
        self.days = _table(self, "history-days", [self.tr("Day"), self.tr("Tasks"), self.tr("Credits")])
        _fill(self.days, [[d.day.isoformat(), str(d.tasks), f"{d.credits:g}"] for d in reversed(record.days)])
        layout.addWidget(self.days, 1)
        layout.addWidget(self._buttons())
        self.jobs.itemSelectionChanged.connect(self._selection_changed)
        self.jobs.cellDoubleClicked.connect(lambda _row, _column: self.open_result())
        self._selection_changed()

    def _job_headers(self) -> list[str]:
        return [
            self.tr("When"),
            self.tr("Source"),
            self.tr("Result"),
            self.tr("Task id"),
            self.tr("State"),
            self.tr("Credits"),
        ]

    @staticmethod
    def _job_cells(row: HistoryRow) -> list[str]:
        output = row.output or ""
        return [_when(row.when), row.source, output, row.task_id or "", str(row.state), f"{row.credits:g}"]

    def _buttons(self) -> QDialogButtonBox:
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.open_button = buttons.addButton(self.tr("Open result"), QDialogButtonBox.ButtonRole.ActionRole)
        self.open_button.setObjectName("open-result")
        self.open_button.clicked.connect(self.open_result)
        buttons.rejected.connect(self.reject)
        return buttons

    def selected(self) -> HistoryRow | None:
        rows = self.jobs.selectionModel().selectedRows()
        return self.record.rows[rows[0].row()] if rows else None

    def _selection_changed(self) -> None:
        row = self.selected()
        self.open_button.setEnabled(row is not None and bool(row.output) and Path(row.output or "").is_file())

    def open_result(self) -> None:
        row = self.selected()
        if row is not None and row.output and Path(row.output).is_file():
            desktop.open_path(Path(row.output))


async def open_history(parent: QWidget, controller: EngineController, settings: Settings) -> HistoryDialog:
    """Read the record (off the GUI thread) and show it in a window-modal dialog that never blocks."""
    jobs = await controller.all_jobs()
    dialog = HistoryDialog(history(jobs, settings.cost_per_image), parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.open()
    return dialog


def history_action(
    parent: QWidget, controller: EngineController, settings: Settings, spawn: Spawn
) -> QAction:
    """The window's way in: an action (for the toolbar or a menu) that opens the history."""
    action = QAction(translate("HistoryDialog", "History"), parent)
    action.setObjectName("history")
    action.setToolTip(translate("HistoryDialog", "What each job cost, with totals per day"))
    action.triggered.connect(lambda: spawn(open_history(parent, controller, settings), "Spending history"))
    return action
