"""Bounds on what a server can make the client do: result size, transfer deadlines, Retry-After.

Client tests on MockTransport handlers; the same bounds are checked against the sim's real socket in
test_engine_bounds. The limits are lowered here, so each test runs in a second or so.
"""

from __future__ import annotations

import asyncio
import io
import logging
import math
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from upscaler_gui.core import constants
from upscaler_gui.core.errors import KieTimeoutError, ResultTooLargeError, ResultUnusableError
from upscaler_gui.core.kie.retry import RetryPolicy, capped_retry_after, retry_delay

from .test_kie_fakes import Script, Sleeps, make_client, uploaded

URL = "https://tempfile.test/out.png"
KB = 1024
GENEROUS_S = 5.0  # a guard against a hang, not a speed check


@pytest.fixture
def small_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    """A 100 KiB cap, 0.3 s before the rate counts, and a 64 KiB/s slowest rate."""
    monkeypatch.setattr(constants, "MAX_RESULT_BYTES", 100 * KB)
    monkeypatch.setattr(constants, "TRANSFER_MIN_S", 0.3)
    monkeypatch.setattr(constants, "SLOW_LINK_BYTES_PER_S", 64 * KB)


class Body(httpx.AsyncByteStream):
    """A response body that arrives `piece` bytes at a time, `gap_s` apart, `total` bytes in all (None:
    endless); it counts what was taken from it."""

    def __init__(self, piece: int, gap_s: float = 0.0, total: int | None = None) -> None:
        self.piece, self.gap_s, self.total = piece, gap_s, total
        self.sent = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while self.total is None or self.sent < self.total:
            if self.gap_s:
                await asyncio.sleep(self.gap_s)
            size = self.piece if self.total is None else min(self.piece, self.total - self.sent)
            self.sent += size
            yield b"x" * size


def serving(body: Body, *, length: int | None = None) -> Script:
    headers = {"Content-Length": str(length)} if length is not None else {}
    return Script(lambda request: httpx.Response(200, headers=headers, stream=body))


# --- the size cap --------------------------------------------------------------------------------------


@pytest.mark.usefixtures("small_bounds")
async def test_a_result_announced_over_the_cap_is_refused_before_its_body_is_read() -> None:
    body, sink = Body(16 * KB, total=300 * KB), io.BytesIO()
    script = serving(body, length=300 * KB)
    with pytest.raises(ResultTooLargeError, match="too large") as caught:
        await make_client(files=script).download_to(URL, sink)
    assert body.sent == 0 and sink.getvalue() == b""
    assert script.count == 1  # the same file would be as large again: not retried
    assert not caught.value.transient


@pytest.mark.usefixtures("small_bounds")
async def test_an_endless_result_without_a_length_stops_at_the_cap() -> None:
    body, sink = Body(16 * KB), io.BytesIO()
    with pytest.raises(ResultTooLargeError):
        await make_client(files=serving(body)).download_to(URL, sink)
    assert len(sink.getvalue()) <= constants.MAX_RESULT_BYTES
    assert body.sent <= constants.MAX_RESULT_BYTES + 2 * constants.DOWNLOAD_CHUNK_BYTES


@pytest.mark.usefixtures("small_bounds")
async def test_a_result_at_the_cap_is_accepted() -> None:
    sink = io.BytesIO()
    written = await make_client(files=serving(Body(16 * KB, total=100 * KB), length=100 * KB)).download_to(
        URL, sink
    )
    assert written == 100 * KB == len(sink.getvalue())


def test_the_cap_is_200_mb() -> None:
    assert constants.MAX_RESULT_BYTES == 200 * 1024 * 1024


# --- the download deadline ---------------------------------------------------------------------------


@pytest.mark.integration  # a trickle of a result, on purpose long
@pytest.mark.usefixtures("small_bounds")
async def test_a_trickling_result_ends_with_a_clear_error_not_a_hang() -> None:
    # one byte every 0.05 s: each read gets data long before any read timeout, so only an overall
    # deadline ends it
    script = serving(Body(1, gap_s=0.05), length=50 * KB)
    started = time.monotonic()
    async with asyncio.timeout(GENEROUS_S):
        with pytest.raises(ResultUnusableError, match="too long to download") as caught:
            await make_client(files=script).download_to(URL, io.BytesIO())
    assert time.monotonic() - started < GENEROUS_S
    assert script.count == 1  # the engine decides how many times a result is fetched again
    assert "no new task" in caught.value.hint


@pytest.mark.usefixtures("small_bounds")
async def test_a_slow_but_steady_result_may_take_longer_than_the_minimum() -> None:
    # 16 KiB every 0.05 s (~320 KiB/s) for 96 KiB: ~0.3 s, at five times the slowest rate allowed
    body = Body(16 * KB, gap_s=0.05, total=96 * KB)
    sink = io.BytesIO()
    written = await make_client(files=serving(body, length=96 * KB)).download_to(URL, sink)
    assert written == 96 * KB


def test_the_time_allowed_grows_with_the_size() -> None:
    from upscaler_gui.core.kie.transfer import transfer_time_s

    assert transfer_time_s(0) == constants.TRANSFER_MIN_S == 60.0
    ten_mb = transfer_time_s(10 * 1024 * 1024)
    assert ten_mb == 10 * 1024 * 1024 / constants.SLOW_LINK_BYTES_PER_S > 60.0  # 160 s for 10 MB


# --- the upload deadline -----------------------------------------------------------------------------


async def _slow_reader(request: httpx.Request) -> httpx.Response:
    """An upload host that takes one piece of the body a second (a trickling uplink)."""
    assert isinstance(request.stream, httpx.AsyncByteStream)
    async for _piece in request.stream:
        await asyncio.sleep(1.0)
    return uploaded()


@pytest.mark.usefixtures("small_bounds")
async def test_a_trickling_upload_ends_with_a_timeout_after_its_deadline(tmp_path: Path) -> None:
    src = tmp_path / "a.png"
    src.write_bytes(b"\x89PNG" + b"\0" * 10 * KB)  # allowed 0.3 s: under TRANSFER_MIN_S at 64 KiB/s
    sleeps = Sleeps()
    client = make_client(upload=_slow_reader, sleeps=sleeps, policy=RetryPolicy(attempts=2))
    started = time.monotonic()
    async with asyncio.timeout(GENEROUS_S):
        with pytest.raises(KieTimeoutError, match=r"upload of a\.png .* did not finish") as caught:
            await client.upload_file(src, file_name="a.png")
    assert time.monotonic() - started < GENEROUS_S
    assert len(sleeps.delays) == 1  # then the usual upload retry rules: sent again, up to the attempts
    assert caught.value.transient


@pytest.mark.usefixtures("small_bounds")
async def test_a_trickling_base64_upload_ends_too(tmp_path: Path) -> None:
    client = make_client(upload=_slow_reader, policy=RetryPolicy(attempts=1))
    async with asyncio.timeout(GENEROUS_S):
        with pytest.raises(KieTimeoutError, match="did not finish"):
            await client.upload_base64("A" * 4 * KB, file_name="b.png")


async def test_an_upload_within_its_deadline_is_unchanged(tmp_path: Path) -> None:
    src = tmp_path / "a.png"
    src.write_bytes(b"\x89PNG" + b"\0" * 1000)
    uploaded_file = await make_client(upload=Script(uploaded())).upload_file(src, file_name="a.png")
    assert uploaded_file.download_url.startswith("https://")


# --- Retry-After ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("asked", [86400.0, math.inf, math.nan, 1e308])
def test_a_retry_after_of_a_day_or_nonsense_is_cut_to_the_cap_and_logged(
    asked: float, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="upscaler")
    assert capped_retry_after(asked) == constants.RETRY_AFTER_CAP_S == 60.0
    assert "asked to wait" in caplog.text
    policy = RetryPolicy()
    assert retry_delay(1, retry_after=asked, policy=policy) <= policy.retry_after_cap


def test_a_reasonable_retry_after_is_kept() -> None:
    assert capped_retry_after(3.0) == 3.0
    assert capped_retry_after(None) is None
    assert capped_retry_after(-5.0) == 0.0
