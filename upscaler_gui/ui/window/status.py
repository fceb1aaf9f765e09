"""The status bar: the batch's progress, counts per state, the cost of what is queued, credits,
connection, pauses. Numbers are written as the locale writes them."""

from __future__ import annotations

from collections import Counter

from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar, QWidget

from upscaler_gui.core.engine import PauseReason
from upscaler_gui.core.jobs import ACTIVE, Job, JobState
from upscaler_gui.ui.shell import numbers

BAR_WIDTH = 120


class StatusBar(QStatusBar):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pause_label = QLabel(self)
        self.pause_label.setStyleSheet("font-weight: bold")
        self.batch_bar = QProgressBar(self)
        self.batch_bar.setRange(0, 1000)
        self.batch_bar.setTextVisible(False)
        self.batch_bar.setFixedWidth(BAR_WIDTH)
        self.batch_bar.setAccessibleName(self.tr("Batch progress"))
        self.batch_label = QLabel(self)
        self.counts_label = QLabel(self)
        self.cost_label = QLabel(self)
        self.credits_label = QLabel(self)
        self.connection_label = QLabel(self)
        self.addWidget(self.pause_label)
        for widget in (
            self.batch_label,
            self.batch_bar,
            self.counts_label,
            self.cost_label,
            self.credits_label,
            self.connection_label,
        ):
            self.addPermanentWidget(widget)
        self.show_batch(None, "")
        self.show_connection("")

    def show_batch(self, fraction: float | None, text: str) -> None:
        """The batch's bar and its words ("12 of 40 · about 1 min left"); hidden without a batch."""
        self.batch_bar.setVisible(fraction is not None)
        self.batch_label.setVisible(fraction is not None)
        if fraction is not None:
            # QProgressBar.setValue repaints at once (QWidget::repaint), and with the bar every part of
            # the window waiting to be painted (the queue's changed rows), inside the engine event or
            # the clock's tick that moved it: one long stall. With updates off it is painted with the
            # rest when the event loop gets there.
            self.batch_bar.setUpdatesEnabled(False)
            self.batch_bar.setValue(round(fraction * 1000))
            self.batch_bar.setUpdatesEnabled(True)
            self.batch_label.setText(text)
            self.batch_bar.setAccessibleDescription(text)

    def show_counts(self, jobs: list[Job], cost_per_image: float) -> None:
        counts = Counter(job.state for job in jobs)
        running = sum(counts[state] for state in ACTIVE)
        parts = [
            (counts[JobState.QUEUED] + counts[JobState.PAUSED], self.tr("queued")),
            (running, self.tr("running")),
            (counts[JobState.DONE], self.tr("done")),
            (counts[JobState.FAILED] + counts[JobState.UNKNOWN], self.tr("failed")),
        ]
        self.counts_label.setText(
            " · ".join(f"{numbers.count(n)} {name}" for n, name in parts if n) or self.tr("Queue empty")
        )
        waiting = sum(1 for job in jobs if not job.finished and not job.task_id)
        cost = numbers.credits_amount(waiting * cost_per_image)
        self.cost_label.setText(self.tr("Queued: ~{cost} credits").format(cost=cost) if waiting else "")

    def show_credits(self, balance: float | None) -> None:
        text = (
            self.tr("Credits: {n}").format(n=numbers.credits_amount(balance)) if balance is not None else ""
        )
        self.credits_label.setText(text)

    def show_pause(self, reason: PauseReason | None) -> None:
        self.pause_label.setText(reason.message if reason else "")

    def show_connection(self, kind: str) -> None:
        texts = {"kie": self.tr("KIE"), "demo": self.tr("Offline demo"), "": self.tr("No key")}
        self.connection_label.setText(texts.get(kind, kind))
