"""Where the top-level `resources/` folder (icons, translations) is, however the app was installed.

A source checkout or editable install reads it beside the package; a PyInstaller bundle carries it in
its own folder; a wheel installs it under `<prefix>/share/upscaler-gui` (pyproject's data-files).
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

from PySide6.QtGui import QIcon

ICON_NAME = "upscaler-gui"


@cache
def resources_dir() -> Path:
    candidates = [
        Path(getattr(sys, "_MEIPASS", "")) / "resources" if hasattr(sys, "_MEIPASS") else None,
        Path(__file__).resolve().parents[3] / "resources",
        Path(sys.prefix) / "share" / "upscaler-gui",
    ]
    for candidate in candidates:
        if candidate is not None and (candidate / "icons").is_dir():
            return candidate
    return Path(__file__).resolve().parents[3] / "resources"


def translations_dir() -> Path:
    return resources_dir() / "i18n"


def app_icon() -> QIcon:
    """The app's icon in every size we ship (the theme's own icon wins where one is installed)."""
    icon = QIcon()
    for png in sorted((resources_dir() / "icons").glob(f"{ICON_NAME}-*.png")):
        icon.addFile(str(png))
    return QIcon.fromTheme(ICON_NAME, icon)
