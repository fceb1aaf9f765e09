"""The window or the Settings dialog on a screen of a given size and scale, in a process of its own: Qt
reads the screen (offscreen platform, its config file) and QT_SCALE_FACTOR once, at start.

    python -m tests.ui.screen_child WIDTH HEIGHT SCALE save-geometry X Y W H
    python -m tests.ui.screen_child WIDTH HEIGHT SCALE window [SHOT.png]
    python -m tests.ui.screen_child WIDTH HEIGHT SCALE settings [SHOT.png]

WIDTH x HEIGHT are the screen's device pixels, SCALE its scale factor (the screen is WIDTH / SCALE logical
pixels wide). The settings and the job store are in the UPSCALER_GUI_*_DIR the caller sets; one JSON line
on stdout says what a user would see (geometries in logical pixels). `run_child` runs it from a test.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def run_child(data_dir: Path, screen: tuple[int, int], scale: float, *args: str) -> dict[str, Any]:
    """Run this module in a new process on that screen, its settings in `data_dir`; its JSON answer."""
    env = {
        **os.environ,
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
        **{name: str(data_dir) for name in ("UPSCALER_GUI_DATA_DIR", "UPSCALER_GUI_CONFIG_DIR")},
        "UPSCALER_GUI_CACHE_DIR": str(data_dir / "cache"),
    }
    size = [str(screen[0]), str(screen[1]), str(scale)]
    command = [sys.executable, "-m", "tests.ui.screen_child", *size, *args]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    answer: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return answer


def use_screen(width: int, height: int, scale: float) -> None:
    """Before Qt starts: an offscreen screen of width x height device pixels, scaled by `scale`."""
    config = Path(tempfile.mkdtemp(prefix="screen-")) / "screen.json"
    config.write_text(json.dumps(_screen_config(width, height)))
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"
    os.environ["QT_ENABLE_HIGHDPI_SCALING"] = "1"
    os.environ["QT_SCALE_FACTOR"] = str(scale)


def _screen_config(width: int, height: int) -> dict[str, Any]:
    screen = {"name": "screen", "x": 0, "y": 0, "width": width, "height": height}
    return {"windowFrameMargins": True, "screens": [{**screen, "logicalDpi": 96, "logicalBaseDpi": 96}]}


def _rect(rect: Any) -> list[int]:
    return [rect.x(), rect.y(), rect.width(), rect.height()]


async def _window(command: str, args: list[str]) -> dict[str, Any]:
    from PySide6.QtCore import QRect
    from PySide6.QtWidgets import QApplication

    from upscaler_gui.core import settings as settings_store
    from upscaler_gui.ui.bridge.controller import EngineController
    from upscaler_gui.ui.window.main_window import MainWindow

    settings = settings_store.load()
    settings.output_dir = tempfile.mkdtemp()
    controller = EngineController(settings)
    window = MainWindow(controller, settings)
    try:
        if command == "save-geometry":
            window.show()
            window.setGeometry(QRect(*(int(value) for value in args[:4])))
            await asyncio.sleep(0.1)
            window.saved_geometry.save()
        else:
            window.show()
            await asyncio.sleep(0.3)  # the thumbnails and the hint's icon
            if args:
                window.grab().save(args[0])
        screen = window.screen()
        return {
            "frame": _rect(window.frameGeometry()),
            "screen": _rect(screen.availableGeometry()),
            "ratio": window.devicePixelRatio(),
            "inside": screen.availableGeometry().contains(window.frameGeometry()),
            "minimum": [window.minimumSizeHint().width(), window.minimumSizeHint().height()],
            "visible": window.isVisible() and QApplication.activeModalWidget() is None,
        }
    finally:
        await window.keeper.close()
        await controller.close()
        window.thumbnails.close()
        window.deleteLater()


async def _settings(args: list[str]) -> dict[str, Any]:
    """The dialog as Settings opens it over the window; args: a language, then a screenshot's path."""
    from PySide6.QtCore import QPoint, QRect, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QComboBox, QDialogButtonBox, QDoubleSpinBox, QWidget

    from upscaler_gui.core.settings import KeySource, Settings
    from upscaler_gui.ui.settings.dialog import SettingsDialog
    from upscaler_gui.ui.shell.i18n import install_translations

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    install_translations(app, args[0] if args else "en")
    settings = Settings(output_dir="/home/me/Pictures/Crisp Upscaler")
    dialog = SettingsDialog(settings, key_source=KeySource.FILE)
    dialog.open()
    await asyncio.sleep(0.3)
    if len(args) > 1:
        dialog.grab().save(args[1])
    screen = dialog.screen().availableGeometry()

    def in_sight(widget: QWidget) -> bool:
        """Shown whole: not cut by the dialog's edge, not scrolled away, not past the screen's edge."""
        area = widget.visibleRegion().boundingRect()
        on_screen = QRect(widget.mapToGlobal(QPoint(0, 0)), widget.size())
        return widget.isVisible() and area.size() == widget.size() and screen.contains(on_screen)

    buttons = dialog.findChild(QDialogButtonBox)
    ok, cancel = (
        buttons.button(b)
        for b in (QDialogButtonBox.StandardButton.Ok, QDialogButtonBox.StandardButton.Cancel)
    )
    last_field = dialog.findChild(QComboBox, "language")
    before = dialog.findChild(QDoubleSpinBox, "confirm-over")  # the field before it in the Tab order
    before.setFocus()
    QTest.keyClick(before, Qt.Key.Key_Tab)  # Tab to the last field, as a user would
    await asyncio.sleep(0.1)
    reached = QApplication.focusWidget() is last_field
    answer = {
        "frame": _rect(dialog.frameGeometry()),
        "screen": _rect(screen),
        "inside": screen.contains(dialog.frameGeometry()),
        "buttons_in_sight": [in_sight(ok), in_sight(cancel)],
        "last_field_in_sight": reached and in_sight(last_field),
        "buttons_still_in_sight": [in_sight(ok), in_sight(cancel)],
    }
    dialog.reject()
    dialog.deleteLater()
    return answer


def main(argv: list[str]) -> int:

    width, height, scale, command, rest = int(argv[0]), int(argv[1]), float(argv[2]), argv[3], argv[4:]
    if "UPSCALER_GUI_CONFIG_DIR" not in os.environ:  # never the user's own settings
        print("screen_child: set UPSCALER_GUI_CONFIG_DIR and UPSCALER_GUI_DATA_DIR first", file=sys.stderr)
        return 2
    use_screen(width, height, scale)
    import qasync
    from PySide6.QtWidgets import QApplication

    app = QApplication([sys.argv[0]])
    app.setQuitOnLastWindowClosed(False)  # as run_app
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    work = _settings(rest) if command == "settings" else _window(command, rest)
    answer = loop.run_until_complete(work)
    loop.close()
    print(json.dumps(answer))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
