"""Input reaching the window, and its answer: a drag held over the window lights up where the images
will go (the drop zone, or the queue when it has rows); once added, the new rows are selected and
scrolled into view, so a drop onto a long queue never lands out of sight.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QImage

from upscaler_gui.ui.bridge.controller import EngineController
from upscaler_gui.ui.bridge.tasks import WindowTasks
from upscaler_gui.ui.drop.intake import InputIntake, accept_copy
from upscaler_gui.ui.queue.model import JobTableModel
from upscaler_gui.ui.queue.view import QueueView
from upscaler_gui.ui.window.panels import DropZone
from upscaler_gui.ui.window.status import StatusBar


class WindowInputs(QObject):
    def __init__(
        self,
        intake: InputIntake,
        controller: EngineController,
        keeper: WindowTasks,
        widgets: tuple[JobTableModel, QueueView, DropZone, StatusBar],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._intake, self._controller, self._keeper = intake, controller, keeper
        self._model, self._view, self._drop_zone, self._status = widgets
        intake.inputs_given.connect(
            lambda inputs, images: keeper.spawn(self.add(inputs, images), "Adding images")
        )
        intake.refused.connect(lambda line: self._status.showMessage(line, 15_000))

    def drag_entered(self, event: QDragEnterEvent) -> None:
        if accept_copy(event):
            self._set_hot(True)

    def drag_left(self) -> None:
        self._set_hot(False)

    def dropped(self, event: QDropEvent) -> None:
        self._set_hot(False)
        self._intake.take_drop(event)

    def _set_hot(self, hot: bool) -> None:
        self._drop_zone.set_hot(hot)
        self._view.set_drop_hot(hot)

    async def add(self, inputs: list[str], images: list[QImage]) -> None:
        """Add, then show what came of it: the rows selected and in view, or why there are none yet."""
        admissions = await self._controller.add_inputs(inputs, images)
        rows = [row for a in admissions if (row := self._model.row_of(a.job.id)) is not None]
        if rows:
            self._view.select_rows(sorted(set(rows)))
        elif self._controller.engine is None and self._controller.pending_count:
            waiting = self._controller.pending_count
            self._status.showMessage(self.tr("%n image(s) wait for a key or the offline demo.", "", waiting))
