"""The queue's first paint, done once off screen before any batch needs it.

PySide6 makes the Python class of a Qt enum the first time Python meets one of its values (QStyle's
state flags, palette roles, the delegates' options...): about 0.5 ms each, some 70 of them in the queue's
first paint with rows (63 ms, against 6 ms for the next). The UI bench caught that paint, 1.35 s after a
folder drop, as a 117 ms stall. Painting rows in every state once, into a pixmap no one sees, makes them
while the window has just been shown and nothing else is going on.
"""

from __future__ import annotations

import functools
import time

from PySide6.QtWidgets import QWidget

from upscaler_gui.core import log
from upscaler_gui.core.jobs import Job, JobState, OutputOptions
from upscaler_gui.ui.compare.view import CompareView
from upscaler_gui.ui.queue.model import JobTableModel
from upscaler_gui.ui.queue.thumbnails import ThumbnailCache
from upscaler_gui.ui.queue.view import QueueView

_SIZE = (640, 480)


@functools.cache  # the enum classes are the process's: once is enough, whatever the windows
def warm_up_painting() -> float:
    """Paint a scratch queue (a row in each state, selected, a drop held over it) and the compare view's
    placeholder; the seconds it took."""
    started = time.perf_counter()
    host = QWidget()  # owns the scratch widgets, so they all go with it
    model = JobTableModel(ThumbnailCache(size=16, parent=host))  # no file: every row shows the placeholder
    for number, state in enumerate(JobState, start=1):
        model.upsert(_sample_job(number, state))
    view = QueueView(model, host)
    view.resize(*_SIZE)
    view.grab()
    view.selectAll()
    view.set_drop_hot(True)
    view.grab()
    compare = CompareView(host)
    compare.resize(*_SIZE)
    compare.grab()
    host.deleteLater()
    took = time.perf_counter() - started
    log.ui.debug("queue painted off screen in %.0f ms", took * 1000)
    return took


def _sample_job(number: int, state: JobState) -> Job:
    now = time.time()
    return Job(
        id=number,
        given=f"sample-{number}.png",
        dedupe_key=f"warm-up-{number}",
        kind="file",
        state=state,
        progress=0.5,
        options=OutputOptions(folder=""),
        started_at=now - 20,
        task_created_at=now - 10,
        error="A sample error. What to do about it." if state == JobState.FAILED else None,
    )
