"""What the user gave (paths, folders, URLs, data: URIs, `-` for stdin) turned into input items.

Nothing is sent from here: each item is either a `Source` ready for the local checks or a
`Rejected` with a sentence saying what is wrong, so one bad item never stops the others.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TextIO
from urllib.parse import unquote_to_bytes, urlsplit

from upscaler_gui.core.errors import InputError
from upscaler_gui.core.i18n import tr
from upscaler_gui.core.images import sniff_format
from upscaler_gui.core.input_formats import sniff_convertible
from upscaler_gui.core.localfiles import not_regular_message, open_regular, readable
from upscaler_gui.core.redact import hide_link_secrets, preview_value

SourceKind = Literal["file", "url", "data"]

# Extensions people give images; a file with one of these is reported when refused, others in a
# folder are passed over quietly (a folder of photos often holds sidecar files).
IMAGE_SUFFIXES = frozenset(
    ".png .jpg .jpeg .jpe .jfif .webp .gif .bmp .tif .tiff .heic .heif .avif .jxl .psd .ico".split()
)
NO_IMAGES_IN_FOLDER = (
    "No image in this folder (PNG, JPEG, WEBP, HEIC, AVIF, TIFF, BMP and GIF count;"
    " hidden and partial files do not)."
)
PARTIAL_SUFFIXES = (".part", ".crdownload", ".tmp", ".download", ".partial", ".!qb", ".opdownload")


@dataclass(frozen=True)
class Source:
    """One input item: a local file, a remote URL, or image bytes from a data: URI."""

    kind: SourceKind
    given: str  # as the user gave it, as it may be shown (secrets hidden, data: shortened, readable)
    path: Path | None = None
    url: str | None = None
    data: bytes | None = None
    relpath: str = ""  # a file found in a folder: its subfolder there, '/' between parts ('' at the top)


@dataclass(frozen=True)
class Rejected:
    """An input that cannot be used, and why (`given` as it may be shown, like a Source's)."""

    given: str
    error: str


Item = Source | Rejected


def is_hidden_or_partial(name: str) -> bool:
    """Dot files, downloads in progress, Office lock files and sync tools' temp files."""
    lowered = name.lower()
    return (
        name.startswith((".", "~$"))
        or lowered.endswith(PARTIAL_SUFFIXES)
        or lowered.startswith(".syncthing.")
    )


def check_url(url: str) -> str:
    """An http(s) URL with a host, or an `InputError` saying what is wrong."""
    text = url.strip()
    try:
        parts = urlsplit(text)
        host = parts.hostname
    except ValueError:
        raise InputError(tr("This link is not a valid URL.")) from None
    if parts.scheme.lower() not in ("http", "https"):
        raise InputError(
            tr("Only http and https links can be upscaled (this one is {scheme}).").format(
                scheme=parts.scheme or tr("no scheme")
            )
        )
    if any(ch.isspace() for ch in text):
        raise InputError(
            tr("This link contains a space."),
            hint=tr("Write %20 in its place, or give each link separately."),
        )
    if not host:
        raise InputError(tr("This link has no valid host name."), hint=tr("Copy the full image address."))
    return text


def decode_data_uri(uri: str) -> bytes:
    """The bytes of a `data:` URI (base64 or percent-encoded), or an `InputError`."""
    header, sep, payload = uri.partition(",")
    if not sep:
        raise InputError(tr("This data: URI has no data after the comma."))
    try:
        if header.lower().endswith(";base64"):
            return base64.b64decode(payload.strip(), validate=False)
        return unquote_to_bytes(payload)
    except (binascii.Error, ValueError):
        raise InputError(tr("This data: URI is not valid base64.")) from None


def shown_input(given: str) -> str:
    """An input as it may be shown and stored: a link without its secrets, a data: URI shortened,
    a name that is not UTF-8 readable. The real value is kept only where it is used."""
    text = readable(given)
    if text.strip().lower().startswith("data:"):
        return preview_value(text.strip())
    if "://" in text:
        return hide_link_secrets(text.strip())
    return text


def classify(given: str, *, base: Path | None = None) -> Iterator[Item]:
    """The items one argument stands for (a folder stands for every image inside it)."""
    text, shown = given.strip(), shown_input(given)
    if not text:
        yield Rejected(given, tr("An empty line is not an input."))
        return
    if text.lower().startswith("data:"):
        yield _data_item(shown, text)
        return
    if "://" in text:
        yield _url_item(shown, text)
        return
    path = Path(os.path.expanduser(text))
    if base is not None and not path.is_absolute():
        path = base / path
    yield from _path_items(shown, path)


def _path_items(shown: str, path: Path) -> Iterator[Item]:
    """A folder's images, a file, or why not; looked at with stat only (nothing opened here)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        yield Rejected(shown, tr("No such file or folder: {path}").format(path=shown))
        return
    except OSError as exc:
        yield Rejected(shown, tr("The file cannot be read ({cause}).").format(cause=exc.strerror or exc))
        return
    if stat.S_ISDIR(mode):
        found = list(walk_folder(path))
        yield from found or [Rejected(shown, tr(NO_IMAGES_IN_FOLDER))]
    elif stat.S_ISREG(mode):
        yield Source("file", shown, path=path.absolute())
    else:
        yield Rejected(shown, not_regular_message(mode))


def ascii_link(text: str) -> str:
    """A link from the command line with bytes that are not UTF-8 sent percent-encoded, as a
    browser sends them (they cannot go into a request as they are)."""
    if readable(text) == text:
        return text
    raw = os.fsencode(text)
    return re.sub(rb"[^\x00-\x7f]", lambda byte: b"%%%02X" % byte.group()[0], raw).decode("ascii")


def _url_item(shown: str, text: str) -> Item:
    try:
        return Source("url", shown, url=check_url(ascii_link(text)))
    except InputError as exc:
        return Rejected(shown, exc.user_text())


def _data_item(shown: str, text: str) -> Item:
    try:
        return Source("data", shown, data=decode_data_uri(text))
    except InputError as exc:
        return Rejected(shown, exc.user_text())


def walk_folder(folder: Path) -> Iterator[Item]:
    """Images under a folder, recursively, in a stable order; hidden and partial files passed over.

    Nothing that is not a regular file is opened: one with an image's name is reported, others are
    passed over. A subfolder that cannot be read is reported (its images would be missing).
    """
    unreadable: list[OSError] = []
    for root, dirs, files in os.walk(folder, onerror=unreadable.append):
        yield from (_unreadable_folder(exc) for exc in unreadable)
        unreadable.clear()
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        relpath = Path(root).relative_to(folder).as_posix()
        relpath = "" if relpath == "." else relpath
        for name in sorted(files):
            if not is_hidden_or_partial(name):
                yield from _folder_file(Path(root, name), relpath)
    yield from (_unreadable_folder(exc) for exc in unreadable)


def _folder_file(path: Path, relpath: str) -> Iterator[Item]:
    named_as_image = path.suffix.lower() in IMAGE_SUFFIXES
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:  # a symlink to nowhere, or removed while we looked
        if named_as_image:
            cause = exc.strerror or str(exc)
            yield Rejected(readable(str(path)), tr("The file cannot be read ({cause}).").format(cause=cause))
        return
    if not stat.S_ISREG(mode):
        if named_as_image:
            yield Rejected(readable(str(path)), not_regular_message(mode))
    elif named_as_image or _looks_like_image(path):
        yield Source("file", readable(str(path)), path=path.absolute(), relpath=relpath)


def _unreadable_folder(exc: OSError) -> Rejected:
    where = readable(str(exc.filename or ""))
    cause = exc.strerror or str(exc)
    return Rejected(
        where, tr("This folder cannot be read ({cause}); its images were not added.").format(cause=cause)
    )


def _looks_like_image(path: Path) -> bool:
    try:
        with open_regular(path) as stream:
            head = stream.read(32)
            return sniff_format(head) is not None or sniff_convertible(head) is not None
    except (OSError, InputError):
        return False


def expand(args: Iterable[str], *, stdin: TextIO | None = None) -> list[Item]:
    """Every argument expanded, `-` read from stdin one input per line, in the order given."""
    items: list[Item] = []
    for arg in args:
        if arg == "-":
            lines = (stdin.read() if stdin is not None else "").splitlines()
            items.extend(item for line in lines if line.strip() for item in classify(line))
        else:
            items.extend(classify(arg))
    return items
