"""A queue row's details in the lines the row holds: an error's first sentence is read before the rest,
and when it is longer than the row, its beginning (what is wrong) and its end (what to do) both are."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QStyleOptionViewItem

from upscaler_gui.core.jobs import Job, JobState, OutputOptions
from upscaler_gui.ui.queue.delegates import DetailsDelegate
from upscaler_gui.ui.queue.model import Column, JobTableModel
from upscaler_gui.ui.queue.text_fit import error_lines, fitted_lines, split_headline
from upscaler_gui.ui.queue.thumbnails import ThumbnailCache
from upscaler_gui.ui.queue.view import QueueView

UNREADABLE = (
    "The file cannot be read (cannot identify image file '/home/someone/Pictures/2024/holiday/"
    "IMG_20240817_153012.jpg'): open it in an image editor and save it again, then retry. "
    "Formats taken: PNG, JPEG, WEBP, HEIC, AVIF, TIFF, BMP, GIF."
)
BILLED = (
    "KIE did not answer in time after the request was sent; the task may exist and be billed. "
    "The task is billed and is not created again by itself: check it on kie.ai, then retry the job "
    "if you wish (a new, billed task)."
)


def test_the_first_sentence_ends_at_a_full_stop_before_a_capital_not_inside_a_file_name() -> None:
    assert split_headline("The file a.b.png cannot be read. Convert it. Or remove it.") == (
        "The file a.b.png cannot be read.",
        "Convert it. Or remove it.",
    )
    assert split_headline("Paused: press Resume to go on.") == ("Paused: press Resume to go on.", "")
    assert split_headline("Не удаётся прочитать файл (a.png). Конвертируйте его.") == (
        "Не удаётся прочитать файл (a.png).",
        "Конвертируйте его.",
    )


def test_a_first_sentence_that_fits_is_whole_and_the_rest_follows_while_there_is_room(qapp) -> None:
    font = QFont()
    width = QFontMetrics(font).horizontalAdvance("x" * 60)
    headline, _rest = split_headline(BILLED)
    lines = error_lines(BILLED, font, width, 3)
    assert " ".join(lines).startswith(headline)  # not cut, whatever follows it
    assert len(lines) == 3 and lines[-1].endswith("…")  # the rest, as much as fits
    assert error_lines(BILLED, font, width, len(fitted_lines(headline, font, width, 9))) == fitted_lines(
        headline, font, width, 9
    )  # no room for the rest: the first sentence alone


def test_a_first_sentence_longer_than_the_row_keeps_its_beginning_and_its_end(qapp) -> None:
    font = QFont()
    metrics = QFontMetrics(font)
    width = metrics.horizontalAdvance("x" * 45)
    lines = error_lines(UNREADABLE, font, width, 2)
    shown = " ".join(lines)
    assert len(lines) == 2 and all(metrics.horizontalAdvance(line) <= width for line in lines)
    assert shown.startswith("The file cannot be read")  # what is wrong
    assert shown.endswith("save it again, then retry.")  # what to do
    assert "…" in shown
    plain = " ".join(fitted_lines(UNREADABLE, font, width, 2))
    assert "retry" not in plain  # cut at the end, as the details were before errors were told apart


def test_a_failed_row_shows_what_to_do_in_its_details_cell(qapp) -> None:
    model = JobTableModel(ThumbnailCache(size=16))
    view = QueueView(model)
    view.resize(900, 400)
    view.show()  # the details column takes the width the others leave
    job = Job(
        id=1,
        kind="file",
        given="/in/IMG_20240817_153012.jpg",
        dedupe_key="a",
        options=OutputOptions(folder="/out"),
        state=JobState.FAILED,
        error=UNREADABLE,
        started_at=time.time(),
    )
    model.upsert(job)
    index = model.index(0, Column.INFO)
    assert 250 < view.columnWidth(Column.INFO) < 500  # the first sentence needs more than two lines
    delegate = view.itemDelegateForColumn(Column.INFO)
    assert isinstance(delegate, DetailsDelegate)
    option = QStyleOptionViewItem()
    view.initViewItemOption(option)
    option.rect = view.visualRect(index)
    delegate.initStyleOption(option, index)
    shown = " ".join(delegate.shown_lines(option, index))
    assert shown.startswith("The file cannot be read") and shown.endswith("then retry.")
    assert index.data(Qt.ItemDataRole.ToolTipRole) == UNREADABLE  # all of it
