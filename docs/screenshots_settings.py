"""Screenshots of where the API key comes from: the Settings dialog with each key source, and the question
a machine without a keyring asks, in English and in Russian, into docs/screenshots/.

Run from the repository: `.venv/bin/python docs/screenshots_settings.py`. Offscreen; it reads no keyring
and writes nothing outside a temporary folder and docs/screenshots/.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# A 1920 x 1080 desktop screen, as the tests have: Qt's own offscreen screen is 800 x 800, where the dialog
# is kept shorter than the screen and scrolls.
SCREEN = ROOT / "tests" / "ui" / "offscreen-screen.json"
os.environ.setdefault("QT_QPA_PLATFORM", f"offscreen:configfile={SCREEN}")
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"  # a machine without a keyring
HOME = Path(tempfile.mkdtemp(prefix="crisp-shots-"))
os.environ["UPSCALER_GUI_CONFIG_DIR"] = str(HOME / ".config" / "upscaler-gui")  # the path the file row shows
OUT = ROOT / "docs" / "screenshots"
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from upscaler_gui.core.errors import KeyringUnavailableError  # noqa: E402
from upscaler_gui.core.i18n import tr  # noqa: E402
from upscaler_gui.core.key_file import key_file_path  # noqa: E402
from upscaler_gui.core.settings import KeySource, Settings  # noqa: E402
from upscaler_gui.ui.settings.dialog import SettingsDialog  # noqa: E402
from upscaler_gui.ui.settings.key_storage import KeyStorageQuestion  # noqa: E402
from upscaler_gui.ui.shell.event_loop import QtAsyncLoop  # noqa: E402
from upscaler_gui.ui.shell.i18n import install_translations  # noqa: E402

SOURCES = {
    "keyring": KeySource.KEYRING,
    "file": KeySource.FILE,
    "environment": KeySource.ENVIRONMENT,
    "session": KeySource.SESSION,
    "none": None,
}


def grab(widget: QWidget, name: str) -> Path:
    widget.show()
    for _ in range(5):
        QApplication.processEvents()
    path = OUT / f"{name}.png"
    assert widget.grab().save(str(path)), path
    return path


def dialogs(language: str) -> list[Path]:
    made = []
    for name, source in SOURCES.items():
        if language == "ru" and name not in ("file", "session"):
            continue  # Russian: the two sources that are new
        settings = Settings(output_dir=str(HOME / "Pictures" / "Crisp Upscaler"))
        dialog = SettingsDialog(settings, key_source=source)
        dialog.resize(640, 1)  # as tall as it needs
        made.append(grab(dialog, f"settings-key-{name}" + ("-ru" if language == "ru" else "")))
        dialog.deleteLater()
    return made


async def question(language: str) -> Path:
    said = tr("The system keyring is not available ({cause}).")
    cause = KeyringUnavailableError(said.format(cause="NoKeyringError"))
    asked = KeyStorageQuestion(None, key_file_path(), cause.user_text())
    asked.open()
    await asyncio.sleep(0.2)
    path = grab(asked.box, "key-storage-question" + ("-ru" if language == "ru" else ""))
    asked.session_button.click()
    await asked.answer
    return path


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    app = QApplication([sys.argv[0]])
    loop = QtAsyncLoop(app)  # the app's own loop
    asyncio.set_event_loop(loop)
    try:
        made = [*dialogs("en"), loop.run_until_complete(question("en"))]
        install_translations(app, "ru")
        made += [*dialogs("ru"), loop.run_until_complete(question("ru"))]
    finally:
        shutil.rmtree(HOME, ignore_errors=True)
    for path in made:
        print(path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
