"""Shared fakes for the KIE client tests (no tests here): scripted MockTransport handlers.

Named test_kie_*.py only to stay inside the files the KIE client owns; it holds no tests.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

import httpx

from upscaler_gui.core.kie import KieClient, RequestPacer, RetryPolicy

# Distinctive, so that a leak anywhere (message, repr, log) is found by a plain substring search.
KEY = "sk-LEAKCHECK-9f1c7e2ab4d35e60"
API_BASE = "https://api.kie.test"
UPLOAD_BASE = "https://upload.kie.test"
FAST = RetryPolicy(attempts=4, base_delay=0.5, max_delay=4.0, retry_after_cap=10.0)

Answer = httpx.Response | type[httpx.RequestError] | Callable[[httpx.Request], httpx.Response]


def ok(data: object, **extra: object) -> httpx.Response:
    return httpx.Response(200, json={"code": 200, "msg": "success", "data": data, **extra})


def body(code: int, msg: str = "", *, status: int = 200, key: str = "msg", **extra: object) -> httpx.Response:
    payload: dict[str, object] = {"code": code, **extra}
    if msg:
        payload[key] = msg
    return httpx.Response(status, json=payload)


def uploaded(name: str = "photo.png", url: str = "https://tempfile.test/x/photo.png") -> httpx.Response:
    data = {
        "fileName": name,
        "filePath": f"crisp-upscaler/abc/{name}",
        "downloadUrl": url,
        "fileSize": 1234,
        "mimeType": "image/png",
        "uploadedAt": "2026-01-01T12:00:00.000Z",
    }
    return httpx.Response(
        200, json={"success": True, "code": 200, "msg": "File uploaded successfully", "data": data}
    )


def record(state: object = "success", **fields: object) -> dict[str, object]:
    data: dict[str, object] = {
        "taskId": "task_1",
        "model": "recraft/crisp-upscale",
        "state": state,
        "resultJson": json.dumps({"resultUrls": ["https://tempfile.test/out.png"]})
        if state == "success"
        else "",
        "failCode": "",
        "failMsg": "",
        "costTime": 15000,
        "createTime": 1698765400000,
        "completeTime": 1698765432000,
    }
    data.update(fields)
    return data


class _Chunks(httpx.AsyncByteStream):
    def __init__(self, data: bytes, size: int) -> None:
        self.data, self.size = data, size

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for start in range(0, len(self.data), self.size):
            yield self.data[start : start + self.size]


def streamed(data: bytes, *, content_length: int | None = None, chunk: int = 16 * 1024) -> Answer:
    """A response whose body arrives in chunks, as from a socket (a fresh one per request)."""
    length = len(data) if content_length is None else content_length

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Length": str(length)}, stream=_Chunks(data, chunk))

    return answer


class Script:
    """A MockTransport handler: answers in order (the last one repeats) and records every request."""

    def __init__(self, *answers: Answer) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []
        self.bodies: list[bytes] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        self.bodies.append(request.read())
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, type):
            raise answer("scripted failure", request=request)
        if callable(answer) and not isinstance(answer, httpx.Response):
            return answer(request)
        return answer

    def json(self, index: int = -1) -> object:
        return json.loads(self.bodies[index])

    @property
    def count(self) -> int:
        return len(self.requests)


class Sleeps:
    """Stands in for asyncio.sleep: records the delays, sleeps not at all."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


@dataclass
class SpyPacer:
    """Records what the client asked of the pacer, in order."""

    events: list[tuple[str, str, float | None]] = field(default_factory=list)

    async def acquire(self, kind: str) -> None:
        self.events.append(("acquire", kind, None))

    def answered(self, kind: str) -> None:
        self.events.append(("answered", kind, None))

    def on_rate_limited(self, kind: str, retry_after: float | None) -> None:
        self.events.append(("rate_limited", kind, retry_after))


def unused(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"unexpected request to {request.url}")


def make_client(
    api: Callable[[httpx.Request], httpx.Response] = unused,
    *,
    upload: Callable[[httpx.Request], httpx.Response] = unused,
    files: Callable[[httpx.Request], httpx.Response] = unused,
    sleeps: Sleeps | None = None,
    pacer: RequestPacer | None = None,
    policy: RetryPolicy = FAST,
) -> KieClient:
    return KieClient(
        api=httpx.AsyncClient(base_url=API_BASE, transport=httpx.MockTransport(api)),
        upload=httpx.AsyncClient(base_url=UPLOAD_BASE, transport=httpx.MockTransport(upload)),
        files=httpx.AsyncClient(transport=httpx.MockTransport(files), follow_redirects=True),
        api_key=KEY,
        policy=policy,
        pacer=pacer,
        sleep=sleeps if sleeps is not None else Sleeps(),
    )


@dataclass
class Part:
    name: str
    filename: str | None
    content_type: str | None
    content: bytes


def multipart_parts(request: httpx.Request, content: bytes) -> dict[str, Part]:
    """The parts of a multipart/form-data body, by field name."""
    match = re.search(r"boundary=([^;]+)", request.headers["content-type"])
    assert match, request.headers["content-type"]
    boundary = b"--" + match.group(1).encode()
    parts: dict[str, Part] = {}
    for chunk in content.split(boundary)[1:-1]:
        head, _, data = chunk[2:].partition(b"\r\n\r\n")
        headers = head.decode()
        name = re.search(r'name="([^"]*)"', headers)
        filename = re.search(r'filename="([^"]*)"', headers)
        ctype = re.search(r"Content-Type: (\S+)", headers)
        assert name
        parts[name.group(1)] = Part(
            name.group(1),
            filename.group(1) if filename else None,
            ctype.group(1) if ctype else None,
            data[:-2],  # the CRLF before the next boundary
        )
    return parts
