"""The main window's pages: the first-run panel (no key yet), the drop zone (empty queue), and the queue
with the before/after view.

The queue and the compare view sit side by side in a wide window (the compare view gets nearly half),
and one above the other in a narrow one (under NARROW_WIDTH, 800 x 600 say), so neither is squeezed
into truncating its columns or its picture.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QSplitter, QStackedWidget, QWidget

from upscaler_gui.ui.compare.view import CompareView
from upscaler_gui.ui.queue.model import JobTableModel
from upscaler_gui.ui.queue.view import QueueView
from upscaler_gui.ui.window.panels import DropZone, FirstRunPanel

PAGE_FIRST_RUN, PAGE_DROP, PAGE_QUEUE = 0, 1, 2
NARROW_WIDTH = 960  # below it the compare view goes under the queue
QUEUE_SHARE = 0.55  # of the room, for the queue; the compare view has the rest


class Pages(QStackedWidget):
    def __init__(self, model: JobTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.first_run = FirstRunPanel(self)
        self.drop_zone = DropZone(self)
        self.view = QueueView(model, self)
        self.compare = CompareView(self)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("queue-and-compare")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(self.compare)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        for page in (self.first_run, self.drop_zone, self.splitter):
            self.addWidget(page)
        self._share_room()

    def show_for(self, connected: bool, has_jobs: bool) -> None:
        self.setCurrentIndex(PAGE_FIRST_RUN if not connected else PAGE_QUEUE if has_jobs else PAGE_DROP)

    @property
    def on_drop_zone(self) -> bool:
        return self.currentIndex() == PAGE_DROP

    @property
    def on_queue(self) -> bool:
        return self.currentIndex() == PAGE_QUEUE

    @property
    def stacked(self) -> bool:
        return self.splitter.orientation() == Qt.Orientation.Vertical

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        narrow = event.size().width() < NARROW_WIDTH
        if narrow != self.stacked:
            orientation = Qt.Orientation.Vertical if narrow else Qt.Orientation.Horizontal
            self.splitter.setOrientation(orientation)
            self._share_room()

    def _share_room(self) -> None:
        """The default split for the orientation (the user's own split is kept until it changes)."""
        room = max(self.height() if self.stacked else self.width(), 400)
        first = round(room * QUEUE_SHARE)
        self.splitter.setSizes([first, room - first])
