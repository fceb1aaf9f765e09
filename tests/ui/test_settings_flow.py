"""The flow around the Settings dialog on its own: what it saves, what it says, when it reconnects.

(With the window and the sim: tests/ui/test_window.py, the first-run key and a saved concurrency.)
"""

from __future__ import annotations

from dataclasses import replace

import qasync
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from tests.ui.window_helpers import run
from upscaler_gui.core import settings as settings_store
from upscaler_gui.core.settings import Settings
from upscaler_gui.ui.bridge.controller import EngineController
from upscaler_gui.ui.bridge.tasks import WindowTasks
from upscaler_gui.ui.settings.flow import SettingsFlow


def _flow(qtbot: QtBot, settings: Settings) -> tuple[SettingsFlow, EngineController]:
    window = QWidget()
    qtbot.addWidget(window)
    controller = EngineController(settings, window)
    return SettingsFlow(settings, controller, WindowTasks(lambda _text: None), window), controller


def test_saved_settings_say_what_changed_and_that_the_language_waits(
    qtbot: QtBot, qloop: qasync.QEventLoop
) -> None:
    settings = Settings(ui_splitter="kept")
    flow, controller = _flow(qtbot, settings)
    messages: list[str] = []
    changes: list[list[str]] = []
    flow.message.connect(messages.append)
    flow.settings_changed.connect(changes.append)
    new = replace(settings, language="ru", template="{stem}-x.{ext}", ui_splitter="")
    run(qloop, flow.apply(new, None))
    assert changes == [["template", "language"]]
    assert messages == ["The language changes at the next start."]
    saved = settings_store.load()
    assert (saved.language, saved.template) == ("ru", "{stem}-x.{ext}")
    assert saved.ui_splitter == "kept"  # the window's own state is not the dialog's to change
    assert controller.connection is None  # neither needs the engine reopened


def test_nothing_changed_says_nothing(qtbot: QtBot, qloop: qasync.QEventLoop) -> None:
    settings = Settings()
    flow, _controller = _flow(qtbot, settings)
    messages: list[str] = []
    changes: list[list[str]] = []
    flow.message.connect(messages.append)
    flow.settings_changed.connect(changes.append)
    run(qloop, flow.apply(replace(settings), None))
    assert changes == [[]] and messages == []
