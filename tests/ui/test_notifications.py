"""Without a tray (GNOME), the end-of-batch message goes to the desktop's notification service and stays
until dismissed; with a tray, the tray's balloon as before.

Against a fake org.freedesktop.Notifications on a private session bus (a real dbus-daemon, which checks
every message's format): it records each call as it arrived, with its D-Bus signature.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import qasync
from jeepney import HeaderFields, MessageType, new_method_return
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from tests.ui.window_helpers import run, until
from upscaler_gui.ui.bridge.tasks import WindowTasks
from upscaler_gui.ui.shell.notifications import NOTIFY_SIGNATURE, SERVICE, DesktopNotifier
from upscaler_gui.ui.shell.tray import Tray

TEXT = "Batch finished: 3 done, 0 failed"


@dataclass
class Call:
    member: str
    signature: str
    body: tuple[Any, ...]


@dataclass
class FakeNotifications:
    """org.freedesktop.Notifications as a desktop serves it: each Notify answered with a new id."""

    address: str
    calls: list[Call] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def serve(self, ready: threading.Event) -> None:
        with open_dbus_connection(bus=self.address) as conn:
            conn.send_and_get_reply(message_bus.RequestName(SERVICE))
            ready.set()
            next_id = 41
            while not self._stop.is_set():
                try:
                    msg = conn.receive(timeout=0.05)
                except TimeoutError:
                    continue
                if msg.header.message_type != MessageType.method_call:
                    continue
                fields = msg.header.fields
                self.calls.append(
                    Call(fields[HeaderFields.member], fields.get(HeaderFields.signature, ""), msg.body)
                )
                next_id += 1
                conn.send(new_method_return(msg, "u", (next_id,)))


@pytest.fixture
def session_bus() -> Iterator[str]:
    """A private session bus: a dbus-daemon of our own, never the desktop's."""
    if shutil.which("dbus-daemon") is None:
        pytest.skip(
            "dbus-daemon is not installed (Debian: apt-get install dbus-daemon), so no bus to test on"
        )
    daemon = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--print-address=1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert daemon.stdout is not None
    address = daemon.stdout.readline().strip()
    try:
        assert address.startswith("unix:"), address
        yield address
    finally:
        daemon.terminate()
        daemon.wait(10)


@pytest.fixture
def notifications(session_bus: str) -> Iterator[FakeNotifications]:
    fake = FakeNotifications(session_bus)
    ready = threading.Event()
    thread = threading.Thread(target=fake.serve, args=(ready,), daemon=True)
    thread.start()
    assert ready.wait(10), "the fake notification service did not start"
    yield fake
    fake._stop.set()
    thread.join(10)


def test_the_message_is_sent_as_the_spec_says_and_never_expires(
    notifications: FakeNotifications, qloop: qasync.QEventLoop
) -> None:
    notifier = DesktopNotifier(notifications.address, icon="upscaler-gui")
    assert run(qloop, notifier.notify("Crisp Upscaler", TEXT)) is True
    (call,) = notifications.calls
    assert (call.member, call.signature) == ("Notify", NOTIFY_SIGNATURE) == ("Notify", "susssasa{sv}i")
    app, replaces, icon, summary, body, actions, hints, expire_timeout = call.body
    assert (app, replaces, icon, summary, body) == (
        "Crisp Upscaler",
        0,
        "upscaler-gui",
        "Crisp Upscaler",
        TEXT,
    )
    assert actions == []
    assert expire_timeout == 0  # never expires: it stays until the user dismisses it
    assert hints == {"desktop-entry": ("s", "upscaler-gui"), "resident": ("b", True), "urgency": ("y", 1)}
    assert notifier.last_id == 42


def test_the_next_batch_replaces_the_last_message_instead_of_piling_up(
    notifications: FakeNotifications, qloop: qasync.QEventLoop
) -> None:
    notifier = DesktopNotifier(notifications.address)

    async def two_batches() -> None:
        assert await notifier.notify("Crisp Upscaler", "Batch finished: 1 done, 0 failed")
        assert await notifier.notify("Crisp Upscaler", TEXT)

    run(qloop, two_batches())
    assert [call.body[1] for call in notifications.calls] == [0, 42]  # replaces_id: the first one's id


def test_a_bus_without_the_service_is_no_message_and_no_error(
    session_bus: str, qloop: qasync.QEventLoop, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="upscaler")
    assert run(qloop, DesktopNotifier(session_bus).notify("Crisp Upscaler", TEXT)) is False
    assert "no desktop notification (DBusErrorResponse" in caplog.text


def test_no_session_bus_at_all_is_no_message(
    monkeypatch: pytest.MonkeyPatch, qloop: qasync.QEventLoop
) -> None:
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    notifier = DesktopNotifier()
    assert not notifier.available
    assert run(qloop, notifier.notify("Crisp Upscaler", TEXT)) is False


# --- the tray decides -------------------------------------------------------------------------------------


class BatchWindow(QWidget):
    """What the tray listens to on the main window."""

    batch_finished = Signal(str)


def tray_for(qtbot: QtBot, notifications: FakeNotifications) -> tuple[BatchWindow, Tray, WindowTasks]:
    window = BatchWindow()
    qtbot.addWidget(window)
    keeper = WindowTasks(lambda _text: None)
    tray = Tray(window, spawn=keeper.spawn, notifier=DesktopNotifier(notifications.address))
    return window, tray, keeper


def test_without_a_tray_the_batch_message_goes_to_the_notification_service(
    qtbot: QtBot, qloop: qasync.QEventLoop, notifications: FakeNotifications
) -> None:
    window, tray, keeper = tray_for(qtbot, notifications)
    assert not tray.available  # offscreen, like GNOME: no tray

    async def scenario() -> None:
        window.batch_finished.emit(TEXT)
        await until(lambda: len(notifications.calls) == 1, what="the notification")
        await keeper.close()

    run(qloop, scenario())
    assert notifications.calls[0].body[4] == TEXT


def test_with_a_tray_the_tray_says_it(
    qtbot: QtBot, qloop: qasync.QEventLoop, notifications: FakeNotifications, monkeypatch: pytest.MonkeyPatch
) -> None:
    window, tray, keeper = tray_for(qtbot, notifications)
    shown: list[str] = []
    tray.available = True  # a desktop with a tray (KDE, Xfce, Windows)
    monkeypatch.setattr(tray.icon, "isVisible", lambda: True)
    monkeypatch.setattr(tray.icon, "showMessage", lambda _title, text, *_rest: shown.append(text))

    async def scenario() -> None:
        window.batch_finished.emit(TEXT)
        await keeper.close()

    run(qloop, scenario())
    assert shown == [TEXT] and notifications.calls == []
