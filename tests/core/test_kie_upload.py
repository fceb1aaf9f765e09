"""Uploads: multipart fields, names, unique paths, retries that reopen the file, base64, and streaming."""

from __future__ import annotations

import hashlib
import os
import tracemalloc
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

import httpx
import pytest

from upscaler_gui.core.constants import UPLOAD_PATH_PREFIX
from upscaler_gui.core.errors import InputError, KieAuthError, KieServerError, KieUploadError
from upscaler_gui.core.kie import KieClient, transfer
from upscaler_gui.core.kie import client as client_module

from .test_kie_fakes import (
    KEY,
    UPLOAD_BASE,
    Script,
    Sleeps,
    body,
    make_client,
    multipart_parts,
    uploaded,
)

MB = 1024 * 1024


def write_file(path: Path, size: int) -> bytes:
    data = os.urandom(size)
    path.write_bytes(data)
    return data


# --- multipart ---------------------------------------------------------------------------------------


async def test_stream_upload_sends_the_documented_fields(tmp_path: Path) -> None:
    src = tmp_path / "holiday photo.jpeg"
    data = write_file(src, 3000)
    script = Script(uploaded("holiday-photo.webp"))
    result = await make_client(upload=script).upload_file(src, file_name="holiday-photo.webp")

    request = script.requests[0]
    assert request.method == "POST"
    assert str(request.url) == f"{UPLOAD_BASE}/api/file-stream-upload"
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert request.headers["content-type"].startswith("multipart/form-data; boundary=")
    parts = multipart_parts(request, script.bodies[0])
    assert set(parts) == {"file", "uploadPath", "fileName"}
    assert parts["file"].content == data
    assert parts["file"].filename == "holiday-photo.webp"  # the sniffed extension, not the file's own
    assert parts["file"].content_type == "image/webp"
    assert parts["fileName"].content == b"holiday-photo.webp"
    assert result.download_url == "https://tempfile.test/x/photo.png"
    assert result.file_size == 1234


@pytest.mark.parametrize(
    ("name", "mime"), [("a.png", "image/png"), ("a.jpg", "image/jpeg"), ("a.JPEG", "image/jpeg"), ("a", None)]
)
async def test_file_part_content_type_follows_the_name(tmp_path: Path, name: str, mime: str | None) -> None:
    src = tmp_path / "in"
    write_file(src, 10)
    script = Script(uploaded())
    await make_client(upload=script).upload_file(src, file_name=name)
    assert multipart_parts(script.requests[0], script.bodies[0])["file"].content_type == (
        mime or "application/octet-stream"
    )


async def test_each_upload_gets_its_own_upload_path(tmp_path: Path) -> None:
    src = tmp_path / "a.png"
    write_file(src, 10)
    script = Script(uploaded())
    client = make_client(upload=script)
    for _ in range(3):
        await client.upload_file(src, file_name="a.png")
    paths = [
        multipart_parts(r, b)["uploadPath"].content.decode()
        for r, b in zip(script.requests, script.bodies, strict=True)
    ]
    assert len(set(paths)) == 3  # the same name under the same path would overwrite
    for path in paths:
        assert path.startswith(f"{UPLOAD_PATH_PREFIX}/")
        assert not path.startswith("/") and not path.endswith("/")


async def test_an_explicit_upload_path_is_used_as_given(tmp_path: Path) -> None:
    src = tmp_path / "a.png"
    write_file(src, 10)
    script = Script(uploaded())
    await make_client(upload=script).upload_file(src, file_name="a.png", upload_path="mine/here")
    assert multipart_parts(script.requests[0], script.bodies[0])["uploadPath"].content == b"mine/here"


async def test_a_multi_megabyte_file_arrives_whole(tmp_path: Path) -> None:
    src = tmp_path / "big.png"
    data = write_file(src, 6 * MB + 123)
    script = Script(uploaded())
    await make_client(upload=script).upload_file(src, file_name="big.png")
    request = script.requests[0]
    assert multipart_parts(request, script.bodies[0])["file"].content == data
    assert int(request.headers["content-length"]) == len(script.bodies[0])  # sized from the file, not chunked


# --- retries -----------------------------------------------------------------------------------------


class ReadSpy:
    """A file that records every read size (and whether it was closed)."""

    def __init__(self, inner: BinaryIO) -> None:
        self.inner = inner
        self.reads: list[int] = []

    def read(self, size: int = -1) -> bytes:
        self.reads.append(size)
        return self.inner.read(size)

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)

    def __enter__(self) -> ReadSpy:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.inner.close()


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[ReadSpy]:
    """Every file the client opens for upload, wrapped in a ReadSpy."""
    spies: list[ReadSpy] = []

    def spy_open(path: Path) -> ReadSpy:
        spies.append(ReadSpy(transfer.open_binary(path)))
        return spies[-1]

    monkeypatch.setattr(client_module, "open_binary", spy_open)
    return spies


async def test_a_failed_upload_is_retried_with_the_file_reopened(
    tmp_path: Path, opened: list[ReadSpy]
) -> None:
    src = tmp_path / "a.png"
    data = write_file(src, 200_000)
    script, sleeps = Script(httpx.Response(500, text="oops"), httpx.ReadTimeout, uploaded()), Sleeps()
    await make_client(upload=script, sleeps=sleeps).upload_file(src, file_name="a.png")
    assert script.count == 3
    assert len(opened) == 3  # one fresh open per attempt
    assert all(spy.inner.closed for spy in opened)
    assert len(sleeps.delays) == 2
    for request, content in zip(script.requests, script.bodies, strict=True):
        assert multipart_parts(request, content)["file"].content == data
    paths = {
        multipart_parts(r, b)["uploadPath"].content
        for r, b in zip(script.requests, script.bodies, strict=True)
    }
    assert len(paths) == 3  # a new upload path each time


async def test_upload_refusals_are_not_retried(tmp_path: Path) -> None:
    src = tmp_path / "a.png"
    write_file(src, 10)
    refused = httpx.Response(200, json={"success": False, "code": 400, "msg": "file type not allowed"})
    script = Script(refused)
    with pytest.raises(KieUploadError) as caught:
        await make_client(upload=script).upload_file(src, file_name="a.png")
    assert "(file type not allowed)" in caught.value.message
    assert script.count == 1


async def test_upload_auth_error(tmp_path: Path) -> None:
    src = tmp_path / "a.png"
    write_file(src, 10)
    with pytest.raises(KieAuthError):
        await make_client(upload=Script(body(401, "bad key"))).upload_file(src, file_name="a.png")


async def test_upload_server_error_every_time_gives_up(tmp_path: Path) -> None:
    src = tmp_path / "a.png"
    write_file(src, 10)
    script = Script(httpx.Response(503, text="busy"))
    with pytest.raises(KieServerError):
        await make_client(upload=script).upload_file(src, file_name="a.png")
    assert script.count == 4


async def test_an_unreadable_file_is_an_input_error_and_sends_nothing(tmp_path: Path) -> None:
    script = Script(uploaded())
    with pytest.raises(InputError) as caught:
        await make_client(upload=script).upload_file(tmp_path / "gone.png", file_name="gone.png")
    assert "gone.png" in caught.value.message
    assert script.count == 0


async def test_upload_logs_on_the_upload_logger_without_the_query(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    src = tmp_path / "a.png"
    write_file(src, 10)
    await make_client(upload=Script(uploaded(url="https://t.test/a.png?sig=TOPSECRET"))).upload_file(
        src, file_name="a.png"
    )
    lines = [r.getMessage() for r in caplog.records if r.name == "upscaler.upload"]
    assert len(lines) == 1 and "a.png" in lines[0]
    assert "TOPSECRET" not in caplog.text


# --- base64 ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data", ["iVBORw0KGgoAAAANSUhEUg==", "data:image/png;base64,iVBORw0KGgoAAAANSUhEUg=="]
)
async def test_base64_upload_bare_or_data_url(data: str, caplog: pytest.LogCaptureFixture) -> None:
    script = Script(uploaded())
    result = await make_client(upload=script).upload_base64(data, file_name="pasted.png")
    request = script.requests[0]
    assert str(request.url) == f"{UPLOAD_BASE}/api/file-base64-upload"
    assert request.headers["authorization"] == f"Bearer {KEY}"
    sent = script.json()
    assert isinstance(sent, dict)
    assert sent["base64Data"] == data  # KIE takes both forms as they are
    assert sent["fileName"] == "pasted.png"
    assert str(sent["uploadPath"]).startswith(f"{UPLOAD_PATH_PREFIX}/")
    assert result.download_url.startswith("https://")
    assert "iVBORw0KGgo" not in caplog.text  # the payload itself is never logged


async def test_base64_upload_retries_with_a_new_path() -> None:
    script = Script(httpx.ConnectError, uploaded())
    await make_client(upload=script).upload_base64("AAAA", file_name="a.png")
    assert script.count == 2
    first, second = (script.json(0), script.json(1))
    assert isinstance(first, dict) and isinstance(second, dict)
    assert first["uploadPath"] != second["uploadPath"]


# --- streaming from disk: the evidence ------------------------------------------------------------------


class DiskUploadHost(httpx.AsyncBaseTransport):
    """An upload host that consumes the request body chunk by chunk, as a socket would, to disk."""

    def __init__(self, spool: Path) -> None:
        self.spool = spool
        self.chunk_sizes: list[int] = []
        self.headers: httpx.Headers | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.headers = request.headers
        assert isinstance(request.stream, httpx.AsyncByteStream)
        with self.spool.open("wb") as out:
            async for chunk in request.stream:
                self.chunk_sizes.append(len(chunk))
                out.write(chunk)
        return uploaded()


async def test_upload_streams_the_file_from_disk_in_chunks(tmp_path: Path, opened: list[ReadSpy]) -> None:
    src = tmp_path / "big.png"
    data = write_file(src, 8 * MB)
    digest = hashlib.sha256(data).hexdigest()
    del data
    host = DiskUploadHost(tmp_path / "received.bin")
    transport = httpx.MockTransport(lambda r: httpx.Response(500))
    client = KieClient(
        api=httpx.AsyncClient(transport=transport),
        upload=httpx.AsyncClient(base_url=UPLOAD_BASE, transport=host),
        files=httpx.AsyncClient(transport=transport),
        api_key=KEY,
    )

    tracemalloc.start()
    try:
        await client.upload_file(src, file_name="big.png")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    # The file is read in 64 KiB pieces (never read() of the whole), and the body leaves in pieces.
    (spy,) = opened
    assert spy.reads and all(0 < size <= 64 * 1024 for size in spy.reads)
    assert len(host.chunk_sizes) > 100 and max(host.chunk_sizes) <= 64 * 1024
    # Memory stays far below the file's size while it is sent.
    assert peak < 2 * MB, f"peak {peak} bytes while uploading 8 MB"
    # And the bytes arrive whole, with a Content-Length computed from the file's size.
    assert host.headers is not None
    received = (tmp_path / "received.bin").read_bytes()
    assert int(host.headers["content-length"]) == len(received)
    request = httpx.Request("POST", "https://x", headers=host.headers)
    file_part = multipart_parts(request, received)["file"]
    assert hashlib.sha256(file_part.content).hexdigest() == digest
