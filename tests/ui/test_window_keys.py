"""The window from the keyboard and the menus: every action in a menu with its shortcut, Ctrl+Q through
the quit question, Ctrl+, settings, F1 about, Tab out of the table, Delete asking before it cancels,
F11 / double-click / Esc for the compare view alone, and a name for every control."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPointF, Qt, QTimer
from PySide6.QtGui import QKeySequence, QMouseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QWidget,
)
from pytestqt.qtbot import QtBot

from tests.imagefactory import write_image
from tests.ui.window_helpers import WindowEnv, drop, file_mime, run, until, window_env
from upscaler_gui.core.jobs import JobState
from upscaler_gui.ui.compare.view import CompareView
from upscaler_gui.ui.settings.dialog import SettingsDialog

pytestmark = pytest.mark.integration  # the window driven against the sim


def _boxes() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]


def _answer(box: QMessageBox, text: str) -> None:
    (button,) = [b for b in box.buttons() if b.text() == text]
    button.click()


def _press(env: WindowEnv, key: str, widget: QWidget | None = None) -> None:
    """A key as the user types it, to a widget of the active window (shortcuts as the app resolves them)."""
    if not env.window.isActiveWindow():  # a box just closed gives it back a moment later
        env.window.activateWindow()
        assert QTest.qWaitForWindowActive(env.window, 2000)
    QTest.keySequence(widget or env.window, QKeySequence(key))


def test_the_menu_bar_holds_every_action_with_its_shortcut(tmp_path: Path, qloop) -> None:
    async def scenario() -> None:
        async with window_env(tmp_path) as env:
            menus = env.window.menus
            titles = [action.text() for action in env.window.menuBar().actions()]
            assert titles == ["&File", "&Edit", "&View", "&Help"]
            shortcuts = {
                action.text().replace("&", ""): action.shortcut().toString()
                for menu in (menus.file, menus.edit, menus.view, menus.help)
                for action in menu.actions()
                if not action.isSeparator()
            }
            assert shortcuts == {
                "Add files…": "Ctrl+O",
                "Add folder…": "Ctrl+Shift+O",
                "Add link…": "Ctrl+L",
                "Settings…": "Ctrl+,",
                "Quit": "Ctrl+Q",
                "Paste": "Ctrl+V",
                "Select all": "Ctrl+A",
                "Open result": "Return",
                "Show in folder": "",
                "Retry": "Ctrl+R",
                "Upscale again (new task, billed)": "",
                "Cancel": "",
                "Remove from list": "Del",
                "Pause": "Ctrl+P",
                "Clear finished": "Ctrl+Shift+Del",
                "Copy result link": "",
                "Copy task id": "",
                "Compare in full window": "F11",
                "History": "Ctrl+H",
                "Back to the queue": "Esc",
                "Fit the picture": "F",
                "Actual size (100%)": "1",
                "Zoom in": "+",
                "Zoom out": "-",
                "Help and about…": "F1",
            }
            in_menus = {id(action) for menu in (menus.file, menus.edit) for action in menu.actions()}
            buttons = [action for action in env.window.toolbar.actions() if action.text()]
            assert buttons and all(id(action) in in_menus for action in buttons)  # the same actions

    run(qloop, scenario())


def test_ctrl_q_asks_the_quit_question_even_while_watching_and_f1_ctrl_comma_open_their_boxes(
    tmp_path: Path, qloop
) -> None:
    async def scenario() -> None:
        files = [write_image(tmp_path / f"in{i}.png", size=(20 + i, 20)) for i in range(2)]
        async with window_env(tmp_path) as env:
            env.sim.config.task_seconds = 30.0
            env.window.tray_available = True  # closing would hide to the tray: Ctrl+Q must not
            await env.connect()
            await env.controller.start_watching(str(tmp_path / "watched"))
            quits: list[bool] = []
            env.window.close_requested.connect(lambda: quits.append(True))
            assert drop(env.window, file_mime(*files))
            await until(lambda: all(j.task_id for j in env.jobs()) and len(env.jobs()) == 2, what="tasks")
            _press(env, "Ctrl+Q")
            await until(lambda: bool(_boxes()), what="the quit question")
            (box,) = _boxes()
            assert box.text() == "2 images are not finished yet." and "billed" in box.informativeText()
            _answer(box, "Keep working")
            await until(lambda: not _boxes(), what="the question gone")
            assert quits == [] and env.window.isVisible()
            _press(env, "F1")
            await until(lambda: bool(_boxes()), what="the about box")
            (about,) = _boxes()
            assert (
                "Crisp Upscaler 0." in about.text() and "MIT" in about.text() and "README.md" in about.text()
            )
            about.accept()
            _press(env, "Ctrl+,")
            await until(lambda: bool(env.window.findChildren(SettingsDialog)), what="the settings")
            (dialog,) = env.window.findChildren(SettingsDialog)
            assert dialog.isVisible()
            dialog.reject()
            _press(env, "Ctrl+Q")
            await until(lambda: bool(_boxes()), what="the quit question again")
            _answer(_boxes()[0], "Quit")
            await until(lambda: quits == [True], what="the quit")

    run(qloop, scenario())


def test_tab_leaves_the_table(tmp_path: Path, qloop) -> None:
    async def scenario() -> None:
        async with window_env(tmp_path) as env:
            await env.connect()
            assert drop(env.window, file_mime(write_image(tmp_path / "a.png")))
            await env.all_finished(1)
            view = env.window.view
            view.setFocus()
            _press(env, "Tab", view)
            assert QApplication.focusWidget() is not view

    run(qloop, scenario())


def test_delete_asks_before_it_cancels_unfinished_jobs_and_removes_finished_ones_at_once(
    tmp_path: Path, qloop
) -> None:
    async def scenario() -> None:
        done = write_image(tmp_path / "done.png")
        slow = write_image(tmp_path / "slow.png", size=(30, 30))
        async with window_env(tmp_path) as env:
            await env.connect()
            assert drop(env.window, file_mime(done))
            await env.all_finished(1)
            env.sim.config.task_seconds = 30.0
            assert drop(env.window, file_mime(slow))
            await until(lambda: len(env.jobs()) == 2 and bool(env.jobs()[1].task_id), what="a task at KIE")
            view = env.window.view
            view.setFocus()
            view.selectRow(1)
            _press(env, "Del", view)
            await until(lambda: bool(_boxes()), what="the question")
            (box,) = _boxes()
            assert box.text() == "1 of the selected images is not finished yet."
            assert "cancels" in box.informativeText()
            assert "1 task already sent to KIE is billed all the same." in box.informativeText()
            _answer(box, "Keep them")
            await until(lambda: not _boxes(), what="the question gone")
            assert len(env.jobs()) == 2 and env.jobs()[1].state == JobState.POLLING
            view.setFocus()
            _press(env, "Del", view)
            await until(lambda: bool(_boxes()), what="the question again")
            _answer(_boxes()[0], "Remove")
            await until(lambda: len(env.jobs()) == 1, what="the unfinished row gone")
            view.setFocus()  # where the user clicks: the keys of the queue act in the queue
            view.selectRow(0)
            compare = env.window.compare
            await until(
                lambda: "After" in compare.after_label_text(), what="the comparison, as a user sees it"
            )
            _press(env, "Del", view)
            await until(lambda: not env.jobs(), what="the finished row gone, unasked")
            assert not _boxes()

    run(qloop, scenario())


def test_the_compare_view_takes_the_whole_window_and_gives_it_back(tmp_path: Path, qloop) -> None:
    async def scenario() -> None:
        async with window_env(tmp_path) as env:
            await env.connect()
            assert drop(env.window, file_mime(write_image(tmp_path / "a.png", size=(160, 120))))
            await env.all_finished(1)
            window, compare = env.window, env.window.compare
            window.view.selectRow(0)
            await until(lambda: "After" in compare.after_label_text(), what="the comparison")
            side_by_side = compare.width() * compare.height()
            _press(env, "F11")
            assert (
                window.full_window.active and not window.view.isVisible() and not window.toolbar.isVisible()
            )
            await until(lambda: compare.width() * compare.height() > 2 * side_by_side, what="a larger view")
            _press(env, "Esc")
            assert not window.full_window.active and window.view.isVisible() and window.toolbar.isVisible()
            click = QPointF(compare.width() * 0.25, compare.height() / 2)  # off the split line
            double = QMouseEvent(
                QEvent.Type.MouseButtonDblClick,
                click,
                compare.mapToGlobal(click),
                Qt.MouseButton.LeftButton,
                Qt.MouseButton.LeftButton,
                Qt.KeyboardModifier.NoModifier,
            )
            QApplication.sendEvent(compare, double)
            assert window.full_window.active and window.menus.full_window.isChecked()
            QApplication.sendEvent(compare, double)
            assert not window.full_window.active and not window.menus.full_window.isChecked()

    run(qloop, scenario())


CONTROLS = (QAbstractButton, QLineEdit, QPlainTextEdit, QAbstractItemView, QProgressBar, CompareView)


def test_every_control_has_an_accessible_name(tmp_path: Path, qloop) -> None:
    async def scenario() -> None:
        async with window_env(tmp_path) as env:
            await env.connect()
            assert drop(env.window, file_mime(write_image(tmp_path / "a.png")))
            await env.all_finished(1)
            env.window.intake.ask_link()
            controls = [
                widget
                for widget in env.window.findChildren(QWidget)
                if isinstance(widget, CONTROLS) and not widget.objectName().startswith("qt_")
            ]
            assert len(controls) > 15
            nameless = [f"{type(w).__name__} {w.objectName()!r}" for w in controls if not w.accessibleName()]
            assert nameless == []
            assert env.window.menuBar().accessibleName() and env.window.toolbar.accessibleName()

    run(qloop, scenario())


def test_closing_the_window_leaves_later_qt_waits_working(tmp_path: Path, qloop, qtbot: QtBot) -> None:
    """The last window closing must not quit the application (the app sets this; so do the tests):
    a quit left pending made every later nested Qt loop (qtbot.waitSignal) return at once, failing
    the thumbnail tests that happened to run after this file."""

    async def scenario() -> None:
        async with window_env(tmp_path):
            pass

    run(qloop, scenario())
    timer = QTimer()
    timer.setSingleShot(True)
    timer.start(50)
    with qtbot.waitSignal(timer.timeout, timeout=2000):  # a TimeoutError at once when a quit is pending
        pass
