"""The main window's pages: the first-run panel (no key yet), the drop zone (empty queue), and the queue
beside the before/after view."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter, QStackedWidget, QWidget

from upscaler_gui.ui.compare.view import CompareView
from upscaler_gui.ui.queue.model import JobTableModel
from upscaler_gui.ui.queue.view import QueueView
from upscaler_gui.ui.window.panels import DropZone, FirstRunPanel

PAGE_FIRST_RUN, PAGE_DROP, PAGE_QUEUE = 0, 1, 2


class Pages(QStackedWidget):
    def __init__(self, model: JobTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.first_run = FirstRunPanel(self)
        self.drop_zone = DropZone(self)
        self.view = QueueView(model, self)
        self.compare = CompareView(self)
        self.splitter = _side_by_side(self.view, self.compare, self)
        for page in (self.first_run, self.drop_zone, self.splitter):
            self.addWidget(page)

    def show_for(self, connected: bool, has_jobs: bool) -> None:
        self.setCurrentIndex(PAGE_FIRST_RUN if not connected else PAGE_QUEUE if has_jobs else PAGE_DROP)

    @property
    def on_drop_zone(self) -> bool:
        return self.currentIndex() == PAGE_DROP


def _side_by_side(queue: QWidget, compare: QWidget, parent: QWidget) -> QSplitter:
    """The queue on the left, the compare view on the right, sharing new room 3 to 2."""
    splitter = QSplitter(Qt.Orientation.Horizontal, parent)
    splitter.addWidget(queue)
    splitter.addWidget(compare)
    splitter.setStretchFactor(0, 3)
    splitter.setStretchFactor(1, 2)
    splitter.setSizes([680, 480])
    return splitter
