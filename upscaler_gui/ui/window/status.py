"""The status bar: connection, credit balance, counts per state, the cost of what is queued, pauses."""

from __future__ import annotations

from collections import Counter

from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from upscaler_gui.core.engine import PauseReason
from upscaler_gui.core.jobs import Job, JobState


class StatusBar(QStatusBar):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pause_label = QLabel(self)
        self.pause_label.setStyleSheet("font-weight: bold")
        self.counts_label = QLabel(self)
        self.cost_label = QLabel(self)
        self.credits_label = QLabel(self)
        self.connection_label = QLabel(self)
        self.addWidget(self.pause_label)
        for label in (self.counts_label, self.cost_label, self.credits_label, self.connection_label):
            self.addPermanentWidget(label)
        self.show_connection("")

    def show_counts(self, jobs: list[Job], cost_per_image: float) -> None:
        counts = Counter(job.state for job in jobs)
        running = sum(
            counts[s]
            for s in (JobState.UPLOADING, JobState.SUBMITTING, JobState.POLLING, JobState.DOWNLOADING)
        )
        parts = [
            (counts[JobState.QUEUED] + counts[JobState.PAUSED], self.tr("queued")),
            (running, self.tr("running")),
            (counts[JobState.DONE], self.tr("done")),
            (counts[JobState.FAILED] + counts[JobState.UNKNOWN], self.tr("failed")),
        ]
        self.counts_label.setText(
            " · ".join(f"{n} {name}" for n, name in parts if n) or self.tr("Queue empty")
        )
        waiting = sum(1 for job in jobs if not job.finished and not job.task_id)
        self.cost_label.setText(
            self.tr("Queued: ~{cost:g} credits").format(cost=round(waiting * cost_per_image, 2))
            if waiting
            else ""
        )

    def show_credits(self, balance: float | None) -> None:
        self.credits_label.setText(self.tr("Credits: {n:g}").format(n=balance) if balance is not None else "")

    def show_pause(self, reason: PauseReason | None) -> None:
        self.pause_label.setText(reason.message if reason else "")

    def show_connection(self, kind: str) -> None:
        texts = {"kie": self.tr("KIE"), "demo": self.tr("Offline demo"), "": self.tr("No key")}
        self.connection_label.setText(texts.get(kind, kind))
