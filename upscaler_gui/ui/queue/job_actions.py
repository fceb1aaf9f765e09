"""The actions on selected jobs: retry, upscale again, cancel, remove, open result, show in folder, copy.

Local actions (open, show, copy) run here; queue actions are emitted as signals for the controller.
Money: Retry applies only to failed, unknown and cancelled jobs (Ctrl+A, Ctrl+R never pays again for
done work); "Upscale again" is the separate action for finished jobs and says it is billed. Either one
over more than a few jobs first asks, with what it will cost. Removing unfinished jobs asks too: it
cancels them, and tasks already sent to KIE are billed all the same.

The keys work while the queue has the focus (Delete in another field deletes text, not jobs); the
same actions are in the Edit menu.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

from upscaler_gui.core.constants import DEFAULT_COST_PER_IMAGE
from upscaler_gui.core.engine.intake import restart_creates
from upscaler_gui.core.jobs import FINISHED, RETRYABLE, Job
from upscaler_gui.ui.shell import desktop, numbers
from upscaler_gui.ui.shell.asking import ask

CONFIRM_OVER = 3  # retrying more jobs than this at once asks first, with the cost


def _ids(jobs: list[Job]) -> list[int]:
    return [job.id for job in jobs]


def _has_output(job: Job) -> bool:
    return bool(job.output_path) and Path(job.output_path or "").exists()


class JobActions(QObject):
    retry_requested = Signal(object)  # list[int]
    run_again_requested = Signal(object)  # list[int]: finished jobs as new, billed tasks
    cancel_requested = Signal(object)
    remove_requested = Signal(object)

    def __init__(self, selected: Callable[[], list[Job]], parent: QWidget) -> None:
        super().__init__(parent)
        self._selected = selected
        self.cost_per_image: Callable[[], float] = lambda: DEFAULT_COST_PER_IMAGE
        self.retry = self._action(self.tr("Retry"), self._retry, "Ctrl+R")
        self.retry.setToolTip(
            self.tr(
                "Run failed, unknown or cancelled jobs again (new tasks are billed; paid results are not)"
            )
        )
        self.run_again = self._action(self.tr("Upscale again (new task, billed)"), self._run_again)
        self.run_again.setToolTip(self.tr("Make a new result for finished jobs: KIE bills each new task"))
        self.cancel = self._action(self.tr("Cancel"), lambda j: self.cancel_requested.emit(_ids(j)))
        self.remove = self._action(self.tr("Remove from list"), self._remove, QKeySequence.StandardKey.Delete)
        self.open_result = self._action(self.tr("Open result"), self._open, "Return")
        self.show_in_folder = self._action(self.tr("Show in folder"), self._show)
        self.copy_link = self._action(self.tr("Copy result link"), self._copy_link)
        self.copy_task_id = self._action(self.tr("Copy task id"), self._copy_task_id)
        self.all = [
            self.open_result,
            self.show_in_folder,
            None,
            self.retry,
            self.run_again,
            self.cancel,
            self.remove,
            None,
            self.copy_link,
            self.copy_task_id,
        ]

    def _action(self, text: str, handler: Callable[[list[Job]], None], shortcut: object = None) -> QAction:
        action = QAction(text, self.parent())
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))  # type: ignore[call-overload]
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(lambda: handler(self._selected()))
        return action

    def update(self) -> None:
        """Enable what makes sense for the selection."""
        jobs = self._selected()
        self.retry.setEnabled(any(job.state in RETRYABLE for job in jobs))
        self.run_again.setEnabled(any(job.state in FINISHED for job in jobs))
        self.cancel.setEnabled(any(job.state not in FINISHED for job in jobs))
        self.remove.setEnabled(bool(jobs))
        self.open_result.setEnabled(any(_has_output(job) for job in jobs))
        self.show_in_folder.setEnabled(any(_has_output(job) for job in jobs))
        self.copy_link.setEnabled(any(job.result_url for job in jobs))
        self.copy_task_id.setEnabled(any(job.task_id for job in jobs))

    def menu(self, parent: QWidget) -> QMenu:
        self.update()
        menu = QMenu(parent)
        for action in self.all:
            if action is None:
                menu.addSeparator()
            else:
                menu.addAction(action)
        return menu

    def _retry(self, jobs: list[Job]) -> None:
        chosen = [job for job in jobs if job.state in RETRYABLE]
        billed = sum(restart_creates(job) for job in chosen)
        self._confirmed(chosen, billed, self.retry_requested.emit)

    def _remove(self, jobs: list[Job]) -> None:
        """Finished jobs go at once; unfinished ones are cancelled, so the user is asked first."""
        unfinished = [job for job in jobs if not job.finished]
        if not jobs:
            return
        if not unfinished:
            self.remove_requested.emit(_ids(jobs))
            return
        sent = sum(1 for job in unfinished if job.task_id)
        details = self.tr("Removing cancels them.")
        if sent:
            details += " " + self.tr("%n task(s) already sent to KIE are billed all the same.", "", sent)
        ask(
            self.parent(),  # type: ignore[arg-type]  # always the queue view
            title=self.tr("Remove unfinished images?"),
            text=self.tr("%n of the selected images are not finished yet.", "", len(unfinished)),
            details=details,
            yes=self.tr("Remove"),
            no=self.tr("Keep them"),
            on_yes=lambda: self.remove_requested.emit(_ids(jobs)),
        )

    def _run_again(self, jobs: list[Job]) -> None:
        chosen = [job for job in jobs if job.state in FINISHED]
        self._confirmed(chosen, len(chosen), self.run_again_requested.emit)

    def _confirmed(self, jobs: list[Job], billed: int, go: Callable[[list[int]], None]) -> None:
        """Go at once for a few jobs; ask first, saying how many new tasks and what they cost, for more."""
        if not jobs:
            return
        if len(jobs) <= CONFIRM_OVER:
            go(_ids(jobs))
            return
        cost = billed * self.cost_per_image()
        ask(
            self.parent(),  # type: ignore[arg-type]  # always the queue view
            title=self.tr("Run jobs again?"),
            text=self.tr("Run %n job(s) again?", "", len(jobs)),
            details=self.tr(
                "New KIE tasks: {billed}, about {cost} credits. Results KIE already made are "
                "downloaded again without a new task."
            ).format(billed=numbers.count(billed), cost=numbers.credits_amount(cost)),
            yes=self.tr("Run again"),
            no=self.tr("Cancel"),
            on_yes=lambda: go(_ids(jobs)),
        )

    def _open(self, jobs: list[Job]) -> None:
        for job in jobs[:10]:  # a mis-click on a thousand rows must not open a thousand viewers
            if _has_output(job):
                desktop.open_path(Path(job.output_path or ""))

    def _show(self, jobs: list[Job]) -> None:
        done = [job for job in jobs if _has_output(job)]
        if done:
            desktop.show_in_folder(Path(done[0].output_path or ""))

    def _copy_link(self, jobs: list[Job]) -> None:
        QGuiApplication.clipboard().setText("\n".join(job.result_url for job in jobs if job.result_url))

    def _copy_task_id(self, jobs: list[Job]) -> None:
        QGuiApplication.clipboard().setText("\n".join(job.task_id for job in jobs if job.task_id))
