"""The main window: layout and wiring. Behaviour lives in the controller and core.

Pages: the first-run panel (no key yet), the drop zone (empty queue), and the queue beside the
before/after view. Every dialog is opened with open() and answers through signals; nothing here
blocks the Qt thread.

The window's public slots stay here; what they do lives beside it, in `window_inputs` (drops, paste, Add
dialogs), `window_folders` (output and watch rows), `window_compare` (the selected job's before/after),
`window_layout`, `window_state` (saved geometry) and `settings_flow`.
"""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDragLeaveEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMessageBox, QStackedWidget, QVBoxLayout, QWidget

from upscaler_gui.core.engine import PauseReason, QueueSummary
from upscaler_gui.core.jobs import FINISHED, Job, JobState
from upscaler_gui.core.settings import Settings
from upscaler_gui.ui.bridge.controller import EngineController
from upscaler_gui.ui.bridge.tasks import TaskKeeper
from upscaler_gui.ui.compare.view import CompareView
from upscaler_gui.ui.drop.intake import InputIntake, accept_copy
from upscaler_gui.ui.queue.model import JobTableModel
from upscaler_gui.ui.queue.thumbnails import ThumbnailCache
from upscaler_gui.ui.queue.view import QueueView
from upscaler_gui.ui.settings.flow import SettingsFlow
from upscaler_gui.ui.shell.resources import app_icon
from upscaler_gui.ui.shell.taskbar import TaskbarProgress
from upscaler_gui.ui.window import geometry as window_state
from upscaler_gui.ui.window import toolbar as window_layout
from upscaler_gui.ui.window.folder_rows import OutputFolderRow, WatchFolderRow
from upscaler_gui.ui.window.panels import DropZone, FirstRunPanel
from upscaler_gui.ui.window.quit_confirm import QuitConfirmation
from upscaler_gui.ui.window.selected_job import SelectedJobCompare
from upscaler_gui.ui.window.status import StatusBar
from upscaler_gui.ui.window.toolbar import make_action

PAGE_FIRST_RUN, PAGE_DROP, PAGE_QUEUE = 0, 1, 2
REFRESH_INTERVAL_MS = 100


class MainWindow(QMainWindow):
    close_requested = Signal()  # the app shuts the engine down, then quits
    batch_finished = Signal(str)  # for the tray notification
    watching_changed = Signal(bool)

    def __init__(self, controller: EngineController, settings: Settings) -> None:
        super().__init__()
        self.controller, self.settings = controller, settings
        self.tray_available = False  # set by the tray: closing then hides to it while watching
        self.keeper = TaskKeeper(self.show_error)
        self.quit_confirmation = QuitConfirmation(self, self.quit_now)
        self.settings_flow = SettingsFlow(settings, controller, self.keeper, self)
        self.intake = InputIntake(self)
        self.setWindowTitle(self.tr("Crisp Upscaler"))
        self.setWindowIcon(app_icon())
        self.setAcceptDrops(True)
        self.resize(1180, 720)
        self.thumbnails = ThumbnailCache(size=40, parent=self)
        self.model = JobTableModel(self.thumbnails, self)
        self.taskbar = TaskbarProgress()
        self._batch: set[int] = set()
        self._build_actions()
        self.addToolBar(window_layout.build_toolbar(self))
        self._build_central()
        self.status = StatusBar(self)
        self.setStatusBar(self.status)
        self._wire_controller()
        self._wire_folder_rows()
        self._wire_intake()
        self._wire_settings_flow()
        self._ticker = QTimer(self)
        self._ticker.timeout.connect(self.model.tick)
        self._ticker.start(1000)
        # A batch sends ~10 job events per image; the status line and the page need redoing (O(rows))
        # at most once per interval, not per event.
        self._refresh_soon = QTimer(self)
        self._refresh_soon.setSingleShot(True)
        self._refresh_soon.setInterval(REFRESH_INTERVAL_MS)
        self._refresh_soon.timeout.connect(self.refresh)
        window_state.restore_state(self)
        self.refresh()

    # --- building --------------------------------------------------------------------------------------

    def _build_actions(self) -> None:
        intake = self.intake
        self.add_files_action = make_action(
            self, self.tr("Add files…"), intake.choose_files, QKeySequence.StandardKey.Open
        )
        self.add_folder_action = make_action(self, self.tr("Add folder…"), intake.choose_folder)
        self.add_link_action = make_action(
            self, self.tr("Add link…"), intake.ask_link, QKeySequence("Ctrl+L")
        )
        self.start_action = make_action(self, self.tr("Pause"), self.toggle_running, QKeySequence("Ctrl+P"))
        self.clear_action = make_action(self, self.tr("Clear finished"), self.clear_finished)
        self.settings_action = make_action(
            self, self.tr("Settings…"), self.settings_flow.open_dialog, QKeySequence.StandardKey.Preferences
        )
        self.paste_action = make_action(self, self.tr("Paste"), intake.paste, QKeySequence.StandardKey.Paste)
        self.addAction(self.paste_action)

    def _build_central(self) -> None:
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(8, 4, 8, 4)
        self.output_row = OutputFolderRow(self.settings, central)
        layout.addWidget(self.output_row)
        self.watch_row = WatchFolderRow(self.settings, self.controller.watch, central)
        layout.addWidget(self.watch_row)
        self.pages = QStackedWidget(central)
        self.first_run = FirstRunPanel(self.pages)
        self.drop_zone = DropZone(self.pages)
        self.view = QueueView(self.model, self.pages)
        self.compare = CompareView(self.pages)
        self.splitter = window_layout.build_splitter(self.view, self.compare, self.pages)
        for page in (self.first_run, self.drop_zone, self.splitter):
            self.pages.addWidget(page)
        layout.addWidget(self.pages, 1)
        self.setCentralWidget(central)
        self.first_run.key_entered.connect(self.settings_flow.use_key)
        self.first_run.demo_requested.connect(self.use_demo)
        self._selection = SelectedJobCompare(self.view, self.compare, self.model, self.keeper)
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._selection.show_selected())
        actions = self.view.job_actions
        actions.cost_per_image = lambda: self.settings.cost_per_image
        actions.retry_requested.connect(lambda ids: self._spawn(self.controller.retry(ids), "Retry"))
        actions.run_again_requested.connect(
            lambda ids: self._spawn(self.controller.run_again(ids), "Upscale again")
        )
        actions.cancel_requested.connect(lambda ids: self._spawn(self.controller.cancel(ids), "Cancel"))
        actions.remove_requested.connect(lambda ids: self._spawn(self.controller.remove(ids), "Remove"))

    def _wire_controller(self) -> None:
        c = self.controller
        c.job_changed.connect(self._job_changed)
        c.job_removed.connect(self._job_removed)
        c.queue_paused.connect(self._paused)
        c.queue_resumed.connect(lambda: self._paused(None))
        c.queue_drained.connect(self._drained)
        c.credits_changed.connect(self.status.show_credits)
        c.connection_changed.connect(self._connection_changed)
        c.watch.changed.connect(self._watch_changed)

    # --- engine events ---------------------------------------------------------------------------------

    def _job_changed(self, job: Job) -> None:
        self.model.upsert(job)
        if not job.finished:
            self._batch.add(job.id)  # the batch the dock's progress bar counts
        if self.pages.currentIndex() == PAGE_DROP:
            self.refresh()  # the first row: the queue replaces the drop zone at once
        else:
            self._schedule_refresh()
        self._selection.job_changed(job)

    def _job_removed(self, job_id: int) -> None:
        self.model.remove(job_id)
        self._schedule_refresh()

    @property
    def refresh_pending(self) -> bool:
        """Engine events arrived that the status line and the page do not show yet (within 100 ms)."""
        return self._refresh_soon.isActive()

    def _schedule_refresh(self) -> None:
        if not self._refresh_soon.isActive():  # not restarted: a steady stream still refreshes
            self._refresh_soon.start()

    def _paused(self, reason: PauseReason | None) -> None:
        self.status.show_pause(reason)
        self.start_action.setText(self.tr("Resume") if reason else self.tr("Pause"))

    def _drained(self, summary: QueueSummary) -> None:
        done, failed = summary.counts[JobState.DONE], summary.counts[JobState.FAILED]
        text = self.tr("Batch finished: {done} done, {failed} failed").format(done=done, failed=failed)
        self.status.showMessage(text, 10_000)
        self.batch_finished.emit(text)
        self._refresh_soon.stop()
        self.refresh()  # the batch's last changes shown (counts, a full dock bar) before it is put away
        self._batch.clear()
        self.taskbar.show(0, 0)

    def _connection_changed(self, kind: str) -> None:
        self.status.show_connection(kind)
        self.refresh()

    def refresh(self) -> None:
        jobs = self.model.jobs()
        connected = self.controller.connection is not None
        self.pages.setCurrentIndex(PAGE_FIRST_RUN if not connected else PAGE_QUEUE if jobs else PAGE_DROP)
        self.status.show_counts(jobs, self.settings.cost_per_image)
        self.output_row.refresh()
        self.watch_row.refresh()
        self.clear_action.setEnabled(any(job.state in FINISHED for job in jobs))
        batch = [job for job in (self.model.job(job_id) for job_id in self._batch) if job is not None]
        self.taskbar.show(sum(job.finished for job in batch), len(batch))

    # --- input from everywhere -------------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt's name
        if accept_copy(event):
            self.drop_zone.set_hot(True)

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:  # noqa: N802
        self.drop_zone.set_hot(False)

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        self.drop_zone.set_hot(False)
        self.intake.take_drop(event)

    def _wire_intake(self) -> None:
        self.intake.inputs_given.connect(
            lambda inputs, images: self._spawn(self.controller.add_inputs(inputs, images), "Adding images")
        )
        self.intake.refused.connect(lambda line: self.status.showMessage(line, 15_000))

    # --- queue -----------------------------------------------------------------------------------------

    def toggle_running(self) -> None:
        if self.controller.paused is not None:
            self.controller.resume()
        else:
            self.controller.pause()

    def clear_finished(self) -> None:
        ids = [job.id for job in self.model.jobs() if job.state in FINISHED]
        self._spawn(self.controller.remove(ids), "Clear finished")

    # --- watching a folder -------------------------------------------------------------------------------

    def _wire_folder_rows(self) -> None:
        self.output_row.folder_chosen.connect(lambda _folder: self.refresh())
        watch = self.controller.watch
        self.watch_row.start_requested.connect(
            lambda folder: self._spawn(self.controller.start_watching(folder), "Watching")
        )
        self.watch_row.stop_requested.connect(lambda: self._spawn(watch.stop(), "Stop watching"))

    def _watch_changed(self, watching: bool, message: str) -> None:
        self.status.showMessage(message, 10_000)
        self.refresh()
        self.watching_changed.emit(watching)

    # --- output folder and settings --------------------------------------------------------------------

    def _wire_settings_flow(self) -> None:
        flow = self.settings_flow
        flow.message.connect(self.show_error)
        flow.key_refused.connect(self.first_run.show_problem)
        flow.settings_changed.connect(lambda _names: self.refresh())

    def use_demo(self) -> None:
        self._spawn(self.controller.start_demo(), "Starting the offline demo")

    # --- errors, state, closing ------------------------------------------------------------------------

    def show_error(self, text: str) -> None:
        self.status.showMessage(text, 15_000)

    def show_error_dialog(self, title: str, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def _spawn(self, coro: Coroutine[Any, Any, Any], what: str) -> None:
        self.keeper.spawn(coro, what)

    def save_state(self) -> None:
        window_state.save_state(self)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.save_state()
        event.ignore()  # the app closes us once the engine has stopped cleanly
        if self.controller.watch.watching and self.tray_available:
            self.hide()
            self.status.showMessage(self.tr("Still watching from the tray"), 5000)
            return  # keeps watching in the tray; its menu quits
        self.quit_confirmation.request(self.model.jobs())

    def quit_now(self) -> None:
        """Quit: no create leaves from this moment; the engine then stops with every job kept."""
        self.controller.stop_creates()
        self.hide()
        self.close_requested.emit()
