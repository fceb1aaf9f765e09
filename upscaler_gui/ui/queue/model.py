"""The queue as a Qt table model: one row per job, updated in place from engine events.

A model/view (not a widget per row), so a thousand rows cost a thousand small records, not a thousand
widgets. Thumbnails come from the ThumbnailCache (made off the GUI thread, in a format that paints
without conversion), through RowPictures (a link's thumbnail and size from the original it fetched).
A link's row is named after the link's file name; numbers are written as the locale writes them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from enum import IntEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor

from upscaler_gui.core.i18n import shown
from upscaler_gui.core.jobs import ACTIVE, Job, JobState
from upscaler_gui.core.localfiles import readable
from upscaler_gui.core.progress import job_fraction, job_overdue
from upscaler_gui.ui.queue.link_originals import LinkOriginals
from upscaler_gui.ui.queue.pictures import RowPictures
from upscaler_gui.ui.queue.thumbnails import ThumbnailCache
from upscaler_gui.ui.shell import numbers

ProgressRole = Qt.ItemDataRole.UserRole + 1
JobRole = Qt.ItemDataRole.UserRole + 2
FAILED_COLOR = QColor("#d64545")  # readable on light and dark backgrounds
Index = QModelIndex | QPersistentModelIndex
# What a thumbnail's arrival or the clock changes: how a row looks, never the job (its state, its
# actions). Views may skip these changes for anything but painting.
LOOKS = [
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.DecorationRole,
    Qt.ItemDataRole.ToolTipRole,
    ProgressRole,
]
# The roles this model answers. A view asks each cell for about ten (font, alignment, check state,
# size hint...) on every paint: the others get None before any other work.
_ANSWERED = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.DecorationRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.ForegroundRole,
        ProgressRole,
        JobRole,
    }
)


class Column(IntEnum):
    NAME = 0
    SIZE = 1
    STATE = 2  # and how long it ran: "Upscaling · 45%", "Done · 12 s"
    INFO = 3


def elapsed_text(seconds: float) -> str:
    seconds = max(0, int(seconds))
    if seconds >= 60:
        return f"{seconds // 60}:{seconds % 60:02d}"
    return QCoreApplication.translate("JobTable", "{seconds} s").format(seconds=seconds)


class JobTableModel(QAbstractTableModel):
    def __init__(
        self, thumbnails: ThumbnailCache, parent: QObject | None = None, links: LinkOriginals | None = None
    ) -> None:
        super().__init__(parent)
        self._jobs: list[Job] = []
        self._rows: dict[int, int] = {}  # job id -> row
        self.pictures = RowPictures(thumbnails, links, self)
        self.pictures.changed.connect(self._pictures_changed)
        self._shown_state: dict[int, tuple[str, int]] = {}  # job id -> its state cell as last announced
        # (job id, column) -> the cell's words, made once per change of the job (or its picture), not on
        # each of the many paints between; a running job's state cell moves with the clock: never kept.
        self._texts: dict[tuple[int, Column], str] = {}
        self._state_names: dict[JobState, str] | None = None  # the language is chosen before the window
        # The engine's learned task time (None before one ended): a running row's bar moves with it.
        self.learned_task_s: Callable[[], float | None] = lambda: None

    # --- the Qt model interface ---------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt's signature
        return 0 if parent.isValid() else len(self._jobs)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(Column)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:  # noqa: N802
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return [self.tr("Image"), self.tr("Size"), self.tr("State"), self.tr("Details")][section]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        job = self.job_at(index.row())  # an invalid index has row -1
        if job is None or role not in _ANSWERED:
            return None
        return self._value(job, Column(index.column()), role)

    def multiData(  # noqa: N802 - Qt's name
        self,
        index: Index,
        roleDataSpan: QModelRoleDataSpan | QModelRoleData,  # noqa: N803
    ) -> None:
        """Every role a view asks of a cell in one call: a delegate asks about seven per cell on each
        paint, and each call from Qt into Python costs more than the answer."""
        job = self.job_at(index.row())
        column = Column(index.column())
        items: Iterable[QModelRoleData] = (
            [roleDataSpan] if isinstance(roleDataSpan, QModelRoleData) else roleDataSpan  # type: ignore[assignment]
        )
        for item in items:
            role = item.role()
            value = self._value(job, column, role) if job is not None and role in _ANSWERED else None
            if value is None:
                item.clearData()
            else:
                item.setData(value)

    def _value(self, job: Job, column: Column, role: int) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return self._other_role(job, column, role)
        if column == Column.STATE and job.state in ACTIVE:
            return readable(self._state_cell(job))
        key = (job.id, column)
        text = self._texts.get(key)
        if text is None:
            text = self._texts[key] = readable(self._display(job, column))  # Qt drops bytes not UTF-8
        return text

    def _forget_texts(self, job_id: int, columns: tuple[Column, ...] = tuple(Column)) -> None:
        for column in columns:
            self._texts.pop((job_id, column), None)

    def _other_role(self, job: Job, column: Column, role: int) -> Any:
        if role == JobRole:
            return job
        if role == ProgressRole:
            return self.progress(job)
        if role == Qt.ItemDataRole.DecorationRole:
            return self.pictures.thumbnail(job) if column == Column.NAME else None
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = self._tooltip(job, column)
            return readable(tip) if tip else tip
        failed = job.state in (JobState.FAILED, JobState.UNKNOWN) and column in (Column.STATE, Column.INFO)
        return FAILED_COLOR if role == Qt.ItemDataRole.ForegroundRole and failed else None

    # --- what each cell says ---------------------------------------------------------------------------

    def _display(self, job: Job, column: Column) -> str:
        if column == Column.NAME:
            return self.name_text(job)
        if column == Column.SIZE:
            return self.size_text(job)
        if column == Column.STATE:
            return self._state_cell(job)
        return self.info_text(job)

    def name_text(self, job: Job) -> str:
        """A file's name; a link's file name ("photo.jpg"), the whole link being in the tooltip."""
        return job.link_name or job.display_name

    def size_text(self, job: Job) -> str:
        """Two short lines: pixels in -> out, then bytes in -> out (a link's from its fetched original)."""
        width, height, size = job.in_width, job.in_height, job.in_bytes
        if not width and (original := self.pictures.original(job)) is not None:
            width, height, size = original.width, original.height, original.size_bytes
        pixels = f"{width}×{height}" if width else ""
        if job.out_width:
            pixels += f" → {job.out_width}×{job.out_height}"
        sizes = " → ".join(numbers.size(b) for b in (size, job.out_bytes) if b)
        return "\n".join(part for part in (pixels, sizes) if part)

    def progress(self, job: Job) -> float:
        return job_fraction(job, now=time.time(), learned_task_s=self.learned_task_s())

    def _state_cell(self, job: Job) -> str:
        """The state, and how far a running job is ("Upscaling · 45%"), or how long one past the usual
        time has run ("Upscaling · 1:05": it moves, where a percentage would stand still), or how long a
        done one took."""
        if job_overdue(job, now=time.time(), learned_task_s=self.learned_task_s()):
            return f"{self.state_text(job)} · {self._time_text(job)}"
        if job.state in ACTIVE:
            return f"{self.state_text(job)} · {numbers.percent(self.progress(job))}"
        if job.state == JobState.DONE and job.started_at is not None:
            return f"{self.state_text(job)} · {self._time_text(job)}"
        return self.state_text(job)

    def state_text(self, job: Job) -> str:
        return self.state_names()[job.state]

    def state_names(self) -> dict[JobState, str]:
        if self._state_names is None:
            self._state_names = self._translated_state_names()
        return self._state_names

    def _translated_state_names(self) -> dict[JobState, str]:
        return {
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
        if column == Column.STATE and job.state in ACTIVE and job.started_at is not None:
            return self.tr("Running for {time}").format(time=self._time_text(job))
        return None

    def _pictures_changed(self, job_ids: set[int]) -> None:
        """A thumbnail arrived (or a link's original, with its size): repaint those cells only."""
        for job_id in job_ids:
            self._forget_texts(job_id, (Column.SIZE,))  # a link's size comes with its original
            row = self._rows.get(job_id)
            if row is not None:
                self.dataChanged.emit(self.index(row, Column.NAME), self.index(row, Column.SIZE), LOOKS)

    # --- changes from the engine --------------------------------------------------------------------------

    def upsert(self, job: Job) -> None:
        row = self._rows.get(job.id)
        if row is None:
            self.beginInsertRows(QModelIndex(), len(self._jobs), len(self._jobs))
            self._rows[job.id] = len(self._jobs)
            self._jobs.append(job)
            self.pictures.add(job)
            self.endInsertRows()
            return
        self._jobs[row] = job
        self._shown_state.pop(job.id, None)
        self._forget_texts(job.id)
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(Column) - 1))

    def remove(self, job_id: int) -> None:
        row = self._rows.get(job_id)
        if row is None:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        self.pictures.remove(self._jobs.pop(row))
        self._shown_state.pop(job_id, None)
        self._forget_texts(job_id)
        self._rows = {job.id: i for i, job in enumerate(self._jobs)}
        self.endRemoveRows()

    def tick(self, rows: range | None = None) -> None:
        """Refresh the progress of running jobs (once a second): only the state cells whose words or
        bar moved are announced; each one announced costs the view a repaint of that cell. `rows`: the
        ones on screen (others are painted afresh when scrolled to): 200 running rows took ~4 ms."""
        for row in rows if rows is not None else range(len(self._jobs)):
            job = self._jobs[row] if 0 <= row < len(self._jobs) else None
            if job is None or job.state not in ACTIVE:
                continue
            shown = (self._state_cell(job), round(self.progress(job) * 100))
            if self._shown_state.get(job.id) != shown:
                self._shown_state[job.id] = shown
                index = self.index(row, Column.STATE)
                self.dataChanged.emit(index, index, LOOKS)

    def job_at(self, row: int) -> Job | None:
        return self._jobs[row] if 0 <= row < len(self._jobs) else None

    def job(self, job_id: int) -> Job | None:
        row = self._rows.get(job_id)
        return self._jobs[row] if row is not None else None

    def jobs(self) -> list[Job]:
        return list(self._jobs)

    def row_of(self, job_id: int) -> int | None:
        return self._rows.get(job_id)
