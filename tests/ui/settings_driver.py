"""A page object for the Settings dialog: tests say what a user does (type a key, choose a format, press
OK) and read what the dialog shows, by each control's object name, never by the dialog's private parts.
"""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QDoubleSpinBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)
from pytestqt.qtbot import QtBot

from upscaler_gui.core.settings import KeySource, Settings
from upscaler_gui.ui.settings.dialog import SettingsDialog, env_key_is_set

W = TypeVar("W", bound=QWidget)


class SettingsDialogDriver:
    """Drives one open SettingsDialog as a user does: typing, clicking, choosing."""

    def __init__(self, qtbot: QtBot, dialog: SettingsDialog) -> None:
        self.qtbot = qtbot
        self.dialog = dialog

    @classmethod
    def open(
        cls,
        qtbot: QtBot,
        settings: Settings | None = None,
        *,
        has_saved_key: bool = False,
        env: bool | None = False,
        source: KeySource | None = None,
    ) -> SettingsDialogDriver:
        """A dialog opened as the window opens it, told where the key comes from: `source`, or else
        KIE_API_KEY when `env` (`env=None`: when the environment has it, as the app reads it), else the
        keyring when `has_saved_key`."""
        if source is None:
            if env or (env is None and env_key_is_set()):
                source = KeySource.ENVIRONMENT
            elif has_saved_key:
                source = KeySource.KEYRING
        dialog = SettingsDialog(settings or Settings(), key_source=source)
        qtbot.addWidget(dialog)
        dialog.open()
        return cls(qtbot, dialog)

    def control(self, kind: type[W], name: str) -> W:
        found = self.dialog.findChild(kind, name)
        assert found is not None, f"the dialog has no {kind.__name__} named {name!r}"
        return found

    # --- the controls, by what a user sees -------------------------------------------------------------

    @property
    def key_field(self) -> QLineEdit:
        return self.control(QLineEdit, "api-key")

    @property
    def show_key_button(self) -> QPushButton:
        return self.control(QPushButton, "show-key")

    @property
    def test_key_button(self) -> QPushButton:
        return self.control(QPushButton, "test-key")

    @property
    def key_link(self) -> QLabel:
        return self.control(QLabel, "key-link")

    @property
    def remove_key_button(self) -> QPushButton:
        return self.control(QPushButton, "remove-saved-key")

    @property
    def key_status(self) -> QLabel:
        return self.control(QLabel, "key-status")

    @property
    def key_source(self) -> QLabel:
        """Where the key in effect comes from: the keyring, the key file, KIE_API_KEY or this session."""
        return self.control(QLabel, "key-source")

    @property
    def folder_field(self) -> QLineEdit:
        return self.control(QLineEdit, "output-folder")

    @property
    def choose_folder_button(self) -> QPushButton:
        return self.control(QPushButton, "choose-folder")

    @property
    def template_field(self) -> QLineEdit:
        return self.control(QLineEdit, "naming-template")

    @property
    def example(self) -> QLabel:
        return self.control(QLabel, "naming-example")

    @property
    def conflict_combo(self) -> QComboBox:
        return self.control(QComboBox, "if-file-exists")

    @property
    def conflict_note(self) -> QLabel:
        return self.control(QLabel, "if-file-exists-note")

    @property
    def format_combo(self) -> QComboBox:
        return self.control(QComboBox, "output-format")

    @property
    def quality_spin(self) -> QSpinBox:
        return self.control(QSpinBox, "quality")

    @property
    def metadata_check(self) -> QCheckBox:
        return self.control(QCheckBox, "keep-metadata")

    @property
    def keep_tree_check(self) -> QCheckBox:
        return self.control(QCheckBox, "keep-tree")

    @property
    def fit_check(self) -> QCheckBox:
        return self.control(QCheckBox, "fit-to-limit")

    @property
    def fit_pixels_check(self) -> QCheckBox:
        return self.control(QCheckBox, "fit-pixels")

    @property
    def concurrency_spin(self) -> QSpinBox:
        return self.control(QSpinBox, "concurrency")

    @property
    def cost_spin(self) -> QDoubleSpinBox:
        return self.control(QDoubleSpinBox, "cost-per-image")

    @property
    def auto_start_check(self) -> QCheckBox:
        return self.control(QCheckBox, "auto-start")

    @property
    def batch_budget_spin(self) -> QDoubleSpinBox:
        return self.control(QDoubleSpinBox, "batch-budget")

    @property
    def daily_budget_spin(self) -> QDoubleSpinBox:
        return self.control(QDoubleSpinBox, "daily-budget")

    @property
    def confirm_over_spin(self) -> QDoubleSpinBox:
        return self.control(QDoubleSpinBox, "confirm-over")

    @property
    def language_combo(self) -> QComboBox:
        return self.control(QComboBox, "language")

    @property
    def ok_button(self) -> QPushButton:
        return self._standard_button(QDialogButtonBox.StandardButton.Ok)

    @property
    def cancel_button(self) -> QPushButton:
        return self._standard_button(QDialogButtonBox.StandardButton.Cancel)

    # --- what a user does ------------------------------------------------------------------------------

    def type_key(self, text: str) -> None:
        """Typed as keys, so textEdited fires as it does for a user ("\\b" is Backspace)."""
        self.key_field.setFocus()
        self.qtbot.keyClicks(self.key_field, text)

    def set_folder(self, text: str) -> None:
        self._retype(self.folder_field, text)

    def set_template(self, text: str) -> None:
        self._retype(self.template_field, text)

    def choose_conflict(self, policy: str) -> None:
        self._choose(self.conflict_combo, policy)

    def choose_format(self, fmt: str) -> None:
        self._choose(self.format_combo, fmt)

    def choose_language(self, code: str) -> None:
        self._choose(self.language_combo, code)

    def set_quality(self, value: int) -> None:
        self.quality_spin.setValue(value)

    def set_concurrency(self, value: int) -> None:
        self.concurrency_spin.setValue(value)

    def set_cost(self, value: float) -> None:
        self.cost_spin.setValue(value)

    def set_keep_metadata(self, on: bool) -> None:
        self._tick(self.metadata_check, on)

    def set_keep_tree(self, on: bool) -> None:
        self._tick(self.keep_tree_check, on)

    def set_fit(self, on: bool) -> None:
        self._tick(self.fit_check, on)

    def set_fit_pixels(self, on: bool) -> None:
        self._tick(self.fit_pixels_check, on)

    def set_auto_start(self, on: bool) -> None:
        self._tick(self.auto_start_check, on)

    def press_show_key(self) -> None:
        self.show_key_button.click()

    def press_test_key(self) -> None:
        self.test_key_button.click()

    def press_remove_key(self) -> None:
        self.remove_key_button.click()

    def press_choose_folder(self) -> None:
        self.choose_folder_button.click()

    def press_save(self) -> None:
        """OK: the dialog saves (emits `saved`) and closes, if the form is valid."""
        self.ok_button.click()

    def press_cancel(self) -> None:
        self.cancel_button.click()

    def press_key_in(self, widget: QWidget, key: Qt.Key) -> None:
        self.qtbot.keyClick(widget, key)

    # --- helpers ---------------------------------------------------------------------------------------

    def _retype(self, field: QLineEdit, text: str) -> None:
        """Select what the field holds and type over it, as a user replaces a field's text."""
        field.setFocus()
        field.selectAll()
        if text:
            self.qtbot.keyClicks(field, text)
        else:
            self.qtbot.keyClick(field, Qt.Key.Key_Backspace)
        assert field.text() == text

    @staticmethod
    def _choose(combo: QComboBox, value: str) -> None:
        index = combo.findData(value)
        assert index >= 0, f"{combo.objectName()} offers no {value!r}"
        combo.setCurrentIndex(index)

    @staticmethod
    def _tick(box: QAbstractButton, on: bool) -> None:
        if box.isChecked() != on:
            box.click()

    def _standard_button(self, which: QDialogButtonBox.StandardButton) -> QPushButton:
        buttons = self.control(QDialogButtonBox, "")
        button = buttons.button(which)
        assert button is not None
        return button
