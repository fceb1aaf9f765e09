"""The window answers: a drag over a queue lights it up, new rows are selected and shown, the batch's
progress and time left are in the status bar, each running row says how far it is; links are rows like
files (their name, thumbnail, size, before/after). Real window offscreen, the sim on loopback."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QMimeData, QObject, QPoint, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent, QImage, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from tests.imagefactory import write_image
from tests.ui.test_window import _loopback_image_url
from tests.ui.window_helpers import drop, file_mime, run, until, window_env
from upscaler_gui.core.jobs import Job, JobState, OutputOptions
from upscaler_gui.core.progress import BatchStanding
from upscaler_gui.ui.bridge.tasks import WindowTasks
from upscaler_gui.ui.compare.view import CompareView
from upscaler_gui.ui.queue.model import FAILED_COLOR, Column, JobTableModel, ProgressRole
from upscaler_gui.ui.queue.thumbnails import ThumbnailCache
from upscaler_gui.ui.queue.view import QueueView
from upscaler_gui.ui.shell.taskbar import TaskbarProgress
from upscaler_gui.ui.window.batch_progress import BatchProgress
from upscaler_gui.ui.window.selected_job import SelectedJobCompare
from upscaler_gui.ui.window.status import StatusBar

pytestmark = pytest.mark.integration  # the window driven against the sim


def _drag_enter(widget: object, mime: QMimeData) -> None:
    event = QDragEnterEvent(
        QPoint(30, 30),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(widget, event)  # type: ignore[arg-type]


def test_a_drop_onto_a_long_queue_lights_it_up_then_selects_and_shows_the_new_rows(
    tmp_path: Path, qloop
) -> None:
    async def scenario() -> None:
        first = [write_image(tmp_path / "in" / f"first{i}.png", size=(20 + i, 20)) for i in range(30)]
        later = [write_image(tmp_path / "in" / f"later{i}.png", size=(60 + i, 20)) for i in range(3)]
        async with window_env(tmp_path) as env:
            env.sim.config.task_seconds = 30.0
            await env.connect()
            view = env.window.view
            assert drop(env.window, file_mime(*first))
            await until(lambda: len(env.jobs()) == 30, what="30 rows")
            view.scrollToTop()
            _drag_enter(env.window, file_mime(*later))
            assert view.drop_hot  # the queue, not the hidden drop zone, says "here"
            QApplication.sendEvent(env.window, QDragLeaveEvent())
            assert not view.drop_hot
            assert drop(env.window, file_mime(*later))
            assert not view.drop_hot
            await until(lambda: len(env.jobs()) == 33, what="the new rows")
            await until(lambda: len(view.selected_jobs()) == 3, what="the new rows selected")
            assert sorted(job.display_name for job in view.selected_jobs()) == [p.name for p in later]
            for job in view.selected_jobs():  # in sight, though the queue was scrolled to its top
                row = env.window.model.row_of(job.id)
                rect = view.visualRect(env.window.model.index(row or 0, 0))
                assert view.viewport().rect().contains(rect), job.display_name

    run(qloop, scenario())


def test_the_status_bar_shows_the_batchs_progress_then_puts_it_away(tmp_path: Path, qloop) -> None:
    async def scenario() -> None:
        files = [write_image(tmp_path / f"p{i}.png", size=(20 + i, 20)) for i in range(4)]
        async with window_env(tmp_path) as env:
            env.sim.config.task_seconds = 1.5
            await env.connect()
            status = env.window.status
            assert not status.batch_bar.isVisible()
            assert drop(env.window, file_mime(*files))
            # Nothing learned yet, nothing done: no number is made up.
            await until(lambda: status.batch_label.text() == "0 of 4 · estimating…", what="the batch line")
            assert status.batch_bar.isVisible() and status.batch_bar.value() == 0
            await env.all_finished(4)
            await until(lambda: not status.batch_bar.isVisible(), what="the bar put away")
            assert not status.batch_label.isVisible()

    run(qloop, scenario())


def test_the_time_left_reads_as_people_say_it(qapp) -> None:
    model = JobTableModel(ThumbnailCache(size=16))
    batch = BatchProgress(model, TaskbarProgress(), StatusBar(), lambda: None, lambda: False)
    texts = [batch.text(BatchStanding(12, 40, seconds)) for seconds in (None, 5, 45, 70, 1800, 7200)]
    assert texts == [
        "12 of 40 · estimating…",
        "12 of 40 · a few seconds left",
        "12 of 40 · less than a minute left",
        "12 of 40 · about 2 min left",
        "12 of 40 · about 30 min left",
        "12 of 40 · about 2 h left",
    ]
    assert batch.text(BatchStanding(1234, 1234, 0.0)) == "1,234 of 1,234"


def test_a_running_row_says_its_stage_and_how_far_it_is(qapp) -> None:
    model = JobTableModel(ThumbnailCache(size=16))
    job = Job(
        id=1,
        kind="file",
        given="/in/a.png",
        dedupe_key="a",
        options=OutputOptions(folder="/out"),
        state=JobState.POLLING,
        progress=0.35,
        task_created_at=time.time() - 10,
        started_at=time.time() - 12,
    )
    model.upsert(job)
    index = model.index(0, Column.STATE)
    assert index.data() == "Upscaling · 35%"  # no task time learned yet: the stage's own share
    model.learned_task_s = lambda: 20.0
    assert index.data() == "Upscaling · 63%"  # half of KIE's usual time has passed
    assert index.data(ProgressRole) == pytest.approx(0.625, abs=0.01)
    assert index.data(Qt.ItemDataRole.ToolTipRole).startswith("Running for 12 s")
    model.learned_task_s = lambda: 5.0  # KIE usually takes 5 s: this task is late, its percentage stuck
    assert index.data() == "Upscaling · 12 s"  # a time that moves, not a percentage standing still
    model.upsert(Job(**{**job.__dict__, "state": JobState.DONE, "finished_at": job.started_at + 75}))
    assert index.data() == "Done · 1:15"


def test_a_links_row_has_its_file_name_thumbnail_size_and_before_after(tmp_path: Path, qloop) -> None:
    async def scenario() -> None:
        async with window_env(tmp_path) as env:
            await env.connect()
            url = _loopback_image_url(env.sim.base_url, tmp_path, "lighthouse.png")
            mime = QMimeData()
            mime.setUrls([QUrl(url)])
            assert drop(env.window, mime)
            await env.all_finished(1)
            model, (job,) = env.window.model, env.jobs()
            assert model.index(0, Column.NAME).data() == "lighthouse.png"
            assert model.index(0, Column.NAME).data(Qt.ItemDataRole.ToolTipRole) == url
            await until(lambda: "50×40" in model.size_text(job), what="the link's size, from its picture")
            assert model.size_text(job).startswith("50×40 → 100×80\n")
            assert model.size_text(job).split("\n")[1].startswith("2")  # bytes in, bytes out
            thumbnail = model.index(0, Column.NAME).data(Qt.ItemDataRole.DecorationRole)
            assert isinstance(thumbnail, QImage) and thumbnail.width() == 40
            env.window.view.selectRow(0)
            compare = env.window.compare
            await until(lambda: compare.after_label_text().startswith("After 100 × 80"), what="the after")
            assert compare.before_label_text().startswith("Before 50 × 40")  # the link's own picture
            kept = list((tmp_path / "_cache" / "link-originals").iterdir())
            assert len(kept) == 1  # fetched once, for the thumbnail, the size and the compare view alike

    run(qloop, scenario())


class _SlowFirstLink:
    """A link's original whose first fetch is still under way when the job finishes."""

    def __init__(self) -> None:
        self.gate = asyncio.Event()
        self.calls = 0

    async def original(self, url: str) -> None:
        self.calls += 1
        if self.calls == 1:
            await self.gate.wait()


def test_a_slow_earlier_load_never_hides_the_result_that_came_after_it(tmp_path: Path, qloop) -> None:
    """A link selected while running: its picture is still being fetched when the job finishes; the
    result shown at the finish stays, whatever the earlier load brings later."""

    async def scenario() -> None:
        model = JobTableModel(ThumbnailCache(size=16))
        view, compare = QueueView(model), CompareView()
        keeper, links = WindowTasks(lambda _text: None), _SlowFirstLink()
        shown = SelectedJobCompare(view, compare, model, keeper, links)  # type: ignore[arg-type]
        view.selectionModel().selectionChanged.connect(lambda *_: shown.show_selected())
        url = "https://example.com/photo.png"
        running = Job(
            id=1, kind="url", given=url, dedupe_key=url, options=OutputOptions(folder=str(tmp_path))
        )
        model.upsert(running)
        view.selectRow(0)  # the first load waits for the link's picture
        result = write_image(tmp_path / "photo_crisp.png", size=(80, 60))
        done = Job(**{**running.__dict__, "state": JobState.DONE, "output_path": str(result)})
        model.upsert(done)
        shown.job_changed(done)
        await until(lambda: compare.after_label_text().startswith("After 80 × 60"), what="the result")
        links.gate.set()  # the earlier load ends now, with no result in it
        await until(lambda: not len(keeper), what="both loads ended")
        assert compare.after_label_text().startswith("After 80 × 60")
        await keeper.close()

    run(qloop, scenario())


def test_the_clock_announces_only_the_state_cells_that_moved(qapp) -> None:
    model = JobTableModel(ThumbnailCache(size=16))
    now = time.time()
    base = {"kind": "file", "options": OutputOptions(folder="/out"), "started_at": now - 30}
    model.upsert(Job(id=1, given="/in/a.png", dedupe_key="a", state=JobState.DONE, **base))
    model.upsert(Job(id=2, given="/in/b.png", dedupe_key="b", state=JobState.UPLOADING, progress=0.1, **base))
    polling = Job(id=3, given="/in/c.png", dedupe_key="c", state=JobState.POLLING, progress=0.3, **base)
    model.upsert(Job(**{**polling.__dict__, "task_created_at": now - 10}))
    model.learned_task_s = lambda: 20.0  # c's bar moves with the clock; b's stays until its next event
    announced: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda top, bottom, _roles: announced.append((top.row(), bottom.column())))

    model.tick()  # the first tick: the running rows as they are now
    assert announced == [(1, Column.STATE), (2, Column.STATE)]
    said = model.index(2, Column.STATE).data()
    announced.clear()
    model.tick()  # nothing moved within the same second
    assert announced == []
    model.learned_task_s = lambda: 10.0  # KIE got faster: c is further along than it said
    model.tick()
    assert announced == [(2, Column.STATE)]
    assert model.index(2, Column.STATE).data() != said


def test_the_clock_looks_only_at_the_rows_on_screen(qapp) -> None:
    """200 running rows cost the Qt thread ~4 ms a second; only what can be seen needs the tick."""
    model = JobTableModel(ThumbnailCache(size=16))
    now = time.time()
    for n in range(1, 51):
        model.upsert(
            Job(
                id=n,
                given=f"/in/{n}.png",
                dedupe_key=str(n),
                state=JobState.POLLING,
                progress=0.3,
                kind="file",
                options=OutputOptions(folder="/out"),
                started_at=now - 30,
                task_created_at=now - 10,
            )
        )
    model.learned_task_s = lambda: 20.0
    view = QueueView(model)
    view.resize(600, 200)
    view.show()
    announced: list[int] = []
    model.dataChanged.connect(lambda top, _bottom, _roles: announced.append(top.row()))

    model.tick(view.shown_rows())
    assert announced and announced[0] == 0 and max(announced) < 10
    assert announced == list(view.shown_rows())
    view.scrollToBottom()
    announced.clear()
    model.tick(view.shown_rows())
    assert 49 in announced and min(announced) > 30
    view.close()


class _Paints(QObject):
    """Counts the paint events of the widgets it watches."""

    def __init__(self, *widgets: QWidget) -> None:
        super().__init__()
        self.count = 0
        for widget in widgets:
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def test_the_batchs_bar_moves_without_painting_the_window_inside_the_event_that_moved_it(qapp) -> None:
    window = QWidget()
    status, label = StatusBar(window), QLabel("a queue row", window)
    layout = QVBoxLayout(window)
    layout.addWidget(label)
    layout.addWidget(status)
    window.show()
    status.show_batch(0.1, "1 of 10 · estimating…")
    QApplication.processEvents()
    paints = _Paints(status.batch_bar, label)
    label.update()  # a part of the window waiting to be painted, as a queue row is during a batch
    status.show_batch(0.5, "5 of 10 · a few seconds left")
    assert paints.count == 0  # Qt's setValue would have painted the bar, and the label with it, here
    assert status.batch_bar.value() == 500
    QApplication.processEvents()
    assert paints.count >= 2  # both, when the loop got there


def test_a_cell_reads_the_same_to_a_delegate_as_to_anyone_asking(qapp) -> None:
    model = JobTableModel(ThumbnailCache(size=16))
    error = "The file cannot be read (not an image). Remove it from the queue."
    options = OutputOptions(folder="/out")
    model.upsert(Job(id=1, kind="file", given="/in/a.png", dedupe_key="a", options=options))
    model.upsert(Job(id=2, kind="file", given="/in/b.png", dedupe_key="b", options=options))
    model.upsert(
        Job(
            id=2,
            kind="file",
            given="/in/b.png",
            dedupe_key="b",
            options=options,
            state=JobState.FAILED,
            error=error,
        )
    )
    delegate = QStyledItemDelegate()
    for row in range(2):
        for column in Column:
            index = model.index(row, column)
            option = QStyleOptionViewItem()
            delegate.initStyleOption(option, index)  # the roles in one call (the model's multiData)
            assert option.text == index.data().replace("\n", "\u2028"), (row, column)
    failed = QStyleOptionViewItem()
    delegate.initStyleOption(failed, model.index(1, Column.INFO))
    assert failed.text == error  # the new words after the job changed, not the queued row's
    assert failed.palette.color(QPalette.ColorRole.Text) == FAILED_COLOR
