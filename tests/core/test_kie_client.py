"""KieClient calls against MockTransport handlers: bodies, headers, records, links, downloads, secrecy."""

from __future__ import annotations

import io
import json
import logging

import httpx
import pytest

from upscaler_gui.core.constants import DOWNLOAD_CHUNK_BYTES, MODEL
from upscaler_gui.core.errors import (
    KieAuthError,
    KieConnectionError,
    KieCreditsError,
    KieError,
    KieMalformedAnswerError,
    KieTaskMismatchError,
    KieValidationError,
    ResultLinkExpiredError,
    UpscalerError,
)
from upscaler_gui.core.kie import KieClient

from .test_kie_fakes import (
    API_BASE,
    KEY,
    Script,
    Sleeps,
    body,
    make_client,
    ok,
    record,
    streamed,
)

# --- create -------------------------------------------------------------------------------------------


async def test_create_sends_the_documented_body_with_the_key() -> None:
    script = Script(ok({"taskId": "task_recraft_1765177373893"}))
    task_id = await make_client(script).create_task("https://img.test/photo.jpg")
    assert task_id == "task_recraft_1765177373893"
    request = script.requests[0]
    assert request.method == "POST"
    assert str(request.url) == f"{API_BASE}/api/v1/jobs/createTask"
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert script.json() == {"model": MODEL, "input": {"image": "https://img.test/photo.jpg"}}


async def test_create_passes_the_callback_only_when_given() -> None:
    script = Script(ok({"taskId": "t"}))
    await make_client(script).create_task("https://img.test/a.png", callback_url="https://me.test/cb")
    assert script.json() == {
        "model": MODEL,
        "input": {"image": "https://img.test/a.png"},
        "callBackUrl": "https://me.test/cb",
    }


async def test_create_accepts_a_numeric_task_id() -> None:
    assert await make_client(Script(ok({"taskId": 281}))).create_task("https://img.test/a.png") == "281"


async def test_create_logs_one_info_line_with_the_task_id(caplog: pytest.LogCaptureFixture) -> None:
    await make_client(Script(ok({"taskId": "task_9"}))).create_task("https://img.test/a.png?sig=SECRET")
    lines = [r.getMessage() for r in caplog.records if r.name == "upscaler.api"]
    assert len(lines) == 1
    assert "task_9" in lines[0] and MODEL in lines[0]
    assert "SECRET" not in lines[0]  # query strings may carry signatures


async def test_create_validation_error_keeps_kies_message() -> None:
    with pytest.raises(KieValidationError) as caught:
        await make_client(Script(body(422, "image must be a valid URL"))).create_task("nope")
    assert "image must be a valid URL" in str(caught.value)


# --- poll -----------------------------------------------------------------------------------------------


async def test_get_task_asks_record_info_for_the_task() -> None:
    script = Script(ok(record()))
    rec = await make_client(script).get_task("task_1")
    request = script.requests[0]
    assert request.method == "GET"
    assert request.url.path == "/api/v1/jobs/recordInfo"
    assert request.url.params["taskId"] == "task_1"
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert rec.result_urls == ("https://tempfile.test/out.png",)
    assert rec.cost_time_s == 15.0


async def test_get_task_logs_each_poll_at_debug(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="upscaler.api")
    await make_client(Script(ok(record("generating")))).get_task("task_1")
    polls = [r for r in caplog.records if "recordInfo task_1" in r.getMessage()]
    assert [r.levelname for r in polls] == ["DEBUG"]


async def test_get_task_unknown_state_is_returned_at_once_for_the_engine_to_report() -> None:
    script = Script(ok(record("exploded")))
    rec = await make_client(script).get_task("task_1")
    assert rec.is_unknown and rec.reported_state == "exploded"
    assert len(script.requests) == 1  # not retried as if the answer were garbled


async def test_get_task_refuses_a_record_made_from_another_image() -> None:
    other = json.dumps({"model": MODEL, "input": {"image": "https://other.test/b.png"}})
    script = Script(ok(record(param=other)))
    with pytest.raises(KieTaskMismatchError, match="task_1"):
        await make_client(script).get_task("task_1", expected_image="https://img.test/a.png")
    assert len(script.requests) == 1  # an answer, not a fault: asking again would not change it
    mine = json.dumps({"model": MODEL, "input": {"image": "https://img.test/a.png"}})
    rec = await make_client(Script(ok(record(param=mine)))).get_task(
        "task_1", expected_image="https://img.test/a.png"
    )
    assert rec.is_success


async def test_get_task_failed_record_is_returned_not_raised() -> None:
    rec = await make_client(Script(ok(record("fail", failCode=500, failMsg="internal error")))).get_task(
        "task_1"
    )
    assert rec.is_failed and rec.fail_code == "500"


# --- credits and fresh links --------------------------------------------------------------------------------


@pytest.mark.parametrize(("data", "expected"), [(100, 100.0), (12.5, 12.5), ("7", 7.0), (0, 0.0)])
async def test_credits(data: object, expected: float) -> None:
    script = Script(ok(data))
    assert await make_client(script).credits() == expected
    assert script.requests[0].url.path == "/api/v1/chat/credit"
    assert script.requests[0].headers["authorization"] == f"Bearer {KEY}"


@pytest.mark.parametrize("data", [None, "lots", {"balance": 5}, True])
async def test_credits_not_a_number_is_malformed(data: object) -> None:
    with pytest.raises(KieMalformedAnswerError):
        await make_client(Script(ok(data))).credits()


async def test_credits_out_of_credits() -> None:
    with pytest.raises(KieCreditsError):
        await make_client(Script(body(402, "Credits insufficient"))).credits()


async def test_fresh_download_url() -> None:
    script = Script(ok("https://tempfile.test/fresh.png?token=abc"))
    link = await make_client(script).fresh_download_url("https://tempfile.aiquickdraw.com/old.png")
    assert link == "https://tempfile.test/fresh.png?token=abc"
    request = script.requests[0]
    assert request.method == "POST" and request.url.path == "/api/v1/common/download-url"
    assert script.json() == {"url": "https://tempfile.aiquickdraw.com/old.png"}


async def test_fresh_download_url_refused_for_a_foreign_url() -> None:
    with pytest.raises(KieValidationError):
        await make_client(Script(body(422, "not a KIE url"))).fresh_download_url(
            "https://elsewhere.test/a.png"
        )


async def test_fresh_download_url_without_a_link_is_malformed() -> None:
    with pytest.raises(KieMalformedAnswerError):
        await make_client(Script(ok(None))).fresh_download_url("https://tempfile.test/a.png")


# --- downloads -------------------------------------------------------------------------------------------

RESULT = bytes(range(256)) * 1024  # 256 KiB: several chunks


async def test_download_streams_into_the_sink_without_the_key() -> None:
    script, sink = Script(httpx.Response(200, content=RESULT)), io.BytesIO()
    written = await make_client(files=script).download_to("https://tempfile.test/out.png", sink)
    assert written == len(RESULT)
    assert sink.getvalue() == RESULT
    assert "authorization" not in script.requests[0].headers  # result hosts are third parties


async def test_download_truncated_is_retried_from_an_empty_sink() -> None:
    truncated = httpx.Response(200, headers={"Content-Length": str(len(RESULT))}, content=RESULT[:1000])
    whole = httpx.Response(200, content=RESULT)
    script, sleeps, sink = Script(truncated, whole), Sleeps(), io.BytesIO()
    written = await make_client(files=script, sleeps=sleeps).download_to(
        "https://tempfile.test/out.png", sink
    )
    assert script.count == 2
    assert len(sleeps.delays) == 1
    assert written == len(RESULT)
    assert sink.getvalue() == RESULT  # the partial first attempt left nothing behind


async def test_download_truncated_on_a_real_stream_is_retried() -> None:
    # As from the network: the body arrives in chunks and stops short of its Content-Length.
    script = Script(streamed(RESULT[:70_000], content_length=len(RESULT)), streamed(RESULT))
    sink = io.BytesIO()
    written = await make_client(files=script).download_to("https://tempfile.test/out.png", sink)
    assert script.count == 2
    assert (written, sink.getvalue()) == (len(RESULT), RESULT)


async def test_download_writes_chunk_by_chunk() -> None:
    class CountingSink(io.BytesIO):
        writes: list[int]

        def write(self, data: bytes) -> int:  # type: ignore[override]
            self.writes.append(len(data))
            return super().write(data)

    sink = CountingSink()
    sink.writes = []
    big = RESULT * 4  # 1 MiB
    await make_client(files=Script(streamed(big))).download_to("https://tempfile.test/out.png", sink)
    assert sink.getvalue() == big
    assert len(sink.writes) > 1 and max(sink.writes) <= DOWNLOAD_CHUNK_BYTES


async def test_download_always_truncated_ends_as_a_connection_error() -> None:
    truncated = httpx.Response(200, headers={"Content-Length": "5000"}, content=b"x" * 10)
    with pytest.raises(KieConnectionError) as caught:
        await make_client(files=Script(truncated)).download_to("https://tempfile.test/o.png", io.BytesIO())
    assert "10 of 5000 bytes" in caught.value.message


async def test_download_dropped_midway_is_retried() -> None:
    script, sink = Script(httpx.ReadError, httpx.Response(200, content=b"PNGDATA")), io.BytesIO()
    assert await make_client(files=script).download_to("https://tempfile.test/o.png", sink) == 7
    assert sink.getvalue() == b"PNGDATA"


@pytest.mark.parametrize("status", [403, 404, 410])
async def test_download_of_an_expired_link_is_not_retried(status: int) -> None:
    script, sleeps = Script(httpx.Response(status, text="gone")), Sleeps()
    with pytest.raises(ResultLinkExpiredError):
        await make_client(files=script, sleeps=sleeps).download_to(
            "https://tempfile.test/o.png", io.BytesIO()
        )
    assert script.count == 1 and sleeps.delays == []


async def test_download_5xx_retried() -> None:
    script = Script(httpx.Response(502), httpx.Response(200, content=b"ok"))
    assert await make_client(files=script).download_to("https://tempfile.test/o.png", io.BytesIO()) == 2
    assert script.count == 2


async def test_download_follows_redirects() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "tempfile.test":
            return httpx.Response(302, headers={"Location": "https://cdn.test/real.png"})
        return httpx.Response(200, content=b"real")

    sink = io.BytesIO()
    assert await make_client(files=handler).download_to("https://tempfile.test/o.png", sink) == 4
    assert sink.getvalue() == b"real"


async def test_download_of_a_bad_address_is_a_clear_error() -> None:
    with pytest.raises(KieError) as caught:
        await make_client().download_to("ftp://tempfile.test/o.png", io.BytesIO())
    assert not caught.value.transient


# --- the key never shows ------------------------------------------------------------------------------------


def _texts(exc: BaseException) -> list[str]:
    """Every text an exception chain shows: str, repr, message, hint, causes and contexts."""
    texts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        texts += [str(current), repr(current), *(str(a) for a in current.args)]
        if isinstance(current, UpscalerError):
            texts += [current.message, current.hint, current.user_text()]
        current = current.__cause__ or current.__context__
    return texts


def _echo_key(request: httpx.Request) -> httpx.Response:
    # A hostile or buggy server that echoes the Authorization header into its message.
    return httpx.Response(200, json={"code": 401, "msg": f"bad header {request.headers['authorization']}"})


@pytest.mark.parametrize(
    "api",
    [
        Script(_echo_key),
        Script(httpx.Response(500, text=f"<html>{KEY}</html>")),
        Script(httpx.ReadTimeout),
        Script(httpx.ConnectError),
        Script(httpx.Response(200, text=f"Bearer {KEY} not json")),
    ],
    ids=["echoed", "html-500", "timeout", "connect", "malformed"],
)
async def test_key_never_in_errors_or_logs(api: Script, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="upscaler")
    client = make_client(api)
    for call in (client.create_task("https://img.test/a.png"), client.get_task("task_1"), client.credits()):
        with pytest.raises(UpscalerError) as caught:
            await call
        for text in _texts(caught.value):
            assert KEY not in text
    assert KEY not in caplog.text
    assert all(KEY not in r.getMessage() for r in caplog.records)


def test_key_never_in_the_clients_repr_or_vars() -> None:
    client = make_client()
    assert KEY not in repr(client)
    assert KEY not in repr(vars(client))
    assert API_BASE in repr(client)


def test_empty_key_is_refused_at_once() -> None:
    with pytest.raises(KieAuthError) as caught:
        make_client_with_key("   ")
    assert "KIE_API_KEY" in caught.value.hint


@pytest.mark.parametrize("bad", ["two words", "line\nbreak", "ключ-123456", "tab\tkey"])
def test_a_key_that_cannot_go_in_a_header_is_refused_without_quoting_it(bad: str) -> None:
    with pytest.raises(KieAuthError) as caught:
        make_client_with_key(bad)
    assert bad not in str(caught.value)
    assert "Copy the key again" in caught.value.hint


def test_key_is_stripped_and_registered_as_a_secret() -> None:
    from upscaler_gui.core.redact import redact

    make_client_with_key(f"  {KEY}\n")
    assert redact(f"x {KEY} y") == "x *** y"


def make_client_with_key(key: str) -> KieClient:
    transport = httpx.MockTransport(lambda r: ok(1))
    return KieClient(
        api=httpx.AsyncClient(base_url=API_BASE, transport=transport),
        upload=httpx.AsyncClient(transport=transport),
        files=httpx.AsyncClient(transport=transport),
        api_key=key,
    )
