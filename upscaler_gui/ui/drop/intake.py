"""Input to the main window from everywhere: drops, the clipboard, the Add dialogs, the command line.

Each becomes one `controller.add_inputs` call; refusals become one status line, never a storm of
dialogs. The dialogs are opened with open() and answer through signals. Texts are translated in the
window's context ("MainWindow").
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication, QImage
from PySide6.QtWidgets import QFileDialog, QInputDialog

from upscaler_gui.core.sources import Rejected
from upscaler_gui.ui.drop.mime import accepts, parse_mime

if TYPE_CHECKING:
    from upscaler_gui.ui.window.main_window import MainWindow

translate = QCoreApplication.translate  # literal contexts below: lupdate reads them


def accept_copy(event: QDragEnterEvent) -> bool:
    """Accept a drag that may hold something usable, as a copy; False (and ignored) otherwise."""
    # Copy only: accepting a proposed Move (Shift held) makes some file managers delete the original.
    if accepts(event.mimeData()) and event.possibleActions() & Qt.DropAction.CopyAction:
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
        return True
    event.ignore()
    return False


def take_drop(window: MainWindow, event: QDropEvent) -> None:
    payload = parse_mime(event.mimeData())  # now: the mime data dies with the drag
    event.setDropAction(Qt.DropAction.CopyAction)
    event.accept()
    take(window, payload.inputs, payload.images, payload.rejected)


def paste(window: MainWindow) -> None:
    payload = parse_mime(QGuiApplication.clipboard().mimeData())
    take(window, payload.inputs, payload.images, payload.rejected)


def take(
    window: MainWindow, inputs: list[str], images: list[QImage], rejected: list[tuple[str, str]]
) -> None:
    if rejected:
        _show_rejected(window, [Rejected(what, why) for what, why in rejected])
    if inputs or images:
        window.keeper.spawn(window.controller.add_inputs(inputs, images), "Adding images")


def _show_rejected(window: MainWindow, rejected: list[Rejected]) -> None:
    """Many rejects give one summary line, never a storm of dialogs."""
    first = rejected[0]
    more = translate("MainWindow", " (and {n} more)").format(n=len(rejected) - 1) if len(rejected) > 1 else ""
    window.status.showMessage(f"{first.given}: {first.error}{more}", 15_000)


def choose_files(window: MainWindow) -> None:
    image_filter = translate(
        "MainWindow", "Images (*.png *.jpg *.jpeg *.webp *.PNG *.JPG *.JPEG *.WEBP);;All files (*)"
    )
    dialog = QFileDialog(window, translate("MainWindow", "Add images"), str(Path.home()), image_filter)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
    dialog.filesSelected.connect(lambda files: take(window, list(files), [], []))
    dialog.open()


def choose_folder(window: MainWindow) -> None:
    dialog = QFileDialog(window, translate("MainWindow", "Add a folder of images"), str(Path.home()))
    dialog.setFileMode(QFileDialog.FileMode.Directory)
    dialog.setOption(QFileDialog.Option.ShowDirsOnly)
    dialog.fileSelected.connect(lambda folder: take(window, [folder], [], []))
    dialog.open()


def ask_link(window: MainWindow) -> None:
    dialog = QInputDialog(window)
    dialog.setWindowTitle(translate("MainWindow", "Add link"))
    dialog.setLabelText(translate("MainWindow", "Image link (http or https), one or more per line:"))
    dialog.setOption(QInputDialog.InputDialogOption.UsePlainTextEditForTextInput)
    dialog.textValueSelected.connect(lambda text: take(window, text.split(), [], []))
    dialog.open()
