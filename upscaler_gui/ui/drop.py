"""What a drop or a paste holds: inputs for `core.sources.expand`, pixels to save, and refusals.

Browsers and file managers offer the same thing in several formats at once (a Firefox image drag
carries its URL as text/uri-list, text/x-moz-url, text/html and text/plain), so every format is read in
priority order and the findings are de-duplicated: one dragged picture makes one job. Raw pixels are
used only when no file or link was found, so a browser drag uploads the original, not a re-encoded copy.

Parsing reads only what Qt hands over (no stat, no file I/O): each input is checked later by `expand`,
off the GUI thread. Formats are fetched only when needed, because on X11 every `mime.data()` is a round
trip to the application that owns the drag or the clipboard.
"""

from __future__ import annotations

import functools
import os
import re
import secrets
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import urljoin

from PySide6.QtCore import QCoreApplication, QMimeData, QUrl
from PySide6.QtGui import QImage, QImageWriter, QPixmap

from upscaler_gui.core import log
from upscaler_gui.core.images import format_bytes
from upscaler_gui.core.sources import IMAGE_SUFFIXES

# A data: URI's text is base64 (4/3 of the bytes): 15 MB of text holds more than KIE's 10 MB limit, so
# nothing acceptable is refused here, while a runaway paste never reaches the decoder.
MAX_DATA_URI_CHARS = 15 * 1024 * 1024
# Plain text beyond this is not scanned for links (a pasted log file); a data: URI is handled apart.
MAX_TEXT_CHARS = 1_000_000
_PREVIEW_CHARS = 60

URI_LIST = "text/uri-list"
MOZ_URL = "text/x-moz-url"  # Firefox: UTF-16 LE "url\ntitle" pairs
NETSCAPE_URL = "_NETSCAPE_URL"  # X11 browsers: UTF-8 "url\ntitle"
MOZ_PROMISE_URL = "application/x-moz-file-promise-url"  # Firefox: the dragged image's own URL
GNOME_FILES = "x-special/gnome-copied-files"  # Nautilus copy: "copy" or "cut", then file URLs
HTML = "text/html"
_LINK_FORMATS = (URI_LIST, MOZ_URL, NETSCAPE_URL, MOZ_PROMISE_URL, GNOME_FILES, HTML)
# Raw image formats in order of preference; other image/* Qt can decode come after.
_IMAGE_FORMATS = ("image/png", "image/jpeg", "image/webp")
_SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_SCHEME_ONLY_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")  # blob:, mailto:, javascript:
_TOKEN_RE = re.compile(r"\"[^\"]+\"|'[^']+'|\S+")
_LINKISH_RE = re.compile(r"[/\\:]")
_DRIVE_RE = re.compile(r"^[A-Za-z]:[\\/]")
_SOURCE_URL_RE = re.compile(r"^SourceURL:(\S+)", re.MULTILINE)  # Windows CF_HTML header, when kept
_LAZY_SRC_ATTRS = ("data-src", "data-original", "data-lazy-src", "srcset", "data-srcset")
_QUOTES = "\"'<>«»“”‘’"  # quotes people paste around links


def _tr(text: str) -> str:
    return QCoreApplication.translate("Drop", text)


@dataclass
class DropPayload:
    """What a drop or paste holds, split by what the window does with each part."""

    inputs: list[str] = field(default_factory=list)  # for core.sources.expand
    images: list[QImage] = field(default_factory=list)  # save with save_pasted_image, then add
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (what, why)

    def __bool__(self) -> bool:
        return bool(self.inputs or self.images)


# --- accepts: for dragEnterEvent, formats only ---------------------------------------------------------


def accepts(mime: QMimeData) -> bool:
    """True when something usable may be inside; looks at format names only, never at the data."""
    if mime.hasUrls() or mime.hasImage() or mime.hasText() or mime.hasHtml():
        return True
    return any(_is_link_or_image_format(name) for name in mime.formats())


def _is_link_or_image_format(name: str) -> bool:
    return name in _LINK_FORMATS or name.startswith(("image/", "text/plain"))


# --- parse_mime ----------------------------------------------------------------------------------------


def parse_mime(mime: QMimeData) -> DropPayload:
    """Files, folders, links and data: URIs in priority order, each once; pixels only as a last resort."""
    found = _Found()
    urls = list(mime.urls()) if mime.hasUrls() else []  # each mime.data() may be an X11 round trip
    html = _html_images(mime)
    found.shadows |= html.shadows
    for path in _local_files(mime, urls, found):
        found.take_path(path)
    for link in _links(mime, urls, html.links):
        found.take(link)
    useless_text = _take_text(mime, found)
    _finish(mime, found, useless_text)
    return found.payload


class _Found:
    """The payload being built, and the keys seen so far (so each thing is kept once)."""

    def __init__(self) -> None:
        self.payload = DropPayload()
        self.seen: set[str] = set()
        self.taken: set[str] = set()
        self.shadows: set[str] = set()  # links that stand for another one kept instead (see _HtmlImages)

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
        elif _looks_like_path(text):
            self.take_path(text)
        elif _SCHEME_RE.match(text) or (not loose and _SCHEME_ONLY_RE.match(text)):
            self._take_url(text)
        elif not loose and text:
            self.reject(text, _tr("This link is relative and the address of its page is unknown."))
        else:
            return False
        return True

    def take_path(self, path: str) -> None:
        self._add(path, _path_key(path))

    def take_file_url(self, url: QUrl, given: str) -> None:
        path, why = _local_file(url)
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
            self.reject(text, _tr("This link has no valid host name."))
            return
        encoded = bytes(url.toEncoded().data()).decode("ascii")
        self._add(encoded, encoded.partition("#")[0])  # the fragment never changes the picture

    def _take_data(self, text: str) -> None:
        if len(text) > MAX_DATA_URI_CHARS:
            why = _tr("This embedded image is {size} of text; at most {limit} can be used.").format(
                size=format_bytes(len(text)), limit=format_bytes(MAX_DATA_URI_CHARS)
            )
            self.reject(_preview(text), why)
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
        self.payload.rejected.append((_preview(what), why))


def _scheme_reason(scheme: str) -> str:
    if scheme == "blob":
        return _tr("A blob: link exists only inside the browser tab. Save the image, then add the file.")
    return _tr("Only http and https links can be upscaled (this one is {scheme}).").format(scheme=scheme)


def _preview(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _PREVIEW_CHARS else text[: _PREVIEW_CHARS - 1] + "…"


# --- local files ---------------------------------------------------------------------------------------


def _local_files(mime: QMimeData, urls: list[QUrl], found: _Found) -> Iterator[str]:
    """Local paths from the URL list (and Nautilus' copy format), in order; remote file URLs refused."""
    if mime.hasFormat(GNOME_FILES):
        lines = _read_text(mime, GNOME_FILES).splitlines()[1:]  # first line: copy/cut
        urls = urls + [QUrl(line.strip()) for line in lines if line.strip()]
    for url in urls:
        if not url.isLocalFile():
            continue
        path, why = _local_file(url)
        if path is None:
            found.reject(url.toString(), why)
        else:
            yield path


def _local_file(url: QUrl) -> tuple[str | None, str]:
    """The local path of a file: URL, or None and why it cannot be used."""
    host = url.host().lower()
    if host in _own_host_names():
        url = QUrl(url)
        url.setHost("")  # else toLocalFile() keeps it as //localhost/...
    elif host and os.name != "nt":
        # On Windows, file://server/share is a UNC path that the OS opens; elsewhere it is unreachable.
        return None, _tr("This file is on another computer ({host}). Copy it here first.").format(host=host)
    path = url.toLocalFile()
    if not path:
        return None, _tr("This file link has no path.")
    return path, ""


@functools.cache
def _own_host_names() -> frozenset[str]:
    # Some file managers (KDE) write file://<this machine's name>/path for local files.
    return frozenset({"localhost", socket.gethostname().lower()})


def _looks_like_path(text: str) -> bool:
    """An absolute local path, judged from the text only (a stat per word would be I/O on the GUI thread)."""
    if text.startswith(("~/", "~\\")) or (text.startswith("/") and text.strip("/")):
        return True
    return os.name == "nt" and (bool(_DRIVE_RE.match(text)) or text.startswith("\\\\"))


def _path_key(path: str) -> str:
    return os.path.normcase(os.path.normpath(os.path.expanduser(path)))


# --- links ---------------------------------------------------------------------------------------------


def _links(mime: QMimeData, urls: list[QUrl], html_links: list[str]) -> Iterator[str]:
    """Every link in priority order: the URL list, Firefox's and X11's URL formats, then <img> sources."""
    for url in urls:
        text = url.toString()
        if not url.isLocalFile() and text and not text.startswith("#"):  # '#' lines are comments
            yield text
    yield from _url_title_pairs(mime, MOZ_URL)
    yield from _url_title_pairs(mime, NETSCAPE_URL)
    if mime.hasFormat(MOZ_PROMISE_URL):
        yield _read_text(mime, MOZ_PROMISE_URL).strip()
    yield from html_links


def _url_title_pairs(mime: QMimeData, name: str) -> Iterator[str]:
    if mime.hasFormat(name):
        lines = _read_text(mime, name).splitlines()
        yield from (line for line in lines[0::2] if line.strip())


def _read_text(mime: QMimeData, name: str) -> str:
    return _decode_text(bytes(mime.data(name).data()))


def _decode_text(data: bytes) -> str:
    """Text in UTF-16 (Firefox's x-moz-url, and its text/html on X11) or UTF-8, told apart by the bytes."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace").rstrip("\0")
    head = data[:200]
    if len(head) >= 2 and head.count(0) * 3 > len(head):  # ASCII text in UTF-16: every other byte is 0
        codec = "utf-16-le" if head[1::2].count(0) >= head[0::2].count(0) else "utf-16-be"
        return data[: len(data) // 2 * 2].decode(codec, errors="replace").rstrip("\0")
    return data.decode("utf-8", errors="replace").rstrip("\0")


# --- <img> in HTML -------------------------------------------------------------------------------------


@dataclass
class _HtmlImages:
    links: list[str] = field(default_factory=list)
    # Keys of links that only stand for an image kept under another URL: the page a thumbnail links to
    # (browsers put the <a href> of a linked image in uri-list), or a thumbnail linking to its full size.
    shadows: set[str] = field(default_factory=set)


class _ImgParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)  # attribute values come back unescaped (&amp; -> &)
        self.base = ""
        self.pairs: list[tuple[str, str]] = []  # (href of the enclosing <a>, img source)
        self._href = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "base" and not self.base:
            self.base = values.get("href", "").strip()
        elif tag == "a":
            self._href = values.get("href", "").strip()
        elif tag == "img":
            source = _img_source(values)
            if source:
                self.pairs.append((self._href, source))

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._href = ""


def _img_source(values: dict[str, str]) -> str:
    """The img's src, unless it is a lazy-loading placeholder (a data: GIF) and a real URL sits beside it."""
    src = values.get("src", "").strip()
    if src and not src.lower().startswith("data:"):
        return src
    for name in _LAZY_SRC_ATTRS:
        if values.get(name, "").strip():
            return _largest_candidate(values[name]) if "srcset" in name else values[name].strip()
    return src


def _largest_candidate(srcset: str) -> str:
    """The widest entry of a srcset ("a.jpg 480w, b.jpg 2x"); the last one when they have no sizes."""
    best, best_size = "", -1.0
    for entry in srcset.split(","):
        url, _, descriptor = entry.strip().partition(" ")
        number = descriptor.strip().rstrip("wxWX")
        size = float(number) if number.replace(".", "", 1).isdigit() else 0.0
        if url and size >= best_size:
            best, best_size = url, size
    return best


def _html_images(mime: QMimeData) -> _HtmlImages:
    if not mime.hasHtml() and not mime.hasFormat(HTML):
        return _HtmlImages()
    text = _read_text(mime, HTML)
    parser = _ImgParser()
    try:
        parser.feed(text)
        parser.close()
    except (AssertionError, ValueError):  # html.parser is lenient, but a drop must never raise
        log.ui.info("drop: malformed HTML, using the %d image(s) read before the error", len(parser.pairs))
    base = _html_base(text, parser.base)
    return _choose_images(parser.pairs, base)


def _html_base(text: str, base: str) -> str:
    source = _SOURCE_URL_RE.search(text[:2000])
    page = source.group(1) if source else ""
    return _join(page, base) if page else base


def _choose_images(pairs: list[tuple[str, str]], base: str) -> _HtmlImages:
    """The image of each <img>: its src, or the link around it when that link is itself an image file."""
    found = _HtmlImages()
    for href, src in pairs:
        src_url, href_url = _absolute(src, base), _absolute(href, base) if href else ""
        if href_url and _is_image_address(href_url) and not src_url.lower().startswith("data:"):
            chosen, shadow = href_url, src_url  # a gallery thumbnail: its link is the full-size picture
        else:
            chosen, shadow = src_url, href_url  # an image linking to a page: the page is not a picture
        found.links.append(chosen)
        if shadow and shadow != chosen and _is_web(shadow):
            found.shadows.add(_url_key(shadow))
    return found


def _absolute(link: str, base: str) -> str:
    if _SCHEME_ONLY_RE.match(link):
        return link
    if base:
        return _join(base, link)
    if link.startswith("//"):
        return "https:" + link  # a scheme-relative src with no page address: pages are https today
    return link  # relative with nothing to resolve it against: refused by _Found.take below


def _join(base: str, link: str) -> str:
    try:
        return urljoin(base, link)
    except ValueError:  # a malformed base ("http://[::1"): the link stays relative and is refused
        return link


def _is_image_address(url: str) -> bool:
    path = QUrl(url, QUrl.ParsingMode.TolerantMode).path()
    return _is_web(url) and PurePosixPath(path).suffix.lower() in IMAGE_SUFFIXES


def _is_web(url: str) -> bool:
    return url[:8].lower().startswith(("http://", "https://"))


def _url_key(url: str) -> str:
    encoded = bytes(QUrl(url, QUrl.ParsingMode.TolerantMode).toEncoded().data()).decode("ascii")
    return encoded.partition("#")[0]


# --- plain text ----------------------------------------------------------------------------------------


def _take_text(mime: QMimeData, found: _Found) -> str:
    """Takes the links and paths in the plain text; returns the text when it held none, else ''."""
    # Only real text formats: mime.text() would also give back text/uri-list, already read.
    if not any(name.startswith("text/plain") for name in mime.formats()):
        return ""
    text = mime.text().strip()
    if text[:5].lower() == "data:":
        found.take(text, loose=True)  # one data: URI, maybe wrapped over lines
        return ""
    used = False
    for candidate in _text_candidates(text[:MAX_TEXT_CHARS]):
        used = found.take(candidate, loose=True) or used
    return "" if used else text


def _text_candidates(text: str) -> Iterator[str]:
    for line in text.splitlines():
        yield from _line_candidates(line.strip())


def _line_candidates(line: str) -> list[str]:
    """The links and paths of one line; a line that is one path keeps its spaces ("My Photos/a.jpg")."""
    # Only a word with a slash or a colon can be a link or a path: the others are not even unwrapped.
    words = [_unwrap(token) for token in _TOKEN_RE.findall(line) if _LINKISH_RE.search(token)]
    usable = [word for word in words if _is_candidate(word)]
    whole = _unwrap(line)
    if len(usable) < 2 and _looks_like_path(whole):
        return [whole]
    return usable


def _is_candidate(word: str) -> bool:
    return _looks_like_path(word) or bool(_SCHEME_RE.match(word)) or word[:5].lower() == "data:"


def _unwrap(token: str) -> str:
    """A word without the quotes, brackets and sentence punctuation people put around links."""
    token = token.strip().strip(_QUOTES).lstrip("([{")
    token = token.rstrip(".,;:!?")
    for opening, closing in ("()", "[]", "{}"):
        if token.endswith(closing) and token.count(closing) > token.count(opening):
            token = token[:-1]
    return token.strip(_QUOTES)


# --- the end: pixels as a last resort, and why nothing came -----------------------------------------


def _finish(mime: QMimeData, found: _Found, useless_text: str) -> None:
    payload = found.payload
    if payload.inputs:
        return
    image = _image_data(mime)
    if image is not None:
        if payload.rejected:
            # The refused links described this same picture (a blob: src, an oversized data: URI).
            log.ui.info("drop: using the image data instead of %d refused link(s)", len(payload.rejected))
        payload.rejected.clear()
        payload.images.append(image)
    elif useless_text and not payload.rejected:
        payload.rejected.append((_preview(useless_text), _tr("No image link or file in the pasted text.")))
    elif not payload.rejected:
        payload.rejected.append(
            (_tr("Drop or paste"), _tr("Nothing to add: it held no image file, folder, link or picture."))
        )


def _image_data(mime: QMimeData) -> QImage | None:
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


# --- save_pasted_image: in a worker thread ---------------------------------------------------------


def save_pasted_image(image: QImage, folder: Path) -> Path:
    """Write `image` as a new PNG in `folder` and return its path; safe in any thread (QImage only).

    The PNG is written under a hidden temporary name and renamed into place, so the upload step (or a
    watch folder) never sees half a file under the final name.
    """
    if image.isNull():
        raise ValueError("cannot save an empty (null) image")
    folder.mkdir(parents=True, exist_ok=True)
    final = _free_name(folder)
    temp = folder / f".{final.name}.part"
    writer = QImageWriter(str(temp), b"png")
    if not writer.write(image):
        temp.unlink(missing_ok=True)
        raise OSError(f"cannot write {temp}: {writer.errorString()}")
    os.replace(temp, final)
    log.ui.info("pasted image saved as %s (%dx%d)", final, image.width(), image.height())
    return final


def _free_name(folder: Path) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    while True:
        path = folder / f"pasted-{stamp}-{secrets.token_hex(2)}.png"
        if not path.exists():
            return path
