"""Local files as inputs: regular files only, and names that are not UTF-8.

A named pipe, a device (`/dev/zero`, `/dev/urandom`) or a socket is never opened: opening a pipe to
read waits for a writer forever, and a device never ends. So a path is looked at with `os.stat` first
(following symlinks), and opened only when that says "regular file".

A file name may hold bytes that are not UTF-8 (an old camera's or share's Latin-1 `café.png`); Python
carries them as lone surrogates, which SQLite, JSON on stdout and HTTP cannot take. The real name is
kept for file access; `readable` gives the form that is shown and sent as text.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from upscaler_gui.core.errors import ImageError
from upscaler_gui.core.i18n import tr

_KINDS = (
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


def kind_of(mode: int) -> str:
    """What a non-regular file is, for a message."""
    for test, name in _KINDS:
        if test(mode):
            return tr(name)
    return tr("a special file")


def not_regular_message(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return tr("This is a folder, not an image file.")
    return tr("This is not a regular file ({what}): only image files can be upscaled.").format(
        what=kind_of(mode)
    )


def check_regular(path: Path) -> os.stat_result:
    """The file's stat when it is a regular file (symlinks followed); `ImageError` otherwise.

    `OSError` (missing, permission denied on a parent folder) is left to the caller.
    """
    found = os.stat(path)
    if not stat.S_ISREG(found.st_mode):
        raise ImageError(not_regular_message(found.st_mode))
    return found


def open_regular(path: Path) -> BinaryIO:
    """A regular file opened for reading; a pipe, device or socket is refused and never opened.

    Checked again on the open file: a file swapped for a pipe between the stat and the open is
    opened without blocking (O_NONBLOCK), seen for what it is, and closed.
    """
    check_regular(path)
    fd = os.open(path, _OPEN_FLAGS)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise ImageError(not_regular_message(mode))
        if _OPEN_FLAGS & getattr(os, "O_NONBLOCK", 0):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _raw(text: str) -> bytes:
    """The bytes a text stands for: a file name's own bytes back (surrogate escapes), any other lone
    surrogate (from a JSON escape, say) as its invalid UTF-8 form."""
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def readable(text: str) -> str:
    """The text with every byte that is not UTF-8 (a lone surrogate from a file name) shown as
    `\\xe9`: safe to print, store, and send as JSON or HTTP. Plain text comes back unchanged."""
    return text if _is_utf8(text) else _raw(text).decode("utf-8", "backslashreplace")


def wire_text(text: str) -> str:
    """The text for a server that takes UTF-8 (an upload's file name): bytes that are not UTF-8
    become U+FFFD, as a browser would send them."""
    return text if _is_utf8(text) else _raw(text).decode("utf-8", "replace")


def storable(value: str) -> str | bytes:
    """A text value SQLite can keep exactly: text, or (a path that is not UTF-8) its raw bytes."""
    if _is_utf8(value):
        return value
    try:
        return os.fsencode(value)
    except UnicodeEncodeError:  # not a file name's bytes: kept readable rather than exact
        return readable(value)


def from_stored(value: object) -> object:
    """The other half of `storable`: raw bytes back to the path Python uses."""
    return os.fsdecode(value) if isinstance(value, bytes) else value
