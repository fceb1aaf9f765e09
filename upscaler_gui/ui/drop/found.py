"""The payload of a drop or paste as it is built: each candidate kept once, or refused with a reason.

Browsers offer one picture in several formats at once, so every candidate is keyed (a normalised path, a
URL without its fragment, the data: URI itself) and a key seen before is skipped.
"""

from __future__ import annotations

import functools
import os
import socket
from dataclasses import dataclass, field

from PySide6.QtCore import QCoreApplication, QUrl
from PySide6.QtGui import QImage

from upscaler_gui.core.images import format_bytes
from upscaler_gui.core.redact import redact
from upscaler_gui.ui.drop.text import SCHEME_ONLY_RE, SCHEME_RE, looks_like_path

# A data: URI's text is base64 (4/3 of the bytes): 15 MB of text holds more than KIE's 10 MB limit, so
# nothing acceptable is refused here, while a runaway paste never reaches the decoder.
MAX_DATA_URI_CHARS = 15 * 1024 * 1024
_PREVIEW_CHARS = 60


@dataclass
class DropPayload:
    """What a drop or paste holds, split by what the window does with each part."""

    inputs: list[str] = field(default_factory=list)  # for core.sources.expand
    images: list[QImage] = field(default_factory=list)  # save with save_pasted_image, then add
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (what, why)

    def __bool__(self) -> bool:
        return bool(self.inputs or self.images)


class Found:
    """The payload being built, and the keys seen so far (so each thing is kept once)."""

    def __init__(self) -> None:
        self.payload = DropPayload()
        self.seen: set[str] = set()
        self.taken: set[str] = set()
        self.shadows: set[str] = set()  # links that stand for another one kept instead (see HtmlImages)

    def take(self, text: str, *, loose: bool = False) -> bool:
        """Keep or refuse one candidate. A link format's entry is always a link (refused if unusable);
        in loose text only `scheme://` words count, and False says the word was neither link nor path."""
        text = text.strip()
        if text in self.taken:  # the same words again (text/plain repeats uri-list): skip the parsing
            return True
        if self._dispatch(text, loose):
            self.taken.add(text)
            return True
        return False

    def _dispatch(self, text: str, loose: bool) -> bool:
        lowered = text[:8].lower()
        if lowered.startswith("data:"):
            self._take_data(text)
        elif lowered.startswith("file:"):
            self.take_file_url(QUrl(text, QUrl.ParsingMode.TolerantMode), text)
        elif looks_like_path(text):
            self.take_path(text)
        elif SCHEME_RE.match(text) or (not loose and SCHEME_ONLY_RE.match(text)):
            self._take_url(text)
        elif not loose and text:
            self.reject(
                text,
                QCoreApplication.translate(
                    "Drop", "This link is relative and the address of its page is unknown."
                ),
            )
        else:
            return False
        return True

    def take_path(self, path: str) -> None:
        self._add(path, _path_key(path))

    def take_file_url(self, url: QUrl, given: str) -> None:
        path, why = local_file(url)
        if path is None:
            self.reject(given, why)
        else:
            self.take_path(path)

    def _take_url(self, text: str) -> None:
        scheme = text.partition(":")[0].lower()
        if scheme not in ("http", "https"):
            self.reject(text, _scheme_reason(scheme))
            return
        url = QUrl(text, QUrl.ParsingMode.TolerantMode)
        if not url.isValid() or not url.host():
            self.reject(text, QCoreApplication.translate("Drop", "This link has no valid host name."))
            return
        encoded = bytes(url.toEncoded().data()).decode("ascii")
        self._add(encoded, encoded.partition("#")[0])  # the fragment never changes the picture

    def _take_data(self, text: str) -> None:
        if len(text) > MAX_DATA_URI_CHARS:
            why = QCoreApplication.translate(
                "Drop", "This embedded image is {size} of text; at most {limit} can be used."
            ).format(size=format_bytes(len(text)), limit=format_bytes(MAX_DATA_URI_CHARS))
            self.reject(preview(text), why)
            return
        compact = "".join(text.split())  # base64 wrapped over lines still decodes
        self._add(compact, compact)

    def _add(self, value: str, key: str) -> None:
        if key in self.seen or key in self.shadows:
            return
        self.seen.add(key)
        self.payload.inputs.append(value)

    def reject(self, what: str, why: str) -> None:
        if ("!" + what) in self.seen:
            return
        self.seen.add("!" + what)
        self.payload.rejected.append((preview(what), why))


def _scheme_reason(scheme: str) -> str:
    if scheme == "blob":
        return QCoreApplication.translate(
            "Drop", "A blob: link exists only inside the browser tab. Save the image, then add the file."
        )
    return QCoreApplication.translate(
        "Drop", "Only http and https links can be upscaled (this one is {scheme})."
    ).format(scheme=scheme)


def preview(text: str) -> str:
    """`text` on one line, cut to a length that fits in a message, a link's secrets hidden."""
    text = " ".join(redact(text).split())
    return text if len(text) <= _PREVIEW_CHARS else text[: _PREVIEW_CHARS - 1] + "…"


def local_file(url: QUrl) -> tuple[str | None, str]:
    """The local path of a file: URL, or None and why it cannot be used."""
    host = url.host().lower()
    if host in _own_host_names():
        url = QUrl(url)
        url.setHost("")  # else toLocalFile() keeps it as //localhost/...
    elif host and os.name != "nt":
        # On Windows, file://server/share is a UNC path that the OS opens; elsewhere it is unreachable.
        return None, QCoreApplication.translate(
            "Drop", "This file is on another computer ({host}). Copy it here first."
        ).format(host=host)
    path = url.toLocalFile()
    if not path:
        return None, QCoreApplication.translate("Drop", "This file link has no path.")
    return path, ""


@functools.cache
def _own_host_names() -> frozenset[str]:
    # Some file managers (KDE) write file://<this machine's name>/path for local files.
    return frozenset({"localhost", socket.gethostname().lower()})


def _path_key(path: str) -> str:
    return os.path.normcase(os.path.normpath(os.path.expanduser(path)))
