"""The scene the paint benches time: the real queue view, offscreen, shown, with rows uploading.

Imported in their child processes only (it imports Qt and the app).
"""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING

from _common import ROOT

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from upscaler_gui.ui.queue.view import QueueView


def running_queue(rows: int) -> tuple[QApplication, QueueView]:
    """A QApplication and a 1000x700 queue view of `rows` uploading jobs, laid out and painted once."""
    sys.path.insert(0, str(ROOT))
    from PySide6.QtWidgets import QApplication

    from upscaler_gui.core.jobs import Job, JobState, OutputOptions
    from upscaler_gui.ui.queue.model import JobTableModel
    from upscaler_gui.ui.queue.thumbnails import ThumbnailCache
    from upscaler_gui.ui.queue.view import QueueView

    app = QApplication([])
    model = JobTableModel(ThumbnailCache(size=48))
    view = QueueView(model)
    view.resize(1000, 700)
    view.show()
    now = time.time()
    for n in range(rows):
        model.upsert(
            Job(id=n + 1, given=f"/in/IMG_2024_{n:04d}.png", dedupe_key=str(n), state=JobState.UPLOADING,
                progress=0.3, kind="file", options=OutputOptions(folder="/out"), started_at=now)
        )  # fmt: skip
    for _ in range(5):
        app.processEvents()
    return app, view
