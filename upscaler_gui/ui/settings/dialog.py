"""The Settings dialog: opened with `open()` (a window-modal sheet) and answered through signals.

It never blocks the Qt thread and never runs async code itself (DESIGN.md: no `exec()` inside an async
slot). It does not read the keyring: its opener says where the key in effect comes from. It does not
call KIE: it emits `test_key_requested` and shows what its opener passes to `show_key_test_result`.
A typed key is never logged or printed, and shown only after the user presses "Show"; a saved or
environment key is never shown at all. `flow.SettingsFlow` opens it:

    dialog = SettingsDialog(settings, key_source=KeySource.KEYRING, parent=window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # one dialog per opening
    dialog.saved.connect(...)               # (Settings, new key or None): saved in a task
    dialog.test_key_requested.connect(...)  # tested in a task, then dialog.show_key_test_result(ok, text)
    dialog.open()

This is the shell: the groups are built in `key_row`, `results` and `groups` from the pieces in `form`;
their texts keep this dialog's translation context.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from pathlib import Path

import shiboken6
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from upscaler_gui.core.constants import TITLE_BAR_ALLOWANCE_PX
from upscaler_gui.core.settings import KeySource, Settings
from upscaler_gui.ui.settings.form import align_label_columns, error_color
from upscaler_gui.ui.settings.groups import AppearanceGroup, QueueGroup
from upscaler_gui.ui.settings.key_row import KeyRow, env_key_is_set
from upscaler_gui.ui.settings.results import ResultsGroup
from upscaler_gui.ui.settings.spending_group import SpendingGroup

__all__ = ["SettingsDialog", "env_key_is_set", "error_color"]


class SettingsDialog(QDialog):
    """Every user setting on one page; OK emits `saved`, Cancel emits nothing."""

    #: (Settings, new_key): new_key is None when the key was left alone, "" when the user removed it.
    saved = Signal(object, object)
    #: the typed key, or "" for the key in effect (saved or KIE_API_KEY); answer: show_key_test_result.
    test_key_requested = Signal(str)

    def __init__(
        self,
        settings: Settings,
        *,
        key_source: KeySource | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self.setWindowTitle(self.tr("Settings"))
        form = self._form = QWidget(self)
        layout = self._layout = QVBoxLayout(form)
        layout.setContentsMargins(0, 0, 0, 0)
        self._key_row = KeyRow(
            self,
            source=key_source,
            request_test=self.test_key_requested.emit,
            relayout=self._fit_height,
        )
        self._results = ResultsGroup(self, set_valid=self._set_valid, relayout=self._fit_height)
        self._queue = QueueGroup(self)
        self._spending = SpendingGroup(self)
        self._appearance = AppearanceGroup(self)
        groups = (self._key_row, self._results, self._queue, self._spending, self._appearance)
        for group in groups:
            layout.addWidget(group.box)
        layout.addStretch(1)  # a taller window gives its extra room here, not between the rows
        align_label_columns([group.form for group in groups])
        self._scroll = self._scrolled(form)
        outer = self._outer = QVBoxLayout(self)
        outer.addWidget(self._scroll, 1)
        outer.addWidget(self._button_box())  # under the scrolled form: OK and Cancel always in sight
        self._show_settings(settings)
        self._set_tab_order()

    # --- what the window reads and calls --------------------------------------------------------------

    def current_settings(self) -> Settings:
        """The settings as the form shows them; fields without a control keep their values."""
        results, queue = self._results, self._queue
        folder = results.folder_edit.text().strip()
        return replace(
            self._spending.read(self._settings),
            output_dir=str(Path(folder).expanduser()) if folder else "",
            template=results.template_edit.text().strip(),
            on_conflict=str(results.conflict_combo.currentData()),
            output_format=str(results.format_combo.currentData()),
            quality=results.quality_spin.value(),
            keep_metadata=results.metadata_check.isChecked(),
            fit_to_limit=results.fit_check.isChecked(),
            fit_pixels=results.fit_pixels_check.isChecked(),
            keep_tree=results.tree_check.isChecked(),
            concurrency=queue.concurrency_spin.value(),
            cost_per_image=round(queue.cost_spin.value(), 2),
            auto_start=queue.auto_start_check.isChecked(),
            language=str(self._appearance.language_combo.currentData()),
        )

    def new_key(self) -> str | None:
        """The key to save: None leaves the saved one alone, "" removes it."""
        return self._key_row.new_key()

    def is_valid(self) -> bool:
        return self._ok_button.isEnabled()

    def show_key_test_result(self, ok: bool, text: str) -> None:
        """The answer to `test_key_requested`; ignored when the dialog was closed (or deleted) since."""
        if not shiboken6.isValid(self):
            return
        self._key_row.show_test_result(ok, text)

    def accept(self) -> None:
        if not self.is_valid():  # Enter on an invalid form: OK is disabled, and so is this
            return
        self.saved.emit(self.current_settings(), self.new_key())
        super().accept()

    def done(self, result: int) -> None:
        self._key_row.drop_test()  # an answer that arrives after closing is dropped
        super().done(result)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        # The error red depends on the palette: recolour when the system switches light/dark.
        recolour = event.type() in (QEvent.Type.PaletteChange, QEvent.Type.StyleChange)
        if recolour and hasattr(self, "_ok_button"):  # not while the form is still being built
            self._results.refresh_template()
            self._key_row.recolour()
        super().changeEvent(event)

    # --- building --------------------------------------------------------------------------------------

    def _button_box(self) -> QDialogButtonBox:
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self._ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self._ok_button.setDefault(True)
        # Enter means OK from any field; the other buttons answer Space when they have focus.
        for button in self.findChildren(QPushButton):
            if button is not self._ok_button:
                button.setAutoDefault(False)
        return buttons

    def _set_tab_order(self) -> None:
        chain: list[QWidget] = [
            *self._key_row.tab_chain(),
            *self._results.tab_chain(),
            *self._queue.tab_chain(),
            *self._spending.tab_chain(),
            *self._appearance.tab_chain(),
        ]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _show_settings(self, settings: Settings) -> None:
        self._key_row.show_state()
        self._results.show(settings)
        self._queue.show(settings)
        self._spending.show(settings)
        self._appearance.show(settings)
        self._results.format_changed()

    def _set_valid(self, valid: bool) -> None:
        self._ok_button.setEnabled(valid)

    # --- size ---------------------------------------------------------------------------------------------

    def _scrolled(self, form: QWidget) -> QScrollArea:
        """The form in a scroll area: about 930 pixels of settings still fit an 800 x 600 screen."""
        scroll = QScrollArea(self)
        scroll.setWidget(form)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes field to field; it scrolls to each
        # As wide as the form needs with the vertical bar shown; as short as a screen may need.
        bar = scroll.verticalScrollBar().sizeHint().width()
        scroll.setMinimumWidth(form.minimumSizeHint().width() + bar)
        scroll.setMinimumHeight(self._key_row.box.sizeHint().height())
        return scroll

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        self._fit_height()
        super().showEvent(event)

    def _fit_height(self) -> None:
        """As tall as the whole form at this width, so nothing scrolls, when the screen has the room;
        otherwise as tall as the screen allows, the form scrolling and OK and Cancel under it.

        Qt's size hint for a scroll area is a fixed guess, and its minimum for a top-level window
        ignores height-for-width (wrapped labels): the height is worked out here.
        """
        form = self._form
        width = max(self._scroll.viewport().width(), form.minimumSizeHint().width())
        chrome = self._outer.totalSizeHint().height() - self._scroll.sizeHint().height()
        wanted = form.heightForWidth(width) + chrome
        room = self._screen_room()
        height = min(wanted, room) if room > 0 else wanted
        if height > self.height():
            self.resize(self.width(), height)

    def _screen_room(self) -> int:
        """The height free for this window on its screen, less its frame (a title bar's guess until shown)."""
        parent = self.parentWidget()
        screen = parent.screen() if parent is not None else self.screen()
        if screen is None:
            return 0
        frame = self.frameGeometry().height() - self.height() if self.isVisible() else 0
        return screen.availableGeometry().height() - max(frame, TITLE_BAR_ALLOWANCE_PX)
