"""What a drop or a paste holds: inputs for `core.sources.expand`, pixels to save, and refusals.

Browsers and file managers offer the same thing in several formats at once (a Firefox image drag
carries its URL as text/uri-list, text/x-moz-url, text/html and text/plain), so every format is read in
priority order and the findings are de-duplicated: one dragged picture makes one job. Raw pixels are
used only when no file or link was found, so a browser drag uploads the original, not a re-encoded copy.

Parsing reads only what Qt hands over (no stat, no file I/O): each input is checked later by `expand`,
off the GUI thread. Formats are fetched only when needed, because on X11 every `mime.data()` is a round
trip to the application that owns the drag or the clipboard.

The readers of each kind of format are in `sources` (with `html_images` and `text`), the
de-duplication in `found`; saving pixels in `pasted_image`.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QMimeData

from upscaler_gui.core import log
from upscaler_gui.ui.drop.found import MAX_DATA_URI_CHARS, DropPayload, Found, preview
from upscaler_gui.ui.drop.pasted_image import save_pasted_image
from upscaler_gui.ui.drop.sources import (
    GNOME_FILES,
    HTML,
    LINK_FORMATS,
    MAX_TEXT_CHARS,
    MOZ_PROMISE_URL,
    MOZ_URL,
    NETSCAPE_URL,
    URI_LIST,
    html_images,
    image_data,
    links,
    local_files,
    take_text,
)

__all__ = [
    "GNOME_FILES",
    "HTML",
    "MAX_DATA_URI_CHARS",
    "MAX_TEXT_CHARS",
    "MOZ_PROMISE_URL",
    "MOZ_URL",
    "NETSCAPE_URL",
    "URI_LIST",
    "DropPayload",
    "accepts",
    "parse_mime",
    "save_pasted_image",
]


# --- accepts: for dragEnterEvent, formats only ---------------------------------------------------------


def accepts(mime: QMimeData) -> bool:
    """True when something usable may be inside; looks at format names only, never at the data."""
    if mime.hasUrls() or mime.hasImage() or mime.hasText() or mime.hasHtml():
        return True
    return any(_is_link_or_image_format(name) for name in mime.formats())


def _is_link_or_image_format(name: str) -> bool:
    return name in LINK_FORMATS or name.startswith(("image/", "text/plain"))


# --- parse_mime ----------------------------------------------------------------------------------------


def parse_mime(mime: QMimeData, *, prefer_pixels: bool = False) -> DropPayload:
    """Files, folders, links and data: URIs in priority order, each once; pixels only as a last resort.

    With `prefer_pixels` (a paste), pixels win over links when no local file came with them: what the
    user copied is what they see, while its link may need the page's cookies or have expired.
    """
    if prefer_pixels and (pixels := _pixels_over_links(mime)) is not None:
        return pixels
    found = Found()
    urls = list(mime.urls()) if mime.hasUrls() else []  # each mime.data() may be an X11 round trip
    html = html_images(mime)
    found.shadows |= html.shadows
    for path in local_files(mime, urls, found):
        found.take_path(path)
    for link in links(mime, urls, html.links):
        found.take(link)
    useless_text = take_text(mime, found)
    _finish(mime, found, useless_text)
    return found.payload


def _pixels_over_links(mime: QMimeData) -> DropPayload | None:
    """The pixels alone, when the mime data holds pixels and no local file; else None."""
    if not mime.hasImage() and not any(name.startswith("image/") for name in mime.formats()):
        return None
    urls = list(mime.urls()) if mime.hasUrls() else []
    if any(url.isLocalFile() for url in urls) or mime.hasFormat(GNOME_FILES):
        return None  # a copied file: its own bytes, not a re-encoded copy
    image = image_data(mime)
    if image is None:
        return None
    log.ui.info("paste: using the copied pixels rather than the link beside them")
    return DropPayload(images=[image])


def _finish(mime: QMimeData, found: Found, useless_text: str) -> None:
    """Pixels as a last resort, or why nothing came."""
    payload = found.payload
    if payload.inputs:
        return
    image = image_data(mime)
    if image is not None:
        if payload.rejected:
            # The refused links described this same picture (a blob: src, an oversized data: URI).
            log.ui.info("drop: using the image data instead of %d refused link(s)", len(payload.rejected))
        payload.rejected.clear()
        payload.images.append(image)
    elif useless_text and not payload.rejected:
        payload.rejected.append(
            (
                preview(useless_text),
                QCoreApplication.translate("Drop", "No image link or file in the pasted text."),
            )
        )
    elif not payload.rejected:
        payload.rejected.append(
            (
                QCoreApplication.translate("Drop", "Drop or paste"),
                QCoreApplication.translate(
                    "Drop", "Nothing to add: it held no image file, folder, link or picture."
                ),
            )
        )
