"""Quitting with jobs in flight: the window says what goes on at KIE and what the next start does.

Tasks already sent keep running at KIE and are billed whatever the app does; their results are
downloaded at the next start. Images not sent yet wait for the next start: nothing is sent after Quit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from upscaler_gui.core.jobs import Job
from upscaler_gui.ui.shell.asking import ask


def in_flight(jobs: Sequence[Job]) -> tuple[int, int]:
    """(tasks out at KIE, images not sent yet) among the unfinished jobs."""
    unfinished = [job for job in jobs if not job.finished]
    sent = sum(1 for job in unfinished if job.task_id)
    return sent, len(unfinished) - sent


class QuitConfirmation(QObject):
    """Asks before quitting when jobs are in flight; quits at once when none are."""

    def __init__(self, parent: QWidget, quit_now: Callable[[], None]) -> None:
        super().__init__(parent)
        self._parent, self._quit_now = parent, quit_now

    def request(self, jobs: Sequence[Job]) -> None:
        sent, waiting = in_flight(jobs)
        if not sent and not waiting:
            self._quit_now()
            return
        ask(
            self._parent,
            title=self.tr("Quit Crisp Upscaler?"),
            text=self.tr("%n image(s) are not finished yet.", "", sent + waiting),
            details=self._details(sent, waiting),
            yes=self.tr("Quit"),
            no=self.tr("Keep working"),
            on_yes=self._quit_now,
        )

    def _details(self, sent: int, waiting: int) -> str:
        """What goes on at KIE and what the next start does, naming only what there is."""
        parts = []
        if sent:
            parts.append(
                self.tr(
                    "%n task(s) already sent to KIE keep running there and are billed; their "
                    "results are downloaded at the next start.",
                    "",
                    sent,
                )
            )
        if waiting:
            parts.append(self.tr("%n image(s) not sent yet wait for the next start.", "", waiting))
        parts.append(self.tr("Nothing more is sent after you quit."))
        return " ".join(parts)
