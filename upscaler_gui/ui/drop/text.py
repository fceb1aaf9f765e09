"""Text in a drop or a paste: decoding a format's bytes, and finding the links and paths in plain text.

Only the text is judged, never the file system: a stat per word would be I/O on the GUI thread.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

from PySide6.QtCore import QMimeData

SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
SCHEME_ONLY_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")  # blob:, mailto:, javascript:
_TOKEN_RE = re.compile(r"\"[^\"]+\"|'[^']+'|\S+")
_LINKISH_RE = re.compile(r"[/\\:]")
_DRIVE_RE = re.compile(r"^[A-Za-z]:[\\/]")
_QUOTES = "\"'<>«»“”‘’"  # quotes people paste around links


def read_text(mime: QMimeData, name: str) -> str:
    return decode_text(bytes(mime.data(name).data()))


def decode_text(data: bytes) -> str:
    """Text in UTF-16 (Firefox's x-moz-url, and its text/html on X11) or UTF-8, told apart by the bytes."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace").rstrip("\0")
    head = data[:200]
    if len(head) >= 2 and head.count(0) * 3 > len(head):  # ASCII text in UTF-16: every other byte is 0
        codec = "utf-16-le" if head[1::2].count(0) >= head[0::2].count(0) else "utf-16-be"
        return data[: len(data) // 2 * 2].decode(codec, errors="replace").rstrip("\0")
    return data.decode("utf-8", errors="replace").rstrip("\0")


def looks_like_path(text: str) -> bool:
    """An absolute local path, judged from the text only (a stat per word would be I/O on the GUI thread)."""
    if text.startswith(("~/", "~\\")) or (text.startswith("/") and text.strip("/")):
        return True
    return os.name == "nt" and (bool(_DRIVE_RE.match(text)) or text.startswith("\\\\"))


def text_candidates(text: str) -> Iterator[str]:
    """The words of `text` that may be links or paths, line by line."""
    for line in text.splitlines():
        yield from _line_candidates(line.strip())


def _line_candidates(line: str) -> list[str]:
    """The links and paths of one line; a line that is one path keeps its spaces ("My Photos/a.jpg")."""
    # Only a word with a slash or a colon can be a link or a path: the others are not even unwrapped.
    words = [_unwrap(token) for token in _TOKEN_RE.findall(line) if _LINKISH_RE.search(token)]
    usable = [word for word in words if _is_candidate(word)]
    whole = _unwrap(line)
    if len(usable) < 2 and looks_like_path(whole):
        return [whole]
    return usable


def _is_candidate(word: str) -> bool:
    return looks_like_path(word) or bool(SCHEME_RE.match(word)) or word[:5].lower() == "data:"


def _unwrap(token: str) -> str:
    """A word without the quotes, brackets and sentence punctuation people put around links."""
    token = token.strip().strip(_QUOTES).lstrip("([{")
    token = token.rstrip(".,;:!?")
    for opening, closing in ("()", "[]", "{}"):
        if token.endswith(closing) and token.count(closing) > token.count(opening):
            token = token[:-1]
    return token.strip(_QUOTES)
