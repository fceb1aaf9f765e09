"""How two of the queue's cells are drawn: the state as a progress bar, the details over two lines.

Details wrap at words onto as many lines as the row holds; a word wider than the cell (a saved file's
name) is elided before its end, so the end ("_crisp-1.png") stays whole; text beyond the last line
ends in "…" (the whole of it is in the tooltip, and in the compare view for the selected row).
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QTextLayout, QTextOption
from PySide6.QtWidgets import (
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
)

from upscaler_gui.core.jobs import ACTIVE, JobState
from upscaler_gui.ui.queue.model import JobRole, ProgressRole

Index = QModelIndex | QPersistentModelIndex
_MARGIN = 4
END_KEPT = 16  # characters at most kept whole at the end of an elided word ("_crisp-12.webp")


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
    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        self.initStyleOption(option, index)
        text, option.text = option.text, ""
        style = option.widget.style() if option.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        area = option.rect.adjusted(_MARGIN, 0, -_MARGIN, 0)
        lines = fitted_lines(text, option.font, area.width(), max(1, area.height() // _line(option)))
        painter.save()
        painter.setPen(_text_colour(option, index))
        height = len(lines) * _line(option)
        y = area.top() + (area.height() - height) // 2 + option.fontMetrics.ascent()
        for line in lines:
            painter.drawText(QPointF(area.left(), y), line)
            y += _line(option)
        painter.restore()


def fitted_lines(text: str, font: QFont, width: int, most: int) -> list[str]:
    """`text` wrapped at words into at most `most` lines of `width` pixels, each line elided to fit."""
    metrics = QFontMetrics(font)
    layout = QTextLayout(text, font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WordWrap)
    layout.setTextOption(option)
    layout.beginLayout()
    spans: list[tuple[int, int]] = []
    while (line := layout.createLine()).isValid():
        line.setLineWidth(width)
        spans.append((line.textStart(), line.textLength()))
    layout.endLayout()
    lines = [text[start : start + length].strip() for start, length in spans]
    if len(lines) > most:
        rest = " ".join(lines[most - 1 :])
        return [*lines[: most - 1], metrics.elidedText(rest, Qt.TextElideMode.ElideRight, width)]
    return [elided_keeping_end(line, metrics, width) for line in lines]


def elided_keeping_end(text: str, metrics: QFontMetrics, width: int) -> str:
    """`text` elided to `width`, keeping whole its last part from the last "_" ("_crisp-1.png"), which
    tells two results apart; the start is elided after what fits. Halving the text (Qt's ElideMiddle)
    would cut into that end ("IMG_2024…risp.png")."""
    if metrics.horizontalAdvance(text) <= width:
        return text
    cut = text.rfind("_")
    end = text[cut:] if cut > 0 and len(text) - cut <= END_KEPT else text[-END_KEPT:]
    room = width - metrics.horizontalAdvance(end)
    if room < metrics.horizontalAdvance("W…"):  # not even the end fits: Qt's own middle elision
        return metrics.elidedText(text, Qt.TextElideMode.ElideMiddle, width)
    return metrics.elidedText(text[: len(text) - len(end)], Qt.TextElideMode.ElideRight, room) + end


def _line(option: QStyleOptionViewItem) -> int:
    return option.fontMetrics.lineSpacing()


def _text_colour(option: QStyleOptionViewItem, index: Index) -> QColor:
    if option.state & QStyle.StateFlag.State_Selected:
        return option.palette.color(QPalette.ColorRole.HighlightedText)
    colour = index.data(Qt.ItemDataRole.ForegroundRole)
    return QColor(colour) if colour is not None else option.palette.color(QPalette.ColorRole.Text)
