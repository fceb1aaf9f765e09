"""What happens around the Settings dialog and the first-run key: testing, saving, reconnecting.

All of it is awaited off the dialog (which only emits signals) in tasks of the window's keeper, so the
window never blocks; what the window shows comes out as signals.
"""

from __future__ import annotations

from dataclasses import fields
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QWidget

from upscaler_gui.core import settings as settings_store
from upscaler_gui.core.connection import Connection
from upscaler_gui.core.errors import KeyringUnavailableError, UpscalerError
from upscaler_gui.core.key_file import key_file_path
from upscaler_gui.core.settings import FoundKey, KeySource, Settings
from upscaler_gui.ui.bridge.controller import EngineController
from upscaler_gui.ui.bridge.tasks import WindowTasks
from upscaler_gui.ui.settings import key_check
from upscaler_gui.ui.settings.key_storage import ask_where_to_keep

if TYPE_CHECKING:
    from upscaler_gui.ui.settings.dialog import SettingsDialog

# Settings that need the engine reopened to take effect.
RECONNECT_FIELDS = ("concurrency", "api_base", "upload_base", "callback_url", "cost_per_image")
BUDGET_FIELDS = ("batch_credits", "daily_credits")  # applied to the running engine, no reconnect


class SettingsFlow(QObject):
    """Opens the Settings dialog (with open()), saves what it says, reconnects when that needs it."""

    message = Signal(str)  # a line for the status bar
    key_refused = Signal(str)  # the first-run key was not accepted: why
    settings_changed = Signal(object)  # list[str]: the names of the settings that changed (saved)

    def __init__(
        self, settings: Settings, controller: EngineController, keeper: WindowTasks, window: QWidget
    ) -> None:
        super().__init__(window)
        self._settings, self._controller, self._keeper, self._window = settings, controller, keeper, window
        self.key_source: KeySource | None = None  # learnt off the Qt thread at start (a keyring may block)

    @property
    def has_saved_key(self) -> bool:
        """A key is in effect that the user gave this app (not KIE_API_KEY's)."""
        return self.key_source not in (None, KeySource.ENVIRONMENT)

    def open_dialog(self) -> None:
        from upscaler_gui.ui.settings.dialog import SettingsDialog  # at first use: ~8 ms off the start

        dialog = SettingsDialog(self._settings, key_source=self.key_source, parent=self._window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(lambda new, key: self._keeper.spawn(self.apply(new, key), "Saving settings"))
        dialog.test_key_requested.connect(
            lambda key: self._keeper.spawn(self._test_for_dialog(dialog, key), "Testing the key")
        )
        dialog.open()

    def use_key(self, key: str) -> None:
        """The first-run panel's key."""
        self._keeper.spawn(self.save_key_and_connect(key), "Saving the key")

    async def _test_for_dialog(self, dialog: SettingsDialog, key: str) -> None:
        key = key or await key_check.key_in_effect_off_thread() or ""
        ok, text = await key_check.check_key(key, api_base=self._settings.api_base or None)
        if shiboken6.isValid(dialog):  # the user may have closed it meanwhile
            dialog.show_key_test_result(ok, text)

    async def apply(self, new: Settings, key: str | None) -> None:
        """The dialog's OK: `new` settings saved, `key` saved unless None; the engine reopened if needed."""
        changed = self._take(new)
        if key:
            await self.keep_key(key)
        elif key == "":  # "Remove saved key"
            await key_check.save_key_off_thread("")
            await self.load_key(announce=False)
        if any(name in BUDGET_FIELDS for name in changed):
            self._controller.apply_budget()
        if "language" in changed:
            self.message.emit(self.tr("The language changes at the next start."))
        connection = self._controller.connection
        needs_reconnect = key is not None or any(name in RECONNECT_FIELDS for name in changed)
        if needs_reconnect and not (connection and connection.demo):
            await self.reconnect()
        self.settings_changed.emit(changed)

    def _take(self, new: Settings) -> list[str]:
        """Copy the dialog's settings in and save them; the names of those that changed."""
        changed = []
        for name in (field.name for field in fields(Settings)):
            if name.startswith("ui_"):
                continue  # the window's own state is not the dialog's to change
            if getattr(self._settings, name) != getattr(new, name):
                setattr(self._settings, name, getattr(new, name))
                changed.append(name)
        settings_store.save(self._settings)
        return changed

    async def reconnect(self) -> None:
        """Reopen the engine with the key in effect now (jobs kept); none: back to the first-run panel."""
        key = await key_check.key_in_effect_off_thread()
        if key:
            await self._controller.connect_kie(self._connection(key))
        else:
            await self._controller.close()

    async def save_key_and_connect(self, key: str) -> None:
        """The first-run key: tested first (a refused key is not saved), then saved and used."""
        ok, text = await key_check.check_key(key, api_base=self._settings.api_base or None)
        if not ok:
            self.key_refused.emit(text)
            return
        await self.keep_key(key)
        await self._controller.connect_kie(self._connection(key))

    # --- where the key is kept -----------------------------------------------------------------------

    async def load_key(self, *, announce: bool = True) -> FoundKey | None:
        """The key in effect at start, and where it comes from; said when it is not the keyring's."""
        found = await key_check.find_key_off_thread()
        self.key_source = found.source if found else None
        if announce and found and found.source is KeySource.FILE:
            text = self.tr("Using the API key saved in {path} (there is no system keyring).")
            self.message.emit(text.format(path=key_file_path()))
        elif announce and found and found.source is KeySource.ENVIRONMENT:
            self.message.emit(self.tr("Using the API key from KIE_API_KEY."))
        return found

    async def keep_key(self, key: str) -> None:
        """In the keyring; where there is none, in the file or for this session, as the user chooses.
        Never dropped: a file that cannot be written leaves the key for this session."""
        try:
            await key_check.save_key_off_thread(key)
            self.key_source = KeySource.KEYRING
            return
        except KeyringUnavailableError as exc:
            choice = await ask_where_to_keep(self._window, key_file_path(), exc.user_text())
        problem = ""
        if choice is KeySource.FILE:
            try:
                path = await key_check.save_key_to_file_off_thread(key)
            except UpscalerError as exc:
                problem = exc.user_text() + " "
            else:
                self.key_source = KeySource.FILE
                saved = self.tr("The key is saved in {path}, readable only by you.")
                self.message.emit(saved.format(path=path))
                return
        settings_store.keep_api_key_for_session(key)
        self.key_source = KeySource.SESSION
        session = self.tr("The key is used for this session only: enter it again at the next start.")
        self.message.emit(problem + session)

    def _connection(self, key: str) -> Connection:
        s = self._settings
        return Connection(key, s.api_base or None, s.upload_base or None)
