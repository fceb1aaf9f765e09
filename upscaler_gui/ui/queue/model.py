"""The queue as a Qt table model: one row per job, updated in place from engine events.

A model/view (not a widget per row), so a thousand rows cost a thousand small records, not a thousand
widgets. Thumbnails come from the ThumbnailCache (made off the GUI thread, in a format that paints
without conversion).
"""

from __future__ import annotations

import time
from enum import IntEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor, QImage

from upscaler_gui.core.i18n import shown
from upscaler_gui.core.images import format_bytes
from upscaler_gui.core.jobs import ACTIVE, Job, JobState
from upscaler_gui.core.localfiles import readable
from upscaler_gui.ui.queue.thumbnails import ThumbnailCache

ProgressRole = Qt.ItemDataRole.UserRole + 1
JobRole = Qt.ItemDataRole.UserRole + 2
FAILED_COLOR = QColor("#d64545")  # readable on light and dark backgrounds
Index = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    NAME = 0
    SIZE = 1
    STATE = 2
    TIME = 3
    INFO = 4


def elapsed_text(seconds: float) -> str:
    seconds = max(0, int(seconds))
    if seconds >= 60:
        return f"{seconds // 60}:{seconds % 60:02d}"
    return QCoreApplication.translate("JobTable", "{seconds} s").format(seconds=seconds)


class JobTableModel(QAbstractTableModel):
    def __init__(self, thumbnails: ThumbnailCache, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._jobs: list[Job] = []
        self._rows: dict[int, int] = {}  # job id -> row
        self._thumbnails = thumbnails
        self._by_source: dict[str, set[int]] = {}  # source path -> job ids, to repaint on a thumbnail
        thumbnails.thumbnail_ready.connect(self._thumbnail_ready)

    # --- the Qt model interface ---------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt's signature
        return 0 if parent.isValid() else len(self._jobs)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(Column)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:  # noqa: N802
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return [self.tr("Image"), self.tr("Size"), self.tr("State"), self.tr("Time"), self.tr("Details")][
            section
        ]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._jobs):
            return None
        job = self._jobs[index.row()]
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return readable(self._display(job, column))  # Qt drops bytes of a name that are not UTF-8
        return self._other_role(job, column, role)

    def _other_role(self, job: Job, column: Column, role: int) -> Any:
        if role == JobRole:
            return job
        if role == ProgressRole:
            return job.progress
        if role == Qt.ItemDataRole.DecorationRole:
            return self._thumbnail(job) if column == Column.NAME else None
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = self._tooltip(job, column)
            return readable(tip) if tip else tip
        failed = job.state in (JobState.FAILED, JobState.UNKNOWN) and column in (Column.STATE, Column.INFO)
        return FAILED_COLOR if role == Qt.ItemDataRole.ForegroundRole and failed else None

    # --- what each cell says ---------------------------------------------------------------------------

    def _display(self, job: Job, column: Column) -> str:
        texts = {
            Column.NAME: lambda: job.display_name,
            Column.SIZE: lambda: self.size_text(job),
            Column.STATE: lambda: self.state_text(job),
            Column.TIME: lambda: self._time_text(job),
            Column.INFO: lambda: self.info_text(job),
        }
        return texts[column]()

    def size_text(self, job: Job) -> str:
        """Two short lines: pixels in -> out, then bytes in -> out."""
        pixels = f"{job.in_width}×{job.in_height}" if job.in_width else ""
        if job.out_width:
            pixels += f" → {job.out_width}×{job.out_height}"
        sizes = " → ".join(format_bytes(b) for b in (job.in_bytes, job.out_bytes) if b)
        return "\n".join(part for part in (pixels, sizes) if part)

    def state_text(self, job: Job) -> str:
        names = {
            JobState.QUEUED: self.tr("Queued"),
            JobState.UPLOADING: self.tr("Uploading"),
            JobState.SUBMITTING: self.tr("Submitting"),
            JobState.POLLING: self.tr("Upscaling"),
            JobState.DOWNLOADING: self.tr("Downloading"),
            JobState.DONE: self.tr("Done"),
            JobState.FAILED: self.tr("Failed"),
            JobState.SKIPPED: self.tr("Skipped"),
            JobState.PAUSED: self.tr("Paused"),
            JobState.CANCELLED: self.tr("Cancelled"),
            JobState.UNKNOWN: self.tr("Unknown"),
        }
        return names[job.state]

    def info_text(self, job: Job) -> str:
        if job.state == JobState.UNKNOWN:
            return self.tr("{error} KIE may have billed it; Retry creates a new, billed task.").format(
                error=shown(job.error)
            )
        if job.state == JobState.PAUSED and job.paused_reason:
            return job.paused_reason
        if job.state == JobState.DONE and job.output_path:
            saved = self.tr("Saved as {name}").format(name=Path(job.output_path).name)
            return " ".join((saved, *job.input_notes))  # converted from HEIC, say
        if job.error:
            return shown(job.error)  # in the language of now, whatever it was when the job ended
        return " ".join(job.warnings)

    def _time_text(self, job: Job) -> str:
        if job.started_at is None:
            return ""
        end = job.finished_at or time.time()
        return elapsed_text(end - job.started_at)

    def _tooltip(self, job: Job, column: Column) -> str | None:
        if column == Column.NAME:
            return job.given
        if column == Column.INFO:
            return job.output_path if job.state == JobState.DONE else (self.info_text(job) or None)
        return None

    def _thumbnail(self, job: Job) -> QImage | None:
        """The cached thumbnail (the delegate draws a QImage as is: no second copy as a pixmap)."""
        return self._thumbnails.get(job.source_path) if job.source_path else None

    def _thumbnail_ready(self, key: str) -> None:
        for job_id in self._by_source.get(key, ()):
            row = self._rows.get(job_id)
            if row is not None:
                index = self.index(row, Column.NAME)
                self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])

    # --- changes from the engine --------------------------------------------------------------------------

    def upsert(self, job: Job) -> None:
        row = self._rows.get(job.id)
        if row is None:
            self.beginInsertRows(QModelIndex(), len(self._jobs), len(self._jobs))
            self._rows[job.id] = len(self._jobs)
            self._jobs.append(job)
            if job.source_path:
                self._by_source.setdefault(job.source_path, set()).add(job.id)
            self.endInsertRows()
            return
        self._jobs[row] = job
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(Column) - 1))

    def remove(self, job_id: int) -> None:
        row = self._rows.get(job_id)
        if row is None:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        removed = self._jobs.pop(row)
        if removed.source_path:
            self._by_source.get(removed.source_path, set()).discard(job_id)
        self._rows = {job.id: i for i, job in enumerate(self._jobs)}
        self.endRemoveRows()

    def tick(self) -> None:
        """Refresh the elapsed time of running jobs (once a second, only their cells)."""
        for row, job in enumerate(self._jobs):
            if job.state in ACTIVE:
                index = self.index(row, Column.TIME)
                self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole])

    def job_at(self, row: int) -> Job | None:
        return self._jobs[row] if 0 <= row < len(self._jobs) else None

    def job(self, job_id: int) -> Job | None:
        row = self._rows.get(job_id)
        return self._jobs[row] if row is not None else None

    def jobs(self) -> list[Job]:
        return list(self._jobs)

    def row_of(self, job_id: int) -> int | None:
        return self._rows.get(job_id)
