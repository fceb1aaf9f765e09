"""The file side of the client: upload names and files, and streaming a result to disk.

Uploads are read from disk in chunks by httpx's multipart encoder (64 KiB reads, Content-Length from
fstat), so a 10 MB image is never held in memory; downloads are written as they arrive.

Every transfer is bounded, whatever the server does: a result over MAX_RESULT_BYTES is refused (from
its Content-Length, or once that many bytes arrived), and a transfer must keep an average of
SLOW_LINK_BYTES_PER_S once TRANSFER_MIN_S has passed. Per-read timeouts alone let a server that sends
one byte every 20 s hold a job forever.
"""

from __future__ import annotations

import asyncio
import mimetypes
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import BinaryIO
from uuid import uuid4

import httpx

from upscaler_gui.core import constants
from upscaler_gui.core.constants import DOWNLOAD_CHUNK_BYTES, UPLOAD_PATH_PREFIX
from upscaler_gui.core.errors import (
    InputError,
    KieConnectionError,
    KieError,
    KieTimeoutError,
    ResultTooLargeError,
    ResultUnusableError,
)
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


def transfer_time_s(size: int) -> float:
    """The longest a transfer of `size` bytes may take: TRANSFER_MIN_S, or longer at a slow link's rate."""
    return max(constants.TRANSFER_MIN_S, size / constants.SLOW_LINK_BYTES_PER_S)


@asynccontextmanager
async def deadline(seconds: float, error: Callable[[float], KieError]) -> AsyncIterator[asyncio.Timeout]:
    """Run the block for at most `seconds` (the Timeout may be rescheduled); past it, `error(seconds)`."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    timer = asyncio.timeout_at(started + seconds)
    try:
        async with timer:
            yield timer
    except TimeoutError:
        if not timer.expired():
            raise  # not ours (a socket's own timeout): as it came
        raise error(loop.time() - started) from None


def too_slow(seconds: float) -> KieError:
    return ResultUnusableError(
        tr(
            "The result took too long to download (over {seconds:.0f} s: the server sends it too slowly)."
        ).format(seconds=seconds),
        hint=tr("The task is paid: retrying the job later downloads the result again (no new task)."),
    )


def upload_too_slow(file_name: str, seconds: float, *, host: str) -> KieError:
    # sent=True: the host may have the file, but an upload is free and safe to send again.
    return KieTimeoutError(
        tr(
            "The upload of {name} to {host} did not finish in {seconds:.0f} s (too slow a connection)."
        ).format(name=file_name, host=host, seconds=seconds),
        sent=True,
        hint=tr("Check the internet connection; the app tries again by itself."),
    )


def too_large(size: int) -> KieError:
    return ResultTooLargeError(
        tr("The result is too large ({size} MB; at most {limit} MB is accepted).").format(
            size=size // (1024 * 1024), limit=constants.MAX_RESULT_BYTES // (1024 * 1024)
        ),
        hint=tr("KIE's server sent something that is not a normal result; check the task on kie.ai."),
    )


async def download_once(files: httpx.AsyncClient, url: str, sink: BinaryIO) -> int:
    """One attempt at streaming `url` into `sink`; the bytes written, or a KieError."""
    request = _download_request(files, url)
    started = asyncio.get_running_loop().time()
    async with deadline(transfer_time_s(DOWNLOAD_CHUNK_BYTES), too_slow) as timer:
        response = await send(files, request, stream=True)
        try:
            error = download_status_error(response)
            if error is not None:
                raise error
            return await _stream_body(response, sink, timer, started)
        except httpx.RequestError as exc:
            raise transport_error(exc, host=host_of(files, url)) from exc
        finally:
            await response.aclose()


async def _stream_body(
    response: httpx.Response, sink: BinaryIO, timer: asyncio.Timeout, started: float
) -> int:
    """Write the body into `sink`, within the size cap and the slowest rate allowed."""
    announced = response.headers.get("content-length", "").strip()
    if announced.isdigit() and int(announced) > constants.MAX_RESULT_BYTES:
        raise too_large(int(announced))  # before a byte of it is read
    written = 0
    async for chunk in response.aiter_bytes(DOWNLOAD_CHUNK_BYTES):
        if written + len(chunk) > constants.MAX_RESULT_BYTES:
            raise too_large(written + len(chunk))
        sink.write(chunk)
        written += len(chunk)
        # The next chunk must come at the slowest rate allowed, counted from the request.
        timer.reschedule(started + transfer_time_s(written + DOWNLOAD_CHUNK_BYTES))
    check_complete(response, written)
    return written


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
