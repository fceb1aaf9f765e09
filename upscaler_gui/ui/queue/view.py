"""The queue's table view: a progress bar in the state column, a context menu, keys."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from upscaler_gui.core.jobs import ACTIVE, Job, JobState
from upscaler_gui.ui.queue.job_actions import JobActions
from upscaler_gui.ui.queue.model import Column, JobRole, JobTableModel

ROW_HEIGHT = 44
THUMB_SIZE = 40


class StateDelegate(QStyledItemDelegate):
    """Running jobs show a progress bar with their state as its text."""

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        job = index.data(JobRole)
        if job is None or job.state not in (*ACTIVE, JobState.QUEUED):
            super().paint(painter, option, index)
            return
        if option.state & QStyle.StateFlag.State_Selected:
            painter.fillRect(option.rect, option.palette.highlight())
        bar = QStyleOptionProgressBar()
        bar.rect = option.rect.adjusted(4, 10, -4, -10)
        bar.minimum, bar.maximum = 0, 100
        bar.progress = int(job.progress * 100)
        bar.text = str(index.data(Qt.ItemDataRole.DisplayRole))
        bar.textVisible = True
        bar.state = QStyle.StateFlag.State_Enabled
        style = option.widget.style() if option.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter)


class QueueView(QTableView):
    def __init__(self, model: JobTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.job_actions = JobActions(self.selected_jobs, self)
        self.addActions([a for a in self.job_actions.all if a is not None])
        self.setItemDelegateForColumn(Column.STATE, StateDelegate(self))
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setIconSize(QSize(THUMB_SIZE, THUMB_SIZE))
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # no per-row measuring
        header = self.horizontalHeader()
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        for column, width in ((Column.NAME, 210), (Column.SIZE, 150), (Column.STATE, 120), (Column.TIME, 52)):
            self.setColumnWidth(column, width)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context_menu)
        self.doubleClicked.connect(lambda _index: self.job_actions.open_result.trigger())
        self.selectionModel().selectionChanged.connect(lambda *_: self.job_actions.update())
        model.dataChanged.connect(lambda *_: self.job_actions.update())

    def selected_jobs(self) -> list[Job]:
        model = self.model()
        rows = sorted({index.row() for index in self.selectionModel().selectedRows()})
        return [job for row in rows if (job := model.index(row, 0).data(JobRole)) is not None]

    def _context_menu(self, position: QPoint) -> None:
        self.job_actions.menu(self).popup(self.viewport().mapToGlobal(position))
