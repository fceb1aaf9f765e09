"""The Settings dialog's KIE account group: the API key field, its test, and what the dialog says about it.

The field never shows a saved or environment key, only whether one is there and where it comes from (the
keyring, the key file, KIE_API_KEY, or this session); a typed key is shown only after the user presses
"Show". Testing is asked for through `request_test`, and the answer comes back
through `show_test_result`. Texts are translated in the dialog's context ("SettingsDialog").
"""

from __future__ import annotations

import os
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from upscaler_gui.core.constants import ENV_API_KEY
from upscaler_gui.core.key_file import key_file_path
from upscaler_gui.core.settings import KeySource
from upscaler_gui.ui.settings.form import add_field, named, new_group, note, row, set_tone
from upscaler_gui.ui.settings.key_check import KEY_PAGE

translate = QCoreApplication.translate  # literal contexts below: lupdate reads them


def env_key_is_set() -> bool:
    return bool(os.environ.get(ENV_API_KEY, "").strip())


class KeyRow:
    """The key field with Show and Test, the link to get a key, "Remove saved key", and a status line."""

    def __init__(
        self,
        dialog: QWidget,
        *,
        source: KeySource | None,
        request_test: Callable[[str], None],
        relayout: Callable[[], None],
    ) -> None:
        self._dialog = dialog
        self._source = source
        self._has_saved_key = source in (KeySource.KEYRING, KeySource.FILE, KeySource.SESSION)
        self._env_key = source is KeySource.ENVIRONMENT
        self._request_test = request_test
        self._relayout = relayout
        self._forget_key = False  # "Remove saved key" was pressed
        self._testing = False  # a key test is out; its answer is welcome
        self._status_error = False
        self.box, self.form = new_group(translate("SettingsDialog", "KIE account"), dialog)
        self._build(self.box)

    # --- what the dialog reads and calls ---------------------------------------------------------------

    def new_key(self) -> str | None:
        """The key to save: None leaves the saved one alone, "" removes it."""
        if self._env_key:
            return None
        typed = self.key_edit.text().strip()
        if typed:
            return typed
        return "" if self._forget_key else None

    def tab_chain(self) -> list[QWidget]:
        return [self.key_edit, self.show_key_button, self.test_button, self.key_link, self.forget_button]

    def show_state(self) -> None:
        """The key field never shows a saved or environment key: only whether one is there."""
        if self._env_key:
            self.key_edit.setReadOnly(True)
            self.key_edit.setPlaceholderText(translate("SettingsDialog", "Set by KIE_API_KEY"))
            self.show_key_button.setEnabled(False)
        elif self._has_saved_key and not self._forget_key:
            if self._source is KeySource.SESSION:
                self.key_edit.setPlaceholderText(translate("SettingsDialog", "•••••••• (this session)"))
            else:
                self.key_edit.setPlaceholderText(translate("SettingsDialog", "•••••••• (saved)"))
        else:
            self.key_edit.setPlaceholderText(translate("SettingsDialog", "Paste your KIE API key"))
        self._update_buttons()
        self._set_status(
            translate("SettingsDialog", "Test key asks KIE for your credit balance; it costs nothing.")
        )

    def show_test_result(self, ok: bool, text: str) -> None:
        """The answer to a test; ignored when no test is out (the dialog was closed since)."""
        if not self._testing:
            return
        self._end_test()
        self._set_status(text, error=not ok)

    def drop_test(self) -> None:
        """The dialog closes: an answer that arrives later is dropped, and the status says no test is out."""
        if self._testing:
            self._end_test()
            self.show_state()  # "Asking KIE…" is not what a reopened dialog shows

    def recolour(self) -> None:
        set_tone(self.key_status, self._dialog.palette(), error=self._status_error)

    # --- building --------------------------------------------------------------------------------------

    def _build(self, box: QGroupBox) -> None:
        self.key_edit = named(QLineEdit(box), "api-key")
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_edit.textEdited.connect(self._key_edited)
        self.show_key_button = named(QPushButton(translate("SettingsDialog", "S&how"), box), "show-key")
        self.show_key_button.setCheckable(True)
        self.show_key_button.toggled.connect(self._toggle_key_visible)
        self.test_button = named(QPushButton(translate("SettingsDialog", "&Test key"), box), "test-key")
        self.test_button.clicked.connect(self._start_test)
        add_field(
            self.form,
            translate("SettingsDialog", "API &key:"),
            self.key_edit,
            self.show_key_button,
            self.test_button,
        )
        # Not wrapped: a wrapped label keeps the height it needs at the dialog's narrowest width.
        self.source_note = named(note(self._source_text(), box), "key-source")
        self.source_note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)  # the path
        self.form.addRow("", self.source_note)
        self.form.addRow("", self._links_row(box))
        self.key_status = named(QLabel(box), "key-status")
        self.key_status.setWordWrap(True)  # KIE's refusals can be two sentences
        self.form.addRow("", self.key_status)

    def _links_row(self, box: QGroupBox) -> QHBoxLayout:
        link_text = translate("SettingsDialog", "Get a key on kie.ai")  # lupdate reads no f-string
        self.key_link = named(QLabel(f'<a href="{KEY_PAGE}">{link_text}</a>', box), "key-link")
        self.key_link.setOpenExternalLinks(False)  # opened by us, and only on a click
        self.key_link.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)  # Tab reaches it
        self.key_link.linkActivated.connect(_open_link)
        forget_text = (
            translate("SettingsDialog", "&Forget the key")
            if self._source is KeySource.SESSION
            else translate("SettingsDialog", "&Remove saved key")
        )
        self.forget_button = named(QPushButton(forget_text, box), "remove-saved-key")
        self.forget_button.clicked.connect(self._forget_saved_key)
        self.forget_button.setVisible(self._has_saved_key and not self._env_key)
        links = row(self.key_link, stretch=True)
        links.addWidget(self.forget_button)
        return links

    def _source_text(self) -> str:
        """Where the key in effect comes from, in the user's words."""
        if self._source is KeySource.ENVIRONMENT:
            return translate(
                "SettingsDialog", "Using KIE_API_KEY from the environment; it wins over the saved key."
            )
        if self._source is KeySource.KEYRING:
            return translate("SettingsDialog", "The key is saved in the system keyring.")
        if self._source is KeySource.FILE:
            text = translate(
                "SettingsDialog", "The key is saved in a file only you can read (no system keyring):"
            )
            return f"{text}\n{key_file_path()}"  # the path on a line of its own: never wrapped mid-name
        if self._source is KeySource.SESSION:
            return translate(
                "SettingsDialog", "The key is kept for this session only: it is not saved anywhere."
            )
        return translate("SettingsDialog", "No key is saved yet.")

    # --- state -----------------------------------------------------------------------------------------

    def _update_buttons(self) -> None:
        has_key = (
            bool(self.key_edit.text().strip())
            or self._env_key
            or (self._has_saved_key and not self._forget_key)
        )
        self.test_button.setEnabled(has_key and not self._testing)
        self.forget_button.setEnabled(not self._forget_key)

    def _set_status(self, text: str, *, error: bool = False) -> None:
        self.key_status.setText(text)
        self._status_error = error
        set_tone(self.key_status, self._dialog.palette(), error=error)
        self._relayout()

    def _key_edited(self) -> None:
        if not self._testing:  # a result shown for the previous text would now mislead
            self.show_state()
        self._update_buttons()

    def _toggle_key_visible(self, visible: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if visible else QLineEdit.EchoMode.Password
        self.key_edit.setEchoMode(mode)
        self.show_key_button.setText(
            translate("SettingsDialog", "&Hide") if visible else translate("SettingsDialog", "S&how")
        )

    def _forget_saved_key(self) -> None:
        self._forget_key = True
        self.key_edit.clear()
        self.show_state()
        self._set_status(translate("SettingsDialog", "The saved key will be removed when you press OK."))

    def _start_test(self) -> None:
        self._testing = True
        self.test_button.setText(translate("SettingsDialog", "Testing…"))
        self._update_buttons()
        self._set_status(translate("SettingsDialog", "Asking KIE…"))
        self._request_test(self.key_edit.text().strip())

    def _end_test(self) -> None:
        self._testing = False
        self.test_button.setText(translate("SettingsDialog", "&Test key"))
        self._update_buttons()


def _open_link(url: str) -> None:
    QDesktopServices.openUrl(QUrl(url))
