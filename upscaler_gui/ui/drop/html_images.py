"""The images of dragged or pasted HTML: each <img>'s source, or the full-size picture its link points to.

Lazy-loading pages put a placeholder in `src` and the real address in `data-src` or a `srcset`; a gallery
thumbnail links to its full-size picture. Relative addresses are resolved against the page when known.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import PurePosixPath
from urllib.parse import urljoin

from PySide6.QtCore import QUrl

from upscaler_gui.core import log
from upscaler_gui.core.sources import IMAGE_SUFFIXES
from upscaler_gui.ui.drop.text import SCHEME_ONLY_RE

_SOURCE_URL_RE = re.compile(r"^SourceURL:(\S+)", re.MULTILINE)  # Windows CF_HTML header, when kept
_LAZY_SRC_ATTRS = ("data-src", "data-original", "data-lazy-src", "srcset", "data-srcset")


@dataclass
class HtmlImages:
    links: list[str] = field(default_factory=list)
    # Keys of links that only stand for an image kept under another URL: the page a thumbnail links to
    # (browsers put the <a href> of a linked image in uri-list), or a thumbnail linking to its full size.
    shadows: set[str] = field(default_factory=set)


def images_in_html(text: str) -> HtmlImages:
    """The image links of `text`, in document order, and the links they stand in for."""
    parser = _ImgParser()
    try:
        parser.feed(text)
        parser.close()
    except (AssertionError, ValueError):  # html.parser is lenient, but a drop must never raise
        log.ui.info("drop: malformed HTML, using the %d image(s) read before the error", len(parser.pairs))
    base = _html_base(text, parser.base)
    return _choose_images(parser.pairs, base)


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


def _html_base(text: str, base: str) -> str:
    source = _SOURCE_URL_RE.search(text[:2000])
    page = source.group(1) if source else ""
    return _join(page, base) if page else base


def _choose_images(pairs: list[tuple[str, str]], base: str) -> HtmlImages:
    """The image of each <img>: its src, or the link around it when that link is itself an image file."""
    found = HtmlImages()
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
    if SCHEME_ONLY_RE.match(link):
        return link
    if base:
        return _join(base, link)
    if link.startswith("//"):
        return "https:" + link  # a scheme-relative src with no page address: pages are https today
    return link  # relative with nothing to resolve it against: refused by Found.take


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
