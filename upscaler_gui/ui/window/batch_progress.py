"""The batch the dock icon's progress bar counts: the jobs seen unfinished since the queue last drained."""

from __future__ import annotations

from upscaler_gui.core.jobs import Job
from upscaler_gui.ui.queue.model import JobTableModel
from upscaler_gui.ui.shell.taskbar import TaskbarProgress


class BatchProgress:
    def __init__(self, model: JobTableModel, taskbar: TaskbarProgress) -> None:
        self._model, self._taskbar = model, taskbar
        self._ids: set[int] = set()

    def job_changed(self, job: Job) -> None:
        if not job.finished:
            self._ids.add(job.id)

    def show(self) -> None:
        """finished/total of the batch on the dock (rows removed meanwhile no longer count)."""
        batch = [job for job in (self._model.job(job_id) for job_id in self._ids) if job is not None]
        self._taskbar.show(sum(job.finished for job in batch), len(batch))

    def drained(self) -> None:
        """The queue has drained: the batch is put away and the bar hidden."""
        self._ids.clear()
        self._taskbar.show(0, 0)
