"""A link's original, fetched once so the window can show it: a thumbnail, its size, and the "before" of
the before/after view. KIE is given the link itself (nothing is uploaded for a link); this copy is only
for showing.

The fetch is bounded: at most MAX_IMAGE_BYTES (KIE takes nothing larger) and LINK_ORIGINAL_TIMEOUT_S in
all. It carries no key and no cookie: it goes to whatever host the user named. The copy is kept in the
cache folder under the link's hash, so a second look (the next start) reads the file; the oldest copies
are removed beyond LINK_ORIGINALS_KEPT.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import httpx
from PIL import Image, UnidentifiedImageError

from upscaler_gui.core import log
from upscaler_gui.core.constants import (
    DOWNLOAD_CHUNK_BYTES,
    LINK_ORIGINAL_TIMEOUT_S,
    LINK_ORIGINALS_KEPT,
    MAX_IMAGE_BYTES,
)
from upscaler_gui.core.images import EXTENSIONS, sniff_format
from upscaler_gui.core.kie.session import make_http_client
from upscaler_gui.core.redact import hide_query, is_hidden_link


@dataclass(frozen=True)
class LinkOriginal:
    path: Path
    size_bytes: int
    width: int
    height: int


class _TooLargeError(Exception):
    pass


async def fetch_original(
    url: str, folder: Path, client: httpx.AsyncClient | None = None
) -> LinkOriginal | None:
    """The picture behind `url` as a local file, fetched now or earlier; None when it cannot be had
    (not an image, too large, too slow, the host refused): the window then shows no preview."""
    if is_hidden_link(url) or not url.lower().startswith(("http://", "https://")):
        return None
    stem = hashlib.sha256(url.encode()).hexdigest()[:32]
    kept = await asyncio.to_thread(_kept_copy, folder, stem)
    if kept is not None:
        return kept
    try:
        async with asyncio.timeout(LINK_ORIGINAL_TIMEOUT_S):
            data = await _fetch(url, client)
    except (TimeoutError, httpx.HTTPError, _TooLargeError) as exc:
        log.ui.info("link preview: %s not fetched (%s)", hide_query(url), type(exc).__name__)
        return None
    return await asyncio.to_thread(_keep, folder, stem, data)


async def _fetch(url: str, client: httpx.AsyncClient | None) -> bytes:
    async with contextlib.AsyncExitStack() as stack:
        http = client if client is not None else await stack.enter_async_context(make_http_client())
        async with http.stream("GET", url) as response:
            response.raise_for_status()
            announced = response.headers.get("content-length", "").strip()
            if announced.isdigit() and int(announced) > MAX_IMAGE_BYTES:
                raise _TooLargeError
            body = bytearray()
            async for chunk in response.aiter_bytes(DOWNLOAD_CHUNK_BYTES):
                body += chunk
                if len(body) > MAX_IMAGE_BYTES:
                    raise _TooLargeError
            return bytes(body)


def _kept_copy(folder: Path, stem: str) -> LinkOriginal | None:
    for path in folder.glob(f"{stem}.*") if folder.is_dir() else ():
        with contextlib.suppress(OSError):
            os.utime(path)  # used again: the last to be pruned
        return _described(path)
    return None


def _keep(folder: Path, stem: str, data: bytes) -> LinkOriginal | None:
    fmt = sniff_format(data[:16])
    if fmt is None:
        log.ui.info("link preview: not a PNG, JPEG or WEBP image")
        return None
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{stem}.{EXTENSIONS[fmt]}"
    temp = folder / f".{stem}.part"
    temp.write_bytes(data)
    os.replace(temp, path)  # whole or not at all: a reader never sees half a file under the name
    _prune(folder)
    return _described(path)


def _described(path: Path) -> LinkOriginal | None:
    try:
        with Image.open(path) as image:
            width, height = image.size
        return LinkOriginal(path, path.stat().st_size, width, height)
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError):
        return None


def _prune(folder: Path) -> None:
    copies: list[tuple[float, Path]] = []
    for path in folder.iterdir():
        with contextlib.suppress(OSError):  # another window may be pruning the same folder
            copies.append((path.stat().st_mtime, path))
    for _mtime, old in sorted(copies, reverse=True)[LINK_ORIGINALS_KEPT:]:
        with contextlib.suppress(OSError):
            old.unlink()
