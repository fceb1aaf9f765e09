"""How two of the queue's cells are drawn: the state as a progress bar, the details over two lines.

Details wrap at words onto as many lines as the row holds; a word wider than the cell (a saved file's
name) is elided before its end, so the end ("_crisp-1.png") stays whole; text beyond the last line
ends in "…" (the whole of it is in the tooltip, and in the compare view for the selected row). An
error's first sentence comes first and stays readable (ui/queue/text_fit.py).
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QPointF, Qt
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
)

from upscaler_gui.core.jobs import ACTIVE, JobState
from upscaler_gui.ui.queue.model import JobRole, ProgressRole
from upscaler_gui.ui.queue.text_fit import FittedLines

Index = QModelIndex | QPersistentModelIndex
_MARGIN = 4
_FAILED = (JobState.FAILED, JobState.UNKNOWN)


class StateDelegate(QStyledItemDelegate):
    """Running jobs show a progress bar with their state and percentage as its text."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        job = index.data(JobRole)
        if job is None or job.state not in (*ACTIVE, JobState.QUEUED):
            super().paint(painter, option, index)
            return
        if option.state & QStyle.StateFlag.State_Selected:
            painter.fillRect(option.rect, option.palette.highlight())
        bar = QStyleOptionProgressBar()
        bar.rect = option.rect.adjusted(4, 10, -4, -10)
        bar.minimum, bar.maximum = 0, 100
        bar.progress = int(index.data(ProgressRole) * 100)
        bar.text = str(index.data(Qt.ItemDataRole.DisplayRole))
        bar.textVisible = True
        bar.state = QStyle.StateFlag.State_Enabled
        style = option.widget.style() if option.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter)


class DetailsDelegate(QStyledItemDelegate):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._fitted = FittedLines()

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        self.initStyleOption(option, index)
        lines = self.shown_lines(option, index)
        option.text = ""
        style = option.widget.style() if option.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        area = option.rect.adjusted(_MARGIN, 0, -_MARGIN, 0)
        painter.save()
        painter.setPen(_text_colour(option))
        height = len(lines) * _line(option)
        y = area.top() + (area.height() - height) // 2 + option.fontMetrics.ascent()
        for line in lines:
            painter.drawText(QPointF(area.left(), y), line)
            y += _line(option)
        painter.restore()

    def shown_lines(self, option: QStyleOptionViewItem, index: Index) -> list[str]:
        """The lines the cell shows, for an option made by initStyleOption (its text and rect)."""
        area = option.rect.adjusted(_MARGIN, 0, -_MARGIN, 0)
        most = max(1, area.height() // _line(option))
        job = index.data(JobRole)
        failed = job is not None and job.state in _FAILED
        return self._fitted.get(option.text, option.font, area.width(), most, error=failed)


def _line(option: QStyleOptionViewItem) -> int:
    return option.fontMetrics.lineSpacing()


def _text_colour(option: QStyleOptionViewItem) -> QColor:
    """The selection's text colour, or the cell's own (initStyleOption put a ForegroundRole there)."""
    if option.state & QStyle.StateFlag.State_Selected:
        return option.palette.color(QPalette.ColorRole.HighlightedText)
    return option.palette.color(QPalette.ColorRole.Text)
