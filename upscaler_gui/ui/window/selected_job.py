"""Keeps the compare view on the job selected in the queue: its before and after, or why there is none.

A link's "before" is the original fetched to show it (ui/queue/link_originals.py). The images are read
off the Qt thread; a read that finishes after the user moved on (or after a newer read began) is
not shown.
Texts are translated in the context "SelectedJobCompare" (a plain object: no self.tr).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from upscaler_gui.core.jobs import Job, JobState
from upscaler_gui.ui.bridge.tasks import WindowTasks
from upscaler_gui.ui.compare.loading import load_pair
from upscaler_gui.ui.compare.view import CompareView
from upscaler_gui.ui.queue.link_originals import LinkOriginals
from upscaler_gui.ui.queue.model import JobTableModel
from upscaler_gui.ui.queue.view import QueueView

translate = QCoreApplication.translate  # literal contexts below: lupdate reads them


class SelectedJobCompare:
    """Shows the selected job in `compare`: one job selected, its pair; none or several, a hint."""

    def __init__(
        self,
        view: QueueView,
        compare: CompareView,
        model: JobTableModel,
        keeper: WindowTasks,
        links: LinkOriginals,
    ) -> None:
        self._view, self._compare, self._model, self._keeper = view, compare, model, keeper
        self._links = links
        self._latest = 0  # the number of the latest load: an older one that ends later is not shown

    def show_selected(self) -> None:
        jobs = self._view.selected_jobs()
        self._latest += 1
        if len(jobs) != 1:
            self._compare.set_images(None, None)
            self._compare.set_message(
                translate("SelectedJobCompare", "Select an image to compare before and after")
            )
            return
        self._keeper.spawn(self._load_compare(jobs[0], self._latest), "Loading the comparison")

    def job_changed(self, job: Job) -> None:
        """A job changed: when it is the one shown and just finished, its result appears."""
        if job.state != JobState.DONE:
            return  # most events: no need to read the selection (every selected row) for them
        row = self._model.row_of(job.id)
        if row is None or not self._view.selectionModel().isRowSelected(row):
            return  # not selected: nothing to read either (a drop selects all its new rows)
        selected = self._view.selected_jobs()
        if len(selected) == 1 and selected[0].id == job.id:
            self.show_selected()

    async def _load_compare(self, job: Job, number: int) -> None:
        result = job.output_path if job.state == JobState.DONE else None
        before, after = await load_pair(await self._before_path(job), result)
        # The user may have moved on meanwhile, or the job finished and a newer load (with its result)
        # started: a link's original, still being fetched here, must not paint over that result.
        if number == self._latest:
            self._compare.set_images(before, after)
            if after is None:
                self._compare.set_message(self._no_result_text(job))

    async def _before_path(self, job: Job) -> str | None:
        if job.kind != "url":
            return job.source_path
        original = await self._links.original(job.source_url or job.given)
        return str(original.path) if original is not None else None

    def _no_result_text(self, job: Job) -> str:
        if job.state in (JobState.FAILED, JobState.UNKNOWN, JobState.CANCELLED, JobState.SKIPPED):
            return translate("SelectedJobCompare", "No result: {reason}").format(
                reason=self._model.info_text(job)
            )
        return translate("SelectedJobCompare", "Result not ready yet")
