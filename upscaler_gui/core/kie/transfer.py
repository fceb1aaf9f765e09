"""The file side of the client: upload names and files, and streaming a result to disk.

Uploads are read from disk in chunks by httpx's multipart encoder (64 KiB reads, Content-Length from
fstat), so a 10 MB image is never held in memory; downloads are written as they arrive.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import BinaryIO
from uuid import uuid4

import httpx

from upscaler_gui.core.constants import DOWNLOAD_CHUNK_BYTES, UPLOAD_PATH_PREFIX
from upscaler_gui.core.errors import InputError, KieConnectionError, KieError
from upscaler_gui.core.i18n import tr
from upscaler_gui.core.kie.answers import download_status_error
from upscaler_gui.core.kie.transport import host_of, send, transport_error

# The upload host sets Content-Type from the extension; Python's table is the fallback.
_MIME = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".webp": "image/webp"}


def unique_upload_path() -> str:
    """A fresh folder on the upload host: the same name under the same folder would overwrite."""
    return f"{UPLOAD_PATH_PREFIX.strip('/')}/{uuid4().hex}"


def upload_mime_type(file_name: str) -> str:
    suffix = Path(file_name).suffix.lower()
    return _MIME.get(suffix) or mimetypes.guess_type(file_name)[0] or "application/octet-stream"


def open_binary(path: Path) -> BinaryIO:
    """The file to upload, opened again for each attempt; a clear error if it cannot be read."""
    try:
        return path.open("rb")
    except OSError as exc:
        raise InputError(
            tr("Cannot read {name} ({reason}).").format(name=path.name, reason=exc.strerror or exc),
            hint=tr("Check that the file still exists and can be read."),
        ) from None


async def download_once(files: httpx.AsyncClient, url: str, sink: BinaryIO) -> int:
    """One attempt at streaming `url` into `sink`; the bytes written, or a KieError."""
    request = _download_request(files, url)
    response = await send(files, request, stream=True)
    try:
        error = download_status_error(response)
        if error is not None:
            raise error
        written = 0
        async for chunk in response.aiter_bytes(DOWNLOAD_CHUNK_BYTES):
            sink.write(chunk)
            written += len(chunk)
        check_complete(response, written)
        return written
    except httpx.RequestError as exc:
        raise transport_error(exc, host=host_of(files, url)) from exc
    finally:
        await response.aclose()


def _download_request(files: httpx.AsyncClient, url: str) -> httpx.Request:
    try:
        request = files.build_request("GET", url)  # no key: result hosts are third parties
    except (httpx.InvalidURL, httpx.UnsupportedProtocol):
        request = None
    if request is None or request.url.scheme not in ("http", "https") or not request.url.host:
        raise KieError(tr("The result link is not a valid address."), hint=tr("Run the job again."))
    return request


def check_complete(response: httpx.Response, written: int) -> None:
    """A body shorter than its Content-Length is a dropped connection, not a result."""
    expected = response.headers.get("content-length", "").strip()
    # Raw bytes, as Content-Length counts them; a body that came preloaded (no network) counts as written.
    got = response.num_bytes_downloaded or written
    if expected.isdigit() and got < int(expected):
        raise KieConnectionError(
            tr("The download stopped early ({got} of {expected} bytes).").format(got=got, expected=expected),
            sent=True,
            hint=tr("The app tries again by itself."),
        )
