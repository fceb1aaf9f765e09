"""Where a key goes when the system has no keyring: the user's choice, as `gh` offers it.

A key that tested good is never dropped: the question offers a file only the user can read (stored
unencrypted, and the box says so) or this session only. The box is opened with open() and answered
through a future, so the settings flow can await it without blocking the window; closing the box
(Esc) keeps the key for this session, the choice that writes nothing.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QAbstractButton, QMessageBox, QWidget

from upscaler_gui.core.settings import KeySource

translate = QCoreApplication.translate  # literal contexts below: lupdate reads them


class KeyStorageQuestion:
    """ "No keyring: save the key in a file, or keep it for this session?"; `answer` says which."""

    def __init__(self, parent: QWidget | None, path: Path, cause: str) -> None:
        """`cause`: why the keyring cannot keep it, one sentence (KeyringUnavailableError's)."""
        self.answer: asyncio.Future[KeySource] = asyncio.get_running_loop().create_future()
        title = translate("KeyStorage", "No system keyring")
        self.box = QMessageBox(QMessageBox.Icon.Warning, title, cause, parent=parent)
        self.box.setObjectName("key-storage-question")
        details = translate(
            "KeyStorage",
            "Save the key in {path}, a file only you can read? It is stored there unencrypted: anyone who "
            "can read your files or your backups can spend your KIE credits with it.\n\n"
            "Or keep it for this session only: nothing is written, and you enter it again at the next "
            "start.",
        )
        self.box.setInformativeText(details.format(path=path))
        self.save_button = self.box.addButton(
            translate("KeyStorage", "Save in a file"), QMessageBox.ButtonRole.AcceptRole
        )
        self.save_button.setObjectName("save-key-in-file")
        self.session_button = self.box.addButton(
            translate("KeyStorage", "This session only"), QMessageBox.ButtonRole.RejectRole
        )
        self.session_button.setObjectName("keep-key-for-session")
        self.box.setDefaultButton(self.session_button)  # Enter writes nothing by accident
        self.box.setEscapeButton(self.session_button)
        self.box.setWindowModality(Qt.WindowModality.WindowModal)
        self.box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.box.buttonClicked.connect(self._clicked)
        self.box.finished.connect(lambda _result: self._settle(KeySource.SESSION))

    def open(self) -> asyncio.Future[KeySource]:
        self.box.open()
        return self.answer

    def _clicked(self, button: QAbstractButton) -> None:
        self._settle(KeySource.FILE if button is self.save_button else KeySource.SESSION)

    def _settle(self, choice: KeySource) -> None:
        if not self.answer.done():
            self.answer.set_result(choice)


async def ask_where_to_keep(parent: QWidget | None, path: Path, cause: str) -> KeySource:
    """FILE or SESSION, as the user answers; the window stays responsive meanwhile."""
    return await KeyStorageQuestion(parent, path, cause).open()
