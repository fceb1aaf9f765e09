"""The queue's table view: a progress bar in the state column, a context menu, keys, and a frame that
lights up while a drag is held over the window.

Columns are as wide as their usual content in the current font (the details column takes the rest);
long names are elided in the middle, so an extension and a "-1" stay visible, and the details wrap onto
a second line (ui/queue/delegates.py). Tab leaves the table (the arrows move in it).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import (
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPoint,
    QRectF,
    QSize,
    Qt,
)
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableView,
    QWidget,
)

from upscaler_gui.core.jobs import Job
from upscaler_gui.ui.queue.delegates import DetailsDelegate, StateDelegate
from upscaler_gui.ui.queue.job_actions import JobActions
from upscaler_gui.ui.queue.model import LOOKS, Column, JobTableModel

ROW_HEIGHT = 44
THUMB_SIZE = 40
_PADDING = 18  # a cell's margins, and a little air


class QueueView(QTableView):
    def __init__(self, model: JobTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self._drop_hot = False
        self._selected_rows: list[int] | None = None  # read from Qt once per selection (see selected_jobs)
        self.job_actions = JobActions(self.selected_jobs, self)
        self.addActions([a for a in self.job_actions.all if a is not None])
        self.setItemDelegateForColumn(Column.STATE, StateDelegate(self))
        self.setItemDelegateForColumn(Column.INFO, DetailsDelegate(self))
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)  # one line a cell (the details draw their own two: DetailsDelegate)
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # "IMG_2024…_crisp-1.png" keeps its end
        self.setTabKeyNavigation(False)  # Tab leaves the table
        self.setIconSize(QSize(THUMB_SIZE, THUMB_SIZE))
        self.setAccessibleName(self.tr("Queue of images"))
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setAccessibleName(self.tr("Rows"))
        self.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # no per-row measuring
        header = self.horizontalHeader()
        header.setAccessibleName(self.tr("Queue columns"))
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        self.fit_columns()
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context_menu)
        self.doubleClicked.connect(lambda _index: self.job_actions.open_result.trigger())
        self.selectionModel().selectionChanged.connect(self._forget_selection)  # first: others read it
        for rows_moved in (model.rowsInserted, model.rowsRemoved, model.modelReset, model.layoutChanged):
            rows_moved.connect(self._forget_selection)
        self.selectionModel().selectionChanged.connect(lambda *_: self.job_actions.update())
        model.dataChanged.connect(self._rows_changed)

    def fit_columns(self) -> None:
        """Widths for the usual content in the current font: a name, two sizes, a state with its percent."""
        metrics = self.fontMetrics()
        model = self.model()
        assert isinstance(model, JobTableModel)
        states = model.state_names().values()
        widest_state = max(metrics.horizontalAdvance(f"{name} · 100 %") for name in states)
        widths = {
            Column.NAME: THUMB_SIZE + metrics.horizontalAdvance("IMG_2024_0817.jpg") + _PADDING,
            Column.SIZE: metrics.horizontalAdvance("8888×8888 → 8888×8888") + _PADDING,
            Column.STATE: widest_state + _PADDING,
        }
        for column, width in widths.items():
            self.setColumnWidth(column, width)

    def _rows_changed(self, top: QModelIndex, _bottom: QModelIndex, roles: Sequence[int] = ()) -> None:
        """A selected job changed (it failed, say): what the actions can do changes with it. Other rows
        cost nothing here, however many events a batch sends; nor do a row's looks (the clock's tick
        of every running row, a thumbnail): with a drop's 200 new rows selected, each tick read the
        whole selection 200 times (stalls over 50 ms)."""
        if list(roles) == LOOKS:
            return
        if self.selectionModel().isRowSelected(top.row()):
            self.job_actions.update()

    def shown_rows(self) -> range:
        """The rows on screen now, whole or in part."""
        count = self.model().rowCount()
        top = self.rowAt(0)
        if top < 0:
            return range(0)
        bottom = self.rowAt(self.viewport().height() - 1)
        return range(top, (bottom if bottom >= 0 else count - 1) + 1)

    def selected_jobs(self) -> list[Job]:
        """The selected rows' jobs as they are now. The rows are read from Qt once per selection (or
        change of rows), not on each of a batch's events: a drop selects its new rows, and reading 200
        selected rows through Qt took ~7 ms, for every event of every selected job."""
        model = self.model()
        assert isinstance(model, JobTableModel)
        if self._selected_rows is None:
            self._selected_rows = sorted({index.row() for index in self.selectionModel().selectedRows()})
        return [job for row in self._selected_rows if (job := model.job_at(row)) is not None]

    def _forget_selection(self, *_args: object) -> None:
        self._selected_rows = None

    def select_rows(self, rows: list[int]) -> None:
        """Select these rows (new ones, say) and bring them into view, the first on top when they fit."""
        if not rows:
            return
        model = self.model()
        selection = QItemSelection()
        for row in rows:
            selection.select(model.index(row, 0), model.index(row, model.columnCount() - 1))
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        self.selectionModel().select(selection, flags)
        self.selectionModel().setCurrentIndex(
            model.index(rows[0], 0), QItemSelectionModel.SelectionFlag.NoUpdate
        )
        self.scrollTo(model.index(max(rows), 0))
        self.scrollTo(model.index(min(rows), 0))

    # --- a drag held over the window --------------------------------------------------------------------

    def set_drop_hot(self, hot: bool) -> None:
        self._drop_hot = hot
        self.viewport().update()

    @property
    def drop_hot(self) -> bool:
        return self._drop_hot

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        super().paintEvent(event)
        if not self._drop_hot:
            return
        with QPainter(self.viewport()) as painter:  # ended here, whoever keeps this frame (test_painters)
            color = self.palette().color(QPalette.ColorRole.Highlight)
            fill = QColor(color)
            fill.setAlpha(30)
            frame = QRectF(self.viewport().rect()).adjusted(2, 2, -2, -2)
            # Dashes on a solid band of the base colour: over a selected row (the highlight colour) the
            # dashes alone could not be seen.
            painter.setBrush(fill)
            painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Base), 5))
            painter.drawRoundedRect(frame, 8, 8)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(color, 3, Qt.PenStyle.DashLine))
            painter.drawRoundedRect(frame, 8, 8)

    def _context_menu(self, position: QPoint) -> None:
        self.job_actions.menu(self).popup(self.viewport().mapToGlobal(position))
