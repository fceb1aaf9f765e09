"""Where a drop or paste keeps its files, links, text and pixels: one reader per kind of mime format.

Formats are fetched only when needed, because on X11 every `mime.data()` is a round trip to the
application that owns the drag or the clipboard.
"""

from __future__ import annotations

from collections.abc import Iterator

from PySide6.QtCore import QMimeData, QUrl
from PySide6.QtGui import QImage, QPixmap

from upscaler_gui.ui.drop.found import Found, local_file
from upscaler_gui.ui.drop.html_images import HtmlImages, images_in_html
from upscaler_gui.ui.drop.text import read_text, text_candidates

# Plain text beyond this is not scanned for links (a pasted log file); a data: URI is handled apart.
MAX_TEXT_CHARS = 1_000_000

URI_LIST = "text/uri-list"
MOZ_URL = "text/x-moz-url"  # Firefox: UTF-16 LE "url\ntitle" pairs
NETSCAPE_URL = "_NETSCAPE_URL"  # X11 browsers: UTF-8 "url\ntitle"
MOZ_PROMISE_URL = "application/x-moz-file-promise-url"  # Firefox: the dragged image's own URL
GNOME_FILES = "x-special/gnome-copied-files"  # Nautilus copy: "copy" or "cut", then file URLs
HTML = "text/html"
LINK_FORMATS = (URI_LIST, MOZ_URL, NETSCAPE_URL, MOZ_PROMISE_URL, GNOME_FILES, HTML)
# Raw image formats in order of preference; other image/* Qt can decode come after.
_IMAGE_FORMATS = ("image/png", "image/jpeg", "image/webp")


def local_files(mime: QMimeData, urls: list[QUrl], found: Found) -> Iterator[str]:
    """Local paths from the URL list (and Nautilus' copy format), in order; remote file URLs refused."""
    if mime.hasFormat(GNOME_FILES):
        lines = read_text(mime, GNOME_FILES).splitlines()[1:]  # first line: copy/cut
        urls = urls + [QUrl(line.strip()) for line in lines if line.strip()]
    for url in urls:
        if not url.isLocalFile():
            continue
        path, why = local_file(url)
        if path is None:
            found.reject(url.toString(), why)
        else:
            yield path


def links(mime: QMimeData, urls: list[QUrl], html_links: list[str]) -> Iterator[str]:
    """Every link in priority order: the URL list, Firefox's and X11's URL formats, then <img> sources."""
    for url in urls:
        text = url.toString()
        if not url.isLocalFile() and text and not text.startswith("#"):  # '#' lines are comments
            yield text
    yield from _url_title_pairs(mime, MOZ_URL)
    yield from _url_title_pairs(mime, NETSCAPE_URL)
    if mime.hasFormat(MOZ_PROMISE_URL):
        yield read_text(mime, MOZ_PROMISE_URL).strip()
    yield from html_links


def _url_title_pairs(mime: QMimeData, name: str) -> Iterator[str]:
    if mime.hasFormat(name):
        lines = read_text(mime, name).splitlines()
        yield from (line for line in lines[0::2] if line.strip())


def html_images(mime: QMimeData) -> HtmlImages:
    if not mime.hasHtml() and not mime.hasFormat(HTML):
        return HtmlImages()
    return images_in_html(read_text(mime, HTML))


def take_text(mime: QMimeData, found: Found) -> str:
    """Takes the links and paths in the plain text; returns the text when it held none, else ''."""
    # Only real text formats: mime.text() would also give back text/uri-list, already read.
    if not any(name.startswith("text/plain") for name in mime.formats()):
        return ""
    text = mime.text().strip()
    if text[:5].lower() == "data:":
        found.take(text, loose=True)  # one data: URI, maybe wrapped over lines
        return ""
    used = False
    for candidate in text_candidates(text[:MAX_TEXT_CHARS]):
        used = found.take(candidate, loose=True) or used
    return "" if used else text


def image_data(mime: QMimeData) -> QImage | None:
    """The pixels Qt decoded, else the first image/* bytes that decode; None when there are none."""
    if mime.hasImage():
        data = mime.imageData()
        image = data.toImage() if isinstance(data, QPixmap) else data  # QPixmap: GUI thread, here it is
        if isinstance(image, QImage) and not image.isNull():
            return image
    for name in _image_formats(mime.formats()):
        image = QImage.fromData(mime.data(name))
        if not image.isNull():
            return image
    return None


def _image_formats(names: list[str]) -> list[str]:
    others = [n for n in names if n.startswith("image/") and n not in _IMAGE_FORMATS and "svg" not in n]
    return [n for n in _IMAGE_FORMATS if n in names] + others
