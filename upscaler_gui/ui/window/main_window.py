"""The main window: layout and wiring. Behaviour lives in the parts it holds, the controller and core.

Pages: the first-run panel (no key yet), the drop zone (empty queue), and the queue with the before/after
view (which can take the whole window). Above them, the output and watch folder rows; the menu bar and
the toolbar on top, the status bar (with the batch's progress) below. Input from drops, paste and the Add
dialogs goes through the `InputIntake` and `WindowInputs`, the Settings dialog and the first-run key
through the `SettingsFlow`. Every dialog is opened with open() and answers through signals; nothing here
blocks the Qt thread.
"""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDragLeaveEvent, QDropEvent, QShowEvent
from PySide6.QtWidgets import QMainWindow, QMessageBox, QVBoxLayout, QWidget

from upscaler_gui.core.engine import PauseReason, QueueSummary
from upscaler_gui.core.jobs import FINISHED, Job, JobState
from upscaler_gui.core.settings import Settings
from upscaler_gui.ui.bridge.controller import EngineController
from upscaler_gui.ui.bridge.tasks import WindowTasks
from upscaler_gui.ui.drop.intake import InputIntake
from upscaler_gui.ui.queue.link_originals import LinkOriginals
from upscaler_gui.ui.queue.model import JobTableModel
from upscaler_gui.ui.queue.thumbnails import ThumbnailCache
from upscaler_gui.ui.settings.flow import SettingsFlow
from upscaler_gui.ui.shell.resources import app_icon
from upscaler_gui.ui.shell.taskbar import TaskbarProgress
from upscaler_gui.ui.window.about import AboutBox
from upscaler_gui.ui.window.batch_progress import BatchProgress
from upscaler_gui.ui.window.batch_question import wire_batch_question
from upscaler_gui.ui.window.folder_rows import OutputFolderRow, WatchFolderRow
from upscaler_gui.ui.window.full_window import FullWindowCompare
from upscaler_gui.ui.window.geometry import SavedGeometry, keep_on_screen
from upscaler_gui.ui.window.history import history_action
from upscaler_gui.ui.window.inputs import WindowInputs
from upscaler_gui.ui.window.menus import MainMenus
from upscaler_gui.ui.window.pages import Pages
from upscaler_gui.ui.window.quit_confirm import QuitConfirmation
from upscaler_gui.ui.window.selected_job import SelectedJobCompare
from upscaler_gui.ui.window.status import StatusBar
from upscaler_gui.ui.window.toolbar import MainToolbar
from upscaler_gui.ui.window.warm_up import warm_up_painting

REFRESH_INTERVAL_MS = 100
DEFAULT_SIZE = (1180, 720)


class MainWindow(QMainWindow):
    close_requested = Signal()  # the app shuts the engine down, then quits
    batch_finished = Signal(str)  # for the tray notification
    watching_changed = Signal(bool)

    def __init__(self, controller: EngineController, settings: Settings) -> None:
        super().__init__()
        self.controller, self.settings = controller, settings
        self.tray_available = False  # set by the tray: closing then hides to it while watching
        self._store_errors: set[str] = set()  # store failures said already (each once)
        self.setWindowTitle(self.tr("Crisp Upscaler"))
        self.setWindowIcon(app_icon())
        self.setAcceptDrops(True)
        self.resize(*DEFAULT_SIZE)
        self._build_parts()
        self._build_widgets()
        self._wire()
        self._start_timers()
        self.saved_geometry = SavedGeometry(settings, self, self.splitter, self.view.horizontalHeader())
        self.saved_geometry.restore()
        self.refresh()

    # --- building and wiring ---------------------------------------------------------------------------

    def _build_parts(self) -> None:
        self.keeper = WindowTasks(self.show_error)
        self.quit_confirmation = QuitConfirmation(self, self.quit_now)
        self.settings_flow = SettingsFlow(self.settings, self.controller, self.keeper, self)
        self.intake = InputIntake(self)
        self.thumbnails = ThumbnailCache(size=40, parent=self)
        self.links = LinkOriginals(self.keeper.spawn, self)
        self.model = JobTableModel(self.thumbnails, self, self.links)
        self.model.learned_task_s = self.learned_task_s
        self.taskbar = TaskbarProgress()
        self.about_box = AboutBox(self)

    def _build_widgets(self) -> None:
        self.toolbar = MainToolbar(self)
        self.addToolBar(self.toolbar)
        self.history_action = history_action(self, self.controller, self.settings, self._spawn)
        self.toolbar.add(self.history_action)
        self._build_central()
        self.status = StatusBar(self)
        self.setStatusBar(self.status)
        self.menus = MainMenus(self, self.toolbar, self.view.job_actions, self.compare, self.history_action)
        self.paste_action = self.menus.paste
        paused = lambda: self.controller.paused is not None  # noqa: E731 - a one-line question
        self._batch = BatchProgress(self.model, self.taskbar, self.status, self.learned_task_s, paused)
        aside = [self.toolbar, self.output_row, self.watch_row, self.view]
        self.full_window = FullWindowCompare(
            self.compare, aside, self.menus.full_window, self.menus.leave_full_window, self
        )
        self.inputs = WindowInputs(
            self.intake,
            self.controller,
            self.keeper,
            (self.model, self.view, self.drop_zone, self.status),
            self,
        )

    def _start_timers(self) -> None:
        self._ticker = QTimer(self)
        self._ticker.timeout.connect(self._tick)
        self._ticker.start(1000)
        # A batch sends ~10 job events per image; the status line and the page need redoing (O(rows))
        # at most once per interval, not per event.
        self._refresh_soon = QTimer(self)
        self._refresh_soon.setSingleShot(True)
        self._refresh_soon.setInterval(REFRESH_INTERVAL_MS)
        self._refresh_soon.timeout.connect(self.refresh)

    def _build_central(self) -> None:
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(8, 4, 8, 4)
        self.output_row = OutputFolderRow(self.settings, central)
        layout.addWidget(self.output_row)
        self.watch_row = WatchFolderRow(self.settings, self.controller.watch, central)
        layout.addWidget(self.watch_row)
        self.pages = Pages(self.model, central)
        layout.addWidget(self.pages, 1)
        self.first_run, self.drop_zone = self.pages.first_run, self.pages.drop_zone
        self.view, self.compare, self.splitter = self.pages.view, self.pages.compare, self.pages.splitter
        self.setCentralWidget(central)
        self._selection = SelectedJobCompare(self.view, self.compare, self.model, self.keeper, self.links)

    def _wire(self) -> None:
        self._wire_actions()
        self._wire_job_actions()
        self._wire_folder_rows()
        self._wire_settings_flow()
        self._wire_controller()

    def _wire_actions(self) -> None:
        bar, menus = self.toolbar, self.menus
        bar.add_files.triggered.connect(self.intake.choose_files)
        bar.add_folder.triggered.connect(self.intake.choose_folder)
        bar.add_link.triggered.connect(self.intake.ask_link)
        bar.start_pause.triggered.connect(self._toggle_running)
        bar.clear_finished.triggered.connect(self._clear_finished)
        bar.open_settings.triggered.connect(self.settings_flow.open_dialog)
        menus.paste.triggered.connect(self.intake.paste)
        menus.select_all.triggered.connect(self.view.selectAll)
        menus.quit.triggered.connect(self.request_quit)
        menus.about.triggered.connect(self.about_box.open)
        self.full_window.changed.connect(self._full_window_changed)

    def _wire_job_actions(self) -> None:
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._selection.show_selected())
        actions, c = self.view.job_actions, self.controller
        actions.cost_per_image = lambda: self.settings.cost_per_image
        actions.retry_requested.connect(lambda ids: self._spawn(c.retry(ids), "Retry"))
        actions.run_again_requested.connect(lambda ids: self._spawn(c.run_again(ids), "Upscale again"))
        actions.cancel_requested.connect(lambda ids: self._spawn(c.cancel(ids), "Cancel"))
        actions.remove_requested.connect(lambda ids: self._spawn(c.remove(ids), "Remove"))

    def _wire_folder_rows(self) -> None:
        self.output_row.folder_chosen.connect(lambda _folder: self.refresh())
        start, stop = self.controller.start_watching, self.controller.watch.stop
        self.watch_row.start_requested.connect(lambda folder: self._spawn(start(folder), "Watching"))
        self.watch_row.stop_requested.connect(lambda: self._spawn(stop(), "Stop watching"))

    def _wire_settings_flow(self) -> None:
        flow = self.settings_flow
        self.first_run.key_entered.connect(flow.use_key)
        self.first_run.demo_requested.connect(
            lambda: self._spawn(self.controller.start_demo(), "Starting the offline demo")
        )
        flow.message.connect(self.show_error)
        flow.key_refused.connect(self.first_run.show_problem)
        flow.settings_changed.connect(lambda _names: self.refresh())

    def _wire_controller(self) -> None:
        c = self.controller
        c.job_changed.connect(self._job_changed)
        c.job_removed.connect(self._job_removed)
        c.queue_paused.connect(self._paused)
        c.queue_resumed.connect(lambda: self._paused(None))
        c.queue_drained.connect(self._drained)
        c.credits_changed.connect(self.status.show_credits)
        c.connection_changed.connect(self._connection_changed)
        c.store_failed.connect(self._store_failed)
        c.watch.changed.connect(self._watch_changed)
        wire_batch_question(self, c, self._spawn, lambda text: self.status.showMessage(text, 15_000))

    # --- engine events ---------------------------------------------------------------------------------

    def _job_changed(self, job: Job) -> None:
        self.model.upsert(job)
        self._batch.job_changed(job)
        if self.pages.on_drop_zone:
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
        self.toolbar.show_paused(reason is not None)
        self._batch.show()

    def _drained(self, summary: QueueSummary) -> None:
        done, failed = summary.counts[JobState.DONE], summary.counts[JobState.FAILED]
        text = self.tr("Batch finished: %n done", "", done)
        if failed:
            text += self.tr(", %n failed", "", failed)
        self.status.showMessage(text, 10_000)
        self.batch_finished.emit(text)
        self._refresh_soon.stop()
        self.refresh()  # the batch's last changes shown (counts, a full bar) before it is put away
        self._batch.drained()

    def _store_failed(self, text: str) -> None:
        """Said once per sentence, in a box that stays until read (a taskId it could not keep is in it)."""
        if text not in self._store_errors:
            self._store_errors.add(text)
            self.show_error_dialog(self.tr("The job store cannot be used"), text)

    def _connection_changed(self, kind: str) -> None:
        self.output_row.demo = kind == "demo"  # the demo's results go to their own folder
        self.status.show_connection(kind)
        self.refresh()

    def learned_task_s(self) -> float | None:
        """How long KIE's tasks took lately (the engine's poll planner learns it); None before one ended."""
        engine = self.controller.engine
        return engine.planner.expected_s if engine is not None else None

    def refresh(self) -> None:
        jobs = self.model.jobs()
        self.pages.show_for(connected=self.controller.connection is not None, has_jobs=bool(jobs))
        if self.full_window.active and not self.pages.on_queue:
            self.full_window.set_active(False)
        self.status.show_counts(jobs, self.settings.cost_per_image)
        self.output_row.refresh()
        self.watch_row.refresh()
        self.toolbar.clear_finished.setEnabled(any(job.state in FINISHED for job in jobs))
        self._batch.show()

    def _tick(self) -> None:
        self.model.tick(self.view.shown_rows())
        self._batch.show()  # the time left moves on between events

    # --- input from everywhere -------------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt's name
        self.inputs.drag_entered(event)

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:  # noqa: N802
        self.inputs.drag_left()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        self.inputs.dropped(event)

    # --- queue -----------------------------------------------------------------------------------------

    def _toggle_running(self) -> None:
        if self.controller.paused is not None:
            self.controller.resume()
        else:
            self.controller.pause()

    def _clear_finished(self) -> None:
        ids = [job.id for job in self.model.jobs() if job.state in FINISHED]
        self._spawn(self.controller.remove(ids), "Clear finished")

    def _watch_changed(self, watching: bool, message: str) -> None:
        self.status.showMessage(message, 10_000)
        self.refresh()
        self.watching_changed.emit(watching)

    def _full_window_changed(self, active: bool) -> None:
        if active:
            self.status.showMessage(self.tr("Esc, F11 or a double-click: back to the queue"), 5000)

    # --- errors, state, closing ------------------------------------------------------------------------

    def show_error(self, text: str) -> None:
        self.status.showMessage(text, 15_000)

    def show_error_dialog(self, title: str, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def _spawn(self, coro: Coroutine[Any, Any, Any], what: str) -> None:
        self.keeper.spawn(coro, what)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        keep_on_screen(self)  # a geometry saved on a larger (or differently scaled) screen
        QTimer.singleShot(0, warm_up_painting)  # right after the first show, before any batch: once

    def _save_state(self) -> None:
        self.full_window.set_active(False)  # the queue's real width is what is kept
        self.saved_geometry.save()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self._save_state()
        event.ignore()  # the app closes us once the engine has stopped cleanly
        if self.controller.watch.watching and self.tray_available:
            self.hide()
            self.status.showMessage(self.tr("Still watching from the tray"), 5000)
            return  # keeps watching in the tray; its menu quits
        self.quit_confirmation.request(self.model.jobs())

    def request_quit(self) -> None:
        """Quit (Ctrl+Q, File > Quit): the same question as closing the window, even while watching."""
        self._save_state()
        self.quit_confirmation.request(self.model.jobs())

    def quit_now(self) -> None:
        """Quit: no create leaves from this moment; the engine then stops with every job kept."""
        self.controller.stop_creates()
        self.hide()
        self.close_requested.emit()
