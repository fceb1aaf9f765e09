"""Starting the window: QApplication, translations, the qasync loop, the one excepthook, clean quit.

`event_loop.run()` runs asyncio on Qt's loop (qasync's, with timers that go away when cancelled). The app
does not quit when the window closes: the window asks to close, the engine stops with every job kept,
and only then `main()` returns and the loop ends, so no task is left "destroyed but pending".
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
import time
import traceback
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any

from upscaler_gui.core import log, paths
from upscaler_gui.core import settings as settings_store

if TYPE_CHECKING:
    from upscaler_gui.ui.shell.one_window import Handover, Launch, WindowServer

STARTED = time.monotonic()


def run_app(args: argparse.Namespace) -> int:
    from PySide6.QtWidgets import QApplication

    from upscaler_gui.ui.shell import event_loop
    from upscaler_gui.ui.shell.gc_guard import MainThreadCollector
    from upscaler_gui.ui.shell.i18n import install_translations
    from upscaler_gui.ui.shell.resources import app_icon

    log.setup(logging.DEBUG if args.verbose else logging.INFO, log_file=paths.log_file(), stream=args.verbose)
    launch = _one_window(args)
    if launch.handed_over:
        return 0
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication([sys.argv[0], *args.qt_args])
    app.setApplicationName("Crisp Upscaler")
    app.setOrganizationName("Crisp Upscaler")
    app.setDesktopFileName("io.github.crispupscaler.upscaler_gui")  # the menu entry: packaging/README.md
    app.setWindowIcon(app_icon())
    app.setQuitOnLastWindowClosed(False)
    settings = settings_store.load()
    install_translations(app, settings.language)
    collector = MainThreadCollector(app)
    collector.start()
    try:
        result: int = event_loop.run(main(args, settings, launch.server))
    finally:
        collector.stop()
        if launch.server is not None:
            launch.server.close()
    return result


def _one_window(args: argparse.Namespace) -> Launch:
    """A window already open on this job store takes our inputs (and comes to the front): we are done."""
    from upscaler_gui.core.errors import UpscalerError
    from upscaler_gui.ui.shell.one_window import Launch, start_or_hand_over

    try:
        launch = start_or_hand_over(args.inputs, paths.data_dir(), paste=args.paste)
    except UpscalerError as exc:  # no data dir: the window says so, in its store box
        log.ui.info("one-window check skipped (%s)", exc.message)
        return Launch()
    if launch.handed_over:
        print("upscaler-gui: the window is open already; it has your files now.", file=sys.stderr)
    return launch


async def main(
    args: argparse.Namespace, settings: settings_store.Settings, server: WindowServer | None = None
) -> int:
    from PySide6.QtCore import QTimer

    from upscaler_gui.core.connection import Connection
    from upscaler_gui.ui.bridge.controller import EngineController
    from upscaler_gui.ui.shell.tray import Tray
    from upscaler_gui.ui.window.main_window import MainWindow

    controller = EngineController(settings)
    window = MainWindow(controller, settings)
    install_error_handlers(window)
    tray = Tray(window, spawn=window.keeper.spawn)  # no tray (GNOME): the desktop's notifications
    closed = asyncio.Event()

    def quit_now() -> None:
        controller.stop_creates()  # first, before anything awaits: no create leaves after Quit
        closed.set()

    window.close_requested.connect(closed.set)  # the window stopped creates itself
    tray.quit_requested.connect(quit_now)
    _close_on_signals(quit_now)
    tray.stop_watching.triggered.connect(window.watch_row.toggle)
    if starts_in_tray(args, settings, tray.available):
        log.ui.info("started in the tray, watching %s", settings.watch_dir)
    else:
        window.show()
        log.ui.info("window shown %.2f s after launch", time.monotonic() - STARTED)
    if getattr(args, "quit_after", None) is not None:  # --quit-after: the packaging smoke test's clean exit
        QTimer.singleShot(round(args.quit_after * 1000), window.close)
    if args.inputs:
        window.intake.take(args.inputs)
    if args.paste:  # the desktop file's "Upscale Clipboard Image"
        window.intake.paste()
    if server is not None:  # later launches ("Open with") hand their files to this window
        window.keeper.spawn(server.serve(lambda handover: bring_forward(window, handover)), "One window")
    window.keeper.spawn(_connect(window, controller, args, Connection), "Connecting")
    await closed.wait()
    await shutdown(window, controller, tray)
    return 0


def _close_on_signals(quit_now: Callable[[], None]) -> None:
    """Ctrl+C in the terminal, or a SIGTERM at logout, quit as the window's Quit does (jobs kept, tasks
    stopped cleanly, no question asked); without this, asyncio cancels `main` and the shutdown never runs."""
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):  # not on Windows' loops
            loop.add_signal_handler(signum, quit_now)


def starts_in_tray(args: argparse.Namespace, settings: settings_store.Settings, tray_available: bool) -> bool:
    """Only while watching, and only where a tray exists to bring the window back."""
    minimized = args.minimized or settings.start_minimized
    return minimized and tray_available and settings.watch_enabled and bool(settings.watch_dir)


async def _connect(window: Any, controller: Any, args: argparse.Namespace, connection_type: Any) -> None:
    """The key is read off the Qt thread (a keyring may block), and where it comes from is said when it is
    not the keyring; no key and no --demo: first-run panel."""
    if args.demo:
        await controller.start_demo()
        return
    found = await window.settings_flow.load_key()
    if found:
        api_base = args.api_base or window.settings.api_base or None
        upload_base = args.upload_base or window.settings.upload_base or None
        await controller.connect_kie(connection_type(found.key, api_base, upload_base))


def bring_forward(window: Any, handover: Handover) -> None:
    """Another launch's files (or its clipboard paste): queued here, and the window shown in front (from
    the tray too)."""
    window.showNormal()
    window.raise_()
    window.activateWindow()
    if handover.inputs:
        window.intake.take(handover.inputs)
    if handover.paste:
        window.intake.paste()


async def shutdown(window: Any, controller: Any, tray: Any) -> None:
    """Stop cleanly: running tasks cancelled, jobs kept in the store for the next start."""
    controller.stop_creates()
    tray.hide()
    await window.keeper.close()
    await controller.close()
    window.thumbnails.close()
    window.deleteLater()
    log.ui.info("closed cleanly")


def install_error_handlers(window: Any) -> None:
    """One place for unhandled errors: logged with the traceback, shown without blocking."""

    def excepthook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        log.ui.error("unhandled error:\n%s", "".join(traceback.format_exception(kind, value, tb)))
        from PySide6.QtCore import QCoreApplication

        title = QCoreApplication.translate("MainWindow", "Unexpected error")
        window.show_error_dialog(title, f"{kind.__name__}: {value}")

    def loop_handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        exc = context.get("exception")
        log.ui.error("asyncio: %s", context.get("message"), exc_info=exc)
        if exc is not None:
            window.show_error(f"{type(exc).__name__}: {exc}")

    sys.excepthook = excepthook
    asyncio.get_running_loop().set_exception_handler(loop_handler)
