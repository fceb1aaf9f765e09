"""Keeps the compare view on the job selected in the queue: its before and after, or why there is none.

The images are read off the Qt thread; a read that finishes after the user moved on is not shown.
Texts are translated in the context "SelectedJobCompare" (a plain object: no self.tr).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from upscaler_gui.core.jobs import Job, JobState
from upscaler_gui.ui.bridge.tasks import WindowTasks
from upscaler_gui.ui.compare.loading import load_pair
from upscaler_gui.ui.compare.view import CompareView
from upscaler_gui.ui.queue.model import JobTableModel
from upscaler_gui.ui.queue.view import QueueView

translate = QCoreApplication.translate  # literal contexts below: lupdate reads them


class SelectedJobCompare:
    """Shows the selected job in `compare`: one job selected, its pair; none or several, a hint."""

    def __init__(
        self, view: QueueView, compare: CompareView, model: JobTableModel, keeper: WindowTasks
    ) -> None:
        self._view, self._compare, self._model, self._keeper = view, compare, model, keeper

    def show_selected(self) -> None:
        jobs = self._view.selected_jobs()
        if len(jobs) != 1:
            self._compare.set_images(None, None)
            self._compare.set_message(
                translate("SelectedJobCompare", "Select an image to compare before and after")
            )
            return
        job = jobs[0]
        self._keeper.spawn(self._load_compare(job), "Loading the comparison")

    def job_changed(self, job: Job) -> None:
        """A job changed: when it is the one shown and just finished, its result appears."""
        if job.state != JobState.DONE:
            return  # most events: no need to read the selection (every selected row) for them
        selected = self._view.selected_jobs()
        if len(selected) == 1 and selected[0].id == job.id:
            self.show_selected()

    async def _load_compare(self, job: Job) -> None:
        result = job.output_path if job.state == JobState.DONE else None
        before, after = await load_pair(job.source_path, result)
        current = self._view.selected_jobs()
        if len(current) == 1 and current[0].id == job.id:  # the user may have moved on meanwhile
            self._compare.set_images(before, after)
            if after is None:
                self._compare.set_message(self._no_result_text(job))

    def _no_result_text(self, job: Job) -> str:
        if job.state in (JobState.FAILED, JobState.UNKNOWN, JobState.CANCELLED, JobState.SKIPPED):
            return translate("SelectedJobCompare", "No result: {reason}").format(
                reason=self._model.info_text(job)
            )
        return translate("SelectedJobCompare", "Result not ready yet")
