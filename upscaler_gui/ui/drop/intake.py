"""Input to the window from everywhere: drops, the clipboard, the Add dialogs, the command line.

Each comes out as one `inputs_given` (files, folders, links, and pixels to save); refusals come out as
one `refused` line for the status bar, never a storm of dialogs. The dialogs are opened with open() and
answer through signals.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication, QImage
from PySide6.QtWidgets import QFileDialog, QWidget

from upscaler_gui.ui.drop.link_dialog import LinkDialog
from upscaler_gui.ui.drop.mime import accepts, parse_mime


def accept_copy(event: QDragEnterEvent) -> bool:
    """Accept a drag that may hold something usable, as a copy; False (and ignored) otherwise."""
    # Copy only: accepting a proposed Move (Shift held) makes some file managers delete the original.
    if accepts(event.mimeData()) and event.possibleActions() & Qt.DropAction.CopyAction:
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
        return True
    event.ignore()
    return False


class InputIntake(QObject):
    """Turns drops, pastes and the Add dialogs (parented to `window`) into inputs to add."""

    inputs_given = Signal(object, object)  # list[str] (files, folders, links), list[QImage] (pixels)
    refused = Signal(str)  # one line: the first refusal, and how many more

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window

    def take_drop(self, event: QDropEvent) -> None:
        payload = parse_mime(event.mimeData())  # now: the mime data dies with the drag
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
        self.take(payload.inputs, payload.images, payload.rejected)

    def paste(self) -> None:
        """The clipboard's files, links and pixels; copied pixels win over links (a browser's "Copy
        image" also puts the image's link there, which may need the page's cookies or have expired)."""
        payload = parse_mime(QGuiApplication.clipboard().mimeData(), prefer_pixels=True)
        self.take(payload.inputs, payload.images, payload.rejected)

    def take(
        self,
        inputs: list[str],
        images: list[QImage] | None = None,
        rejected: list[tuple[str, str]] | None = None,
    ) -> None:
        """Inputs from anywhere, the command line's (`upscaler-gui FILE_OR_URL...`) too."""
        if rejected:
            self._refuse(rejected)
        if inputs or images:
            self.inputs_given.emit(inputs, images or [])

    def _refuse(self, rejected: list[tuple[str, str]]) -> None:
        """Many refusals give one summary line."""
        given, why = rejected[0]
        more = self.tr(" (and %n more)", "", len(rejected) - 1) if len(rejected) > 1 else ""
        self.refused.emit(f"{given}: {why}{more}")

    def choose_files(self) -> None:
        image_filter = self.tr("Images (*.png *.jpg *.jpeg *.webp *.PNG *.JPG *.JPEG *.WEBP);;All files (*)")
        dialog = QFileDialog(self._window, self.tr("Add images"), str(Path.home()), image_filter)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
        dialog.filesSelected.connect(lambda files: self.take(list(files)))
        dialog.open()

    def choose_folder(self) -> None:
        dialog = QFileDialog(self._window, self.tr("Add a folder of images"), str(Path.home()))
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly)
        dialog.fileSelected.connect(lambda folder: self.take([folder]))
        dialog.open()

    def ask_link(self) -> LinkDialog:
        dialog = LinkDialog(self._window)
        dialog.links_given.connect(self.take)
        dialog.open()
        return dialog
