"""The batch: the jobs seen unfinished since the queue last drained. Its standing goes to the status bar
("12 of 40 · about 1 min left" and a bar) and to the dock icon's progress bar."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from PySide6.QtCore import QObject

from upscaler_gui.core.jobs import Job
from upscaler_gui.core.progress import BatchStanding, standing
from upscaler_gui.ui.queue.model import JobTableModel
from upscaler_gui.ui.shell import numbers
from upscaler_gui.ui.shell.taskbar import TaskbarProgress
from upscaler_gui.ui.window.status import StatusBar


class BatchProgress(QObject):
    def __init__(
        self,
        model: JobTableModel,
        taskbar: TaskbarProgress,
        status: StatusBar,
        learned_task_s: Callable[[], float | None],
        paused: Callable[[], bool],
    ) -> None:
        super().__init__(status)
        self._model, self._taskbar, self._status = model, taskbar, status
        self._learned_task_s, self._paused = learned_task_s, paused
        self._ids: set[int] = set()
        self._since = 0.0

    def job_changed(self, job: Job) -> None:
        if not job.finished:
            if not self._ids:
                self._since = time.time()
            self._ids.add(job.id)

    def standing(self) -> BatchStanding | None:
        """The batch's standing now (rows removed meanwhile no longer count); None without a batch."""
        batch = [job for job in (self._model.job(job_id) for job_id in self._ids) if job is not None]
        if not batch:
            return None
        return standing(batch, now=time.time(), since=self._since, learned_task_s=self._learned_task_s())

    def show(self) -> None:
        now = self.standing()
        if now is None:
            self._taskbar.show(0, 0)
            self._status.show_batch(None, "")
            return
        self._taskbar.show(now.finished, now.total)
        self._status.show_batch(now.fraction, self.text(now))

    def text(self, now: BatchStanding) -> str:
        """ "12 of 40 · about 1 min left"; "estimating…" before an honest estimate; "paused"."""
        done = self.tr("{finished} of {total}").format(
            finished=numbers.count(now.finished), total=numbers.count(now.total)
        )
        if now.finished == now.total:
            return done
        if self._paused():
            left = self.tr("paused")
        elif now.seconds_left is None:
            left = self.tr("estimating…")
        else:
            left = self.time_left(now.seconds_left)
        return f"{done} · {left}"

    def time_left(self, seconds: float) -> str:
        """A rough time left, as people say it: "a few seconds", "about 3 min", "about 2 h"."""
        if seconds < 10:
            return self.tr("a few seconds left")
        if seconds < 60:
            return self.tr("less than a minute left")
        minutes = math.ceil(seconds / 60)
        if minutes < 90:
            return self.tr("about %n min left", "", minutes)
        hours = round(minutes / 60)
        return self.tr("about %n h left", "", hours)

    def drained(self) -> None:
        """The queue has drained: the batch is put away, the bars hidden."""
        self._ids.clear()
        self.show()
