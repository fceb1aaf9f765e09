"""A key that tested good is never thrown away: without a keyring the user chooses a 0600 file or this
session, the next start says where the key comes from, and the Settings dialog shows its source.

Keyrings as PYTHON_KEYRING_BACKEND names them: keyring.backends.fail.Keyring (none at all) and
keyring.backends.null.Keyring (answers "nothing stored", keeps nothing).
"""

from __future__ import annotations

import asyncio
import logging
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import keyring
import keyring.core
import pytest
import qasync
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from tests.ui.settings_driver import SettingsDialogDriver
from tests.ui.window_helpers import run, until
from upscaler_gui.core import key_file
from upscaler_gui.core import settings as settings_store
from upscaler_gui.core.settings import KeySource, Settings
from upscaler_gui.sim import SimConfig, SimServer
from upscaler_gui.ui.bridge.controller import EngineController
from upscaler_gui.ui.bridge.tasks import WindowTasks
from upscaler_gui.ui.settings.flow import SettingsFlow

KEY = "k-storage-5Rt8Vb2n"
FAIL = "keyring.backends.fail.Keyring"
NULL = "keyring.backends.null.Keyring"


@pytest.fixture
def use_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    previous = keyring.get_keyring()

    def use(name: str) -> None:
        monkeypatch.setenv("PYTHON_KEYRING_BACKEND", name)
        keyring.set_keyring(keyring.core.load_keyring(name))

    yield use
    keyring.set_keyring(previous)


@pytest.fixture
def sim() -> Iterator[SimServer]:
    with SimServer(SimConfig(api_key=KEY, task_seconds=0.2)) as server:
        yield server


class Flow:
    """The settings flow as the window holds it, with what it said in the status bar."""

    def __init__(self, qtbot: QtBot, sim: SimServer | None = None) -> None:
        self.window = QWidget()
        qtbot.addWidget(self.window)
        base = sim.base_url if sim else ""
        self.settings = Settings(api_base=base, upload_base=base)
        self.controller = EngineController(self.settings, self.window)
        self.said: list[str] = []
        self.keeper = WindowTasks(self.said.append)
        self.flow = SettingsFlow(self.settings, self.controller, self.keeper, self.window)
        self.flow.message.connect(self.said.append)

    async def close(self) -> None:
        await self.keeper.close()
        await self.controller.close()


def question() -> QMessageBox | None:
    boxes = [w for w in QApplication.topLevelWidgets() if w.objectName() == "key-storage-question"]
    shown = [box for box in boxes if isinstance(box, QMessageBox) and box.isVisible()]
    return shown[0] if shown else None


async def answer(button_name: str) -> str:
    """Wait for the question, click one of its buttons as the user does; what the box said."""
    await until(lambda: question() is not None, what="the question where to keep the key")
    box = question()
    assert box is not None
    said = f"{box.text()}\n{box.informativeText()}"
    button = box.findChild(QPushButton, button_name)
    assert button is not None, button_name
    button.click()
    return said


def test_without_a_keyring_the_first_run_key_goes_to_a_0600_file_and_is_used(
    qtbot: QtBot, qloop: qasync.QEventLoop, use_keyring: Callable[[str], None], sim: SimServer, caplog
) -> None:
    caplog.set_level(logging.INFO, logger="upscaler")
    use_keyring(FAIL)
    env = Flow(qtbot, sim)

    async def scenario() -> None:
        saving = asyncio.ensure_future(env.flow.save_key_and_connect(KEY))  # the first-run panel's key
        said = await answer("save-key-in-file")
        await saving
        assert "not available" in said and str(key_file.key_file_path()) in said
        assert "unencrypted" in said
        assert env.controller.connection is not None and env.controller.connection.api_key == KEY
        await env.close()

    run(qloop, scenario())
    path = key_file.key_file_path()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text("utf-8").strip() == KEY
    assert env.flow.key_source is KeySource.FILE
    assert env.said == [f"The key is saved in {path}, readable only by you."]
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "API key saved in" in logged and KEY not in logged


@pytest.mark.parametrize("how", ["button", "escape"])
def test_this_session_only_writes_nothing_and_the_key_still_works(
    qtbot: QtBot, qloop: qasync.QEventLoop, use_keyring: Callable[[str], None], sim: SimServer, how: str
) -> None:
    use_keyring(NULL)  # says yes to saving, and keeps nothing
    env = Flow(qtbot, sim)

    async def scenario() -> None:
        saving = asyncio.ensure_future(env.flow.save_key_and_connect(KEY))
        if how == "button":
            await answer("keep-key-for-session")
        else:
            await until(lambda: question() is not None, what="the question")
            box = question()
            assert box is not None
            box.reject()  # Esc, or the window's close button
        await saving
        assert env.controller.connection is not None and env.controller.connection.api_key == KEY
        found = settings_store.find_api_key()
        assert found is not None and (found.key, found.source) == (KEY, KeySource.SESSION)
        await env.close()

    run(qloop, scenario())
    assert not key_file.key_file_path().exists()
    assert env.flow.key_source is KeySource.SESSION
    assert env.said == ["The key is used for this session only: enter it again at the next start."]


def test_a_key_file_that_cannot_be_written_falls_back_to_this_session(
    qtbot: QtBot, qloop: qasync.QEventLoop, use_keyring: Callable[[str], None], isolated_dirs: dict[str, Path]
) -> None:
    use_keyring(FAIL)
    key_file.key_file_path().mkdir()  # a folder where the file should go: the write fails
    env = Flow(qtbot)

    async def scenario() -> None:
        keeping = asyncio.ensure_future(env.flow.keep_key(KEY))
        await answer("save-key-in-file")
        await keeping
        await env.close()

    run(qloop, scenario())
    assert env.flow.key_source is KeySource.SESSION
    assert settings_store.api_key() == KEY
    assert len(env.said) == 1 and env.said[0].startswith("The key could not be saved to ")
    assert env.said[0].endswith("enter it again at the next start.")


def test_a_key_typed_in_settings_is_kept_the_same_way(
    qtbot: QtBot, qloop: qasync.QEventLoop, use_keyring: Callable[[str], None]
) -> None:
    use_keyring(FAIL)
    env = Flow(qtbot)

    async def scenario() -> None:
        applying = asyncio.ensure_future(env.flow.apply(Settings(), KEY))  # the dialog's OK
        await answer("save-key-in-file")
        await applying
        await env.close()

    run(qloop, scenario())
    assert key_file.read_key_file() == KEY and env.flow.key_source is KeySource.FILE


ANNOUNCED = {
    KeySource.FILE: "Using the API key saved in {path} (there is no system keyring).",
    KeySource.ENVIRONMENT: "Using the API key from KIE_API_KEY.",
    KeySource.KEYRING: None,  # what a user expects: nothing to say
}


@pytest.mark.parametrize("source", list(ANNOUNCED))
def test_the_next_start_says_where_the_key_comes_from(
    qtbot: QtBot,
    qloop: qasync.QEventLoop,
    use_keyring: Callable[[str], None],
    monkeypatch: pytest.MonkeyPatch,
    source: KeySource,
) -> None:
    said = ANNOUNCED[source]
    use_keyring("tests.core.keyring_backends.JsonFileKeyring")
    monkeypatch.setenv("TEST_KEYRING_FILE", str(key_file.key_file_path().parent / "keyring.json"))
    if source is KeySource.FILE:
        settings_store.save_api_key_to_file(KEY)
    elif source is KeySource.ENVIRONMENT:
        monkeypatch.setenv("KIE_API_KEY", KEY)
    else:
        settings_store.save_api_key(KEY)
    env = Flow(qtbot)
    found = run(qloop, env.flow.load_key())
    assert found is not None and (found.key, found.source) == (KEY, source)
    assert env.said == ([said.format(path=key_file.key_file_path())] if said else [])
    assert not any(KEY in text for text in env.said)


# --- the Settings dialog shows the source ------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "shown"),
    [
        (KeySource.KEYRING, "The key is saved in the system keyring."),
        (KeySource.FILE, "The key is saved in a file only you can read (no system keyring):\n{path}"),
        (KeySource.ENVIRONMENT, "Using KIE_API_KEY from the environment; it wins over the saved key."),
        (KeySource.SESSION, "The key is kept for this session only: it is not saved anywhere."),
        (None, "No key is saved yet."),
    ],
)
def test_the_settings_dialog_says_where_the_key_comes_from(
    qtbot: QtBot, source: KeySource | None, shown: str
) -> None:
    user = SettingsDialogDriver.open(qtbot, source=source)
    assert user.key_source.text() == shown.format(path=key_file.key_file_path())
    assert user.key_field.text() == ""
    saved = source in (KeySource.KEYRING, KeySource.FILE, KeySource.SESSION)
    assert user.remove_key_button.isVisibleTo(user.dialog) is saved
    assert user.key_field.isReadOnly() is (source is KeySource.ENVIRONMENT)


def test_a_key_kept_for_this_session_is_not_called_saved(qtbot: QtBot) -> None:
    user = SettingsDialogDriver.open(qtbot, source=KeySource.SESSION)
    assert user.key_field.placeholderText() == "•••••••• (this session)"
    assert user.remove_key_button.text() == "&Forget the key"
    user.press_remove_key()
    assert user.dialog.new_key() == ""  # OK forgets it: the flow removes it everywhere
