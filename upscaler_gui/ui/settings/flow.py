"""What happens around the Settings dialog and the first-run key: testing, saving, reconnecting.

All of it is awaited off the dialog (which only emits signals), so the window never blocks.
"""

from __future__ import annotations

from dataclasses import fields
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QCoreApplication, Qt

from upscaler_gui.core import settings as settings_store
from upscaler_gui.core.errors import UpscalerError
from upscaler_gui.core.settings import Settings
from upscaler_gui.ui.bridge.controller import Connection
from upscaler_gui.ui.settings import key_check
from upscaler_gui.ui.settings.dialog import SettingsDialog

if TYPE_CHECKING:
    from upscaler_gui.ui.window.main_window import MainWindow

# Settings that need the engine reopened to take effect.
RECONNECT_FIELDS = ("concurrency", "api_base", "upload_base", "callback_url", "cost_per_image")


def open_settings_dialog(window: MainWindow) -> None:
    dialog = SettingsDialog(window.settings, has_saved_key=window.has_saved_key, parent=window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.saved.connect(
        lambda new, key: window.keeper.spawn(apply_settings(window, new, key), "Saving settings")
    )
    dialog.test_key_requested.connect(
        lambda key: window.keeper.spawn(_test_for_dialog(window, dialog, key), "Testing the key")
    )
    dialog.open()


async def _test_for_dialog(window: MainWindow, dialog: SettingsDialog, key: str) -> None:
    key = key or await key_check.key_in_effect_off_thread() or ""
    ok, text = await key_check.check_key(key, api_base=window.settings.api_base or None)
    if shiboken6.isValid(dialog):  # the user may have closed it meanwhile
        dialog.show_key_test_result(ok, text)


async def apply_settings(window: MainWindow, new: Settings, key: str | None) -> None:
    old = Settings(**{f.name: getattr(window.settings, f.name) for f in fields(Settings)})
    for field in fields(Settings):
        if not field.name.startswith("ui_"):  # the window's own state is not the dialog's to change
            setattr(window.settings, field.name, getattr(new, field.name))
    settings_store.save(window.settings)
    if key is not None:
        await key_check.save_key_off_thread(key)
        window.has_saved_key = bool(key)
    if new.language != old.language:
        window.show_error(QCoreApplication.translate("Settings", "The language changes at the next start."))
    changed = any(getattr(old, name) != getattr(new, name) for name in RECONNECT_FIELDS)
    connection = window.controller.connection
    if (key is not None or changed) and not (connection and connection.demo):
        await reconnect(window)
    window.refresh()


async def reconnect(window: MainWindow) -> None:
    """Reopen the engine with the key in effect now (jobs kept); none: back to the first-run panel."""
    key = await key_check.key_in_effect_off_thread()
    if key:
        s = window.settings
        await window.controller.connect_kie(Connection(key, s.api_base or None, s.upload_base or None))
    else:
        await window.controller.close()
        window.refresh()


async def save_key_and_connect(window: MainWindow, key: str) -> None:
    """The first-run key: tested first (a refused key is not saved), then saved and used."""
    ok, text = await key_check.check_key(key, api_base=window.settings.api_base or None)
    if not ok:
        window.first_run.show_problem(text)
        return
    try:
        await key_check.save_key_off_thread(key)
        window.has_saved_key = True
    except UpscalerError as exc:
        window.show_error(
            exc.user_text()
            + " "
            + QCoreApplication.translate("Settings", "The key is used for this session only.")
        )
    s = window.settings
    await window.controller.connect_kie(Connection(key, s.api_base or None, s.upload_base or None))
