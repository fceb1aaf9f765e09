"""Help and about (F1): the version, the licence, the keys, and links to the README and the docs as
local files (where they were installed: a source checkout has them beside `resources/`), and to the log.

A box opened with open(), never exec(); the links open in the desktop's own viewer.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QUrl
from PySide6.QtWidgets import QMessageBox, QWidget

from upscaler_gui import __version__
from upscaler_gui.core import paths
from upscaler_gui.ui.shell.resources import resources_dir

LICENCE = "MIT"  # pyproject.toml's license
KIE_PAGE = "https://kie.ai"  # the README links the same page


def local_docs() -> list[tuple[str, Path]]:
    """(name, file) of the README and the docs that exist on this machine."""
    root = resources_dir().parent
    found = [(name, root / name) for name in ("README.md", "docs/architecture.md", "CHANGELOG.md")]
    return [(name, path) for name, path in found if path.is_file()]


class AboutBox(QObject):
    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._parent = parent

    def text(self) -> str:
        """Rich text: the version, the licence, the keys, the links."""
        title = self.tr("Crisp Upscaler {version}").format(version=__version__)
        licence = self.tr("Free software under the {licence} licence.").format(licence=LICENCE)
        model = self.tr("Images are upscaled by KIE AI's recraft/crisp-upscale model.")
        keys = self.tr(
            "Drop or paste (Ctrl+V) images, folders or links. Delete removes, Ctrl+R retries, Enter opens"
            " the result; F11 or a double-click shows the comparison in the whole window, Esc goes back."
        )
        links = [_link(QUrl.fromLocalFile(str(path)).toString(), name) for name, path in local_docs()]
        links.append(_link(QUrl.fromLocalFile(str(paths.log_file())).toString(), self.tr("Log file")))
        links.append(_link(KIE_PAGE, self.tr("KIE AI")))
        return (
            f"<h3>{escape(title)}</h3><p>{escape(licence)}<br>{escape(model)}</p>"
            f"<p>{escape(keys)}</p><p>{' · '.join(links)}</p>"
        )

    def open(self) -> QMessageBox:
        title = self.tr("About Crisp Upscaler")
        box = QMessageBox(
            QMessageBox.Icon.Information, title, "", QMessageBox.StandardButton.Ok, self._parent
        )
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(self.text())
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setObjectName("about-box")
        box.open()
        return box


def _link(href: str, text: str) -> str:
    return f'<a href="{escape(href, quote=True)}">{escape(text)}</a>'
