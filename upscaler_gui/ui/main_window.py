"""The main window: layout and wiring. Behaviour lives in the controller and core.

Pages: the first-run panel (no key yet), the drop zone (empty queue), and the queue beside the
before/after view. Every dialog is opened with open() and answers through signals; nothing here
blocks the Qt thread.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDropEvent,
    QGuiApplication,
    QImage,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from upscaler_gui.core import settings as settings_store
from upscaler_gui.core.engine import PauseReason, QueueSummary
from upscaler_gui.core.jobs import FINISHED, Job, JobState
from upscaler_gui.core.settings import Settings
from upscaler_gui.core.sources import Rejected
from upscaler_gui.ui import desktop
from upscaler_gui.ui.compare import CompareView, load_pair
from upscaler_gui.ui.controller import Connection, EngineController, folder_path
from upscaler_gui.ui.drop import accepts, parse_mime
from upscaler_gui.ui.panels import DropZone, FirstRunPanel
from upscaler_gui.ui.queue_model import JobTableModel
from upscaler_gui.ui.queue_view import QueueView
from upscaler_gui.ui.resources import app_icon
from upscaler_gui.ui.status import StatusBar
from upscaler_gui.ui.tasks import TaskKeeper
from upscaler_gui.ui.thumbnails import ThumbnailCache

IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.webp *.PNG *.JPG *.JPEG *.WEBP);;All files (*)"
PAGE_FIRST_RUN, PAGE_DROP, PAGE_QUEUE = 0, 1, 2


def _b64(data: QByteArray) -> str:
    return base64.b64encode(bytes(data.data())).decode("ascii")


def _unb64(text: str) -> QByteArray:
    return QByteArray(base64.b64decode(text)) if text else QByteArray()


class MainWindow(QMainWindow):
    close_requested = Signal()  # the app shuts the engine down, then quits
    batch_finished = Signal(str)  # for the tray notification
    watching_changed = Signal(bool)

    def __init__(self, controller: EngineController, settings: Settings) -> None:
        super().__init__()
        self.controller, self.settings = controller, settings
        self.has_saved_key = False  # learnt off the Qt thread at start (a keyring may block)
        self.tray_available = False  # set by the tray: closing then hides to it while watching
        self.keeper = TaskKeeper(self.show_error)
        self.setWindowTitle(self.tr("Crisp Upscaler"))
        self.setWindowIcon(app_icon())
        self.setAcceptDrops(True)
        self.resize(1180, 720)
        self.thumbnails = ThumbnailCache(size=40, parent=self)
        self.model = JobTableModel(self.thumbnails, self)
        self._build_actions()
        self._build_toolbar()
        self._build_central()
        self.status = StatusBar(self)
        self.setStatusBar(self.status)
        self._wire_controller()
        self._ticker = QTimer(self)
        self._ticker.timeout.connect(self.model.tick)
        self._ticker.start(1000)
        self._restore_state()
        self.refresh()

    # --- building --------------------------------------------------------------------------------------

    def _build_actions(self) -> None:
        self.add_files_action = self._action(
            self.tr("Add files…"), self.choose_files, QKeySequence.StandardKey.Open
        )
        self.add_folder_action = self._action(self.tr("Add folder…"), self.choose_folder)
        self.add_link_action = self._action(self.tr("Add link…"), self.ask_link, QKeySequence("Ctrl+L"))
        self.start_action = self._action(self.tr("Pause"), self.toggle_running, QKeySequence("Ctrl+P"))
        self.clear_action = self._action(self.tr("Clear finished"), self.clear_finished)
        self.settings_action = self._action(
            self.tr("Settings…"), self.open_settings, QKeySequence.StandardKey.Preferences
        )
        self.paste_action = self._action(self.tr("Paste"), self.paste, QKeySequence.StandardKey.Paste)
        self.addAction(self.paste_action)

    def _action(
        self,
        text: str,
        slot: Callable[[], None],
        shortcut: QKeySequence | QKeySequence.StandardKey | None = None,
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        return action

    def _build_toolbar(self) -> None:
        bar = QToolBar(self.tr("Main"), self)
        bar.setObjectName("main-toolbar")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in (self.add_files_action, self.add_folder_action, self.add_link_action):
            bar.addAction(action)
        bar.addSeparator()
        bar.addAction(self.start_action)
        bar.addAction(self.clear_action)
        spacer = QWidget(bar)
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        bar.addWidget(spacer)
        bar.addAction(self.settings_action)
        self.addToolBar(bar)

    def _build_central(self) -> None:
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addLayout(self._output_row())
        layout.addLayout(self._watch_row())
        self.pages = QStackedWidget(central)
        self.first_run = FirstRunPanel(self.pages)
        self.drop_zone = DropZone(self.pages)
        self.view = QueueView(self.model, self.pages)
        self.compare = CompareView(self.pages)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self.pages)
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(self.compare)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([680, 480])
        for page in (self.first_run, self.drop_zone, self.splitter):
            self.pages.addWidget(page)
        layout.addWidget(self.pages, 1)
        self.setCentralWidget(central)
        self.first_run.key_entered.connect(self.use_key)
        self.first_run.demo_requested.connect(self.use_demo)
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._show_selected())
        actions = self.view.job_actions
        actions.retry_requested.connect(lambda ids: self._spawn(self.controller.retry(ids), "Retry"))
        actions.cancel_requested.connect(lambda ids: self._spawn(self.controller.cancel(ids), "Cancel"))
        actions.remove_requested.connect(lambda ids: self._spawn(self.controller.remove(ids), "Remove"))

    def _output_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Results go to:"), self))
        self.folder_label = QLabel(self)
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        change = QPushButton(self.tr("Change…"), self)
        change.clicked.connect(self.choose_output_folder)
        open_button = QPushButton(self.tr("Open folder"), self)
        open_button.clicked.connect(lambda: desktop.open_path(self._ensure_output_folder()))
        row.addWidget(self.folder_label, 1)
        row.addWidget(change)
        row.addWidget(open_button)
        return row

    def _watch_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.watch_box = QCheckBox(self.tr("Watch a folder:"), self)
        self.watch_box.setToolTip(self.tr("Images saved or copied into this folder are upscaled once each"))
        self.watch_label = QLabel(self)
        self.watch_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        choose = QPushButton(self.tr("Choose…"), self)
        choose.clicked.connect(self.choose_watch_folder)
        self.watch_box.clicked.connect(self.toggle_watching)
        row.addWidget(self.watch_box)
        row.addWidget(self.watch_label, 1)
        row.addWidget(choose)
        return row

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
        self.refresh()
        selected = self.view.selected_jobs()
        if len(selected) == 1 and selected[0].id == job.id and job.state == JobState.DONE:
            self._show_selected()

    def _job_removed(self, job_id: int) -> None:
        self.model.remove(job_id)
        self.refresh()

    def _paused(self, reason: PauseReason | None) -> None:
        self.status.show_pause(reason)
        self.start_action.setText(self.tr("Resume") if reason else self.tr("Pause"))

    def _drained(self, summary: QueueSummary) -> None:
        done, failed = summary.counts[JobState.DONE], summary.counts[JobState.FAILED]
        text = self.tr("Batch finished: {done} done, {failed} failed").format(done=done, failed=failed)
        self.status.showMessage(text, 10_000)
        self.batch_finished.emit(text)

    def _connection_changed(self, kind: str) -> None:
        self.status.show_connection(kind)
        self.refresh()

    def _rejected(self, rejected: list[Rejected]) -> None:
        """Many rejects give one summary line, never a storm of dialogs."""
        first = rejected[0]
        more = self.tr(" (and {n} more)").format(n=len(rejected) - 1) if len(rejected) > 1 else ""
        self.status.showMessage(f"{first.given}: {first.error}{more}", 15_000)

    def refresh(self) -> None:
        jobs = self.model.jobs()
        connected = self.controller.connection is not None
        self.pages.setCurrentIndex(PAGE_FIRST_RUN if not connected else PAGE_QUEUE if jobs else PAGE_DROP)
        self.status.show_counts(jobs, self.settings.cost_per_image)
        self.folder_label.setText(str(folder_path(self.settings)))
        self.watch_label.setText(self.settings.watch_dir or self.tr("(none chosen)"))
        self.watch_box.setChecked(self.controller.watch.watching)
        self.clear_action.setEnabled(any(job.state in FINISHED for job in jobs))

    # --- input from everywhere -------------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt's name
        # Copy only: accepting a proposed Move (Shift held) makes some file managers delete the original.
        if accepts(event.mimeData()) and event.possibleActions() & Qt.DropAction.CopyAction:
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
            self.drop_zone.set_hot(True)
        else:
            event.ignore()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:  # noqa: N802
        self.drop_zone.set_hot(False)

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        self.drop_zone.set_hot(False)
        payload = parse_mime(event.mimeData())  # now: the mime data dies with the drag
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
        self._take(payload.inputs, payload.images, payload.rejected)

    def paste(self) -> None:
        payload = parse_mime(QGuiApplication.clipboard().mimeData())
        self._take(payload.inputs, payload.images, payload.rejected)

    def _take(self, inputs: list[str], images: list[QImage], rejected: list[tuple[str, str]]) -> None:
        if rejected:
            self._rejected([Rejected(what, why) for what, why in rejected])
        if inputs or images:
            self._spawn(self.controller.add_inputs(inputs, images), "Adding images")

    def add_inputs(self, inputs: list[str]) -> None:
        """Inputs from the command line (`upscaler-gui FILE_OR_URL...`)."""
        self._take(inputs, [], [])

    def choose_files(self) -> None:
        dialog = QFileDialog(self, self.tr("Add images"), str(Path.home()), self.tr(IMAGE_FILTER))
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
        dialog.filesSelected.connect(lambda files: self._take(list(files), [], []))
        dialog.open()

    def choose_folder(self) -> None:
        dialog = QFileDialog(self, self.tr("Add a folder of images"), str(Path.home()))
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly)
        dialog.fileSelected.connect(lambda folder: self._take([folder], [], []))
        dialog.open()

    def ask_link(self) -> None:
        dialog = QInputDialog(self)
        dialog.setWindowTitle(self.tr("Add link"))
        dialog.setLabelText(self.tr("Image link (http or https), one or more per line:"))
        dialog.setOption(QInputDialog.InputDialogOption.UsePlainTextEditForTextInput)
        dialog.textValueSelected.connect(lambda text: self._take(text.split(), [], []))
        dialog.open()

    # --- queue -----------------------------------------------------------------------------------------

    def toggle_running(self) -> None:
        if self.controller.paused is not None:
            self.controller.resume()
        else:
            self.controller.pause()

    def clear_finished(self) -> None:
        ids = [job.id for job in self.model.jobs() if job.state in FINISHED]
        self._spawn(self.controller.remove(ids), "Clear finished")

    def _show_selected(self) -> None:
        jobs = self.view.selected_jobs()
        if len(jobs) != 1:
            self.compare.set_images(None, None)
            self.compare.set_message(self.tr("Select an image to compare before and after"))
            return
        job = jobs[0]
        self._spawn(self._load_compare(job), "Loading the comparison")

    async def _load_compare(self, job: Job) -> None:
        result = job.output_path if job.state == JobState.DONE else None
        before, after = await load_pair(job.source_path, result)
        current = self.view.selected_jobs()
        if len(current) == 1 and current[0].id == job.id:  # the user may have moved on meanwhile
            self.compare.set_images(before, after)
            if after is None:
                self.compare.set_message(self._no_result_text(job))

    def _no_result_text(self, job: Job) -> str:
        if job.state in (JobState.FAILED, JobState.UNKNOWN, JobState.CANCELLED, JobState.SKIPPED):
            return self.tr("No result: {reason}").format(reason=self.model.info_text(job))
        return self.tr("Result not ready yet")

    # --- watching a folder -------------------------------------------------------------------------------

    def toggle_watching(self) -> None:
        if self.controller.watch.watching:
            self._spawn(self.controller.watch.stop(), "Stop watching")
        elif self.settings.watch_dir:
            self._spawn(self.controller.start_watching(self.settings.watch_dir), "Watching")
        else:
            self.watch_box.setChecked(False)
            self.choose_watch_folder()

    def choose_watch_folder(self) -> None:
        dialog = QFileDialog(
            self, self.tr("Choose a folder to watch"), self.settings.watch_dir or str(Path.home())
        )
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly)
        dialog.fileSelected.connect(
            lambda folder: self._spawn(self.controller.start_watching(folder), "Watching")
        )
        dialog.open()

    def _watch_changed(self, watching: bool, message: str) -> None:
        self.watch_box.setChecked(watching)
        self.status.showMessage(message, 10_000)
        self.refresh()
        self.watching_changed.emit(watching)

    # --- output folder and settings --------------------------------------------------------------------

    def choose_output_folder(self) -> None:
        dialog = QFileDialog(self, self.tr("Choose the output folder"), str(folder_path(self.settings)))
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly)
        dialog.fileSelected.connect(self._set_output_folder)
        dialog.open()

    def _set_output_folder(self, folder: str) -> None:
        self.settings.output_dir = folder
        settings_store.save(self.settings)
        self.refresh()

    def _ensure_output_folder(self) -> Path:
        folder = folder_path(self.settings)
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def open_settings(self) -> None:
        from upscaler_gui.ui.settings_flow import open_settings_dialog

        open_settings_dialog(self)

    def use_key(self, key: str) -> None:
        from upscaler_gui.ui.settings_flow import save_key_and_connect

        self._spawn(save_key_and_connect(self, key), "Saving the key")

    def use_demo(self) -> None:
        self._spawn(self.controller.start_demo(), "Starting the offline demo")

    def connect_saved_key(self, key: str) -> None:
        connection = Connection(key, self.settings.api_base or None, self.settings.upload_base or None)
        self._spawn(self.controller.connect_kie(connection), "Connecting")

    # --- errors, state, closing ------------------------------------------------------------------------

    def show_error(self, text: str) -> None:
        self.status.showMessage(text, 15_000)

    def show_error_dialog(self, title: str, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def _spawn(self, coro: Coroutine[Any, Any, Any], what: str) -> None:
        self.keeper.spawn(coro, what)

    def _restore_state(self) -> None:
        if self.settings.ui_geometry:
            self.restoreGeometry(_unb64(self.settings.ui_geometry))
        if self.settings.ui_splitter:
            self.splitter.restoreState(_unb64(self.settings.ui_splitter))
        if self.settings.ui_header:
            self.view.horizontalHeader().restoreState(_unb64(self.settings.ui_header))

    def save_state(self) -> None:
        self.settings.ui_geometry = _b64(self.saveGeometry())
        self.settings.ui_splitter = _b64(self.splitter.saveState())
        self.settings.ui_header = _b64(self.view.horizontalHeader().saveState())
        settings_store.save(self.settings)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.save_state()
        event.ignore()  # the app closes us once the engine has stopped cleanly
        self.hide()
        if self.controller.watch.watching and self.tray_available:
            self.status.showMessage(self.tr("Still watching from the tray"), 5000)
            return  # keeps watching in the tray; its menu quits
        self.close_requested.emit()
